//! The sell-then-buy IIT refund (换购住房个人所得税退税), rule 13: a seller who buys a
//! home again in the same city within one year of the sale gets back the IIT paid on
//! the sale — all of it when the new price is at least the sold price, otherwise in
//! proportion new / sold. Sale and purchase must both fall inside the policy window.

use serde::{Deserialize, Serialize};
use time::Date;

use super::rules::{Assumption, RuleSet};
use super::types::{anniversary, ymd};
use crate::money::{Fen, div_half_up};

/// A refund claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RefundClaim {
    /// 6-digit division code where the sold home lies.
    pub sold_region: String,
    /// Date of the sale (IIT payment on the sale).
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub sold_on: Date,
    /// Transfer amount of the sold home.
    pub sold_price: Fen,
    /// IIT paid on the sale.
    pub iit_paid: Fen,
    /// 6-digit division code where the new home lies.
    pub bought_region: String,
    /// Date of the new purchase (deed-tax payment on the purchase).
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub bought_on: Date,
    /// Price of the new home.
    pub new_price: Fen,
}

/// Why no refund is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoRefundReason {
    /// The sale is outside the policy window.
    SaleOutsideWindow,
    /// The purchase is outside the policy window.
    PurchaseOutsideWindow,
    /// The purchase precedes the sale.
    PurchaseBeforeSale,
    /// The purchase is more than the allowed time after the sale.
    PurchaseTooLate,
    /// The two homes are in different cities.
    DifferentCity,
    /// No IIT was paid on the sale.
    NoIitPaid,
}

impl NoRefundReason {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            NoRefundReason::SaleOutsideWindow => "TAX_REFUND_SALE_OUTSIDE_WINDOW",
            NoRefundReason::PurchaseOutsideWindow => "TAX_REFUND_PURCHASE_OUTSIDE_WINDOW",
            NoRefundReason::PurchaseBeforeSale => "TAX_REFUND_PURCHASE_BEFORE_SALE",
            NoRefundReason::PurchaseTooLate => "TAX_REFUND_PURCHASE_TOO_LATE",
            NoRefundReason::DifferentCity => "TAX_REFUND_DIFFERENT_CITY",
            NoRefundReason::NoIitPaid => "TAX_REFUND_NO_IIT_PAID",
        }
    }
    /// Chinese text.
    pub fn message_zh(self) -> &'static str {
        match self {
            NoRefundReason::SaleOutsideWindow => "出售现住房的时间不在政策执行期内",
            NoRefundReason::PurchaseOutsideWindow => "新购住房的时间不在政策执行期内",
            NoRefundReason::PurchaseBeforeSale => "新购住房早于出售现住房，不属于出售后重新购买",
            NoRefundReason::PurchaseTooLate => "新购住房超过现住房出售后1年",
            NoRefundReason::DifferentCity => "新购住房与现住房不在同一城市",
            NoRefundReason::NoIitPaid => "出售现住房未缴纳个人所得税",
        }
    }
    /// English text.
    pub fn message_en(self) -> &'static str {
        match self {
            NoRefundReason::SaleOutsideWindow => "the sale is outside the policy window",
            NoRefundReason::PurchaseOutsideWindow => "the purchase is outside the policy window",
            NoRefundReason::PurchaseBeforeSale => "the purchase precedes the sale",
            NoRefundReason::PurchaseTooLate => "the purchase is more than one year after the sale",
            NoRefundReason::DifferentCity => "the new home is in another city",
            NoRefundReason::NoIitPaid => "no IIT was paid on the sale",
        }
    }
}

/// Refund or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RefundOutcome {
    /// A refund is due.
    Refund {
        /// Amount to refund.
        amount: Fen,
        /// True when all the IIT is refunded (new price ≥ sold price).
        full: bool,
    },
    /// No refund.
    NoRefund {
        /// Why.
        reason: NoRefundReason,
    },
}

/// The refund decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RefundDecision {
    /// The outcome.
    pub outcome: RefundOutcome,
    /// The rule set used.
    pub rule_set_version: String,
    /// Legal basis.
    pub basis_zh: String,
    /// Weak-confidence values used (the window).
    pub assumptions: Vec<Assumption>,
}

/// Decides a refund claim under `rules`.
pub fn sell_then_buy_refund(
    rules: &RuleSet,
    claim: &RefundClaim,
) -> Result<RefundDecision, RefundError> {
    let sold_city = city_of(&claim.sold_region)?;
    let bought_city = city_of(&claim.bought_region)?;
    for (field, v) in [
        ("sold_price", claim.sold_price),
        ("new_price", claim.new_price),
    ] {
        if v <= Fen::ZERO {
            return Err(RefundError::PriceNotPositive { field });
        }
    }
    if claim.iit_paid < Fen::ZERO {
        return Err(RefundError::NegativeIit);
    }
    let w = &rules.refund.window.value;
    let inside = |d: Date| d >= w.from && d <= w.until;
    let reason = if !inside(claim.sold_on) {
        Some(NoRefundReason::SaleOutsideWindow)
    } else if !inside(claim.bought_on) {
        Some(NoRefundReason::PurchaseOutsideWindow)
    } else if claim.bought_on < claim.sold_on {
        Some(NoRefundReason::PurchaseBeforeSale)
    } else if claim.bought_on > anniversary(claim.sold_on, w.within_years) {
        Some(NoRefundReason::PurchaseTooLate)
    } else if sold_city != bought_city {
        Some(NoRefundReason::DifferentCity)
    } else if claim.iit_paid == Fen::ZERO {
        Some(NoRefundReason::NoIitPaid)
    } else {
        None
    };
    let outcome = match reason {
        Some(reason) => RefundOutcome::NoRefund { reason },
        None if claim.new_price >= claim.sold_price => RefundOutcome::Refund {
            amount: claim.iit_paid,
            full: true,
        },
        None => RefundOutcome::Refund {
            amount: Fen(div_half_up(
                i128::from(claim.iit_paid.get()) * i128::from(claim.new_price.get()),
                i128::from(claim.sold_price.get()),
            )),
            full: false,
        },
    };
    Ok(RefundDecision {
        outcome,
        rule_set_version: rules.version.clone(),
        basis_zh: rules.refund.basis_zh.clone(),
        assumptions: vec![rules.refund.window_note()],
    })
}

/// The city part of a 6-digit division code: its first four digits (prefecture level).
fn city_of(region: &str) -> Result<&str, RefundError> {
    let r = region.trim();
    if r.len() == 6 && r.bytes().all(|b| b.is_ascii_digit()) {
        Ok(&r[..4])
    } else {
        Err(RefundError::RegionMalformed(region.to_owned()))
    }
}

/// Why a refund claim cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    /// A price is zero or negative.
    #[error("{field} must be positive")]
    PriceNotPositive {
        /// Which price.
        field: &'static str,
    },
    /// The IIT paid is negative.
    #[error("the IIT paid must not be negative")]
    NegativeIit,
    /// A region code is not 6 digits.
    #[error("not a 6-digit division code: {0:?}")]
    RegionMalformed(String),
}

impl RefundError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "TAX_REFUND_PRICE_NOT_POSITIVE",
        "TAX_REFUND_IIT_NEGATIVE",
        "TAX_REFUND_REGION_MALFORMED",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            RefundError::PriceNotPositive { .. } => "TAX_REFUND_PRICE_NOT_POSITIVE",
            RefundError::NegativeIit => "TAX_REFUND_IIT_NEGATIVE",
            RefundError::RegionMalformed(_) => "TAX_REFUND_REGION_MALFORMED",
        }
    }
    /// Human message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            RefundError::PriceNotPositive { field } => format!("{field} 必须大于零"),
            RefundError::NegativeIit => "已缴个人所得税不能为负数".to_owned(),
            RefundError::RegionMalformed(r) => format!("行政区划代码应为6位数字：{r:?}"),
        }
    }
    /// Human message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn y(t: &str) -> Fen {
        Fen::parse_yuan(t).unwrap()
    }

    fn claim() -> RefundClaim {
        RefundClaim {
            sold_region: "410302".to_owned(),
            sold_on: date!(2026 - 03 - 10),
            sold_price: y("1500000"),
            iit_paid: y("27137.86"),
            bought_region: "410311".to_owned(),
            bought_on: date!(2026 - 09 - 01),
            new_price: y("1800000"),
        }
    }

    fn decide(c: &RefundClaim) -> RefundOutcome {
        sell_then_buy_refund(&RuleSet::henan_2026_01(), c)
            .unwrap()
            .outcome
    }

    #[test]
    fn refunds_all_when_the_new_home_costs_at_least_as_much() {
        let expected = RefundOutcome::Refund {
            amount: y("27137.86"),
            full: true,
        };
        assert_eq!(decide(&claim()), expected);
        let equal = RefundClaim {
            new_price: y("1500000"),
            ..claim()
        };
        assert_eq!(decide(&equal), expected);
        let d = sell_then_buy_refund(&RuleSet::henan_2026_01(), &claim()).unwrap();
        assert_eq!(d.assumptions[0].code, "ASSUME_REFUND_WINDOW_2026_2027");
        assert!(d.basis_zh.contains("2022年第30号"));
    }

    #[test]
    fn refunds_in_proportion_rounded_half_up() {
        // 27,137.86 × 1,000,000 / 1,500,000 = 18,091.9066… → 18,091.91
        let c = RefundClaim {
            new_price: y("1000000"),
            ..claim()
        };
        assert_eq!(
            decide(&c),
            RefundOutcome::Refund {
                amount: y("18091.91"),
                full: false
            }
        );
        // 0.03 × 1/2 = 0.015 → 0.02 (half-up)
        let c = RefundClaim {
            iit_paid: Fen(3),
            sold_price: y("200"),
            new_price: y("100"),
            ..claim()
        };
        assert_eq!(
            decide(&c),
            RefundOutcome::Refund {
                amount: Fen(2),
                full: false
            }
        );
    }

    #[test]
    fn dates_and_places_outside_the_rule_give_a_reason() {
        let reason = |c: RefundClaim| match decide(&c) {
            RefundOutcome::NoRefund { reason } => reason.code(),
            other => panic!("expected no refund, got {other:?}"),
        };
        assert_eq!(
            reason(RefundClaim {
                sold_on: date!(2025 - 12 - 31),
                ..claim()
            }),
            "TAX_REFUND_SALE_OUTSIDE_WINDOW"
        );
        assert_eq!(
            reason(RefundClaim {
                sold_on: date!(2027 - 06 - 01),
                bought_on: date!(2028 - 01 - 01),
                ..claim()
            }),
            "TAX_REFUND_PURCHASE_OUTSIDE_WINDOW"
        );
        assert_eq!(
            reason(RefundClaim {
                bought_on: date!(2026 - 03 - 09),
                ..claim()
            }),
            "TAX_REFUND_PURCHASE_BEFORE_SALE"
        );
        assert_eq!(
            reason(RefundClaim {
                bought_on: date!(2027 - 03 - 11),
                ..claim()
            }),
            "TAX_REFUND_PURCHASE_TOO_LATE"
        );
        assert_eq!(
            reason(RefundClaim {
                bought_region: "410102".to_owned(),
                ..claim()
            }),
            "TAX_REFUND_DIFFERENT_CITY"
        );
        assert_eq!(
            reason(RefundClaim {
                iit_paid: Fen::ZERO,
                ..claim()
            }),
            "TAX_REFUND_NO_IIT_PAID"
        );
        // Exactly one year after the sale is still within it; the last window day too.
        let on_anniversary = RefundClaim {
            bought_on: date!(2027 - 03 - 10),
            ..claim()
        };
        assert!(matches!(
            decide(&on_anniversary),
            RefundOutcome::Refund { .. }
        ));
        let last_day = RefundClaim {
            sold_on: date!(2027 - 06 - 01),
            bought_on: date!(2027 - 12 - 31),
            ..claim()
        };
        assert!(matches!(decide(&last_day), RefundOutcome::Refund { .. }));
    }

    #[test]
    fn rejects_malformed_claims() {
        let rules = RuleSet::henan_2026_01();
        let err = |c: RefundClaim| sell_then_buy_refund(&rules, &c).unwrap_err().code();
        assert_eq!(
            err(RefundClaim {
                sold_price: Fen::ZERO,
                ..claim()
            }),
            "TAX_REFUND_PRICE_NOT_POSITIVE"
        );
        assert_eq!(
            err(RefundClaim {
                iit_paid: Fen(-1),
                ..claim()
            }),
            "TAX_REFUND_IIT_NEGATIVE"
        );
        assert_eq!(
            err(RefundClaim {
                sold_region: "4103".to_owned(),
                ..claim()
            }),
            "TAX_REFUND_REGION_MALFORMED"
        );
    }
}
