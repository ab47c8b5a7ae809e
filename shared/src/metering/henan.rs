//! Henan's industrial and commercial time-of-use period table (豫发改价管〔2024〕283号,
//! as summarised in the domain note, confidence M–H) kept as DATA: hours are local
//! (UTC+8); hours not listed are flat. Change the table, not the code.

use super::tariff::{DaySchedule, Period, PeriodPrices, TouTariff};

use Period::{Critical, Peak, Valley};

/// January and December: valley 0–7, peak 16–24 with critical peak 17–19.
const WINTER_WITH_CRITICAL: &[(u8, u8, Period)] = &[
    (0, 7, Valley),
    (16, 17, Peak),
    (17, 19, Critical),
    (19, 24, Peak),
];
/// February: valley 0–7, peak 16–24.
const WINTER: &[(u8, u8, Period)] = &[(0, 7, Valley), (16, 24, Peak)];
/// March–May and September–November: valley 0–6 and 11–14, peak 16–24.
const SPRING_AUTUMN: &[(u8, u8, Period)] = &[(0, 6, Valley), (11, 14, Valley), (16, 24, Peak)];
/// June: valley 0–7, peak 16–24.
const SUMMER: &[(u8, u8, Period)] = &[(0, 7, Valley), (16, 24, Peak)];
/// July and August: valley 0–7, peak 16–24 with critical peak 20–23.
const SUMMER_WITH_CRITICAL: &[(u8, u8, Period)] = &[
    (0, 7, Valley),
    (16, 20, Peak),
    (20, 23, Critical),
    (23, 24, Peak),
];

/// The period table month by month, January first: `(start_hour, end_hour, period)`.
pub const HENAN_2024_MONTHS: [&[(u8, u8, Period)]; 12] = [
    WINTER_WITH_CRITICAL, // Jan
    WINTER,               // Feb
    SPRING_AUTUMN,        // Mar
    SPRING_AUTUMN,        // Apr
    SPRING_AUTUMN,        // May
    SUMMER,               // Jun
    SUMMER_WITH_CRITICAL, // Jul
    SUMMER_WITH_CRITICAL, // Aug
    SPRING_AUTUMN,        // Sep
    SPRING_AUTUMN,        // Oct
    SPRING_AUTUMN,        // Nov
    WINTER_WITH_CRITICAL, // Dec
];

impl TouTariff {
    /// Henan's 2024 period table with the given prices.
    pub fn henan_2024(prices: PeriodPrices) -> TouTariff {
        let months = HENAN_2024_MONTHS
            .iter()
            .map(|hours| DaySchedule::from_hours(hours).expect("the Henan table is well formed"))
            .collect();
        TouTariff::new(prices, months).expect("the Henan table has twelve months")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metering::quantity::{MicroFen, PricePerKwh, Wh};
    use crate::metering::tariff::{Tariff, TariffPlan, TariffVersion};
    use time::macros::datetime;

    fn prices() -> PeriodPrices {
        PeriodPrices {
            critical: PricePerKwh::from_fen(120),
            peak: PricePerKwh::from_fen(100),
            flat: PricePerKwh::from_fen(60),
            valley: PricePerKwh::from_fen(30),
        }
    }

    fn plan() -> TariffPlan {
        TariffPlan::single(Tariff::TimeOfUse(TouTariff::henan_2024(prices())))
    }

    #[test]
    fn periods_follow_the_table_in_local_time() {
        let p = plan();
        // 2025-01-15 17:30 +08 = 09:30 UTC: critical peak in January.
        assert_eq!(
            p.price_at(datetime!(2025-01-15 09:30 UTC)).0,
            Period::Critical
        );
        // February has no critical peak: 17:30 local is peak.
        assert_eq!(p.price_at(datetime!(2025-02-15 09:30 UTC)).0, Period::Peak);
        // April 12:00 local is the midday valley.
        assert_eq!(
            p.price_at(datetime!(2025-04-10 04:00 UTC)).0,
            Period::Valley
        );
        // June 12:00 local is flat.
        assert_eq!(p.price_at(datetime!(2025-06-10 04:00 UTC)).0, Period::Flat);
        // July 21:00 local is critical; 23:30 local is peak.
        assert_eq!(
            p.price_at(datetime!(2025-07-10 13:00 UTC)).0,
            Period::Critical
        );
        assert_eq!(p.price_at(datetime!(2025-07-10 15:30 UTC)).0, Period::Peak);
        // 06:30 local: valley in January, flat in April.
        assert_eq!(
            p.price_at(datetime!(2025-01-09 22:30 UTC)).0,
            Period::Valley
        );
        assert_eq!(p.price_at(datetime!(2025-04-09 22:30 UTC)).0, Period::Flat);
    }

    #[test]
    fn a_reading_across_a_boundary_is_split_by_time() {
        // 15:30–16:30 local on 2025-06-10: half flat (0.60), half peak (1.00).
        // 2000 Wh → 1000 Wh × 0.60 + 1000 Wh × 1.00 = 0.60 + 1.00 yuan = 160 fen.
        let from = datetime!(2025-06-10 15:30 +8);
        let to = datetime!(2025-06-10 16:30 +8);
        let segments = plan().segments(from, to);
        assert_eq!(segments.len(), 2);
        assert_eq!(segments[0].to, datetime!(2025-06-10 16:00 +8));
        assert_eq!(segments[1].period, Period::Peak);
        assert_eq!(plan().charge(from, to, Wh(2000)), MicroFen(160_000_000));

        // 15:45–16:30: 1/3 flat, 2/3 peak; 3000 Wh → 1000 × 0.60 + 2000 × 1.00 = 260 fen.
        let from = datetime!(2025-06-10 15:45 +8);
        assert_eq!(plan().charge(from, to, Wh(3000)), MicroFen(260_000_000));
    }

    #[test]
    fn a_long_interval_crosses_several_periods_and_midnight() {
        // 2025-01-31 22:00 → 2025-02-01 08:00 local, 10 h, 10 000 Wh (1 kWh per hour):
        // 22–24 peak (2 kWh × 1.00), 0–7 valley (7 × 0.30), 7–8 flat (1 × 0.60)
        // = 2.00 + 2.10 + 0.60 = 4.70 yuan = 470 fen.
        let from = datetime!(2025-01-31 22:00 +8);
        let to = datetime!(2025-02-01 08:00 +8);
        assert_eq!(plan().charge(from, to, Wh(10_000)), MicroFen(470_000_000));
    }

    #[test]
    fn a_new_version_takes_over_at_its_date() {
        let flat = |fen| Tariff::Flat {
            price: PricePerKwh::from_fen(fen),
        };
        let plan = TariffPlan::new(vec![
            TariffVersion {
                effective_from: datetime!(2025-01-01 00:00 +8),
                tariff: flat(50),
            },
            TariffVersion {
                effective_from: datetime!(2025-03-01 00:00 +8),
                tariff: flat(70),
            },
        ])
        .unwrap();
        // Two hours across the change, 2000 Wh: 1000 × 0.50 + 1000 × 0.70 = 120 fen.
        let charge = plan.charge(
            datetime!(2025-02-28 23:00 +8),
            datetime!(2025-03-01 01:00 +8),
            Wh(2000),
        );
        assert_eq!(charge, MicroFen(120_000_000));
        // Before the first version, the first version applies.
        assert_eq!(
            plan.price_at(datetime!(2024-06-01 00:00 +8)).1,
            PricePerKwh::from_fen(50)
        );
    }

    #[test]
    fn henan_ratios_derive_the_other_prices() {
        let p = PeriodPrices::henan_ratios(PricePerKwh::parse_yuan("0.6").unwrap());
        assert_eq!(p.peak, PricePerKwh::parse_yuan("1.032").unwrap());
        assert_eq!(p.valley, PricePerKwh::parse_yuan("0.27").unwrap());
        assert_eq!(p.critical, PricePerKwh::parse_yuan("1.2384").unwrap());
    }

    #[test]
    fn tariffs_round_trip_through_json_and_are_checked() {
        let json = serde_json::to_string(&plan()).unwrap();
        let back: TariffPlan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, plan());
        let overlapping = r#"[{"start_min":0,"end_min":120,"period":"valley"},
                              {"start_min":60,"end_min":180,"period":"peak"}]"#;
        assert!(serde_json::from_str::<DaySchedule>(overlapping).is_err());
        assert!(TariffPlan::new(vec![]).is_err());
    }
}
