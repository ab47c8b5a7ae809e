//! Tariffs: a flat price or time-of-use periods with per-month period tables (data),
//! dated by effective-from, and the pricing of an interval split at every boundary.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::error::MeteringInputError;
use super::plausibility::within_years;
use super::quantity::{MicroFen, PricePerKwh, Wh};
use crate::money::div_half_up;

/// China Standard Time (UTC+8): time-of-use periods are local wall-clock hours.
pub use crate::calendar::CHINA_STANDARD_TIME as CHINA;

const NANOS_PER_MIN: i64 = 60_000_000_000;
const MINUTES_PER_DAY: u16 = 1440;

/// A time-of-use period (尖峰 / 高峰 / 平段 / 低谷).
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
pub enum Period {
    /// 低谷: valley.
    Valley,
    /// 平段: flat (also the only period of a flat tariff).
    Flat,
    /// 高峰: peak.
    Peak,
    /// 尖峰: critical peak.
    Critical,
}

/// The price of each period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PeriodPrices {
    /// Critical-peak price.
    pub critical: PricePerKwh,
    /// Peak price.
    pub peak: PricePerKwh,
    /// Flat price.
    pub flat: PricePerKwh,
    /// Valley price.
    pub valley: PricePerKwh,
}

impl PeriodPrices {
    /// The price of one period.
    pub fn of(&self, period: Period) -> PricePerKwh {
        match period {
            Period::Critical => self.critical,
            Period::Peak => self.peak,
            Period::Flat => self.flat,
            Period::Valley => self.valley,
        }
    }

    /// Prices from a flat price with the ratios reported for Henan (domain note, one
    /// source, confidence L–M): peak : flat : valley = 1.72 : 1 : 0.45 and
    /// critical = peak × 1.2, each rounded half-up to the micro-fen. Real tariffs are
    /// configuration; this is a convenient default.
    pub fn henan_ratios(flat: PricePerKwh) -> PeriodPrices {
        let peak = flat.scaled(172, 100);
        PeriodPrices {
            critical: peak.scaled(12, 10),
            peak,
            flat,
            valley: flat.scaled(45, 100),
        }
    }
}

/// One span of a day in a period, in minutes after local midnight, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PeriodSpan {
    /// Start, minutes after local midnight (0–1439).
    pub start_min: u16,
    /// End (exclusive), minutes after local midnight (1–1440).
    pub end_min: u16,
    /// The period in force during the span.
    pub period: Period,
}

/// The periods of one day: non-overlapping spans; minutes not covered are flat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "Vec<PeriodSpan>", into = "Vec<PeriodSpan>")]
pub struct DaySchedule {
    spans: Vec<PeriodSpan>,
}

impl DaySchedule {
    /// Sorts and checks the spans: each non-empty and inside the day, none overlapping.
    pub fn new(mut spans: Vec<PeriodSpan>) -> Result<DaySchedule, MeteringInputError> {
        spans.sort_by_key(|s| s.start_min);
        for s in &spans {
            if s.start_min >= s.end_min || s.end_min > MINUTES_PER_DAY {
                return Err(MeteringInputError::ScheduleSpanInvalid {
                    start_min: s.start_min,
                    end_min: s.end_min,
                });
            }
        }
        for pair in spans.windows(2) {
            if pair[1].start_min < pair[0].end_min {
                return Err(MeteringInputError::ScheduleOverlap {
                    at_min: pair[1].start_min,
                });
            }
        }
        Ok(DaySchedule { spans })
    }

    /// From whole-hour spans `(start_hour, end_hour, period)`, e.g. `(16, 24, Peak)`.
    pub fn from_hours(hours: &[(u8, u8, Period)]) -> Result<DaySchedule, MeteringInputError> {
        DaySchedule::new(
            hours
                .iter()
                .map(|&(start, end, period)| PeriodSpan {
                    start_min: u16::from(start) * 60,
                    end_min: u16::from(end) * 60,
                    period,
                })
                .collect(),
        )
    }

    /// The spans, sorted.
    pub fn spans(&self) -> &[PeriodSpan] {
        &self.spans
    }

    /// The period at `nanos` after local midnight, and the nanos of the next boundary
    /// (a span edge, or the next midnight).
    fn at(&self, nanos: i64) -> (Period, i64) {
        let mut period = Period::Flat;
        let mut next = i64::from(MINUTES_PER_DAY) * NANOS_PER_MIN;
        for s in &self.spans {
            let start = i64::from(s.start_min) * NANOS_PER_MIN;
            let end = i64::from(s.end_min) * NANOS_PER_MIN;
            if start <= nanos && nanos < end {
                period = s.period;
            }
            for edge in [start, end] {
                if edge > nanos && edge < next {
                    next = edge;
                }
            }
        }
        (period, next)
    }
}

impl TryFrom<Vec<PeriodSpan>> for DaySchedule {
    type Error = MeteringInputError;
    fn try_from(value: Vec<PeriodSpan>) -> Result<Self, Self::Error> {
        DaySchedule::new(value)
    }
}

impl From<DaySchedule> for Vec<PeriodSpan> {
    fn from(value: DaySchedule) -> Self {
        value.spans
    }
}

/// A time-of-use tariff: period prices and one day schedule per month (January first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "TouTariffSpec", into = "TouTariffSpec")]
pub struct TouTariff {
    prices: PeriodPrices,
    months: Vec<DaySchedule>,
}

/// The serialised shape of a [`TouTariff`].
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TouTariffSpec {
    /// Prices per period.
    pub prices: PeriodPrices,
    /// Twelve day schedules, January first.
    pub months: Vec<DaySchedule>,
}

impl TouTariff {
    /// Checks that there are exactly twelve monthly schedules.
    pub fn new(
        prices: PeriodPrices,
        months: Vec<DaySchedule>,
    ) -> Result<TouTariff, MeteringInputError> {
        if months.len() != 12 {
            return Err(MeteringInputError::ScheduleMonthsInvalid {
                count: months.len(),
            });
        }
        Ok(TouTariff { prices, months })
    }

    /// The period prices.
    pub fn prices(&self) -> &PeriodPrices {
        &self.prices
    }

    /// The schedule of a month (1–12).
    pub fn month(&self, month: time::Month) -> &DaySchedule {
        &self.months[usize::from(u8::from(month)) - 1]
    }
}

impl TryFrom<TouTariffSpec> for TouTariff {
    type Error = MeteringInputError;
    fn try_from(value: TouTariffSpec) -> Result<Self, Self::Error> {
        TouTariff::new(value.prices, value.months)
    }
}

impl From<TouTariff> for TouTariffSpec {
    fn from(value: TouTariff) -> Self {
        TouTariffSpec {
            prices: value.prices,
            months: value.months,
        }
    }
}

/// A tariff: one price all day, or time-of-use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Tariff {
    /// One price at all times.
    Flat {
        /// The price.
        price: PricePerKwh,
    },
    /// Time-of-use periods.
    TimeOfUse(TouTariff),
}

impl Tariff {
    /// The period and price at `t`, and when they may next change (`None`: never).
    fn at(&self, t: OffsetDateTime) -> (Period, PricePerKwh, Option<OffsetDateTime>) {
        match self {
            Tariff::Flat { price } => (Period::Flat, *price, None),
            Tariff::TimeOfUse(tou) => {
                // `to_offset` would panic at the very end of what `time` holds.
                let local = t.checked_to_offset(CHINA).unwrap_or(t);
                let (h, m, s, ns) = local.time().as_hms_nano();
                let nanos = ((i64::from(h) * 60 + i64::from(m)) * 60 + i64::from(s))
                    * 1_000_000_000
                    + i64::from(ns);
                let (period, next) = tou.month(local.month()).at(nanos);
                let change = t.checked_add(Duration::nanoseconds(next - nanos));
                (period, tou.prices.of(period), change)
            }
        }
    }
}

/// A tariff and the instant from which it is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TariffVersion {
    /// In force from this instant until the next version's (RFC 3339, years 1900–2100).
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub effective_from: OffsetDateTime,
    /// The tariff.
    pub tariff: Tariff,
}

/// Dated tariff versions. The version in force at an instant is the latest whose
/// `effective_from` is not after it; the first version also covers anything earlier
/// (a plan always has a price).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "Vec<TariffVersion>", into = "Vec<TariffVersion>")]
pub struct TariffPlan {
    versions: Vec<TariffVersion>,
}

/// A stretch of time with one period and price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Start (inclusive).
    pub from: OffsetDateTime,
    /// End (exclusive).
    pub to: OffsetDateTime,
    /// The period.
    pub period: Period,
    /// The price in force.
    pub price: PricePerKwh,
}

impl TariffPlan {
    /// Checks that there is at least one version, that the dates strictly increase and
    /// that each is in the years the platform handles (1900–2100).
    pub fn new(versions: Vec<TariffVersion>) -> Result<TariffPlan, MeteringInputError> {
        if versions.is_empty() {
            return Err(MeteringInputError::TariffPlanEmpty);
        }
        if let Some(v) = versions.iter().find(|v| !within_years(v.effective_from)) {
            return Err(MeteringInputError::DateOutOfRange {
                field: "tariff effective_from",
                at: v.effective_from.to_string(),
            });
        }
        for pair in versions.windows(2) {
            if pair[1].effective_from <= pair[0].effective_from {
                return Err(MeteringInputError::TariffPlanUnordered {
                    at: pair[1].effective_from.to_string(),
                });
            }
        }
        Ok(TariffPlan { versions })
    }

    /// A plan with one tariff in force at all times.
    pub fn single(tariff: Tariff) -> TariffPlan {
        TariffPlan {
            versions: vec![TariffVersion {
                effective_from: OffsetDateTime::UNIX_EPOCH,
                tariff,
            }],
        }
    }

    /// A plan with one flat price at all times.
    pub fn flat(price: PricePerKwh) -> TariffPlan {
        TariffPlan::single(Tariff::Flat { price })
    }

    /// The versions, oldest first.
    pub fn versions(&self) -> &[TariffVersion] {
        &self.versions
    }

    fn index_at(&self, t: OffsetDateTime) -> usize {
        self.versions
            .partition_point(|v| v.effective_from <= t)
            .saturating_sub(1)
    }

    /// The period and price in force at `t`.
    pub fn price_at(&self, t: OffsetDateTime) -> (Period, PricePerKwh) {
        let (period, price, _) = self.versions[self.index_at(t)].tariff.at(t);
        (period, price)
    }

    /// `[from, to)` cut at every period boundary and version change (China local time);
    /// neighbouring pieces with the same period and price are merged. Empty if
    /// `from >= to`.
    pub fn segments(&self, from: OffsetDateTime, to: OffsetDateTime) -> Vec<Segment> {
        let mut out: Vec<Segment> = Vec::new();
        self.walk(from, to, |piece| match out.last_mut() {
            Some(last) if last.period == piece.period && last.price == piece.price => {
                last.to = piece.to;
            }
            _ => out.push(piece),
        });
        out
    }

    /// Visits `[from, to)` piece by piece, cut at every period boundary and version
    /// change, without collecting them: time is linear in the number of boundaries,
    /// memory constant, however long the interval.
    fn walk(&self, from: OffsetDateTime, to: OffsetDateTime, mut visit: impl FnMut(Segment)) {
        let mut t = from;
        while t < to {
            let i = self.index_at(t);
            let (period, price, change) = self.versions[i].tariff.at(t);
            let mut next = to;
            if let Some(v) = self.versions.get(i + 1) {
                next = next.min(v.effective_from);
            }
            if let Some(c) = change {
                next = next.min(c);
            }
            visit(Segment {
                from: t,
                to: next,
                period,
                price,
            });
            t = next;
        }
    }

    /// The exact charge for `energy` used evenly over `[from, to)`: the energy is split
    /// across the segments in proportion to their duration and each part priced at its
    /// own price; the sum is rounded half-up to the micro-fen (once per interval).
    /// If `from >= to` (a clock that did not move), all of it is priced at `to`.
    pub fn charge(&self, from: OffsetDateTime, to: OffsetDateTime, energy: Wh) -> MicroFen {
        if energy == Wh::ZERO {
            return MicroFen::ZERO;
        }
        let e = i128::from(energy.get());
        if from >= to {
            let (_, price) = self.price_at(to);
            return MicroFen(saturating_div(e.checked_mul(i128::from(price.0)), 1000));
        }
        let mut weighted: i128 = 0; // Σ price × nanoseconds
        self.walk(from, to, |s| {
            let ns = (s.to - s.from).whole_nanoseconds();
            weighted = weighted.saturating_add(i128::from(s.price.0).saturating_mul(ns));
        });
        let total_ns = (to - from).whole_nanoseconds();
        MicroFen(saturating_div(
            e.checked_mul(weighted),
            1000_i128.saturating_mul(total_ns),
        ))
    }
}

/// `numerator / denominator` half-up; an overflowed numerator saturates (a charge that
/// large is capped at the balance anyway).
fn saturating_div(numerator: Option<i128>, denominator: i128) -> i64 {
    match numerator {
        Some(n) => {
            let q = n / denominator;
            if q >= i128::from(i64::MAX) {
                i64::MAX
            } else {
                div_half_up(n, denominator)
            }
        }
        None => i64::MAX,
    }
}

impl TryFrom<Vec<TariffVersion>> for TariffPlan {
    type Error = MeteringInputError;
    fn try_from(value: Vec<TariffVersion>) -> Result<Self, Self::Error> {
        TariffPlan::new(value)
    }
}

impl From<TariffPlan> for Vec<TariffVersion> {
    fn from(value: TariffPlan) -> Self {
        value.versions
    }
}
