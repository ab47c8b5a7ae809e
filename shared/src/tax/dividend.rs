//! The dividend bill (红利账单): what an enterprise saved through 免申即享 policies in a
//! period — the recorded savings summed per policy, with the total.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::policy::{PolicyCatalogue, PolicyGroup};
use super::types::ymd;
use crate::money::Fen;

/// One saving recorded by the tax system for an enterprise under a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavingRecord {
    /// Enterprise credit code.
    pub credit_code: String,
    /// Policy id.
    pub policy_id: String,
    /// Date of the tax event that produced the saving.
    #[serde(with = "ymd")]
    pub on: Date,
    /// Amount saved (a correction may be negative).
    pub saved: Fen,
}

/// An inclusive date range, `from` ≤ `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawPeriod")]
pub struct BillPeriod {
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    from: Date,
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    until: Date,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawPeriod {
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    from: Date,
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    until: Date,
}

impl TryFrom<RawPeriod> for BillPeriod {
    type Error = DividendError;
    fn try_from(raw: RawPeriod) -> Result<Self, Self::Error> {
        BillPeriod::new(raw.from, raw.until)
    }
}

impl BillPeriod {
    /// A period from `from` to `until`, both included.
    pub fn new(from: Date, until: Date) -> Result<BillPeriod, DividendError> {
        if from > until {
            return Err(DividendError::PeriodReversed { from, until });
        }
        Ok(BillPeriod { from, until })
    }

    /// First day.
    pub fn from(&self) -> Date {
        self.from
    }

    /// Last day.
    pub fn until(&self) -> Date {
        self.until
    }

    /// True when `d` is inside.
    pub fn contains(&self, d: Date) -> bool {
        d >= self.from && d <= self.until
    }
}

/// One policy's line of the bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BillLine {
    /// Policy id.
    pub policy_id: String,
    /// Policy name; `None` when the policy is no longer in the catalogue.
    pub name_zh: Option<String>,
    /// Group; `None` when the policy is no longer in the catalogue.
    pub group: Option<PolicyGroup>,
    /// Sum saved in the period.
    pub saved: Fen,
    /// Number of records summed.
    pub records: u32,
}

/// The dividend bill of one enterprise for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DividendBill {
    /// Enterprise credit code.
    pub credit_code: String,
    /// Period.
    pub period: BillPeriod,
    /// Catalogue version used for names.
    pub catalogue_version: String,
    /// One line per policy with savings, in catalogue order, unknown policies last.
    pub lines: Vec<BillLine>,
    /// Sum of all lines.
    pub total: Fen,
}

/// Builds the bill: the enterprise's records inside the period, summed per policy.
pub fn dividend_bill(
    catalogue: &PolicyCatalogue,
    credit_code: &str,
    period: BillPeriod,
    records: &[SavingRecord],
) -> Result<DividendBill, DividendError> {
    let code = credit_code.trim();
    if code.is_empty() {
        return Err(DividendError::CreditCodeEmpty);
    }
    let mut sums: BTreeMap<&str, (Fen, u32)> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| r.credit_code.trim() == code && period.contains(r.on))
    {
        let e = sums.entry(r.policy_id.as_str()).or_insert((Fen::ZERO, 0));
        e.0 = e.0.checked_add(r.saved).ok_or(DividendError::Overflow)?;
        e.1 += 1;
    }
    let mut lines = Vec::new();
    for p in catalogue.policies() {
        if let Some((saved, n)) = sums.remove(p.id.as_str()) {
            lines.push(BillLine {
                policy_id: p.id.clone(),
                name_zh: Some(p.name_zh.clone()),
                group: Some(p.group),
                saved,
                records: n,
            });
        }
    }
    for (id, (saved, n)) in sums {
        lines.push(BillLine {
            policy_id: id.to_owned(),
            name_zh: None,
            group: None,
            saved,
            records: n,
        });
    }
    let total = lines
        .iter()
        .try_fold(Fen::ZERO, |acc, l| acc.checked_add(l.saved))
        .ok_or(DividendError::Overflow)?;
    Ok(DividendBill {
        credit_code: code.to_owned(),
        period,
        catalogue_version: catalogue.version().to_owned(),
        lines,
        total,
    })
}

/// Why a bill cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DividendError {
    /// The period ends before it starts.
    #[error("the period {from}..{until} ends before it starts")]
    PeriodReversed {
        /// Start.
        from: Date,
        /// End.
        until: Date,
    },
    /// No credit code.
    #[error("the enterprise credit code is empty")]
    CreditCodeEmpty,
    /// The sums do not fit in 64 bits.
    #[error("the savings do not fit in the amount type")]
    Overflow,
}

impl DividendError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "POLICY_BILL_PERIOD_REVERSED",
        "POLICY_BILL_CREDIT_CODE_EMPTY",
        "POLICY_BILL_OVERFLOW",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            DividendError::PeriodReversed { .. } => "POLICY_BILL_PERIOD_REVERSED",
            DividendError::CreditCodeEmpty => "POLICY_BILL_CREDIT_CODE_EMPTY",
            DividendError::Overflow => "POLICY_BILL_OVERFLOW",
        }
    }
    /// Human message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            DividendError::PeriodReversed { from, until } => {
                format!("账单期间{from}至{until}的结束日早于开始日")
            }
            DividendError::CreditCodeEmpty => "企业统一社会信用代码为空".to_owned(),
            DividendError::Overflow => "减免金额合计超出范围".to_owned(),
        }
    }
    /// Human message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::policy::tests::CATALOGUE;
    use super::*;
    use time::macros::date;

    fn rec(code: &str, policy: &str, on: Date, yuan: &str) -> SavingRecord {
        SavingRecord {
            credit_code: code.to_owned(),
            policy_id: policy.to_owned(),
            on,
            saved: Fen::parse_yuan(yuan).unwrap(),
        }
    }

    #[test]
    fn sums_per_policy_inside_the_period() {
        let cat = PolicyCatalogue::from_json(CATALOGUE).unwrap();
        let me = "91411500MA9XXXXX1X";
        let records = [
            rec(me, "LIV-01", date!(2026 - 01 - 01), "1200.50"),
            rec(me, "LIV-01", date!(2026 - 03 - 31), "300.25"),
            rec(me, "INN-01", date!(2026 - 02 - 15), "8000.00"),
            rec(me, "INN-01", date!(2026 - 04 - 01), "9999.99"), // after the period
            rec(me, "INN-01", date!(2025 - 12 - 31), "9999.99"), // before the period
            rec(
                "91410000OTHER00001",
                "LIV-01",
                date!(2026 - 02 - 01),
                "5000",
            ),
            rec(me, "OLD-09", date!(2026 - 02 - 01), "10.00"),
        ];
        let period = BillPeriod::new(date!(2026 - 01 - 01), date!(2026 - 03 - 31)).unwrap();
        let bill = dividend_bill(&cat, me, period, &records).unwrap();
        let lines: Vec<(&str, Fen, u32)> = bill
            .lines
            .iter()
            .map(|l| (l.policy_id.as_str(), l.saved, l.records))
            .collect();
        assert_eq!(
            lines,
            [
                ("INN-01", Fen(800_000), 1),
                ("LIV-01", Fen(150_075), 2),
                ("OLD-09", Fen(1_000), 1)
            ]
        );
        assert_eq!(bill.total, Fen(951_075));
        assert_eq!(bill.lines[2].name_zh, None);
        assert_eq!(bill.lines[0].group, Some(PolicyGroup::Innovation));
        assert_eq!(bill.catalogue_version, "xinyang-2026-01");
    }

    #[test]
    fn rejects_reversed_periods_and_missing_codes() {
        let err = BillPeriod::new(date!(2026 - 02 - 01), date!(2026 - 01 - 01)).unwrap_err();
        assert_eq!(err.code(), "POLICY_BILL_PERIOD_REVERSED");
        assert!(
            serde_json::from_str::<BillPeriod>(r#"{"from":"2026-02-01","until":"2026-01-01"}"#)
                .is_err()
        );
        let cat = PolicyCatalogue::from_json(CATALOGUE).unwrap();
        let period = BillPeriod::new(date!(2026 - 01 - 01), date!(2026 - 01 - 01)).unwrap();
        assert_eq!(
            dividend_bill(&cat, " ", period, &[]).unwrap_err().code(),
            "POLICY_BILL_CREDIT_CODE_EMPTY"
        );
        assert_eq!(
            dividend_bill(&cat, "X", period, &[]).unwrap().total,
            Fen::ZERO
        );
    }
}
