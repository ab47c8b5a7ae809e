//! The four-dimension evaluation (timeliness measured by the system from the
//! deadlines; quality, attitude and fees rated by the owner), the star bands, the live
//! rating per agency, the reversal of the burden of proof below 60 (举证倒置), and the
//! three-colour warnings: yellow after two consecutive scores below 70, orange at three
//! stars or fewer, red for a serious violation. Weights and bands are configuration
//! with the defaults of `../shared/domain/intermediary.md`.

use serde::{Deserialize, Serialize};
use time::Date;

/// Weights (percent, summing to 100) and star bands (lowest score of each band).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRules {
    /// Timeliness weight.
    pub timeliness: u8,
    /// Quality weight.
    pub quality: u8,
    /// Attitude weight.
    pub attitude: u8,
    /// Fees weight.
    pub fees: u8,
    /// Lowest score of ★5, ★4, ★3, ★2 (below the last: ★1).
    pub star_bands: [u8; 4],
    /// Scores below this reverse the burden of proof.
    pub burden_below: u8,
    /// Scores below this count toward a yellow card.
    pub yellow_below: u8,
    /// Consecutive such scores that give a yellow card.
    pub yellow_after: u8,
    /// A live rating of this many stars or fewer gives an orange card.
    pub orange_at_stars: u8,
    /// Points timeliness loses per day late.
    pub points_per_day_late: u8,
}

impl Default for EvaluationRules {
    fn default() -> EvaluationRules {
        EvaluationRules {
            timeliness: 25,
            quality: 25,
            attitude: 25,
            fees: 25,
            star_bands: [90, 80, 70, 60],
            burden_below: 60,
            yellow_below: 70,
            yellow_after: 2,
            orange_at_stars: 3,
            points_per_day_late: 10,
        }
    }
}

/// What is wrong with a configuration or a rating.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    /// The weights do not sum to 100.
    #[error("the weights must sum to 100")]
    Weights,
    /// The star bands are not strictly decreasing within 1–100.
    #[error("the star bands must fall strictly within 1–100")]
    Bands,
    /// A rating is outside 0–100.
    #[error("ratings are 0–100")]
    Rating,
}

impl EvaluationRules {
    /// Checks the configuration.
    pub fn check(&self) -> Result<(), EvaluationError> {
        let sum: u32 = [self.timeliness, self.quality, self.attitude, self.fees]
            .iter()
            .map(|w| u32::from(*w))
            .sum();
        if sum != 100 {
            return Err(EvaluationError::Weights);
        }
        let b = self.star_bands;
        if !(b[0] <= 100 && b[0] > b[1] && b[1] > b[2] && b[2] > b[3] && b[3] >= 1) {
            return Err(EvaluationError::Bands);
        }
        Ok(())
    }

    /// Stars for a score.
    pub fn stars(&self, score: u8) -> u8 {
        match self.star_bands.iter().position(|low| score >= *low) {
            Some(i) => 5 - i as u8,
            None => 1,
        }
    }
}

/// Timeliness measured from the contractual deadline and the delivery day: 100 on
/// time, less `points_per_day_late` per calendar day late, at least 0.
pub fn timeliness(rules: &EvaluationRules, due: Date, delivered: Date) -> u8 {
    let late = (delivered - due).whole_days().max(0);
    let lost = late.saturating_mul(i64::from(rules.points_per_day_late));
    (100 - lost.min(100)) as u8
}

/// The owner's ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ratings {
    /// Quality of the work, 0–100.
    #[schemars(range(max = 100))]
    pub quality: u8,
    /// Attitude, 0–100.
    #[schemars(range(max = 100))]
    pub attitude: u8,
    /// Fees, 0–100.
    #[schemars(range(max = 100))]
    pub fees: u8,
}

/// One evaluation's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Score {
    /// Timeliness, measured.
    pub timeliness: u8,
    /// The weighted total, 0–100 (half up).
    pub total: u8,
    /// Its stars.
    pub stars: u8,
    /// Whether the agency must now prove its work with evidence.
    pub burden_reversed: bool,
}

/// Scores an evaluation.
pub fn score(
    rules: &EvaluationRules,
    timeliness_points: u8,
    r: Ratings,
) -> Result<Score, EvaluationError> {
    if [r.quality, r.attitude, r.fees].iter().any(|x| *x > 100) || timeliness_points > 100 {
        return Err(EvaluationError::Rating);
    }
    let weighted = u32::from(rules.timeliness) * u32::from(timeliness_points)
        + u32::from(rules.quality) * u32::from(r.quality)
        + u32::from(rules.attitude) * u32::from(r.attitude)
        + u32::from(rules.fees) * u32::from(r.fees);
    let total = ((weighted + 50) / 100) as u8;
    Ok(Score {
        timeliness: timeliness_points,
        total,
        stars: rules.stars(total),
        burden_reversed: total < rules.burden_below,
    })
}

/// The live rating of an agency: the mean of its scores (half up) and its stars;
/// `None` before its first evaluation.
pub fn live_rating(rules: &EvaluationRules, scores: &[u8]) -> Option<(u8, u8)> {
    if scores.is_empty() {
        return None;
    }
    let sum: u64 = scores.iter().map(|s| u64::from(*s)).sum();
    let n = scores.len() as u64;
    let mean = ((sum * 2 + n) / (2 * n)) as u8;
    Some((mean, rules.stars(mean)))
}

/// A warning card, from the mildest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Card {
    /// Repeated low scores.
    Yellow,
    /// A live rating of three stars or fewer.
    Orange,
    /// A serious violation: expelled.
    Red,
}

/// The card an agency holds: the most severe that applies. `scores` are its
/// evaluations, oldest first.
pub fn card(rules: &EvaluationRules, scores: &[u8], serious_violation: bool) -> Option<Card> {
    if serious_violation {
        return Some(Card::Red);
    }
    if let Some((_, stars)) = live_rating(rules, scores)
        && stars <= rules.orange_at_stars
    {
        return Some(Card::Orange);
    }
    let run = scores
        .iter()
        .rev()
        .take_while(|s| **s < rules.yellow_below)
        .count();
    (run >= usize::from(rules.yellow_after) && rules.yellow_after > 0).then_some(Card::Yellow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_default_bands_and_weights_are_the_domains() {
        let r = EvaluationRules::default();
        assert_eq!(r.check(), Ok(()));
        for (score, stars) in [
            (100, 5),
            (90, 5),
            (89, 4),
            (80, 4),
            (79, 3),
            (70, 3),
            (69, 2),
            (60, 2),
            (59, 1),
            (0, 1),
        ] {
            assert_eq!(r.stars(score), stars, "{score}");
        }
        let bad = EvaluationRules { fees: 30, ..r };
        assert_eq!(bad.check(), Err(EvaluationError::Weights));
        let bad = EvaluationRules {
            star_bands: [90, 90, 70, 60],
            ..r
        };
        assert_eq!(bad.check(), Err(EvaluationError::Bands));
    }

    #[test]
    fn timeliness_is_measured_and_the_total_weighted_half_up() {
        let r = EvaluationRules::default();
        assert_eq!(
            timeliness(&r, date!(2026 - 12 - 10), date!(2026 - 12 - 09)),
            100
        );
        assert_eq!(
            timeliness(&r, date!(2026 - 12 - 10), date!(2026 - 12 - 13)),
            70
        );
        assert_eq!(
            timeliness(&r, date!(2026 - 12 - 10), date!(2027 - 12 - 13)),
            0
        );
        let s = score(
            &r,
            70,
            Ratings {
                quality: 81,
                attitude: 80,
                fees: 80,
            },
        )
        .unwrap();
        // (70 + 81 + 80 + 80) / 4 = 77.75 → 78.
        assert_eq!((s.total, s.stars, s.burden_reversed), (78, 3, false));
        let low = score(
            &r,
            40,
            Ratings {
                quality: 60,
                attitude: 60,
                fees: 70,
            },
        )
        .unwrap();
        assert_eq!((low.total, low.stars, low.burden_reversed), (58, 1, true));
        assert!(
            score(
                &r,
                100,
                Ratings {
                    quality: 101,
                    attitude: 0,
                    fees: 0
                }
            )
            .is_err()
        );
    }

    #[test]
    fn cards_follow_low_scores_low_stars_and_violations() {
        let r = EvaluationRules::default();
        assert_eq!(card(&r, &[], false), None);
        assert_eq!(card(&r, &[95, 92, 69], false), None, "one low score");
        assert_eq!(card(&r, &[95, 95, 95, 69, 68], false), Some(Card::Yellow));
        assert_eq!(
            card(&r, &[69, 68, 95, 96, 97], false),
            None,
            "no longer consecutive"
        );
        assert_eq!(
            card(&r, &[75, 72, 79], false),
            Some(Card::Orange),
            "★3 live"
        );
        assert_eq!(card(&r, &[95], true), Some(Card::Red));
        assert_eq!(live_rating(&r, &[90, 91]), Some((91, 5)));
    }
}
