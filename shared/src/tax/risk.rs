//! After-the-fact risk screening (事后风险筛查) of completed transfers, refunds and
//! certificates. Pure: records in, flags out; an officer reviews each flag.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::Date;

use super::id_number::IdNumber;
use super::types::ymd;
use crate::money::Fen;

/// A party to a transfer with the family links the registry or civil affairs gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// ID number.
    pub id: IdNumber,
    /// Name.
    pub name: String,
    /// Spouse, if known.
    #[serde(default)]
    pub spouse: Option<IdNumber>,
    /// Other family members (parents, children) known.
    #[serde(default)]
    pub family_members: Vec<IdNumber>,
}

impl Party {
    fn circle(&self) -> BTreeSet<&IdNumber> {
        let mut c: BTreeSet<&IdNumber> = self.family_members.iter().collect();
        c.insert(&self.id);
        c.extend(self.spouse.iter());
        c
    }
}

/// A completed transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRecord {
    /// Transfer id.
    pub transfer_id: String,
    /// Unit code.
    pub unit_code: String,
    /// Seller.
    pub seller: Party,
    /// Buyer.
    pub buyer: Party,
    /// Completion (tax payment) date.
    #[serde(with = "ymd")]
    pub completed_on: Date,
}

/// A tax refund paid out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RefundRecord {
    /// Refund id.
    #[schemars(extend("pattern" = "^[!-~]{1,64}$"))]
    pub refund_id: String,
    /// The transfer whose tax was refunded.
    #[schemars(extend("pattern" = "^[!-~]{1,64}$"))]
    pub transfer_id: String,
    /// Who paid the tax.
    pub taxpayer_id: IdNumber,
    /// Taxpayer's name.
    pub taxpayer_name: String,
    /// Account holder's ID number, when the bank reports it.
    #[serde(default)]
    pub payee_id: Option<IdNumber>,
    /// Account holder's name.
    pub payee_name: String,
    /// Amount refunded.
    pub amount: Fen,
    /// Date refunded.
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub refunded_on: Date,
}

/// An ownership certificate issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CertificateRecord {
    /// Certificate id.
    #[schemars(extend("pattern" = "^[!-~]{1,64}$"))]
    pub certificate_id: String,
    /// The transfer it registers.
    #[schemars(extend("pattern" = "^[!-~]{1,64}$"))]
    pub transfer_id: String,
    /// Date issued.
    #[serde(with = "ymd")]
    #[schemars(with = "crate::calendar::IsoDate")]
    pub issued_on: Date,
}

/// What to screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskRecords {
    /// Completed transfers.
    #[serde(default)]
    pub transfers: Vec<TransferRecord>,
    /// Refunds.
    #[serde(default)]
    pub refunds: Vec<RefundRecord>,
    /// Certificates.
    #[serde(default)]
    pub certificates: Vec<CertificateRecord>,
}

/// Kinds of risk.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskCode {
    /// Buyer and seller are in one family (or the same person).
    RiskRelativesTrading,
    /// A refund went to an account in another name.
    RiskRefundToOtherName,
    /// A certificate was issued on or after the refund of the transfer's tax.
    RiskCertificateAfterRefund,
}

impl RiskCode {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            RiskCode::RiskRelativesTrading => "RISK_RELATIVES_TRADING",
            RiskCode::RiskRefundToOtherName => "RISK_REFUND_TO_OTHER_NAME",
            RiskCode::RiskCertificateAfterRefund => "RISK_CERTIFICATE_AFTER_REFUND",
        }
    }
}

/// One flag for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RiskFlag {
    /// Kind.
    pub code: RiskCode,
    /// Ids of the records involved (transfer, refund, certificate).
    pub record_ids: Vec<String>,
    /// What was found, in Chinese.
    pub description_zh: String,
    /// What was found, in English.
    pub description_en: String,
}

/// Screens the records; flags in the order: relatives, refund names, certificates.
pub fn screen(records: &RiskRecords) -> Vec<RiskFlag> {
    let mut flags = Vec::new();
    for t in &records.transfers {
        if let Some((zh, en)) = relation(&t.seller, &t.buyer) {
            flags.push(RiskFlag {
                code: RiskCode::RiskRelativesTrading,
                record_ids: vec![t.transfer_id.clone()],
                description_zh: format!(
                    "交易{}（{}）买卖双方{}：卖方{}，买方{}",
                    t.transfer_id, t.unit_code, zh, t.seller.name, t.buyer.name
                ),
                description_en: format!(
                    "transfer {} ({}): buyer and seller {}",
                    t.transfer_id, t.unit_code, en
                ),
            });
        }
    }
    for r in &records.refunds {
        let other_name = normalise(&r.payee_name) != normalise(&r.taxpayer_name);
        let other_id = r.payee_id.as_ref().is_some_and(|p| *p != r.taxpayer_id);
        if other_name || other_id {
            flags.push(RiskFlag {
                code: RiskCode::RiskRefundToOtherName,
                record_ids: vec![r.refund_id.clone(), r.transfer_id.clone()],
                description_zh: format!(
                    "退税{}（{}元）退至{}名下账户，纳税人为{}",
                    r.refund_id, r.amount, r.payee_name, r.taxpayer_name
                ),
                description_en: format!(
                    "refund {} ({} yuan) paid to an account of {}, not the taxpayer",
                    r.refund_id, r.amount, r.payee_name
                ),
            });
        }
    }
    for c in &records.certificates {
        for r in records
            .refunds
            .iter()
            .filter(|r| r.transfer_id == c.transfer_id && c.issued_on >= r.refunded_on)
        {
            flags.push(RiskFlag {
                code: RiskCode::RiskCertificateAfterRefund,
                record_ids: vec![
                    c.certificate_id.clone(),
                    r.refund_id.clone(),
                    c.transfer_id.clone(),
                ],
                description_zh: format!(
                    "交易{}的税款已于{}退还（退税{}），仍于{}核发不动产权证书{}",
                    c.transfer_id, r.refunded_on, r.refund_id, c.issued_on, c.certificate_id
                ),
                description_en: format!(
                    "certificate {} for transfer {} issued on {}, after its tax was refunded on {} ({})",
                    c.certificate_id, c.transfer_id, c.issued_on, r.refunded_on, r.refund_id
                ),
            });
        }
    }
    flags
}

/// Names compared without surrounding or inner blanks (ASCII and full-width).
fn normalise(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How seller and buyer are related, if they are.
fn relation(seller: &Party, buyer: &Party) -> Option<(&'static str, &'static str)> {
    if seller.id == buyer.id {
        return Some(("为同一人", "are the same person"));
    }
    if seller.spouse.as_ref() == Some(&buyer.id) || buyer.spouse.as_ref() == Some(&seller.id) {
        return Some(("为配偶关系", "are spouses"));
    }
    if seller.family_members.contains(&buyer.id) || buyer.family_members.contains(&seller.id) {
        return Some(("为家庭成员关系", "are members of one family"));
    }
    if !seller.circle().is_disjoint(&buyer.circle()) {
        return Some(("有共同的家庭成员", "share a family member"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::id_number::tests::make_id;
    use super::*;
    use time::macros::date;

    fn person(seq: u16, name: &str) -> Party {
        Party {
            id: make_id("410302", date!(1970 - 01 - 01), seq),
            name: name.to_owned(),
            spouse: None,
            family_members: vec![],
        }
    }

    fn transfer(id: &str, seller: Party, buyer: Party) -> TransferRecord {
        TransferRecord {
            transfer_id: id.to_owned(),
            unit_code: "410302-001-0001".to_owned(),
            seller,
            buyer,
            completed_on: date!(2026 - 03 - 10),
        }
    }

    fn refund(id: &str, transfer: &str, taxpayer: &Party, payee: &str) -> RefundRecord {
        RefundRecord {
            refund_id: id.to_owned(),
            transfer_id: transfer.to_owned(),
            taxpayer_id: taxpayer.id.clone(),
            taxpayer_name: taxpayer.name.clone(),
            payee_id: None,
            payee_name: payee.to_owned(),
            amount: Fen(1_200_000),
            refunded_on: date!(2026 - 04 - 01),
        }
    }

    #[test]
    fn flags_relatives_by_spouse_member_or_shared_member() {
        let (a, b, c, kid) = (
            person(1, "张三"),
            person(2, "李四"),
            person(3, "王五"),
            person(4, "张小"),
        );
        let spouse_of_a = Party {
            spouse: Some(a.id.clone()),
            ..b.clone()
        };
        let parent_of_kid = Party {
            family_members: vec![kid.id.clone()],
            ..a.clone()
        };
        let other_parent = Party {
            family_members: vec![kid.id.clone()],
            ..b.clone()
        };
        let records = RiskRecords {
            transfers: vec![
                transfer("T1", a.clone(), spouse_of_a),
                transfer("T2", parent_of_kid.clone(), kid.clone()),
                transfer("T3", parent_of_kid, other_parent),
                transfer("T4", a.clone(), c.clone()),
                transfer("T5", c.clone(), c),
            ],
            ..RiskRecords::default()
        };
        let flags = screen(&records);
        let ids: Vec<&str> = flags.iter().map(|f| f.record_ids[0].as_str()).collect();
        assert_eq!(ids, ["T1", "T2", "T3", "T5"]);
        assert!(
            flags
                .iter()
                .all(|f| f.code.code() == "RISK_RELATIVES_TRADING")
        );
        assert!(flags[0].description_zh.contains("配偶"));
        assert!(flags[2].description_zh.contains("共同的家庭成员"));
        assert!(flags[3].description_zh.contains("同一人"));
    }

    #[test]
    fn flags_refunds_to_another_name_or_id() {
        let a = person(1, "张三");
        let ok = refund("R1", "T1", &a, " 张 三 ");
        let other = refund("R2", "T1", &a, "李四");
        let same_name_other_id = RefundRecord {
            payee_id: Some(person(9, "张三").id),
            ..refund("R3", "T1", &a, "张三")
        };
        let flags = screen(&RiskRecords {
            refunds: vec![ok, other, same_name_other_id],
            ..RiskRecords::default()
        });
        let ids: Vec<&str> = flags.iter().map(|f| f.record_ids[0].as_str()).collect();
        assert_eq!(ids, ["R2", "R3"]);
        assert_eq!(flags[0].code, RiskCode::RiskRefundToOtherName);
        assert!(flags[0].description_zh.contains("12000.00元"));
    }

    #[test]
    fn flags_certificates_issued_after_a_refund() {
        let a = person(1, "张三");
        let cert = |id: &str, t: &str, on: Date| CertificateRecord {
            certificate_id: id.to_owned(),
            transfer_id: t.to_owned(),
            issued_on: on,
        };
        let flags = screen(&RiskRecords {
            refunds: vec![refund("R1", "T1", &a, "张三")],
            certificates: vec![
                cert("C-before", "T1", date!(2026 - 03 - 31)),
                cert("C-same-day", "T1", date!(2026 - 04 - 01)),
                cert("C-after", "T1", date!(2026 - 05 - 01)),
                cert("C-other", "T2", date!(2026 - 05 - 01)),
            ],
            ..RiskRecords::default()
        });
        let ids: Vec<&str> = flags.iter().map(|f| f.record_ids[0].as_str()).collect();
        assert_eq!(ids, ["C-same-day", "C-after"]);
        assert_eq!(flags[0].code.code(), "RISK_CERTIFICATE_AFTER_REFUND");
        assert_eq!(flags[1].record_ids, ["C-after", "R1", "T1"]);
    }

    #[test]
    fn clean_records_raise_nothing() {
        let (a, b) = (person(1, "张三"), person(2, "李四"));
        let records = RiskRecords {
            transfers: vec![transfer("T1", a.clone(), b)],
            refunds: vec![refund("R1", "T1", &a, "张三")],
            certificates: vec![],
        };
        assert!(screen(&records).is_empty());
        let json = serde_json::to_string(&records).unwrap();
        assert_eq!(serde_json::from_str::<RiskRecords>(&json).unwrap(), records);
    }
}
