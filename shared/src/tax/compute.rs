//! The assessment computation, in the order of the domain note:
//! B → VAT → surcharges (each line from the rounded VAT, rounded on its own) →
//! N = B − VAT → deed tax on N → IIT on N. Every line is rounded to the fen, half-up.

use super::assessment::{
    Assessment, AssessmentError, BaseSource, DeclarationLine, HoldingFacts, IitDetail, IitMethod,
    Relief, ReliefKind, TaxLine, Totals, TransferInput,
};
use super::rules::RuleSet;
use super::types::{HomeRank, Payer, PropertyUse, TaxKind, full_years_reached};
use crate::money::{Fen, Rate, div_half_up};

/// Picks the rule set in force on the input's tax date from `history`, then assesses.
pub fn assess_with_history(
    history: &[RuleSet],
    input: &TransferInput,
) -> Result<Assessment, AssessmentError> {
    let rules = RuleSet::select(history, input.tax_date)?;
    assess(rules, input)
}

/// Assesses one transfer under `rules` (which must be in force on the tax date).
pub fn assess(rules: &RuleSet, input: &TransferInput) -> Result<Assessment, AssessmentError> {
    let acquired_on = check(rules, input)?;
    let mut assumptions = Vec::new();

    // B = max(contract, assessed); the contract wins a tie.
    let (base, base_source) = if input.assessed_price > input.contract_price {
        (input.assessed_price, BaseSource::AssessedPrice)
    } else {
        (input.contract_price, BaseSource::ContractPrice)
    };

    let holding = HoldingFacts {
        acquired_on,
        vat_period_reached: full_years_reached(
            acquired_on,
            input.tax_date,
            rules.vat.exempt_after_years,
        ),
        five_years_reached: full_years_reached(
            acquired_on,
            input.tax_date,
            rules.iit.exempt_min_years,
        ),
    };

    let mut lines = Vec::new();

    // VAT on the VAT-inclusive base: B / (1 + r) × r.
    let r = rules.vat.rate.ppm();
    let vat_due = Fen(div_half_up(
        i128::from(base.get()) * i128::from(r),
        i128::from(Rate::ONE_PPM + r),
    ));
    let vat = if holding.vat_period_reached {
        lines.push(exempt_line(
            TaxKind::Vat,
            Payer::Seller,
            base,
            rules.vat.rate,
            Some(vat_due),
            &rules.vat.exemption_basis_zh,
            &rules.vat.basis_zh,
        ));
        Fen::ZERO
    } else {
        lines.push(plain_line(
            TaxKind::Vat,
            Payer::Seller,
            base,
            rules.vat.rate,
            vat_due,
            &rules.vat.basis_zh,
        ));
        vat_due
    };

    // Surcharges, each from the rounded VAT and rounded on its own; the halving is
    // applied inside the one rounding (VAT × rate × (1 − reduction)).
    let s = &rules.surcharges;
    let halved = s.halved_on(input.tax_date);
    let mut surcharges_total = Fen::ZERO;
    for (tax, rate, basis) in [
        (
            TaxKind::UrbanMaintenance,
            s.urban_rate(input.location),
            &s.urban_basis_zh,
        ),
        (
            TaxKind::EducationSurcharge,
            s.education,
            &s.education_basis_zh,
        ),
        (
            TaxKind::LocalEducationSurcharge,
            s.local_education,
            &s.local_education_basis_zh,
        ),
    ] {
        let full = rate.apply_half_up(vat);
        let payable = if halved {
            Fen(div_half_up(
                i128::from(vat.get())
                    * i128::from(rate.ppm())
                    * i128::from(Rate::ONE_PPM - s.individual_reduction.ppm()),
                i128::from(Rate::ONE_PPM) * i128::from(Rate::ONE_PPM),
            ))
        } else {
            full
        };
        let mut line = plain_line(tax, Payer::Seller, vat, rate, payable, basis);
        if payable < full {
            line.relief = Some(Relief {
                kind: ReliefKind::Reduction,
                amount: Some(full - payable),
                basis_zh: s.reduction_basis_zh.clone(),
            });
        }
        surcharges_total = surcharges_total + payable;
        lines.push(line);
    }

    // N = B − VAT: base of deed tax and IIT (nothing deducted when VAT is exempt).
    let net = base - vat;

    // IIT on N.
    let (iit_detail, iit_line) = iit(rules, input, holding, net, surcharges_total);
    if iit_detail.method == IitMethod::Deemed {
        assumptions.push(rules.iit.deemed_rate.rate_note());
    }
    lines.push(iit_line);

    // Land VAT: exempt, amount not quantifiable without the deduction items.
    lines.push(exempt_line(
        TaxKind::LandVat,
        Payer::Seller,
        net,
        Rate::ZERO,
        None,
        &rules.exempt_lines.land_vat_basis_zh,
        &rules.exempt_lines.land_vat_basis_zh,
    ));

    // Stamp duty: exempt for both parties; relieved amount on the contract price.
    let stamp_rate = rules.exempt_lines.stamp_duty_rate;
    let stamp_due = stamp_rate.apply_half_up(input.contract_price);
    for payer in [Payer::Seller, Payer::Buyer] {
        lines.push(exempt_line(
            TaxKind::StampDuty,
            payer,
            input.contract_price,
            stamp_rate,
            Some(stamp_due),
            &rules.exempt_lines.stamp_duty_basis_zh,
            &rules.exempt_lines.stamp_duty_basis_zh,
        ));
    }

    // Deed tax on N; the preferential rates are a reduction against the general rate.
    let d = &rules.deed;
    let small = input.area <= d.area_threshold;
    let general = d.general_rate.value;
    let deed_rate = match (input.buyer_house_count.rank, small) {
        (HomeRank::First, true) => d.first_home_small,
        (HomeRank::First, false) => d.first_home_large,
        (HomeRank::Second, true) => d.second_home_small,
        (HomeRank::Second, false) => d.second_home_large,
        (HomeRank::ThirdOrLater, _) => general,
    };
    let deed = deed_rate.apply_half_up(net);
    let deed_general = general.apply_half_up(net);
    let preferential = input.buyer_house_count.rank != HomeRank::ThirdOrLater;
    let mut deed_line = plain_line(
        TaxKind::DeedTax,
        Payer::Buyer,
        net,
        deed_rate,
        deed,
        if preferential {
            &d.preferential_basis_zh
        } else {
            &d.general_basis_zh
        },
    );
    if preferential && deed < deed_general {
        deed_line.relief = Some(Relief {
            kind: ReliefKind::Reduction,
            amount: Some(deed_general - deed),
            basis_zh: d.preferential_basis_zh.clone(),
        });
    }
    // The general rate fixes either the tax or the size of the reduction.
    assumptions.push(d.general_rate.rate_note());
    lines.push(deed_line);

    let sum_for = |payer: Payer| -> Fen {
        lines
            .iter()
            .filter(|l| l.payer == payer)
            .map(|l| l.amount)
            .sum()
    };
    let totals = Totals {
        buyer: sum_for(Payer::Buyer),
        seller: sum_for(Payer::Seller),
        overall: lines.iter().map(|l| l.amount).sum(),
    };
    let declaration = lines
        .iter()
        .filter_map(|l| {
            l.relief.as_ref().map(|r| DeclarationLine {
                taxpayer: l.payer,
                tax: l.tax,
                kind: r.kind,
                basis_zh: r.basis_zh.clone(),
                amount: r.amount,
            })
        })
        .collect();

    Ok(Assessment {
        rule_set_version: rules.version.clone(),
        unit_code: input.unit_code.trim().to_owned(),
        tax_date: input.tax_date,
        tax_base: base,
        base_source,
        net_of_vat: net,
        buyer_rank: input.buyer_house_count.rank,
        house_count_source: input.buyer_house_count.source,
        holding,
        iit: iit_detail,
        lines,
        declaration,
        totals,
        assumptions,
    })
}

/// IIT: actual (20% of the gain, floored at 0) when the original value is documented,
/// otherwise deemed (rate × N); exempt under 满五唯一, the relieved amount being the tax
/// that would otherwise be due.
fn iit(
    rules: &RuleSet,
    input: &TransferInput,
    holding: HoldingFacts,
    net: Fen,
    surcharges: Fen,
) -> (IitDetail, TaxLine) {
    let seller = &input.seller;
    let exempt = holding.five_years_reached && seller.family_only_home;
    let (detail, rate, basis) = match seller.original_value {
        Some(original) => {
            let original = original.total();
            let cap_rate = if seller.former_public_housing {
                rules.iit.renovation_cap_public
            } else {
                rules.iit.renovation_cap
            };
            let renovation_allowed = seller
                .renovation_costs
                .min(cap_rate.apply_half_up(original));
            let gain = net
                - original
                - surcharges
                - renovation_allowed
                - seller.loan_interest
                - seller.fees;
            let detail = IitDetail {
                method: IitMethod::Actual,
                income: net,
                original_value: original,
                taxes_paid: surcharges,
                renovation_claimed: seller.renovation_costs,
                renovation_allowed,
                loan_interest: seller.loan_interest,
                fees: seller.fees,
                taxable: gain.max(Fen::ZERO),
                exempt,
            };
            (detail, rules.iit.rate, &rules.iit.basis_zh)
        }
        None => {
            let detail = IitDetail {
                method: IitMethod::Deemed,
                income: net,
                original_value: Fen::ZERO,
                taxes_paid: Fen::ZERO,
                renovation_claimed: seller.renovation_costs,
                renovation_allowed: Fen::ZERO,
                loan_interest: Fen::ZERO,
                fees: Fen::ZERO,
                taxable: net,
                exempt,
            };
            (
                detail,
                rules.iit.deemed_rate.value,
                &rules.iit.deemed_basis_zh,
            )
        }
    };
    let due = rate.apply_half_up(detail.taxable);
    let line = if exempt {
        exempt_line(
            TaxKind::IndividualIncomeTax,
            Payer::Seller,
            detail.taxable,
            rate,
            Some(due),
            &rules.iit.exemption_basis_zh,
            basis,
        )
    } else {
        plain_line(
            TaxKind::IndividualIncomeTax,
            Payer::Seller,
            detail.taxable,
            rate,
            due,
            basis,
        )
    };
    (detail, line)
}

fn plain_line(
    tax: TaxKind,
    payer: Payer,
    base: Fen,
    rate: Rate,
    amount: Fen,
    basis: &str,
) -> TaxLine {
    TaxLine {
        tax,
        payer,
        base,
        rate,
        amount,
        exempt: false,
        relief: None,
        basis_zh: basis.to_owned(),
    }
}

fn exempt_line(
    tax: TaxKind,
    payer: Payer,
    base: Fen,
    rate: Rate,
    relieved: Option<Fen>,
    relief_basis: &str,
    levy_basis: &str,
) -> TaxLine {
    TaxLine {
        tax,
        payer,
        base,
        rate,
        amount: Fen::ZERO,
        exempt: true,
        relief: Some(Relief {
            kind: ReliefKind::Exemption,
            amount: relieved,
            basis_zh: relief_basis.to_owned(),
        }),
        basis_zh: levy_basis.to_owned(),
    }
}

/// The largest amount accepted: one trillion yuan.
const AMOUNT_LIMIT: Fen = Fen(100_000_000_000_000);

/// Checks the input; returns the start of the holding period.
fn check(rules: &RuleSet, input: &TransferInput) -> Result<time::Date, AssessmentError> {
    if rules.effective_from > input.tax_date {
        return Err(AssessmentError::RuleSetNotInForce {
            version: rules.version.clone(),
            tax_date: input.tax_date,
        });
    }
    if input.unit_code.trim().is_empty() {
        return Err(AssessmentError::UnitCodeEmpty);
    }
    if input.usage == PropertyUse::NonResidential {
        return Err(AssessmentError::NonResidentialUnsupported);
    }
    for (field, v) in [
        ("contract_price", input.contract_price),
        ("assessed_price", input.assessed_price),
    ] {
        if v <= Fen::ZERO {
            return Err(AssessmentError::PriceNotPositive { field });
        }
    }
    let s = &input.seller;
    let mut amounts = vec![
        ("contract_price", input.contract_price),
        ("assessed_price", input.assessed_price),
        ("seller.renovation_costs", s.renovation_costs),
        ("seller.loan_interest", s.loan_interest),
        ("seller.fees", s.fees),
    ];
    if let Some(o) = s.original_value {
        amounts.push(("seller.original_value.price", o.price));
        amounts.push(("seller.original_value.deed_tax", o.deed_tax));
    }
    for (field, v) in amounts {
        if v < Fen::ZERO {
            return Err(AssessmentError::NegativeAmount { field });
        }
        // A trillion yuan is no house price; the bound keeps the sums far from overflow.
        if v > AMOUNT_LIMIT {
            return Err(AssessmentError::AmountTooLarge { field });
        }
    }
    if input.tax_date < input.contract_date {
        return Err(AssessmentError::TaxDateBeforeContract {
            tax_date: input.tax_date,
            contract_date: input.contract_date,
        });
    }
    let acquired_on = s
        .acquired_on()
        .ok_or(AssessmentError::AcquisitionDateMissing)?;
    if acquired_on > input.tax_date {
        return Err(AssessmentError::AcquiredAfterTaxDate(acquired_on));
    }
    Ok(acquired_on)
}
