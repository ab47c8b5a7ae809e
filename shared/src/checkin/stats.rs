//! The monthly statistics the justice bureau publishes per agency: scans, inspections
//! by kind, late scans, reports of entry without a scan, the share of case-driven
//! inspections, and the change on the same month a year earlier. The counts come from
//! the database; shares and changes are computed here, in per mille (integers, so
//! that the JSON and the CSV agree to the digit). No enterprise appears.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use time::{Date, Month as CalendarMonth};

/// A month `YYYY-MM` (2000–2100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatsMonth {
    /// Year.
    pub year: i32,
    /// Month.
    pub month: CalendarMonth,
}

impl StatsMonth {
    /// Parses exactly `YYYY-MM`.
    pub fn parse(text: &str) -> Option<StatsMonth> {
        let b = text.as_bytes();
        if b.len() != 7
            || b[4] != b'-'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 4 || c.is_ascii_digit())
        {
            return None;
        }
        let year: i32 = text[..4].parse().ok()?;
        let month: u8 = text[5..].parse().ok()?;
        let month = CalendarMonth::try_from(month).ok()?;
        (2000..=2100)
            .contains(&year)
            .then_some(StatsMonth { year, month })
    }

    /// Its first day.
    pub fn first_day(self) -> Date {
        Date::from_calendar_date(self.year, self.month, 1)
            .expect("years 2000–2100 have every month")
    }

    /// The first day of the next month.
    pub fn next_first_day(self) -> Date {
        let (y, m) = match self.month {
            CalendarMonth::December => (self.year + 1, CalendarMonth::January),
            m => (self.year, m.next()),
        };
        Date::from_calendar_date(y, m, 1).expect("a valid month")
    }

    /// The same month a year earlier (2000-xx has none).
    pub fn a_year_earlier(self) -> Option<StatsMonth> {
        (self.year > 2000).then_some(StatsMonth {
            year: self.year - 1,
            month: self.month,
        })
    }
}

impl std::fmt::Display for StatsMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, u8::from(self.month))
    }
}

/// What the database counts for one agency in one month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Counts {
    /// Officers' scans (each officer's scan, waiting or not).
    pub scans: u64,
    /// Routine inspections started.
    pub routine: u64,
    /// Case-driven inspections started.
    pub case_driven: u64,
    /// Special-campaign inspections started.
    pub special: u64,
    /// Inspections flagged late.
    pub late: u64,
    /// Enterprises' reports of officers who entered without scanning.
    pub no_scan_reports: u64,
}

impl Counts {
    /// Inspections of every kind.
    pub fn inspections(&self) -> u64 {
        self.routine + self.case_driven + self.special
    }
}

/// One agency's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AgencyMonth {
    /// The agency.
    pub agency: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: Counts,
    /// All inspections.
    pub inspections: u64,
    /// Case-driven inspections per mille of all (none without inspections).
    pub case_driven_share_permille: Option<u64>,
    /// Inspections in the same month a year earlier.
    pub inspections_a_year_earlier: u64,
    /// Change on that month, per mille (none when there were none then).
    pub change_permille: Option<i64>,
}

fn permille(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| (part * 1000 + whole / 2) / whole)
}

/// The rows for every agency seen in either month (sorted by agency), and the total.
pub fn monthly(
    this: &BTreeMap<String, Counts>,
    year_earlier: &BTreeMap<String, Counts>,
) -> (Vec<AgencyMonth>, AgencyMonth) {
    let agencies: BTreeSet<&String> = this.keys().chain(year_earlier.keys()).collect();
    let row = |agency: String, c: Counts, before: u64| {
        let inspections = c.inspections();
        AgencyMonth {
            agency,
            counts: c,
            inspections,
            case_driven_share_permille: permille(c.case_driven, inspections),
            inspections_a_year_earlier: before,
            change_permille: (before > 0).then(|| {
                let diff = i128::from(inspections) - i128::from(before);
                let p = (diff * 1000) / i128::from(before);
                i64::try_from(p).unwrap_or(i64::MAX)
            }),
        }
    };
    let mut total = Counts::default();
    let mut total_before = 0;
    let rows = agencies
        .into_iter()
        .map(|a| {
            let c = this.get(a).copied().unwrap_or_default();
            let before = year_earlier.get(a).map_or(0, Counts::inspections);
            total.scans += c.scans;
            total.routine += c.routine;
            total.case_driven += c.case_driven;
            total.special += c.special;
            total.late += c.late;
            total.no_scan_reports += c.no_scan_reports;
            total_before += before;
            row(a.clone(), c, before)
        })
        .collect();
    (rows, row("total".into(), total, total_before))
}

fn percent(p: Option<i64>) -> String {
    p.map_or_else(String::new, |p| {
        let sign = if p < 0 { "-" } else { "" };
        format!("{sign}{}.{}", p.abs() / 10, p.abs() % 10)
    })
}

/// The rows as CSV (UTF-8 with a BOM so that spreadsheet programs read the Chinese
/// header), percentages with one decimal.
pub fn to_csv(month: StatsMonth, rows: &[AgencyMonth], total: &AgencyMonth) -> String {
    let mut out = String::from(
        "\u{feff}月份,机关,扫码次数,常规检查,案件检查,专项检查,检查合计,补扫码,未扫码入企举报,案件检查占比%,上年同月检查,同比变化%\r\n",
    );
    for r in rows.iter().chain(std::iter::once(total)) {
        let c = &r.counts;
        let _ = write!(
            out,
            "{month},{},{},{},{},{},{},{},{},{},{},{}\r\n",
            r.agency,
            c.scans,
            c.routine,
            c.case_driven,
            c.special,
            r.inspections,
            c.late,
            c.no_scan_reports,
            percent(r.case_driven_share_permille.map(|p| p as i64)),
            r.inspections_a_year_earlier,
            percent(r.change_permille),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(routine: u64, case_driven: u64, special: u64) -> Counts {
        Counts {
            scans: 2 * (routine + case_driven + special),
            routine,
            case_driven,
            special,
            late: 1,
            no_scan_reports: 0,
        }
    }

    #[test]
    fn shares_and_changes_are_per_mille_and_agencies_of_either_year_appear() {
        let this = BTreeMap::from([
            ("market".to_owned(), counts(6, 3, 1)),
            ("fire".to_owned(), counts(0, 0, 0)),
        ]);
        let before = BTreeMap::from([
            ("market".to_owned(), counts(8, 4, 0)),
            ("env".to_owned(), counts(2, 0, 0)),
        ]);
        let (rows, total) = monthly(&this, &before);
        assert_eq!(
            rows.iter().map(|r| r.agency.as_str()).collect::<Vec<_>>(),
            ["env", "fire", "market"]
        );
        let market = &rows[2];
        assert_eq!(market.inspections, 10);
        assert_eq!(market.case_driven_share_permille, Some(300));
        assert_eq!(market.change_permille, Some(-166), "10 against 12");
        assert_eq!(rows[1].case_driven_share_permille, None);
        assert_eq!(rows[1].change_permille, None);
        assert_eq!(rows[0].change_permille, Some(-1000));
        assert_eq!(total.inspections, 10);
        assert_eq!(total.inspections_a_year_earlier, 14);
        let csv = to_csv(StatsMonth::parse("2026-11").unwrap(), &rows, &total);
        assert!(csv.starts_with('\u{feff}'));
        assert!(
            csv.contains("2026-11,market,20,6,3,1,10,1,0,30.0,12,-16.6\r\n"),
            "{csv}"
        );
        assert!(csv.contains("2026-11,total,"), "{csv}");
    }

    #[test]
    fn months_parse_strictly() {
        let m = StatsMonth::parse("2026-12").unwrap();
        assert_eq!(m.to_string(), "2026-12");
        assert_eq!(m.next_first_day(), time::macros::date!(2027 - 01 - 01));
        assert_eq!(m.a_year_earlier().unwrap().to_string(), "2025-12");
        for bad in [
            "2026-13",
            "2026-00",
            "26-12",
            "2026/12",
            "9999-01",
            "2026-1",
            "２０２６-12",
        ] {
            assert_eq!(StatsMonth::parse(bad), None, "{bad}");
        }
    }
}
