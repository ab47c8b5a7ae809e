//! Small value types shared by the tax rules: floor area, property use, location class,
//! home rank, payer, tax kind, and the calendar helpers (anniversaries, percent text).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::money::Rate;

// Dates travel as "YYYY-MM-DD" in JSON (time's default serde form is a tuple).
pub(crate) use crate::calendar::iso_serde as ymd;

/// A floor area in hundredths of a square metre (0.01 m²), always positive.
///
/// `Area::parse_m2("140.00")` is `Area(14_000)`; exactly 140.00 m² is "≤ 140 m²".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Area(i64);

impl Area {
    /// 140.00 m², the deed-tax threshold of 2024 No.16.
    pub const M2_140: Area = Area(14_000);

    /// An area from hundredths of a square metre; must be positive.
    pub fn from_centi_m2(centi: i64) -> Result<Area, AreaError> {
        if centi > 0 {
            Ok(Area(centi))
        } else {
            Err(AreaError::NotPositive(centi))
        }
    }

    /// Parses square metres written with at most two decimals, e.g. `"89.5"`, `"140.00"`.
    pub fn parse_m2(text: &str) -> Result<Area, AreaError> {
        let t = text.trim();
        let bad = || AreaError::Malformed(text.to_owned());
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty()
            || whole.len() > 9
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse::<i64>().map_err(|_| bad())?,
        };
        Area::from_centi_m2(whole * 100 + frac)
    }

    /// Hundredths of a square metre.
    pub const fn centi_m2(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for Area {
    type Error = AreaError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Area::from_centi_m2(value)
    }
}

impl From<Area> for i64 {
    fn from(a: Area) -> i64 {
        a.0
    }
}

/// Shows square metres with two decimals, e.g. `140.00`.
impl std::fmt::Display for Area {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// A floor area that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AreaError {
    /// The area is zero or negative.
    #[error("floor area must be positive, got {0} (0.01 m²)")]
    NotPositive(i64),
    /// The text is not square metres with at most two decimals.
    #[error("not a floor area in m² with at most two decimals: {0:?}")]
    Malformed(String),
}

impl AreaError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &["TAX_AREA_NOT_POSITIVE", "TAX_AREA_MALFORMED"];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            AreaError::NotPositive(_) => "TAX_AREA_NOT_POSITIVE",
            AreaError::Malformed(_) => "TAX_AREA_MALFORMED",
        }
    }
    /// Human message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            AreaError::NotPositive(v) => {
                format!("建筑面积必须大于零（收到 {v}，单位 0.01 平方米）")
            }
            AreaError::Malformed(t) => {
                format!("建筑面积格式错误：{t:?}（应为平方米，最多两位小数）")
            }
        }
    }
    /// Human message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// What the property is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PropertyUse {
    /// Housing (住房).
    Residential,
    /// Shops, offices, parking and other non-housing (非住房).
    NonResidential,
}

/// Where the property lies, for the urban maintenance and construction tax rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocationClass {
    /// Urban district of a city (市区): 7%.
    City,
    /// County town or organised town (县城、镇): 5%.
    County,
    /// Elsewhere (其他): 1%.
    Other,
}

/// Which home of the buyer's family this purchase is (房屋套次).
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
#[serde(rename_all = "snake_case")]
pub enum HomeRank {
    /// The family owns no home before this purchase (家庭唯一住房).
    First,
    /// The family owns exactly one home (家庭第二套住房).
    Second,
    /// The family owns two or more homes (第三套及以上).
    ThirdOrLater,
}

impl HomeRank {
    /// The rank of a purchase by a family that already owns `owned` homes.
    pub fn from_owned(owned: u32) -> HomeRank {
        match owned {
            0 => HomeRank::First,
            1 => HomeRank::Second,
            _ => HomeRank::ThirdOrLater,
        }
    }
}

/// Who pays a tax line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// The buyer (承受方).
    Buyer,
    /// The seller (转让方).
    Seller,
}

impl Payer {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Payer::Buyer => "买方",
            Payer::Seller => "卖方",
        }
    }
}

/// A tax or surcharge on a property transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxKind {
    /// 增值税.
    Vat,
    /// 城市维护建设税.
    UrbanMaintenance,
    /// 教育费附加.
    EducationSurcharge,
    /// 地方教育附加.
    LocalEducationSurcharge,
    /// 契税.
    DeedTax,
    /// 个人所得税.
    IndividualIncomeTax,
    /// 印花税.
    StampDuty,
    /// 土地增值税.
    LandVat,
}

impl TaxKind {
    /// Chinese name as on the declaration form.
    pub fn name_zh(self) -> &'static str {
        match self {
            TaxKind::Vat => "增值税",
            TaxKind::UrbanMaintenance => "城市维护建设税",
            TaxKind::EducationSurcharge => "教育费附加",
            TaxKind::LocalEducationSurcharge => "地方教育附加",
            TaxKind::DeedTax => "契税",
            TaxKind::IndividualIncomeTax => "个人所得税",
            TaxKind::StampDuty => "印花税",
            TaxKind::LandVat => "土地增值税",
        }
    }
}

/// The date `years` years after `date`. A 29 February with no counterpart falls on
/// 1 March (the period is complete only once 28 February has fully passed).
pub fn anniversary(date: Date, years: u16) -> Date {
    let year = date.year() + i32::from(years);
    Date::from_calendar_date(year, date.month(), date.day()).unwrap_or_else(|_| {
        // Only 29 February can fail; 1 March always exists.
        Date::from_calendar_date(year, Month::March, 1).unwrap_or(date)
    })
}

/// True when `on` is on or after the `years`-th anniversary of `since`.
pub fn full_years_reached(since: Date, on: Date, years: u16) -> bool {
    on >= anniversary(since, years)
}

/// A rate as percent text: `3%`, `1.5%`, `0.05%`.
pub fn percent_text(rate: Rate) -> String {
    let ppm = rate.ppm();
    let sign = if ppm < 0 { "-" } else { "" };
    let abs = ppm.unsigned_abs();
    let whole = abs / 10_000;
    let frac = abs % 10_000;
    if frac == 0 {
        format!("{sign}{whole}%")
    } else {
        let digits = format!("{frac:04}");
        format!("{sign}{whole}.{}%", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn parses_areas_to_the_hundredth() {
        assert_eq!(Area::parse_m2("140.00").unwrap().centi_m2(), 14_000);
        assert_eq!(Area::parse_m2("140.01").unwrap().centi_m2(), 14_001);
        assert_eq!(Area::parse_m2("89.5").unwrap().centi_m2(), 8_950);
        assert_eq!(Area::parse_m2("90").unwrap().to_string(), "90.00");
        assert_eq!(
            Area::parse_m2("0").unwrap_err().code(),
            "TAX_AREA_NOT_POSITIVE"
        );
        assert_eq!(
            Area::parse_m2("1.234").unwrap_err().code(),
            "TAX_AREA_MALFORMED"
        );
        assert!(Area::parse_m2("-3").is_err());
        assert!(serde_json::from_str::<Area>("0").is_err());
        assert_eq!(
            serde_json::from_str::<Area>("9000").unwrap().centi_m2(),
            9_000
        );
    }

    #[test]
    fn anniversaries_and_leap_days() {
        assert_eq!(anniversary(date!(2021 - 03 - 15), 5), date!(2026 - 03 - 15));
        assert_eq!(anniversary(date!(2024 - 02 - 29), 2), date!(2026 - 03 - 01));
        assert_eq!(anniversary(date!(2024 - 02 - 29), 4), date!(2028 - 02 - 29));
        assert!(full_years_reached(
            date!(2024 - 06 - 01),
            date!(2026 - 06 - 01),
            2
        ));
        assert!(!full_years_reached(
            date!(2024 - 06 - 01),
            date!(2026 - 05 - 31),
            2
        ));
    }

    #[test]
    fn shows_rates_as_percent() {
        assert_eq!(percent_text(Rate::from_percent(3)), "3%");
        assert_eq!(percent_text(Rate::from_ppm(15_000)), "1.5%");
        assert_eq!(percent_text(Rate::from_ppm(500)), "0.05%");
        assert_eq!(percent_text(Rate::from_ppm(35_000)), "3.5%");
    }

    #[test]
    fn ranks_follow_the_count() {
        assert_eq!(HomeRank::from_owned(0), HomeRank::First);
        assert_eq!(HomeRank::from_owned(1), HomeRank::Second);
        assert_eq!(HomeRank::from_owned(2), HomeRank::ThirdOrLater);
        assert_eq!(HomeRank::from_owned(7), HomeRank::ThirdOrLater);
    }
}
