//! The valuation boundary's errors and their statuses: the one place that maps the
//! core's valuation errors to problem+json. Nothing is logged here.

use yingshang_core::problem::{ApiError, FieldError, Lang};
use yingshang_core::query::CountError;
use yingshang_core::valuation::{
    AssessError, BasePriceError, DwellingError, TableError, UnitCodeError,
};

/// Why a valuation request cannot be answered as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValuationError {
    /// The unit code in the path is not a valid unit number (400, names the position).
    UnitCode(UnitCodeError),
    /// No registered dwelling has this unit code (404).
    UnitNotFound(String),
    /// A date parameter or field is not `YYYY-MM-DD` (400).
    InvalidDate {
        /// The parameter or JSON Pointer.
        field: String,
    },
    /// A query parameter or a body field is out of range (400).
    InvalidParameter {
        /// The parameter.
        field: &'static str,
        /// What it accepts, in English.
        expected_en: &'static str,
        /// What it accepts, in Chinese.
        expected_zh: &'static str,
    },
    /// A count parameter out of its range (400).
    InvalidCount(CountError),
    /// The described dwelling is not valid (400, names the field).
    Dwelling(DwellingError),
    /// The base prices given cannot be used (422).
    BasePrice(BasePriceError),
    /// The coefficient table given cannot be used (422).
    Table(TableError),
    /// No coefficient table covers the division (422).
    NoTable {
        /// The division or city code.
        division: String,
    },
    /// The dwelling cannot be assessed on that date with that data (422).
    Assess(AssessError),
    /// A city code is not six digits (400).
    InvalidCityCode,
    /// No re-assessment run has this id (404).
    RunNotFound,
    /// No upload slot was issued for this object key (404).
    ImportSlotNotFound,
    /// No import has this id (404).
    ImportNotFound,
    /// The register holds no dwelling in this division (404).
    DivisionNotFound(String),
    /// The register holds no dwelling in this community (404).
    CommunityNotFound(String),
    /// The register holds no dwelling in this building of the community (404).
    BuildingNotFound(String),
}

impl ApiError for ValuationError {
    fn status(&self) -> u16 {
        match self {
            Self::UnitCode(_)
            | Self::InvalidDate { .. }
            | Self::InvalidParameter { .. }
            | Self::InvalidCount(_)
            | Self::Dwelling(_)
            | Self::InvalidCityCode => 400,
            Self::UnitNotFound(_)
            | Self::RunNotFound
            | Self::ImportSlotNotFound
            | Self::ImportNotFound
            | Self::DivisionNotFound(_)
            | Self::CommunityNotFound(_)
            | Self::BuildingNotFound(_) => 404,
            Self::BasePrice(_) | Self::Table(_) | Self::NoTable { .. } | Self::Assess(_) => 422,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::UnitCode(e) => e.code(),
            Self::UnitNotFound(_) => "VAL_UNIT_NOT_FOUND",
            Self::InvalidDate { .. } => "VAL_DATE_INVALID",
            Self::InvalidParameter { .. } | Self::InvalidCount(_) => "VAL_PARAMETER_INVALID",
            Self::Dwelling(e) => e.code(),
            Self::BasePrice(e) => e.code(),
            Self::Table(e) => e.code(),
            Self::NoTable { .. } => "VAL_NO_COEFFICIENT_TABLE",
            Self::Assess(e) => e.code(),
            Self::InvalidCityCode => "VAL_CITY_CODE_INVALID",
            Self::RunNotFound => "VAL_RUN_NOT_FOUND",
            Self::ImportSlotNotFound => "VAL_IMPORT_SLOT_NOT_FOUND",
            Self::ImportNotFound => "VAL_IMPORT_NOT_FOUND",
            Self::DivisionNotFound(_) => "VAL_DIVISION_NOT_FOUND",
            Self::CommunityNotFound(_) => "VAL_COMMUNITY_NOT_FOUND",
            Self::BuildingNotFound(_) => "VAL_BUILDING_NOT_FOUND",
        }
    }

    fn title(&self, lang: Lang) -> String {
        let (zh, en) = match self.status() {
            400 => ("请求参数无效", "Invalid request"),
            404 => ("未找到", "Not found"),
            _ => ("无法评估", "Cannot assess"),
        };
        lang.pick(zh, en).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        match self {
            Self::UnitCode(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::UnitNotFound(code) => lang.pick(
                format!("登记簿中没有不动产单元代码为{code}的房屋"),
                format!("no registered dwelling has unit code {code}"),
            ),
            Self::InvalidDate { field } => lang.pick(
                format!("{field} 应为 YYYY-MM-DD 格式的日期"),
                format!("{field} must be a date YYYY-MM-DD"),
            ),
            Self::InvalidParameter {
                field,
                expected_en,
                expected_zh,
            } => lang.pick(
                format!("参数 {field} 应为{expected_zh}"),
                format!("parameter {field} must be {expected_en}"),
            ),
            Self::InvalidCount(e) => lang.pick(
                format!("参数 {} 应为{}", e.name, e.expected_zh()),
                format!("parameter {} must be {}", e.name, e.expected_en()),
            ),
            Self::Dwelling(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::BasePrice(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::Table(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::NoTable { division } => lang.pick(
                format!("没有适用于行政区划{division}的修正系数表"),
                format!("no coefficient table covers division {division}"),
            ),
            Self::Assess(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::InvalidCityCode => lang.pick(
                "city_code 应为6位行政区划代码，例如 410300".to_owned(),
                "city_code must be a 6-digit division code, e.g. 410300".to_owned(),
            ),
            Self::RunNotFound => lang.pick(
                "没有该重新评估任务".to_owned(),
                "no such re-assessment run".to_owned(),
            ),
            Self::ImportSlotNotFound => lang.pick(
                "没有为该对象键签发的上传凭证，请先申请上传凭证".to_owned(),
                "no upload slot was issued for this key; ask for a slot first".to_owned(),
            ),
            Self::ImportNotFound => {
                lang.pick("没有该导入任务".to_owned(), "no such import".to_owned())
            }
            Self::DivisionNotFound(code) => lang.pick(
                format!("登记簿中没有行政区划{code}的房屋"),
                format!("the register holds no dwelling in division {code}"),
            ),
            Self::CommunityNotFound(id) => lang.pick(
                format!("登记簿中没有小区{id}的房屋"),
                format!("the register holds no dwelling in community {id}"),
            ),
            Self::BuildingNotFound(id) => lang.pick(
                format!("登记簿中没有该小区楼栋{id}的房屋"),
                format!("the register holds no dwelling in building {id} of that community"),
            ),
        }
    }

    fn errors(&self, lang: Lang) -> Vec<FieldError> {
        match self {
            Self::Dwelling(e) => vec![FieldError {
                pointer: format!("/dwelling/{}", e.field()),
                code: e.code().to_owned(),
                message: lang.pick(e.message_zh(), e.message_en()),
            }],
            Self::InvalidDate { field } if field.starts_with('/') => vec![FieldError {
                pointer: field.clone(),
                code: self.code().to_owned(),
                message: self.detail(lang),
            }],
            _ => Vec::new(),
        }
    }
}

impl From<CountError> for ValuationError {
    fn from(e: CountError) -> Self {
        ValuationError::InvalidCount(e)
    }
}
