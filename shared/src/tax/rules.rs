//! The dated rule set: every rate, threshold and legal basis as data. A history of rule
//! sets is kept; [`RuleSet::select`] picks the one in force on the tax date.
//!
//! Values of weak confidence (L in the domain note) are [`Assumed`]: they carry a code
//! and a text, and every answer that uses them lists them in its `assumptions`.

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

use super::types::{Area, LocationClass, percent_text, ymd};
use crate::money::Rate;

/// A configured value of weak confidence, with the words that explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumed<T> {
    /// The value used.
    pub value: T,
    /// Stable code, e.g. `ASSUME_HENAN_DEED_GENERAL_RATE`.
    pub code: String,
    /// What is assumed, in Chinese.
    pub text_zh: String,
    /// What is assumed, in English.
    pub text_en: String,
}

impl<T> Assumed<T> {
    /// The answer-side note for this assumption, with the value shown as `value_text`.
    pub fn note(&self, value_text: String) -> Assumption {
        Assumption {
            code: self.code.clone(),
            text_zh: self.text_zh.clone(),
            text_en: self.text_en.clone(),
            value: value_text,
        }
    }
}

impl Assumed<Rate> {
    /// The answer-side note, the rate shown as a percentage.
    pub fn rate_note(&self) -> Assumption {
        self.note(percent_text(self.value))
    }
}

/// An assumption reported in an answer: code, Chinese and English text, value used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Assumption {
    /// Stable code.
    pub code: String,
    /// Chinese text.
    pub text_zh: String,
    /// English text.
    pub text_en: String,
    /// The value used, as text (e.g. `3%`).
    pub value: String,
}

/// Deed-tax (契税) rates and the area threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeedRules {
    /// The area threshold; an area equal to it counts as "≤".
    pub area_threshold: Area,
    /// Family's only home, area ≤ threshold.
    pub first_home_small: Rate,
    /// Family's only home, area > threshold.
    pub first_home_large: Rate,
    /// Family's second home, area ≤ threshold.
    pub second_home_small: Rate,
    /// Family's second home, area > threshold.
    pub second_home_large: Rate,
    /// Provincial general rate: third and later homes, non-residential.
    pub general_rate: Assumed<Rate>,
    /// Legal basis of the preferential rates.
    pub preferential_basis_zh: String,
    /// Legal basis of the general rate.
    pub general_basis_zh: String,
}

/// VAT (增值税) on individuals' housing sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatRules {
    /// Levy rate on the full VAT-inclusive price for housing held less than the period.
    pub rate: Rate,
    /// Holding period (whole years) from which the sale is exempt.
    pub exempt_after_years: u16,
    /// Legal basis of the levy.
    pub basis_zh: String,
    /// Legal basis of the exemption.
    pub exemption_basis_zh: String,
}

/// Surcharges on the VAT and the individual halving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurchargeRules {
    /// Urban maintenance and construction tax, city districts.
    pub urban_city: Rate,
    /// Urban maintenance and construction tax, county towns.
    pub urban_county: Rate,
    /// Urban maintenance and construction tax, elsewhere.
    pub urban_other: Rate,
    /// Education surcharge.
    pub education: Rate,
    /// Local education surcharge.
    pub local_education: Rate,
    /// Share of each surcharge relieved for individuals (50% = halving).
    pub individual_reduction: Rate,
    /// First tax date of the halving.
    #[serde(with = "ymd")]
    pub reduction_from: Date,
    /// Last tax date of the halving.
    #[serde(with = "ymd")]
    pub reduction_until: Date,
    /// Legal basis, urban maintenance tax.
    pub urban_basis_zh: String,
    /// Legal basis, education surcharge.
    pub education_basis_zh: String,
    /// Legal basis, local education surcharge.
    pub local_education_basis_zh: String,
    /// Legal basis of the halving.
    pub reduction_basis_zh: String,
}

impl SurchargeRules {
    /// The urban maintenance rate for a location class.
    pub fn urban_rate(&self, location: LocationClass) -> Rate {
        match location {
            LocationClass::City => self.urban_city,
            LocationClass::County => self.urban_county,
            LocationClass::Other => self.urban_other,
        }
    }

    /// True when the halving applies on `tax_date`.
    pub fn halved_on(&self, tax_date: Date) -> bool {
        tax_date >= self.reduction_from && tax_date <= self.reduction_until
    }
}

/// Individual income tax (个人所得税) on the transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IitRules {
    /// Rate on the gain (财产转让所得).
    pub rate: Rate,
    /// Deemed rate on the income when the original value is undocumented.
    pub deemed_rate: Assumed<Rate>,
    /// Renovation costs cap, share of the original value.
    pub renovation_cap: Rate,
    /// Renovation costs cap for former public / affordable housing.
    pub renovation_cap_public: Rate,
    /// Holding period (whole years) for 满五唯一.
    pub exempt_min_years: u16,
    /// Legal basis of the levy on the gain.
    pub basis_zh: String,
    /// Legal basis of the deemed levy.
    pub deemed_basis_zh: String,
    /// Legal basis of the 满五唯一 exemption.
    pub exemption_basis_zh: String,
}

/// Stamp duty and land VAT, shown as exempt lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptLineRules {
    /// Stamp duty rate on transfer deeds, for the relieved amount.
    pub stamp_duty_rate: Rate,
    /// Legal basis of the stamp-duty exemption.
    pub stamp_duty_basis_zh: String,
    /// Legal basis of the land-VAT exemption.
    pub land_vat_basis_zh: String,
}

/// The window of the sell-then-buy IIT refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundWindow {
    /// First day on which sale and purchase may fall.
    #[serde(with = "ymd")]
    pub from: Date,
    /// Last day on which sale and purchase may fall.
    #[serde(with = "ymd")]
    pub until: Date,
    /// Years after the sale within which the new purchase must fall.
    pub within_years: u16,
}

/// The sell-then-buy IIT refund (换购住房退税).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRules {
    /// The window, of weak confidence.
    pub window: Assumed<RefundWindow>,
    /// Legal basis.
    pub basis_zh: String,
}

impl RefundRules {
    /// The answer-side assumption note for the window.
    pub fn window_note(&self) -> Assumption {
        let w = &self.window.value;
        self.window.note(format!(
            "{}..{}, {} year(s)",
            w.from, w.until, w.within_years
        ))
    }
}

/// Every rate and threshold in force from one date on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    /// Version shown in every answer, e.g. `henan-2026-01-01`.
    pub version: String,
    /// First tax date on which this set applies.
    #[serde(with = "ymd")]
    pub effective_from: Date,
    /// Deed tax.
    pub deed: DeedRules,
    /// VAT.
    pub vat: VatRules,
    /// Surcharges.
    pub surcharges: SurchargeRules,
    /// Individual income tax.
    pub iit: IitRules,
    /// Stamp duty and land VAT.
    pub exempt_lines: ExemptLineRules,
    /// Sell-then-buy refund.
    pub refund: RefundRules,
}

/// A rule set that cannot be used, or none in force.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleSetError {
    /// No rule set in the history is in force on the date.
    #[error("no tax rule set is in force on {0}")]
    NoneInForce(Date),
    /// The JSON is not a rule set.
    #[error("the rule set is not valid JSON of the expected shape: {0}")]
    Malformed(String),
    /// A rule-set field holds an impossible value.
    #[error("rule set field {field} is out of range")]
    OutOfRange {
        /// The field.
        field: &'static str,
    },
    /// The version string is empty.
    #[error("the rule set has no version")]
    NoVersion,
}

impl RuleSetError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "TAX_RULE_SET_NONE_IN_FORCE",
        "TAX_RULE_SET_MALFORMED",
        "TAX_RULE_SET_OUT_OF_RANGE",
        "TAX_RULE_SET_NO_VERSION",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            RuleSetError::NoneInForce(_) => "TAX_RULE_SET_NONE_IN_FORCE",
            RuleSetError::Malformed(_) => "TAX_RULE_SET_MALFORMED",
            RuleSetError::OutOfRange { .. } => "TAX_RULE_SET_OUT_OF_RANGE",
            RuleSetError::NoVersion => "TAX_RULE_SET_NO_VERSION",
        }
    }
    /// Human message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            RuleSetError::NoneInForce(d) => format!("{d} 没有生效的税收规则集"),
            RuleSetError::Malformed(e) => format!("税收规则集格式错误：{e}"),
            RuleSetError::OutOfRange { field } => format!("税收规则集字段 {field} 取值超出范围"),
            RuleSetError::NoVersion => "税收规则集缺少版本号".to_owned(),
        }
    }
    /// Human message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

impl RuleSet {
    /// The set in force on `tax_date`: the latest `effective_from` not after it.
    pub fn select(history: &[RuleSet], tax_date: Date) -> Result<&RuleSet, RuleSetError> {
        history
            .iter()
            .filter(|r| r.effective_from <= tax_date)
            .max_by_key(|r| r.effective_from)
            .ok_or(RuleSetError::NoneInForce(tax_date))
    }

    /// Reads a rule set from JSON (configuration) and checks every rate is in 0..=100%.
    pub fn from_json(text: &str) -> Result<RuleSet, RuleSetError> {
        let set: RuleSet =
            serde_json::from_str(text).map_err(|e| RuleSetError::Malformed(e.to_string()))?;
        set.check()?;
        Ok(set)
    }

    fn check(&self) -> Result<(), RuleSetError> {
        if self.version.trim().is_empty() {
            return Err(RuleSetError::NoVersion);
        }
        let rates: [(&'static str, Rate); 17] = [
            ("deed.first_home_small", self.deed.first_home_small),
            ("deed.first_home_large", self.deed.first_home_large),
            ("deed.second_home_small", self.deed.second_home_small),
            ("deed.second_home_large", self.deed.second_home_large),
            ("deed.general_rate", self.deed.general_rate.value),
            ("vat.rate", self.vat.rate),
            ("surcharges.urban_city", self.surcharges.urban_city),
            ("surcharges.urban_county", self.surcharges.urban_county),
            ("surcharges.urban_other", self.surcharges.urban_other),
            ("surcharges.education", self.surcharges.education),
            (
                "surcharges.local_education",
                self.surcharges.local_education,
            ),
            (
                "surcharges.individual_reduction",
                self.surcharges.individual_reduction,
            ),
            ("iit.rate", self.iit.rate),
            ("iit.deemed_rate", self.iit.deemed_rate.value),
            ("iit.renovation_cap", self.iit.renovation_cap),
            ("iit.renovation_cap_public", self.iit.renovation_cap_public),
            (
                "exempt_lines.stamp_duty_rate",
                self.exempt_lines.stamp_duty_rate,
            ),
        ];
        for (field, rate) in rates {
            if !(0..=Rate::ONE_PPM).contains(&rate.ppm()) {
                return Err(RuleSetError::OutOfRange { field });
            }
        }
        if self.surcharges.reduction_from > self.surcharges.reduction_until {
            return Err(RuleSetError::OutOfRange {
                field: "surcharges.reduction_until",
            });
        }
        if self.refund.window.value.from > self.refund.window.value.until {
            return Err(RuleSetError::OutOfRange {
                field: "refund.window.until",
            });
        }
        Ok(())
    }

    /// Henan, tax dates from 2024-12-01: deed tax per 2024 No.16, VAT 5% (财税〔2016〕36号).
    pub fn henan_2024_12() -> RuleSet {
        RuleSet {
            version: "henan-2024-12-01".to_owned(),
            effective_from: date!(2024 - 12 - 01),
            deed: henan_deed(),
            vat: VatRules {
                rate: Rate::from_percent(5),
                exempt_after_years: 2,
                basis_zh: "《营业税改征增值税试点过渡政策的规定》（财税〔2016〕36号附件3）第五条：个人将购买不足2年的住房对外销售的，按照5%的征收率全额缴纳增值税".to_owned(),
                exemption_basis_zh: "《营业税改征增值税试点过渡政策的规定》（财税〔2016〕36号附件3）第五条：个人将购买2年以上（含2年）的住房对外销售的，免征增值税".to_owned(),
            },
            surcharges: henan_surcharges(),
            iit: henan_iit(),
            exempt_lines: exempt_lines(),
            refund: refund_rules(),
        }
    }

    /// Henan, tax dates from 2026-01-01: VAT 3% on the full price (2025 No.17).
    pub fn henan_2026_01() -> RuleSet {
        RuleSet {
            version: "henan-2026-01-01".to_owned(),
            effective_from: date!(2026 - 01 - 01),
            vat: VatRules {
                rate: Rate::from_percent(3),
                exempt_after_years: 2,
                basis_zh: "财政部 税务总局公告2025年第17号：个人将购买不足2年的住房对外销售的，按照3%的征收率全额缴纳增值税".to_owned(),
                exemption_basis_zh: "财政部 税务总局公告2025年第17号：个人将购买2年以上（含2年）的住房对外销售的，免征增值税".to_owned(),
            },
            ..RuleSet::henan_2024_12()
        }
    }

    /// The built-in history: [`RuleSet::henan_2024_12`] then [`RuleSet::henan_2026_01`].
    pub fn builtin_history() -> Vec<RuleSet> {
        vec![RuleSet::henan_2024_12(), RuleSet::henan_2026_01()]
    }
}

fn henan_deed() -> DeedRules {
    DeedRules {
        area_threshold: Area::M2_140,
        first_home_small: Rate::from_percent(1),
        first_home_large: Rate::from_ppm(15_000),
        second_home_small: Rate::from_percent(1),
        second_home_large: Rate::from_percent(2),
        general_rate: Assumed {
            value: Rate::from_percent(3),
            code: "ASSUME_HENAN_DEED_GENERAL_RATE".to_owned(),
            text_zh: "河南省契税适用税率（第三套及以上住房、非住房）按3%计算，该值未经官方文本核实，为可配置的假设值".to_owned(),
            text_en: "Henan's general deed-tax rate (third and later homes, non-residential) is assumed to be 3%; not verified against an official text, configurable".to_owned(),
        },
        preferential_basis_zh: "《财政部 税务总局 住房城乡建设部关于促进房地产市场平稳健康发展有关税收政策的公告》（财政部 税务总局 住房城乡建设部公告2024年第16号）第一条".to_owned(),
        general_basis_zh: "《中华人民共和国契税法》第三条（适用税率由省、自治区、直辖市在3%至5%幅度内确定）".to_owned(),
    }
}

fn henan_surcharges() -> SurchargeRules {
    SurchargeRules {
        urban_city: Rate::from_percent(7),
        urban_county: Rate::from_percent(5),
        urban_other: Rate::from_percent(1),
        education: Rate::from_percent(3),
        local_education: Rate::from_percent(2),
        individual_reduction: Rate::from_percent(50),
        reduction_from: date!(2023 - 01 - 01),
        reduction_until: date!(2027 - 12 - 31),
        urban_basis_zh: "《中华人民共和国城市维护建设税法》第四条".to_owned(),
        education_basis_zh: "《征收教育费附加的暂行规定》（国务院令第448号修订）".to_owned(),
        local_education_basis_zh: "《财政部关于统一地方教育附加政策有关问题的通知》（财综〔2010〕98号）".to_owned(),
        reduction_basis_zh: "《财政部 税务总局关于进一步支持小微企业和个体工商户发展有关税费政策的公告》（财政部 税务总局公告2023年第12号）第二条".to_owned(),
    }
}

fn henan_iit() -> IitRules {
    IitRules {
        rate: Rate::from_percent(20),
        deemed_rate: Assumed {
            value: Rate::from_percent(1),
            code: "ASSUME_HENAN_IIT_DEEMED_RATE".to_owned(),
            text_zh: "河南省个人转让住房未提供原值凭证时按转让收入1%核定个人所得税，该值未经官方文本核实，为可配置的假设值".to_owned(),
            text_en: "Henan's deemed IIT rate for sellers without purchase documents is assumed to be 1% of the income; not verified against an official text, configurable".to_owned(),
        },
        renovation_cap: Rate::from_percent(10),
        renovation_cap_public: Rate::from_percent(15),
        exempt_min_years: 5,
        basis_zh: "《中华人民共和国个人所得税法》第三条、第六条；《国家税务总局关于个人住房转让所得征收个人所得税有关问题的通知》（国税发〔2006〕108号）".to_owned(),
        deemed_basis_zh: "《国家税务总局关于个人住房转让所得征收个人所得税有关问题的通知》（国税发〔2006〕108号）第三条：未提供完整、准确的房屋原值凭证的，按转让收入的一定比例核定应纳个人所得税额".to_owned(),
        exemption_basis_zh: "《财政部 国家税务总局 建设部关于个人出售住房所得征收个人所得税有关问题的通知》（财税字〔1999〕278号）第三条：个人转让自用5年以上、并且是家庭唯一生活用房取得的所得，免征个人所得税".to_owned(),
    }
}

fn exempt_lines() -> ExemptLineRules {
    ExemptLineRules {
        stamp_duty_rate: Rate::from_ppm(500),
        stamp_duty_basis_zh: "《财政部 国家税务总局关于调整房地产交易环节税收政策的通知》（财税〔2008〕137号）第二条：对个人销售或购买住房暂免征收印花税".to_owned(),
        land_vat_basis_zh: "《财政部 国家税务总局关于调整房地产交易环节税收政策的通知》（财税〔2008〕137号）第三条：对个人销售住房暂免征收土地增值税".to_owned(),
    }
}

fn refund_rules() -> RefundRules {
    RefundRules {
        window: Assumed {
            value: RefundWindow {
                from: date!(2026 - 01 - 01),
                until: date!(2027 - 12 - 31),
                within_years: 1,
            },
            code: "ASSUME_REFUND_WINDOW_2026_2027".to_owned(),
            text_zh: "换购住房个人所得税退税政策执行期按2026年1月1日至2027年12月31日计算，出售与新购均须在期内，新购在出售后1年内；依据为单一来源，为可配置的假设值".to_owned(),
            text_en: "The sell-then-buy IIT refund is assumed to run from 2026-01-01 to 2027-12-31, sale and purchase both inside it and the purchase within 1 year of the sale; single source, configurable".to_owned(),
        },
        basis_zh: "《财政部 税务总局 住房城乡建设部关于支持居民换购住房有关个人所得税政策的公告》（财政部 税务总局 住房城乡建设部公告2022年第30号）及其延续执行公告".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_the_set_in_force_on_the_tax_date() {
        let history = RuleSet::builtin_history();
        let pick = |d| RuleSet::select(&history, d).map(|r| r.version.clone());
        assert_eq!(pick(date!(2025 - 12 - 31)).unwrap(), "henan-2024-12-01");
        assert_eq!(pick(date!(2026 - 01 - 01)).unwrap(), "henan-2026-01-01");
        assert_eq!(pick(date!(2024 - 12 - 01)).unwrap(), "henan-2024-12-01");
        let err = pick(date!(2024 - 11 - 30)).unwrap_err();
        assert_eq!(err.code(), "TAX_RULE_SET_NONE_IN_FORCE");
        // Order of the history does not matter.
        let reversed: Vec<RuleSet> = history.iter().rev().cloned().collect();
        assert_eq!(
            RuleSet::select(&reversed, date!(2026 - 06 - 01))
                .unwrap()
                .vat
                .rate,
            Rate::from_percent(3)
        );
        assert_eq!(
            RuleSet::select(&reversed, date!(2025 - 06 - 01))
                .unwrap()
                .vat
                .rate,
            Rate::from_percent(5)
        );
    }

    #[test]
    fn round_trips_through_json_and_rejects_bad_rates() {
        let set = RuleSet::henan_2026_01();
        let json = serde_json::to_string(&set).unwrap();
        assert!(json.contains("\"effective_from\":\"2026-01-01\""));
        assert_eq!(RuleSet::from_json(&json).unwrap(), set);

        let mut bad = set.clone();
        bad.vat.rate = Rate::from_percent(101);
        let err = RuleSet::from_json(&serde_json::to_string(&bad).unwrap()).unwrap_err();
        assert_eq!(err, RuleSetError::OutOfRange { field: "vat.rate" });

        let mut unnamed = set;
        unnamed.version = " ".to_owned();
        let err = RuleSet::from_json(&serde_json::to_string(&unnamed).unwrap()).unwrap_err();
        assert_eq!(err.code(), "TAX_RULE_SET_NO_VERSION");
        assert_eq!(
            RuleSet::from_json("{}").unwrap_err().code(),
            "TAX_RULE_SET_MALFORMED"
        );
    }

    #[test]
    fn weak_values_carry_assumption_notes() {
        let set = RuleSet::henan_2026_01();
        let note = set.deed.general_rate.rate_note();
        assert_eq!(note.code, "ASSUME_HENAN_DEED_GENERAL_RATE");
        assert_eq!(note.value, "3%");
        assert_eq!(set.iit.deemed_rate.rate_note().value, "1%");
        assert_eq!(
            set.refund.window_note().value,
            "2026-01-01..2027-12-31, 1 year(s)"
        );
    }

    #[test]
    fn halving_is_dated() {
        let s = RuleSet::henan_2026_01().surcharges;
        assert!(s.halved_on(date!(2027 - 12 - 31)));
        assert!(!s.halved_on(date!(2028 - 01 - 01)));
        assert_eq!(s.urban_rate(LocationClass::County), Rate::from_percent(5));
    }
}
