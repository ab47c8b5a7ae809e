//! The printable reduction/exemption declaration (减免税申报表) of one assessment, as
//! plain UTF-8 text: who declares, the property, and one row per relieved tax with
//! its kind, amount and legal basis. Rendered from the stored assessment only, so the
//! document always shows the numbers that were assessed.

use std::fmt::Write as _;

use super::assessment::{Assessment, ReliefKind};
use super::types::Payer;

/// The parties named on the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationParties<'a> {
    /// The assessment id (the form's reference).
    pub assessment_id: &'a str,
    /// Buyer's ID number.
    pub buyer_id_number: &'a str,
    /// Seller's ID number.
    pub seller_id_number: &'a str,
}

fn kind_zh(kind: ReliefKind) -> &'static str {
    match kind {
        ReliefKind::Exemption => "免征",
        ReliefKind::Reduction => "减征",
    }
}

/// Renders the declaration as text. Amounts are yuan with two decimals; a relief that
/// cannot be quantified says so instead of showing a number.
pub fn render_declaration(assessment: &Assessment, parties: &DeclarationParties<'_>) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "减免税申报表（不动产交易）");
    let _ = writeln!(out, "申报编号：{}", parties.assessment_id);
    let _ = writeln!(out, "不动产单元号：{}", assessment.unit_code);
    let _ = writeln!(out, "纳税义务发生日期：{}", assessment.tax_date);
    let _ = writeln!(out, "计税依据：{} 元", assessment.tax_base);
    let _ = writeln!(out, "税收规则版本：{}", assessment.rule_set_version);
    let _ = writeln!(out, "承受方（买方）身份证号码：{}", parties.buyer_id_number);
    let _ = writeln!(
        out,
        "转让方（卖方）身份证号码：{}",
        parties.seller_id_number
    );
    let _ = writeln!(out);
    for payer in [Payer::Buyer, Payer::Seller] {
        let rows: Vec<_> = assessment
            .declaration
            .iter()
            .filter(|l| l.taxpayer == payer)
            .collect();
        let _ = writeln!(out, "纳税人：{}", payer.label_zh());
        if rows.is_empty() {
            let _ = writeln!(out, "  （无减免事项）");
        }
        for (i, row) in rows.iter().enumerate() {
            let amount = row
                .amount
                .map_or_else(|| "无法量化".to_owned(), |a| format!("{a} 元"));
            let _ = writeln!(
                out,
                "  {}. {} {}：{}",
                i + 1,
                row.tax.name_zh(),
                kind_zh(row.kind),
                amount
            );
            let _ = writeln!(out, "     减免依据：{}", row.basis_zh);
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "应纳税额合计：{} 元（买方 {} 元，卖方 {} 元）",
        assessment.totals.overall, assessment.totals.buyer, assessment.totals.seller
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "纳税人声明：本表所填内容真实、完整、准确。");
    let _ = writeln!(out, "纳税人签章：____________    日期：____________");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Fen;
    use crate::tax::assessment::{OriginalValue, SellerFacts, TransferInput};
    use crate::tax::family::{CountSource, HouseCount};
    use crate::tax::rules::RuleSet;
    use crate::tax::types::{Area, LocationClass, PropertyUse};
    use time::macros::date;

    #[test]
    fn lists_every_relief_with_its_basis_and_the_totals() {
        let input = TransferInput {
            unit_code: "410302-001-0001".to_owned(),
            contract_price: Fen::from_yuan(1_200_000),
            assessed_price: Fen::from_yuan(1_150_000),
            area: Area::parse_m2("90").unwrap(),
            contract_date: date!(2026 - 03 - 01),
            tax_date: date!(2026 - 03 - 10),
            usage: PropertyUse::Residential,
            location: LocationClass::City,
            buyer_house_count: HouseCount::stated(0, CountSource::Registry),
            seller: SellerFacts {
                certificate_date: Some(date!(2020 - 03 - 01)),
                old_deed_tax_paid_on: None,
                family_only_home: true,
                original_value: Some(OriginalValue {
                    price: Fen::from_yuan(800_000),
                    deed_tax: Fen::from_yuan(8_000),
                }),
                renovation_costs: Fen::ZERO,
                former_public_housing: false,
                loan_interest: Fen::ZERO,
                fees: Fen::ZERO,
            },
        };
        let a = crate::tax::assess_with_history(&RuleSet::builtin_history(), &input).unwrap();
        let text = render_declaration(
            &a,
            &DeclarationParties {
                assessment_id: "01TEST",
                buyer_id_number: "B",
                seller_id_number: "S",
            },
        );
        assert!(text.starts_with("减免税申报表"));
        assert!(text.contains("申报编号：01TEST"));
        assert!(text.contains("契税 减征：24000.00 元"), "{text}");
        assert!(text.contains("增值税 免征：34951.46 元"), "{text}");
        assert!(text.contains("土地增值税 免征：无法量化"), "{text}");
        assert!(text.contains("应纳税额合计：12000.00 元"), "{text}");
        assert_eq!(text.matches("减免依据：").count(), a.declaration.len());
    }
}
