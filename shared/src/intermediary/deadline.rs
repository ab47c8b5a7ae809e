//! The dual deadlines of a contract — the statutory one in working days (the core's
//! calendar), the contractual one in calendar days, never after the statutory one —
//! and what the schedule sends: reminders the configured days before each deadline,
//! and notices once a deadline passed undelivered.

use crate::calendar::{CalendarError, WorkingCalendar};
use serde::Serialize;
use time::{Date, Duration};

/// The two deadlines of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DualDeadlines {
    /// The statutory service deadline.
    pub statutory: Date,
    /// The contractual deadline.
    pub contractual: Date,
}

/// Which deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// The statutory one.
    Statutory,
    /// The contractual one.
    Contractual,
}

impl Which {
    /// Its wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Which::Statutory => "statutory",
            Which::Contractual => "contractual",
        }
    }

    /// Its name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Which::Statutory => "法定时限",
            Which::Contractual => "合同约定时限",
        }
    }
}

/// Why the deadlines cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The calendar does not know the years involved.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The contract promises later than the law allows.
    #[error("the contractual deadline {contractual} falls after the statutory one {statutory}")]
    ContractAfterStatute {
        /// The contractual deadline.
        contractual: Date,
        /// The statutory deadline.
        statutory: Date,
    },
}

/// The deadlines of a contract signed on `signed_on`.
pub fn deadlines(
    calendar: &WorkingCalendar,
    signed_on: Date,
    statutory_working_days: u32,
    contractual_days: u32,
) -> Result<DualDeadlines, DeadlineError> {
    let statutory = calendar.add_working_days(signed_on, statutory_working_days)?;
    let contractual = signed_on + Duration::days(i64::from(contractual_days));
    if contractual > statutory {
        return Err(DeadlineError::ContractAfterStatute {
            contractual,
            statutory,
        });
    }
    Ok(DualDeadlines {
        statutory,
        contractual,
    })
}

/// A reminder due today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// Which deadline.
    pub which: Which,
    /// Its date.
    pub due: Date,
    /// The configured days ahead it is for.
    pub days_ahead: u32,
    /// The SMS, the same for both sides.
    pub sms_zh: String,
}

/// The reminders due on `today`: for each deadline and each configured number of days
/// ahead N, on the day N calendar days before it (a sweep that misses that day does not
/// send it late: a later reminder or the overdue notice follows). None once delivered.
pub fn reminders(
    d: &DualDeadlines,
    today: Date,
    days_ahead: &[u32],
    delivered: bool,
) -> Vec<Reminder> {
    if delivered {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (which, due) in [
        (Which::Contractual, d.contractual),
        (Which::Statutory, d.statutory),
    ] {
        for n in days_ahead {
            if due - Duration::days(i64::from(*n)) == today {
                out.push(Reminder {
                    which,
                    due,
                    days_ahead: *n,
                    sms_zh: format!(
                        "【营商中介超市】距{}（{}）还有 {} 天，请按期完成中介服务。",
                        which.name_zh(),
                        due,
                        n
                    ),
                });
            }
        }
    }
    out
}

/// The deadlines passed undelivered on `today`.
pub fn overdue(d: &DualDeadlines, today: Date, delivered: bool) -> Vec<Which> {
    if delivered {
        return Vec::new();
    }
    [
        (Which::Contractual, d.contractual),
        (Which::Statutory, d.statutory),
    ]
    .into_iter()
    .filter(|(_, due)| today > *due)
    .map(|(w, _)| w)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_statutory_deadline_counts_working_days_and_the_contract_may_not_exceed_it() {
        let cal = WorkingCalendar::china();
        // Signed Friday 2026-09-25: 5 working days skip the National Day week.
        let d = deadlines(&cal, date!(2026 - 09 - 25), 5, 5).unwrap();
        assert!(d.statutory > date!(2026 - 10 - 08), "{d:?}");
        assert_eq!(d.contractual, date!(2026 - 09 - 30));
        assert!(matches!(
            deadlines(&cal, date!(2026 - 03 - 02), 5, 30),
            Err(DeadlineError::ContractAfterStatute { .. })
        ));
        assert!(matches!(
            deadlines(&cal, date!(2031 - 03 - 03), 5, 3),
            Err(DeadlineError::Calendar(_))
        ));
    }

    #[test]
    fn reminders_come_on_their_days_once_and_never_after_delivery() {
        let d = DualDeadlines {
            statutory: date!(2026 - 12 - 20),
            contractual: date!(2026 - 12 - 10),
        };
        let r = reminders(&d, date!(2026 - 12 - 07), &[3, 1], false);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].which, r[0].days_ahead), (Which::Contractual, 3));
        assert!(r[0].sms_zh.contains("2026-12-10"));
        assert!(reminders(&d, date!(2026 - 12 - 08), &[3, 1], false).is_empty());
        assert_eq!(
            reminders(&d, date!(2026 - 12 - 19), &[3, 1], false)[0].which,
            Which::Statutory
        );
        assert!(reminders(&d, date!(2026 - 12 - 07), &[3, 1], true).is_empty());
        assert_eq!(
            overdue(&d, date!(2026 - 12 - 11), false),
            [Which::Contractual]
        );
        assert_eq!(
            overdue(&d, date!(2026 - 12 - 21), false),
            [Which::Contractual, Which::Statutory]
        );
        assert!(overdue(&d, date!(2026 - 12 - 10), false).is_empty());
        assert!(overdue(&d, date!(2026 - 12 - 21), true).is_empty());
    }
}
