//! Irregular inspections the justice bureau is warned of: several agencies inspecting
//! one enterprise within a short period (多头执法), one agency inspecting it again
//! soon (重复执法) — both with the suggestion to combine inspections — and inspections
//! that never checked out. Computed from the inspections of a window on every read, so
//! a warning can never disagree with the record it is about.
//!
//! Case-driven inspections are left out of the first two: a complaint or a
//! rectification follow-up is a reason to come back, not a burden to combine.

use serde::Serialize;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// One inspection as the warnings see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// The inspection's id.
    pub id: String,
    /// The enterprise's credit code.
    pub enterprise: String,
    /// The agency.
    pub agency: String,
    /// `routine`, `case` or `special`.
    pub kind: String,
    /// Arrival.
    pub arrival: OffsetDateTime,
    /// Check-out, if any.
    pub left_at: Option<OffsetDateTime>,
}

/// The periods the warnings use (configuration; these are the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarningRules {
    /// Two or more agencies within this many days: a multi-agency warning.
    pub multi_agency_days: i64,
    /// The same agency again within this many days: a repeat warning.
    pub repeat_days: i64,
    /// No check-out this many hours after the arrival: a missing check-out.
    pub checkout_hours: i64,
}

impl Default for WarningRules {
    fn default() -> WarningRules {
        WarningRules {
            multi_agency_days: 30,
            repeat_days: 30,
            checkout_hours: 24,
        }
    }
}

/// A warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// Several agencies inspected the enterprise within the period.
    MultiAgency {
        /// The enterprise.
        enterprise: String,
        /// The agencies, sorted.
        agencies: Vec<String>,
        /// The inspections, by arrival.
        inspections: Vec<String>,
        /// What to do.
        suggestion_zh: String,
    },
    /// One agency inspected the enterprise again within the period.
    Repeated {
        /// The enterprise.
        enterprise: String,
        /// The agency.
        agency: String,
        /// The inspections, by arrival.
        inspections: Vec<String>,
        /// What to do.
        suggestion_zh: String,
    },
    /// An inspection never checked out.
    NoCheckout {
        /// The enterprise.
        enterprise: String,
        /// The agency.
        agency: String,
        /// The inspection.
        inspection: String,
        /// Hours since the arrival.
        hours_open: i64,
    },
}

/// Greedy clusters of `visits` (sorted by arrival): each starts at the first visit not
/// yet in a cluster and takes every later visit within `days` of it.
fn clusters(visits: &[&Visit], days: i64) -> Vec<Vec<Visit>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < visits.len() {
        let end = visits[i].arrival + Duration::days(days);
        let mut j = i;
        while j < visits.len() && visits[j].arrival <= end {
            j += 1;
        }
        out.push(visits[i..j].iter().map(|v| (*v).clone()).collect());
        i = j;
    }
    out
}

/// Every warning over `visits` as of `now`, enterprise by enterprise.
pub fn warnings(visits: &[Visit], now: OffsetDateTime, rules: WarningRules) -> Vec<Warning> {
    let mut by_enterprise: BTreeMap<&str, Vec<&Visit>> = BTreeMap::new();
    for v in visits.iter().filter(|v| v.kind != "case") {
        by_enterprise.entry(&v.enterprise).or_default().push(v);
    }
    let mut out = Vec::new();
    for (enterprise, mut list) in by_enterprise {
        list.sort_by(|a, b| (a.arrival, &a.id).cmp(&(b.arrival, &b.id)));
        for cluster in clusters(&list, rules.multi_agency_days) {
            let mut agencies: Vec<String> = cluster.iter().map(|v| v.agency.clone()).collect();
            agencies.sort();
            agencies.dedup();
            if agencies.len() >= 2 {
                out.push(Warning::MultiAgency {
                    enterprise: enterprise.to_owned(),
                    suggestion_zh: format!(
                        "{} 个机关在 {} 日内先后检查同一企业，建议由司法局统筹开展联合检查，“进一次门、查多项事”。",
                        agencies.len(),
                        rules.multi_agency_days
                    ),
                    agencies,
                    inspections: cluster.iter().map(|v| v.id.clone()).collect(),
                });
            }
        }
        let mut by_agency: BTreeMap<&str, Vec<&Visit>> = BTreeMap::new();
        for v in &list {
            by_agency.entry(&v.agency).or_default().push(v);
        }
        for (agency, visits) in by_agency {
            for cluster in clusters(&visits, rules.repeat_days) {
                if cluster.len() >= 2 {
                    out.push(Warning::Repeated {
                        enterprise: enterprise.to_owned(),
                        agency: agency.to_owned(),
                        inspections: cluster.iter().map(|v| v.id.clone()).collect(),
                        suggestion_zh: format!(
                            "同一机关 {} 日内对该企业检查 {} 次，建议合并检查事项，避免重复执法。",
                            rules.repeat_days,
                            cluster.len()
                        ),
                    });
                }
            }
        }
    }
    for v in visits {
        let open = now - v.arrival;
        if v.left_at.is_none() && open > Duration::hours(rules.checkout_hours) {
            out.push(Warning::NoCheckout {
                enterprise: v.enterprise.clone(),
                agency: v.agency.clone(),
                inspection: v.id.clone(),
                hours_open: open.whole_hours(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn visit(id: &str, ent: &str, agency: &str, kind: &str, day: u8) -> Visit {
        let arrival = datetime!(2026-11-01 09:00 +08:00) + Duration::days(i64::from(day) - 1);
        Visit {
            id: id.into(),
            enterprise: ent.into(),
            agency: agency.into(),
            kind: kind.into(),
            arrival,
            left_at: Some(arrival + Duration::hours(2)),
        }
    }

    const NOW: OffsetDateTime = datetime!(2026-12-03 09:00 +08:00);

    #[test]
    fn two_agencies_within_the_period_are_a_multi_agency_warning() {
        let visits = [
            visit("a", "E1", "market", "routine", 1),
            visit("b", "E1", "fire", "special", 20),
            visit("c", "E1", "env", "routine", 45),
            visit("d", "E2", "market", "routine", 1),
        ];
        let w = warnings(&visits, NOW, WarningRules::default());
        assert_eq!(w.len(), 1, "{w:?}");
        let Warning::MultiAgency {
            enterprise,
            agencies,
            inspections,
            ..
        } = &w[0]
        else {
            panic!("{w:?}")
        };
        assert_eq!(enterprise, "E1");
        assert_eq!(agencies, &["fire", "market"]);
        assert_eq!(inspections, &["a", "b"]);
    }

    #[test]
    fn the_same_agency_again_soon_is_a_repeat_but_case_driven_visits_are_not() {
        let visits = [
            visit("a", "E1", "market", "routine", 1),
            visit("b", "E1", "market", "routine", 10),
            visit("c", "E1", "market", "case", 12),
            visit("d", "E2", "market", "routine", 1),
            visit("e", "E2", "market", "case", 3),
        ];
        let w = warnings(&visits, NOW, WarningRules::default());
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            matches!(&w[0], Warning::Repeated { inspections, .. } if inspections == &["a", "b"])
        );
    }

    #[test]
    fn an_inspection_open_a_day_later_has_no_checkout() {
        let mut open = visit("a", "E1", "market", "case", 30);
        open.left_at = None;
        let mut fresh = visit("b", "E2", "market", "routine", 33);
        fresh.left_at = None;
        fresh.arrival = NOW - Duration::hours(3);
        let w = warnings(&[open, fresh], NOW, WarningRules::default());
        assert_eq!(
            w,
            vec![Warning::NoCheckout {
                enterprise: "E1".into(),
                agency: "market".into(),
                inspection: "a".into(),
                hours_open: 72,
            }]
        );
    }
}
