//! Which coefficient table and which date an assessment uses when the caller does not
//! say: the rules the shell applies before calling [`assess`](super::assess).

use super::table::CoefficientTable;
use time::{Date, OffsetDateTime};

/// China Standard Time (UTC+8): "today" for an assessment is the local date.
pub use crate::calendar::CHINA_STANDARD_TIME;

/// The default assessment date at instant `now`: today's date in UTC+8.
pub fn default_assessment_date(now: OffsetDateTime) -> Date {
    now.to_offset(CHINA_STANDARD_TIME).date()
}

/// The coefficient table for a dwelling in `division_code` on date `on`, from the
/// tables a city has published:
/// 1. among the tables covering the division
///    ([`CoefficientTable::covers_division`]), the one with the latest effective date
///    on or before `on`; on a tie, a county's own table before its city's;
/// 2. if none is effective yet, the earliest covering table, so that
///    [`assess`](super::assess) explains when it takes effect;
/// 3. `None` when no table covers the division.
pub fn select_table<'t>(
    tables: &'t [CoefficientTable],
    division_code: &str,
    on: Date,
) -> Option<&'t CoefficientTable> {
    let covering = || tables.iter().filter(|t| t.covers_division(division_code));
    let specific = |t: &CoefficientTable| t.city_code() == division_code;
    covering()
        .filter(|t| t.effective_from() <= on)
        .max_by_key(|t| (t.effective_from(), specific(t)))
        .or_else(|| covering().min_by_key(|t| t.effective_from()))
}

/// The prefix shared by the unit codes of every dwelling under a 6-digit city or
/// county code: the first four digits for a city code ending in `00` (its whole
/// prefecture), the whole code otherwise — the coverage rule of
/// [`CoefficientTable::covers_division`].
pub fn unit_code_prefix(code: &str) -> &str {
    match code.get(..4) {
        Some(city) if code.len() == 6 && code.ends_with("00") => city,
        _ => code,
    }
}

/// A text above every unit code that starts with `prefix` (digits, from
/// [`unit_code_prefix`]) and below the next prefix's codes: the prefix plus one as a
/// number of the same width (`"4109"` → `"4110"`), so that only digits are compared
/// and any collation a database was set up with orders them the same. A prefix of
/// nines, or one that is not digits, ends at `"A"`: unit codes begin with six
/// digits, which sort below a letter everywhere.
pub fn unit_code_prefix_end(prefix: &str) -> String {
    let mut digits = prefix.as_bytes().to_vec();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return "A".to_owned();
    }
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return String::from_utf8_lossy(&digits).into_owned();
        }
    }
    "A".to_owned()
}

impl CoefficientTable {
    /// The prefix shared by the unit codes of every dwelling the table covers
    /// ([`unit_code_prefix`] of its city code).
    pub fn division_prefix(&self) -> &str {
        unit_code_prefix(self.city_code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_ends_where_the_next_prefix_begins() {
        assert_eq!(unit_code_prefix_end("4103"), "4104");
        assert_eq!(unit_code_prefix_end("410309"), "410310");
        assert_eq!(unit_code_prefix_end("4199"), "4200");
        assert_eq!(unit_code_prefix_end("9999"), "A");
        assert_eq!(unit_code_prefix_end(""), "A");
        assert_eq!(unit_code_prefix_end("41x"), "A");
        // Every code under the prefix sorts below its end, the next district's not.
        let end = unit_code_prefix_end("410309");
        assert!("410309999999ZZ99999Z99999999" < end.as_str());
        assert!("410310001001GB00001F00010101" >= end.as_str());
    }
    use crate::valuation::TableData;
    use time::macros::{date, datetime};

    fn table(version: &str, city: &str, from: Date) -> CoefficientTable {
        let base = CoefficientTable::luoyang_illustrative();
        let data = TableData {
            version: version.to_owned(),
            city_code: city.to_owned(),
            effective_from: from,
            rows: base.rows().to_vec(),
        };
        CoefficientTable::new(data).unwrap()
    }

    #[test]
    fn today_is_the_date_in_china() {
        assert_eq!(
            default_assessment_date(datetime!(2025-06-30 15:59 UTC)),
            date!(2025 - 06 - 30)
        );
        assert_eq!(
            default_assessment_date(datetime!(2025-06-30 16:00 UTC)),
            date!(2025 - 07 - 01)
        );
    }

    #[test]
    fn picks_the_latest_effective_covering_table() {
        let tables = [
            table("city-2024", "410300", date!(2024 - 01 - 01)),
            table("city-2025", "410300", date!(2025 - 01 - 01)),
            table("county-2025", "410305", date!(2025 - 01 - 01)),
            table("other-city", "410100", date!(2023 - 01 - 01)),
        ];
        let pick = |div: &str, on: Date| select_table(&tables, div, on).map(|t| t.version());
        assert_eq!(pick("410311", date!(2024 - 06 - 01)), Some("city-2024"));
        assert_eq!(pick("410311", date!(2025 - 06 - 01)), Some("city-2025"));
        // The county's own table wins a tie with its city's.
        assert_eq!(pick("410305", date!(2025 - 06 - 01)), Some("county-2025"));
        assert_eq!(pick("410305", date!(2024 - 06 - 01)), Some("city-2024"));
        // Before every table: the earliest, so the assessment can say when it starts.
        assert_eq!(pick("410311", date!(2023 - 06 - 01)), Some("city-2024"));
        assert_eq!(pick("420100", date!(2025 - 06 - 01)), None);
    }

    #[test]
    fn division_prefix_follows_coverage() {
        assert_eq!(
            table("c", "410300", date!(2024 - 01 - 01)).division_prefix(),
            "4103"
        );
        assert_eq!(
            table("c", "410305", date!(2024 - 01 - 01)).division_prefix(),
            "410305"
        );
        assert_eq!(unit_code_prefix("410300"), "4103");
        assert_eq!(unit_code_prefix("410311"), "410311");
    }
}
