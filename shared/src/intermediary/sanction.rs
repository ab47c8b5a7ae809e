//! Handling misconduct in three steps (warning interview, a deadline to rectify,
//! enforcement), and the triple sanction for proven misconduct (plagiarised reports,
//! fee fraud): barred from projects, entry frozen for two years, and a credit event
//! published on the feed other platforms read.

use serde::Serialize;
use time::Date;

/// How long entry stays frozen after the triple sanction, in years.
pub const FREEZE_YEARS: i32 = 2;

/// Proven misconduct that triggers the triple sanction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Misconduct {
    /// A plagiarised or fabricated report.
    PlagiarisedReport,
    /// Fees charged beyond the contract or hidden.
    FeeFraud,
    /// Collusion between bidders.
    BidRigging,
}

impl Misconduct {
    /// From its wire name.
    pub fn parse(text: &str) -> Option<Misconduct> {
        match text {
            "plagiarised_report" => Some(Misconduct::PlagiarisedReport),
            "fee_fraud" => Some(Misconduct::FeeFraud),
            "bid_rigging" => Some(Misconduct::BidRigging),
            _ => None,
        }
    }
}

/// The triple sanction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TripleSanction {
    /// The misconduct proven.
    pub misconduct: Misconduct,
    /// The day it was proven: barred from projects from then on.
    pub from: Date,
    /// The agency may not enter the marketplace again before this day.
    pub frozen_until: Date,
}

impl TripleSanction {
    /// The sanction for `misconduct` proven on `day`.
    pub fn impose(misconduct: Misconduct, day: Date) -> TripleSanction {
        let until = day
            .replace_year(day.year() + FREEZE_YEARS)
            // 29 February: the freeze ends on 1 March two years on.
            .unwrap_or_else(|_| {
                Date::from_calendar_date(day.year() + FREEZE_YEARS, time::Month::March, 1)
                    .expect("1 March exists")
            });
        TripleSanction {
            misconduct,
            from: day,
            frozen_until: until,
        }
    }

    /// Whether it bars the agency on `day` (from bidding and from entering again).
    pub fn bars_on(&self, day: Date) -> bool {
        self.from <= day && day < self.frozen_until
    }
}

/// The three steps of handling a warning card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 约谈: the agency is called to a warning interview.
    WarningInterview,
    /// 限期整改: a deadline to rectify.
    Rectify,
    /// 依法处置: enforcement.
    Enforcement,
}

/// The next step after `current` (none after enforcement): steps are never skipped.
pub fn next_step(current: Option<Step>) -> Option<Step> {
    match current {
        None => Some(Step::WarningInterview),
        Some(Step::WarningInterview) => Some(Step::Rectify),
        Some(Step::Rectify) => Some(Step::Enforcement),
        Some(Step::Enforcement) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_triple_sanction_bars_for_two_years() {
        let s = TripleSanction::impose(Misconduct::FeeFraud, date!(2026 - 12 - 03));
        assert_eq!(s.frozen_until, date!(2028 - 12 - 03));
        assert!(!s.bars_on(date!(2026 - 12 - 02)));
        assert!(s.bars_on(date!(2026 - 12 - 03)));
        assert!(s.bars_on(date!(2028 - 12 - 02)));
        assert!(!s.bars_on(date!(2028 - 12 - 03)));
        let leap = TripleSanction::impose(Misconduct::PlagiarisedReport, date!(2028 - 02 - 29));
        assert_eq!(leap.frozen_until, date!(2030 - 03 - 01));
        assert_eq!(
            Misconduct::parse("bid_rigging"),
            Some(Misconduct::BidRigging)
        );
        assert_eq!(Misconduct::parse("gossip"), None);
    }

    #[test]
    fn handling_goes_through_three_steps_in_order() {
        assert_eq!(next_step(None), Some(Step::WarningInterview));
        assert_eq!(next_step(Some(Step::WarningInterview)), Some(Step::Rectify));
        assert_eq!(next_step(Some(Step::Rectify)), Some(Step::Enforcement));
        assert_eq!(next_step(Some(Step::Enforcement)), None);
    }
}
