//! Who may bid and who wins. Only agencies qualified for the item (an approved
//! qualification valid on the day) and not sanctioned may bid, once, at or under the
//! budget cap, before the deadline. After the deadline the selection runs over the
//! valid bids: fewer than two and the round fails (it may be announced again); a
//! random draw needs three ([`super::draw`]); scoring ranks price and proposal.

use super::draw::{DrawError, MIN_DRAW_BIDDERS, draw};
use crate::money::Fen;
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// The fewest valid bids a round needs.
pub const MIN_VALID_BIDS: usize = 2;

/// How the winner is selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Method {
    /// The owner picks one of the valid bidders (直接选取).
    Direct,
    /// A random draw among at least three valid bidders (随机抽取).
    RandomDraw,
    /// Price and proposal scored (综合评分): `price_weight` percent for the price
    /// (lowest price / this price × 100), the rest for the owner's proposal score.
    Scoring {
        /// The price's weight in percent (10–90).
        price_weight: u8,
    },
}

/// An agency's qualification for an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualification {
    /// Approved by staff.
    pub approved: bool,
    /// Valid until this day, inclusive.
    pub valid_until: Date,
}

/// A bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bid {
    /// The bidding agency.
    pub agency: String,
    /// Its price.
    pub price: Fen,
    /// The owner's score of its proposal, 0–100 (scoring only).
    pub proposal_score: Option<u8>,
}

/// Why a bid is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BidRefusal {
    /// The bids are closed.
    #[error("the bid deadline has passed")]
    Closed,
    /// No approved qualification for the item.
    #[error("not qualified for this item")]
    NotQualified,
    /// The qualification expired.
    #[error("the qualification for this item has expired")]
    QualificationExpired,
    /// The agency is barred by a sanction.
    #[error("barred from projects by a sanction")]
    Sanctioned,
    /// The agency bid already.
    #[error("one bid per agency")]
    AlreadyBid,
    /// Over the budget cap, or not a positive price.
    #[error("the price must be positive and at most the cap of {cap} fen")]
    Price {
        /// The cap.
        cap: i64,
    },
}

impl BidRefusal {
    /// Every code [`BidRefusal::code`] answers.
    pub const CODES: &'static [&'static str] = &[
        "INTERMEDIARY_BIDS_CLOSED",
        "INTERMEDIARY_NOT_QUALIFIED",
        "INTERMEDIARY_QUALIFICATION_EXPIRED",
        "INTERMEDIARY_SANCTIONED",
        "INTERMEDIARY_ALREADY_BID",
        "INTERMEDIARY_PRICE_INVALID",
    ];

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            BidRefusal::Closed => "INTERMEDIARY_BIDS_CLOSED",
            BidRefusal::NotQualified => "INTERMEDIARY_NOT_QUALIFIED",
            BidRefusal::QualificationExpired => "INTERMEDIARY_QUALIFICATION_EXPIRED",
            BidRefusal::Sanctioned => "INTERMEDIARY_SANCTIONED",
            BidRefusal::AlreadyBid => "INTERMEDIARY_ALREADY_BID",
            BidRefusal::Price { .. } => "INTERMEDIARY_PRICE_INVALID",
        }
    }
}

/// Everything a bid is judged on.
#[derive(Debug, Clone)]
pub struct BidFacts<'a> {
    /// Now.
    pub now: OffsetDateTime,
    /// Today (China Standard Time), for validity dates.
    pub today: Date,
    /// The bid deadline.
    pub deadline: OffsetDateTime,
    /// The budget cap.
    pub cap: Fen,
    /// The agency's qualification for the item, if any.
    pub qualification: Option<&'a Qualification>,
    /// Whether a sanction bars it today.
    pub sanctioned: bool,
    /// Whether it bid on this project already.
    pub already_bid: bool,
    /// The price bid.
    pub price: Fen,
}

/// Judges a bid.
pub fn check_bid(f: &BidFacts<'_>) -> Result<(), BidRefusal> {
    if f.now >= f.deadline {
        return Err(BidRefusal::Closed);
    }
    let q = f
        .qualification
        .filter(|q| q.approved)
        .ok_or(BidRefusal::NotQualified)?;
    if q.valid_until < f.today {
        return Err(BidRefusal::QualificationExpired);
    }
    if f.sanctioned {
        return Err(BidRefusal::Sanctioned);
    }
    if f.already_bid {
        return Err(BidRefusal::AlreadyBid);
    }
    if f.price.get() <= 0 || f.price > f.cap {
        return Err(BidRefusal::Price { cap: f.cap.get() });
    }
    Ok(())
}

/// How a round ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Too few valid bids: the round failed and may be announced again.
    Failed {
        /// Valid bids received.
        valid_bids: usize,
        /// What the method needed.
        needed: usize,
    },
    /// The winner.
    Awarded {
        /// The winning agency.
        agency: String,
        /// Its price.
        price: Fen,
        /// Its total score (scoring), in hundredths of a point.
        score_centi: Option<u32>,
    },
}

/// Why a selection cannot run as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    /// Direct selection names no valid bidder.
    #[error("the chosen agency made no valid bid")]
    NotABidder,
    /// Scoring without every proposal scored.
    #[error("every valid bid needs its proposal score (0–100)")]
    ProposalUnscored,
    /// The price weight is out of 10–90.
    #[error("the price weight must be 10–90")]
    Weight,
    /// The draw's seed or bidders.
    #[error(transparent)]
    Draw(#[from] DrawError),
}

/// The scores of a scoring round, each bid's total in hundredths of a point: price
/// score = lowest price / price × 100, total = weight × price score + (100 − weight) ×
/// proposal score, all in integers (no float decides a contract).
pub fn scores(bids: &[Bid], price_weight: u8) -> Result<Vec<u32>, SelectionError> {
    if !(10..=90).contains(&price_weight) {
        return Err(SelectionError::Weight);
    }
    let lowest = bids.iter().map(|b| b.price.get()).min().unwrap_or(1).max(1);
    bids.iter()
        .map(|b| {
            let proposal = b
                .proposal_score
                .filter(|s| *s <= 100)
                .ok_or(SelectionError::ProposalUnscored)?;
            // Price score in hundredths: lowest × 10,000 / price, at most 10,000.
            let price_centi =
                (i128::from(lowest) * 10_000 / i128::from(b.price.get().max(1))) as u32;
            let total = (u32::from(price_weight) * price_centi
                + u32::from(100 - price_weight) * u32::from(proposal) * 100)
                / 100;
            Ok(total)
        })
        .collect()
}

/// Selects the winner among the valid bids. `seed` is the draw's revealed seed
/// (random draw); `chosen` the owner's pick (direct selection).
pub fn select(
    method: Method,
    valid: &[Bid],
    seed: Option<&[u8]>,
    chosen: Option<&str>,
) -> Result<Outcome, SelectionError> {
    let needed = match method {
        Method::RandomDraw => MIN_DRAW_BIDDERS,
        _ => MIN_VALID_BIDS,
    };
    if valid.len() < needed {
        return Ok(Outcome::Failed {
            valid_bids: valid.len(),
            needed,
        });
    }
    match method {
        Method::Direct => {
            let pick = chosen
                .and_then(|c| valid.iter().find(|b| b.agency == c))
                .ok_or(SelectionError::NotABidder)?;
            Ok(Outcome::Awarded {
                agency: pick.agency.clone(),
                price: pick.price,
                score_centi: None,
            })
        }
        Method::RandomDraw => {
            let ids: Vec<String> = valid.iter().map(|b| b.agency.clone()).collect();
            let (_, winner) = draw(seed.unwrap_or_default(), &ids)?;
            let bid = valid
                .iter()
                .find(|b| b.agency == winner)
                .expect("the winner is a bidder");
            Ok(Outcome::Awarded {
                agency: winner,
                price: bid.price,
                score_centi: None,
            })
        }
        Method::Scoring { price_weight } => {
            let totals = scores(valid, price_weight)?;
            // Highest total; ties to the lower price, then the lower agency id, so the
            // result never depends on the order bids arrived in.
            let (best, total) = valid
                .iter()
                .zip(totals)
                .max_by(|(a, ta), (b, tb)| {
                    ta.cmp(tb)
                        .then(b.price.cmp(&a.price))
                        .then(b.agency.cmp(&a.agency))
                })
                .expect("at least two bids");
            Ok(Outcome::Awarded {
                agency: best.agency.clone(),
                price: best.price,
                score_centi: Some(total),
            })
        }
    }
}

#[cfg(test)]
#[path = "selection_tests.rs"]
mod tests;
