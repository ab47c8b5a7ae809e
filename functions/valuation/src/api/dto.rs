//! Request and response bodies of the valuation API.

use super::error::ValuationError;
use crate::store::RunRecord;
use crate::store::runs::LaneRecord;
use serde::{Deserialize, Serialize};
use time::Date;
use yingshang_core::calendar::IsoDate;
use yingshang_core::valuation::{
    Assessment, BasePrice, BasePriceLevel, Dimension, DwellingDto, RoundingRule, TableData,
    format_coefficient,
};
use yingshang_kit::clock::{from_unix_ms, rfc3339};

/// Reads a `YYYY-MM-DD` date (the core's [`IsoDate`]: a real day in a sane year);
/// `field` names the parameter or JSON Pointer in the error.
pub fn parse_date(field: &str, text: &str) -> Result<Date, ValuationError> {
    IsoDate::parse(text)
        .map(IsoDate::date)
        .map_err(|_| ValuationError::InvalidDate {
            field: field.to_owned(),
        })
}

/// One factor of an assessment as shown to the caller.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FactorView {
    /// The dimension's machine key.
    pub dimension: Dimension,
    /// Its Chinese label.
    pub label_zh: &'static str,
    /// The dwelling's value along it (a machine key, or a number for age and area).
    pub value: String,
    /// The value's Chinese label (`南` for `south`); absent for age and area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_label_zh: Option<&'static str>,
    /// The coefficient in parts per million.
    pub coefficient_ppm: i64,
    /// The coefficient as a decimal, for display (`1.09`).
    pub coefficient: String,
}

/// The base price an assessment used.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct BasePriceView {
    /// Fen per m².
    pub amount_fen: i64,
    /// Yuan per m², for display.
    pub amount_yuan: String,
    /// The date it took effect.
    pub effective_from: String,
    /// Community or building level.
    pub level: BasePriceLevel,
}

/// An assessment as answered: amounts in fen (and yuan strings for display), the
/// base price, the table version and every factor, so it can be reproduced.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AssessmentView {
    /// The dwelling.
    pub unit_code: String,
    /// The assessment date.
    pub assessed_on: String,
    /// Assessed unit price, fen per m².
    pub unit_price_fen: i64,
    /// Assessed unit price, yuan per m².
    pub unit_price_yuan: String,
    /// Assessed value, fen.
    pub total_value_fen: i64,
    /// Assessed value, yuan.
    pub total_value_yuan: String,
    /// Building area, m².
    pub area_m2: String,
    /// The base price applied.
    pub base_price: BasePriceView,
    /// The coefficient table version.
    pub table_version: String,
    /// The rounding rule.
    pub rounding: RoundingRule,
    /// Every factor, in application order.
    pub factors: Vec<FactorView>,
}

impl From<&Assessment> for AssessmentView {
    fn from(a: &Assessment) -> Self {
        AssessmentView {
            unit_code: a.unit_code.to_string(),
            assessed_on: crate::store::iso(a.assessed_on),
            unit_price_fen: a.unit_price_per_m2.get(),
            unit_price_yuan: a.unit_price_per_m2.to_string(),
            total_value_fen: a.total_value.get(),
            total_value_yuan: a.total_value.to_string(),
            area_m2: a.area_m2.to_string(),
            base_price: BasePriceView {
                amount_fen: a.base_price.amount.get(),
                amount_yuan: a.base_price.amount.to_string(),
                effective_from: crate::store::iso(a.base_price.effective_from),
                level: a.base_price.level,
            },
            table_version: a.table_version.clone(),
            rounding: a.rounding,
            factors: a
                .factors
                .iter()
                .map(|f| FactorView {
                    dimension: f.dimension,
                    label_zh: f.dimension.label_zh(),
                    value: f.value.clone(),
                    value_label_zh: f.dimension.value_label_zh(&f.value),
                    coefficient_ppm: f.coefficient.ppm(),
                    coefficient: format_coefficient(f.coefficient),
                })
                .collect(),
        }
    }
}

/// `POST /api/valuation/assessments`: a dwelling described in full, assessed on a date
/// (default today in UTC+8) with the stored base prices and coefficient table unless
/// the request brings its own.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatIfRequest {
    /// The dwelling.
    pub dwelling: DwellingDto,
    /// Assessment date, `YYYY-MM-DD`.
    #[serde(default)]
    pub assessed_on: Option<String>,
    /// Base prices to use instead of the stored ones of the dwelling's community.
    #[serde(default)]
    pub base_prices: Option<Vec<BasePrice>>,
    /// A coefficient table to use instead of the stored ones.
    #[serde(default)]
    pub coefficient_table: Option<TableData>,
}

/// `POST /api/valuation/demo-data` answer.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DemoDataView {
    /// Whether this call loaded the register (false: it was not empty).
    pub loaded: bool,
    /// Dwellings in the register now.
    pub dwellings: i64,
    /// Base prices inserted by this call.
    pub base_prices_inserted: u64,
    /// Dwellings inserted by this call.
    pub dwellings_inserted: u64,
    /// The coefficient table version loaded.
    pub table_version: String,
}

/// `POST /api/valuation/demo-data?scale=full&chunk=N` (or `tenfold`): one chunk of a
/// large register.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DemoChunkView {
    /// `full` or `tenfold`.
    pub scale: &'static str,
    /// The chunk loaded (0-based).
    pub chunk: usize,
    /// Dwellings per chunk.
    pub size: usize,
    /// Chunks in the full register at this size.
    pub chunks: usize,
    /// Dwellings of the full register (621,400).
    pub register_dwellings: usize,
    /// Dwellings in the database now.
    pub dwellings: i64,
    /// Base prices inserted by this call (0 when the chunk was loaded before).
    pub base_prices_inserted: u64,
    /// Dwellings inserted by this call (0 when the chunk was loaded before).
    pub dwellings_inserted: u64,
    /// The coefficient table version.
    pub table_version: String,
    /// The next chunk to load, while there is one.
    pub next: Option<String>,
}

/// `POST /api/valuation/reassessments` body.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRunRequest {
    /// The city (`410300`) or county whose dwellings are re-assessed.
    pub city_code: String,
    /// Assessment date, `YYYY-MM-DD`; default today in UTC+8.
    #[serde(default)]
    pub assessed_on: Option<String>,
    /// Lanes, 1-16 (default 1): the run's dwellings cut into this many ranges of about
    /// equal size (fewer when there are fewer dwellings: the answer's `lanes` says how
    /// many), each processed by its own `next?lane=` calls, so that several callers,
    /// one per lane, can work on one run at once. 分段数：每个调用方执行自己的分段。
    #[serde(default)]
    #[schemars(range(min = 1, max = yingshang_core::valuation::lanes::MAX_LANES))]
    pub lanes: Option<u32>,
}

/// One lane of a run: a range of its unit codes and how far it got.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LaneView {
    /// The lane's number (from 0, in unit-code order): `next?lane=` names it.
    pub lane: i64,
    /// `running` or `finished`.
    pub status: String,
    /// The lane's last unit code; null for the last lane (to the end of the city).
    pub through_unit_code: Option<String>,
    /// The last unit code the lane processed; before its first chunk, the previous
    /// lane's last code (null for lane 0).
    pub last_unit_code: Option<String>,
}

/// A re-assessment run and its progress.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RunView {
    /// Run id.
    pub id: String,
    /// City or county code.
    pub city_code: String,
    /// Assessment date.
    pub assessed_on: String,
    /// Coefficient table version.
    pub table_version: String,
    /// `running` or `finished`.
    pub status: String,
    /// Dwellings in scope when created.
    pub total: i64,
    /// Dwellings processed so far.
    pub processed: i64,
    /// Of those, assessed.
    pub assessed: i64,
    /// Of those, not assessable (an error code is stored per dwelling).
    pub failed: i64,
    /// The last unit code processed (the keyset cursor) of a run in one lane; null
    /// before its first chunk and for a run in several lanes (see `lanes`).
    pub last_unit_code: Option<String>,
    /// The run's lanes, in unit-code order.
    pub lanes: Vec<LaneView>,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: String,
    /// When it finished.
    pub finished_at: Option<String>,
    /// Dwellings processed by this call (for `next`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processed_now: Option<usize>,
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

impl LaneView {
    fn of(l: &LaneRecord) -> LaneView {
        LaneView {
            lane: l.lane,
            status: l.status.clone(),
            through_unit_code: l.through.clone(),
            last_unit_code: non_empty(&l.last_unit),
        }
    }
}

impl RunView {
    /// The view of a stored run with its result counts.
    pub fn of(r: &RunRecord, processed_now: Option<usize>) -> RunView {
        let (processed, failed) = (r.processed, r.failed);
        RunView {
            id: r.id.clone(),
            city_code: r.city_code.clone(),
            assessed_on: r.assessed_on.clone(),
            table_version: r.table_version.clone(),
            status: r.status.clone(),
            total: r.total,
            processed,
            assessed: processed - failed,
            failed,
            last_unit_code: match r.lanes.as_slice() {
                [only] => non_empty(&only.last_unit),
                _ => None,
            },
            lanes: r.lanes.iter().map(LaneView::of).collect(),
            created_by: r.created_by.clone(),
            created_at: rfc3339(from_unix_ms(r.created_at)),
            finished_at: r.finished_at.map(|ms| rfc3339(from_unix_ms(ms))),
            processed_now,
        }
    }
}
