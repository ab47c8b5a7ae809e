//! The daily statement of a site: what its sockets sold on one local day.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::ids::SiteId;
use super::model::Protection;
use super::quantity::Wh;
use super::session::{EndReason, Settlement};
use super::tariff::CHINA;
use crate::money::Fen;

/// A settled session and the site its socket stands at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedSession {
    /// The site.
    pub site: SiteId,
    /// The settlement.
    pub settlement: Settlement,
}

/// One site's day (China local date of each session's end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DailyStatement {
    /// The site.
    pub site: SiteId,
    /// The local day, as `[year, day of the year]` (the day's serde form).
    #[schemars(with = "(i32, u16)")]
    pub day: Date,
    /// Sessions that ended that day.
    pub uses: u32,
    /// Energy metered in them.
    pub energy: Wh,
    /// Prepaid in them.
    pub prepaid: Fen,
    /// Revenue: what was charged.
    pub revenue: Fen,
    /// Refunded.
    pub refunded: Fen,
    /// Sessions that ended with an alarm: a protection trip or an implausible meter.
    pub alarms: u32,
    /// Trips by protection.
    pub trips: BTreeMap<Protection, u32>,
    /// Sessions by end reason code.
    pub ended_by: BTreeMap<String, u32>,
}

/// The statement of `site` for `day` from any list of closed sessions (other sites and
/// days are ignored). Always `revenue + refunded = prepaid`.
pub fn daily_statement(site: &SiteId, day: Date, sessions: &[ClosedSession]) -> DailyStatement {
    let mut st = DailyStatement {
        site: site.clone(),
        day,
        uses: 0,
        energy: Wh::ZERO,
        prepaid: Fen::ZERO,
        revenue: Fen::ZERO,
        refunded: Fen::ZERO,
        alarms: 0,
        trips: BTreeMap::new(),
        ended_by: BTreeMap::new(),
    };
    for c in sessions {
        let s = &c.settlement;
        if &c.site != site || s.ended_at.to_offset(CHINA).date() != day {
            continue;
        }
        st.uses += 1;
        st.energy = Wh(st.energy.0 + s.energy.0);
        st.prepaid = st.prepaid + s.prepaid;
        st.revenue = st.revenue + s.charged;
        st.refunded = st.refunded + s.refunded;
        match s.reason {
            EndReason::ProtectionTrip { protection } => {
                st.alarms += 1;
                *st.trips.entry(protection).or_default() += 1;
            }
            EndReason::MeterImplausible => st.alarms += 1,
            _ => {}
        }
        *st.ended_by.entry(s.reason.code().to_owned()).or_default() += 1;
    }
    st
}

/// Statements for every site that had a session end on `day`, ordered by site.
pub fn daily_statements(day: Date, sessions: &[ClosedSession]) -> Vec<DailyStatement> {
    let mut sites: Vec<&SiteId> = sessions
        .iter()
        .filter(|c| c.settlement.ended_at.to_offset(CHINA).date() == day)
        .map(|c| &c.site)
        .collect();
    sites.sort();
    sites.dedup();
    sites
        .into_iter()
        .map(|site| daily_statement(site, day, sessions))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metering::ids::MeterId;
    use crate::metering::quantity::MicroFen;
    use time::macros::{date, datetime};

    fn closed(
        site: &str,
        ended_at: time::OffsetDateTime,
        charged: i64,
        reason: EndReason,
    ) -> ClosedSession {
        ClosedSession {
            site: SiteId::parse(site).unwrap(),
            settlement: Settlement {
                meter: MeterId::parse("000000000001").unwrap(),
                prepaid: Fen(1000),
                charged: Fen(charged),
                refunded: Fen(1000 - charged),
                exact_charge: MicroFen(charged * 1_000_000),
                energy: Wh(charged as u64 * 10),
                reason,
                ended_at,
            },
        }
    }

    #[test]
    fn sums_one_site_one_local_day() {
        let trip = EndReason::ProtectionTrip {
            protection: Protection::OverVoltage,
        };
        let sessions = vec![
            closed(
                "a",
                datetime!(2025-06-10 08:00 +8),
                196,
                EndReason::CustomerStop,
            ),
            closed("a", datetime!(2025-06-10 23:30 +8), 50, trip),
            // 2025-06-10 16:30 UTC is 2025-06-11 00:30 local: the next day.
            closed("a", datetime!(2025-06-10 16:30 UTC), 70, EndReason::Stale),
            closed(
                "a",
                datetime!(2025-06-10 20:00 +8),
                0,
                EndReason::MeterImplausible,
            ),
            closed(
                "b",
                datetime!(2025-06-10 09:00 +8),
                300,
                EndReason::BalanceExhausted,
            ),
        ];
        let a = SiteId::parse("a").unwrap();
        let st = daily_statement(&a, date!(2025 - 06 - 10), &sessions);
        assert_eq!(st.uses, 3);
        assert_eq!(st.revenue, Fen(246));
        assert_eq!(st.refunded, Fen(3000 - 246));
        assert_eq!(st.revenue + st.refunded, st.prepaid);
        assert_eq!(st.energy, Wh(2460));
        // A trip and an implausible meter each raised an alarm; only one was a trip.
        assert_eq!(st.alarms, 2);
        assert_eq!(st.trips.get(&Protection::OverVoltage), Some(&1));
        assert_eq!(st.trips.values().sum::<u32>(), 1);
        assert_eq!(st.ended_by.get("customer_stop"), Some(&1));
        assert_eq!(st.ended_by.get("meter_implausible"), Some(&1));

        let all = daily_statements(date!(2025 - 06 - 10), &sessions);
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].revenue, Fen(300));
        assert_eq!(
            daily_statements(date!(2025 - 06 - 11), &sessions)[0].uses,
            1
        );
    }
}
