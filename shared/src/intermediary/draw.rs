//! The random draw among qualified bidders, verifiable by anyone afterwards.
//!
//! When the notice is published, the platform draws a secret seed and publishes only
//! its commitment, SHA-256(seed). After the bids close it publishes the seed. The
//! winner is then a function of public data alone: sort the valid bidders' ids
//! (byte order, duplicates refused), hash `seed ‖ 0x0A ‖ ids joined by 0x0A`, read the
//! first 16 bytes as a big-endian integer and take it modulo the number of bidders.
//! Because the seed was fixed before any bid arrived, neither the platform nor a bidder
//! could steer the draw by choosing whom to admit; because the commitment is public,
//! the platform cannot swap the seed afterwards. 128 bits modulo at most a few
//! thousand bidders leaves a bias below 2^-116: no bidder is measurably favoured.

use sha2::{Digest, Sha256};

/// The fewest bidders a draw is held among.
pub const MIN_DRAW_BIDDERS: usize = 3;
/// The shortest seed accepted, in bytes.
pub const MIN_SEED_BYTES: usize = 32;

/// A published commitment: the seed's SHA-256, hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment(pub String);

impl Commitment {
    /// The commitment to `seed`.
    pub fn to(seed: &[u8]) -> Commitment {
        Commitment(hex::encode(Sha256::digest(seed)))
    }

    /// Whether `seed` is the seed committed to.
    pub fn opens_with(&self, seed: &[u8]) -> bool {
        Commitment::to(seed).0.eq_ignore_ascii_case(&self.0)
    }
}

/// Why a draw cannot be held or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    /// Fewer bidders than a draw needs.
    #[error("a draw needs at least {needed} bidders, there are {found}")]
    TooFewBidders {
        /// The minimum.
        needed: usize,
        /// How many there are.
        found: usize,
    },
    /// A bidder appears twice.
    #[error("bidder {0} appears twice")]
    DuplicateBidder(String),
    /// The seed is shorter than [`MIN_SEED_BYTES`].
    #[error("the seed is too short")]
    SeedTooShort,
    /// The seed does not open the published commitment.
    #[error("the seed does not match the published commitment")]
    SeedMismatch,
}

/// The bidders in draw order: sorted by byte order, each once.
fn ordered(bidders: &[String]) -> Result<Vec<&str>, DrawError> {
    let mut sorted: Vec<&str> = bidders.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(DrawError::DuplicateBidder(w[0].to_owned()));
    }
    Ok(sorted)
}

/// Draws the winner among `bidders` with `seed`: the winner's id and its index in the
/// sorted list.
pub fn draw(seed: &[u8], bidders: &[String]) -> Result<(usize, String), DrawError> {
    if seed.len() < MIN_SEED_BYTES {
        return Err(DrawError::SeedTooShort);
    }
    let sorted = ordered(bidders)?;
    if sorted.len() < MIN_DRAW_BIDDERS {
        return Err(DrawError::TooFewBidders {
            needed: MIN_DRAW_BIDDERS,
            found: sorted.len(),
        });
    }
    let mut h = Sha256::new();
    h.update(seed);
    h.update(b"\n");
    h.update(sorted.join("\n").as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    let index = (u128::from_be_bytes(first) % sorted.len() as u128) as usize;
    Ok((index, sorted[index].to_owned()))
}

/// Checks a published draw from the published data alone: the seed opens the
/// commitment and the draw over the bidders names `winner`.
pub fn verify_draw(
    commitment: &Commitment,
    seed: &[u8],
    bidders: &[String],
    winner: &str,
) -> Result<bool, DrawError> {
    if !commitment.opens_with(seed) {
        return Err(DrawError::SeedMismatch);
    }
    Ok(draw(seed, bidders)?.1 == winner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    const SEED: &[u8] = b"0123456789abcdef0123456789abcdef-seed";

    #[test]
    fn anyone_recomputes_the_winner_from_the_published_data() {
        let bidders = ids(&["agency-c", "agency-a", "agency-b", "agency-d"]);
        let commitment = Commitment::to(SEED);
        let (index, winner) = draw(SEED, &bidders).unwrap();
        // The order the bids arrived in does not matter.
        let mut shuffled = bidders.clone();
        shuffled.reverse();
        assert_eq!(draw(SEED, &shuffled).unwrap(), (index, winner.clone()));
        assert_eq!(verify_draw(&commitment, SEED, &bidders, &winner), Ok(true));
        let loser = bidders.iter().find(|b| **b != winner).unwrap();
        assert_eq!(verify_draw(&commitment, SEED, &bidders, loser), Ok(false));
        // Another seed does not open the commitment.
        assert_eq!(
            verify_draw(
                &commitment,
                b"another seed of enough length, 32+ bytes",
                &bidders,
                &winner
            ),
            Err(DrawError::SeedMismatch)
        );
    }

    #[test]
    fn the_draw_follows_the_published_algorithm_exactly() {
        // Independent recomputation of the documented algorithm.
        let bidders = ids(&["b", "a", "c"]);
        let mut h = Sha256::new();
        h.update(SEED);
        h.update(b"\na\nb\nc");
        let d = h.finalize();
        let n = u128::from_be_bytes(d[..16].try_into().unwrap()) % 3;
        let expected = ["a", "b", "c"][n as usize];
        assert_eq!(draw(SEED, &bidders).unwrap().1, expected);
    }

    #[test]
    fn draws_need_three_distinct_bidders_and_a_long_seed() {
        assert_eq!(
            draw(SEED, &ids(&["a", "b"])),
            Err(DrawError::TooFewBidders {
                needed: 3,
                found: 2
            })
        );
        assert_eq!(
            draw(SEED, &ids(&["a", "b", "a"])),
            Err(DrawError::DuplicateBidder("a".into()))
        );
        assert_eq!(
            draw(b"short", &ids(&["a", "b", "c"])),
            Err(DrawError::SeedTooShort)
        );
    }

    #[test]
    fn every_bidder_can_win() {
        let bidders = ids(&["a", "b", "c", "d", "e"]);
        let mut won = std::collections::BTreeSet::new();
        for i in 0..200u32 {
            let seed = format!("seed-{i:04}-0123456789abcdef0123456789");
            won.insert(draw(seed.as_bytes(), &bidders).unwrap().1);
        }
        assert_eq!(won.len(), 5);
    }
}
