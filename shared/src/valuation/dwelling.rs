//! The dwelling being assessed, parsed from its wire form [`DwellingDto`]. The same type
//! serves registered dwellings and the "what-if" assessment of a described dwelling.

use super::categories::{Decoration, Layout, Orientation, Structure, View};
use super::ids::{Area, BuildingId, CommunityId, MAX_AREA_CENTI_M2};
use super::unit_code::{UnitCode, UnitCodeError};
use serde::{Deserialize, Serialize};

/// Highest accepted number of storeys.
pub const MAX_STOREYS: u16 = 200;
/// Earliest accepted build year.
pub const MIN_BUILD_YEAR: i32 = 1900;
/// Latest accepted build year.
pub const MAX_BUILD_YEAR: i32 = 2100;

/// A dwelling with everything the model needs. Built only from a [`DwellingDto`] (or by
/// the demo generator), so its invariants hold: `1 <= floor <= total_storeys <= 200`,
/// `1900 <= build_year <= 2100`, `0 < area <= 10,000 m²`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DwellingDto", into = "DwellingDto")]
pub struct Dwelling {
    pub(super) unit_code: UnitCode,
    pub(super) community_id: CommunityId,
    pub(super) building_id: BuildingId,
    pub(super) floor: u16,
    pub(super) total_storeys: u16,
    pub(super) has_lift: bool,
    pub(super) orientation: Orientation,
    pub(super) layout: Layout,
    pub(super) view: View,
    pub(super) build_year: i32,
    pub(super) decoration: Decoration,
    pub(super) area: Area,
    pub(super) end_unit: bool,
    pub(super) structure: Structure,
}

impl Dwelling {
    /// The unit number.
    pub fn unit_code(&self) -> &UnitCode {
        &self.unit_code
    }
    /// The community.
    pub fn community_id(&self) -> &CommunityId {
        &self.community_id
    }
    /// The building within the community.
    pub fn building_id(&self) -> &BuildingId {
        &self.building_id
    }
    /// The floor, 1-based.
    pub fn floor(&self) -> u16 {
        self.floor
    }
    /// Storeys above ground in the building.
    pub fn total_storeys(&self) -> u16 {
        self.total_storeys
    }
    /// Whether the building has a lift.
    pub fn has_lift(&self) -> bool {
        self.has_lift
    }
    /// Orientation.
    pub fn orientation(&self) -> Orientation {
        self.orientation
    }
    /// Layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }
    /// View.
    pub fn view(&self) -> View {
        self.view
    }
    /// Year the building was completed.
    pub fn build_year(&self) -> i32 {
        self.build_year
    }
    /// Decoration.
    pub fn decoration(&self) -> Decoration {
        self.decoration
    }
    /// Building area.
    pub fn area(&self) -> Area {
        self.area
    }
    /// Whether it is an end unit (边户).
    pub fn end_unit(&self) -> bool {
        self.end_unit
    }
    /// Building structure.
    pub fn structure(&self) -> Structure {
        self.structure
    }
}

/// The wire form of a dwelling (JSON body, CSV row). Categorical fields take the machine
/// key (`"south"`) or the Chinese label (`"南"`); `area_m2` is a decimal string with at
/// most two decimals (`"89.50"`), never a float.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DwellingDto {
    /// 28-character unit number.
    pub unit_code: String,
    /// Community id.
    pub community_id: String,
    /// Building id.
    pub building_id: String,
    /// Floor, 1-based.
    pub floor: i64,
    /// Storeys in the building.
    pub total_storeys: i64,
    /// Whether the building has a lift.
    pub has_lift: bool,
    /// Orientation key or label.
    pub orientation: String,
    /// Layout key or label.
    pub layout: String,
    /// View key or label.
    pub view: String,
    /// Completion year.
    pub build_year: i64,
    /// Decoration key or label.
    pub decoration: String,
    /// Building area in m², decimal string.
    pub area_m2: String,
    /// End unit (边户).
    pub end_unit: bool,
    /// Structure key or label.
    pub structure: String,
}

/// Why a [`DwellingDto`] is not a dwelling. Every variant names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DwellingError {
    /// `unit_code` is not a valid unit number.
    #[error("unit_code: {0}")]
    UnitCode(#[from] UnitCodeError),
    /// `community_id` or `building_id` is empty, too long or has a forbidden character.
    #[error("{field}: must be 1-64 characters from A-Z a-z 0-9 - _ ., found {found:?}")]
    InvalidId {
        /// The field.
        field: &'static str,
        /// The text found.
        found: String,
    },
    /// `total_storeys` is outside 1–200.
    #[error("total_storeys: must be between 1 and 200, found {found}")]
    StoreysOutOfRange {
        /// The number found.
        found: i64,
    },
    /// `floor` is outside 1–`total_storeys`.
    #[error("floor: must be between 1 and total_storeys ({total_storeys}), found {found}")]
    FloorOutOfRange {
        /// The floor found.
        found: i64,
        /// The building's storeys.
        total_storeys: i64,
    },
    /// A categorical field holds an unknown value.
    #[error("{field}: unknown value {found:?}, expected one of {}", expected.join(", "))]
    UnknownValue {
        /// The field.
        field: &'static str,
        /// The text found.
        found: String,
        /// The accepted keys.
        expected: &'static [&'static str],
    },
    /// `build_year` is outside 1900–2100.
    #[error("build_year: must be between 1900 and 2100, found {found}")]
    BuildYearOutOfRange {
        /// The year found.
        found: i64,
    },
    /// `area_m2` is not a decimal with at most two decimals.
    #[error("area_m2: expected square metres with at most two decimals, found {found:?}")]
    AreaInvalid {
        /// The text found.
        found: String,
    },
    /// `area_m2` is zero or above 10,000 m².
    #[error("area_m2: must be above 0 and at most 10000.00, found {found}")]
    AreaOutOfRange {
        /// The area found.
        found: Area,
    },
}

impl DwellingError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "VAL_DWELLING_ID_INVALID",
        "VAL_DWELLING_STOREYS_OUT_OF_RANGE",
        "VAL_DWELLING_FLOOR_OUT_OF_RANGE",
        "VAL_DWELLING_UNKNOWN_VALUE",
        "VAL_DWELLING_BUILD_YEAR_OUT_OF_RANGE",
        "VAL_DWELLING_AREA_INVALID",
        "VAL_DWELLING_AREA_OUT_OF_RANGE",
    ];

    /// Stable machine code. A bad unit code answers the unit code's own code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnitCode(e) => e.code(),
            Self::InvalidId { .. } => "VAL_DWELLING_ID_INVALID",
            Self::StoreysOutOfRange { .. } => "VAL_DWELLING_STOREYS_OUT_OF_RANGE",
            Self::FloorOutOfRange { .. } => "VAL_DWELLING_FLOOR_OUT_OF_RANGE",
            Self::UnknownValue { .. } => "VAL_DWELLING_UNKNOWN_VALUE",
            Self::BuildYearOutOfRange { .. } => "VAL_DWELLING_BUILD_YEAR_OUT_OF_RANGE",
            Self::AreaInvalid { .. } => "VAL_DWELLING_AREA_INVALID",
            Self::AreaOutOfRange { .. } => "VAL_DWELLING_AREA_OUT_OF_RANGE",
        }
    }

    /// The DTO field that is wrong.
    pub fn field(&self) -> &'static str {
        match self {
            Self::UnitCode(_) => "unit_code",
            Self::InvalidId { field, .. } | Self::UnknownValue { field, .. } => field,
            Self::StoreysOutOfRange { .. } => "total_storeys",
            Self::FloorOutOfRange { .. } => "floor",
            Self::BuildYearOutOfRange { .. } => "build_year",
            Self::AreaInvalid { .. } | Self::AreaOutOfRange { .. } => "area_m2",
        }
    }

    /// Message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::UnitCode(e) => e.message_zh(),
            Self::InvalidId { field, found } => {
                format!("字段 {field} 应为1至64位字母、数字或“-_.”，实际为“{found}”")
            }
            Self::StoreysOutOfRange { found } => {
                format!("总层数（total_storeys）应在1至200之间，实际为{found}")
            }
            Self::FloorOutOfRange {
                found,
                total_storeys,
            } => format!("所在层（floor）应在1至总层数{total_storeys}之间，实际为{found}"),
            Self::UnknownValue {
                field,
                found,
                expected,
            } => format!(
                "字段 {field} 的取值“{found}”无法识别，可选值：{}",
                expected.join("、")
            ),
            Self::BuildYearOutOfRange { found } => {
                format!("建成年份（build_year）应在1900至2100之间，实际为{found}")
            }
            Self::AreaInvalid { found } => {
                format!("建筑面积（area_m2）应为最多两位小数的平方米数，实际为“{found}”")
            }
            Self::AreaOutOfRange { found } => {
                format!("建筑面积（area_m2）应大于0且不超过10000.00平方米，实际为{found}")
            }
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::UnitCode(e) => format!("unit_code: {}", e.message_en()),
            other => other.to_string(),
        }
    }
}

fn category<T>(
    field: &'static str,
    text: &str,
    parse: fn(&str) -> Option<T>,
    expected: &'static [&'static str],
) -> Result<T, DwellingError> {
    parse(text).ok_or_else(|| DwellingError::UnknownValue {
        field,
        found: text.to_owned(),
        expected,
    })
}

impl TryFrom<DwellingDto> for Dwelling {
    type Error = DwellingError;

    /// Checks fields in declaration order and reports the first wrong one.
    fn try_from(dto: DwellingDto) -> Result<Self, Self::Error> {
        let unit_code = UnitCode::parse(&dto.unit_code)?;
        let community_id =
            CommunityId::parse(&dto.community_id).ok_or_else(|| DwellingError::InvalidId {
                field: "community_id",
                found: dto.community_id.clone(),
            })?;
        let building_id =
            BuildingId::parse(&dto.building_id).ok_or_else(|| DwellingError::InvalidId {
                field: "building_id",
                found: dto.building_id.clone(),
            })?;
        let total_storeys = u16::try_from(dto.total_storeys)
            .ok()
            .filter(|s| (1..=MAX_STOREYS).contains(s))
            .ok_or(DwellingError::StoreysOutOfRange {
                found: dto.total_storeys,
            })?;
        let floor = u16::try_from(dto.floor)
            .ok()
            .filter(|f| (1..=total_storeys).contains(f))
            .ok_or(DwellingError::FloorOutOfRange {
                found: dto.floor,
                total_storeys: dto.total_storeys,
            })?;
        let orientation = category(
            "orientation",
            &dto.orientation,
            Orientation::from_key,
            Orientation::KEYS,
        )?;
        let layout = category("layout", &dto.layout, Layout::from_key, Layout::KEYS)?;
        let view = category("view", &dto.view, View::from_key, View::KEYS)?;
        let build_year = i32::try_from(dto.build_year)
            .ok()
            .filter(|y| (MIN_BUILD_YEAR..=MAX_BUILD_YEAR).contains(y))
            .ok_or(DwellingError::BuildYearOutOfRange {
                found: dto.build_year,
            })?;
        let decoration = category(
            "decoration",
            &dto.decoration,
            Decoration::from_key,
            Decoration::KEYS,
        )?;
        let area =
            Area::parse_m2(dto.area_m2.trim()).ok_or_else(|| DwellingError::AreaInvalid {
                found: dto.area_m2.clone(),
            })?;
        if area.centi_m2() <= 0 || area.centi_m2() > MAX_AREA_CENTI_M2 {
            return Err(DwellingError::AreaOutOfRange { found: area });
        }
        let structure = category(
            "structure",
            &dto.structure,
            Structure::from_key,
            Structure::KEYS,
        )?;
        Ok(Dwelling {
            unit_code,
            community_id,
            building_id,
            floor,
            total_storeys,
            has_lift: dto.has_lift,
            orientation,
            layout,
            view,
            build_year,
            decoration,
            area,
            end_unit: dto.end_unit,
            structure,
        })
    }
}

impl From<Dwelling> for DwellingDto {
    fn from(d: Dwelling) -> Self {
        DwellingDto::from(&d)
    }
}

impl From<&Dwelling> for DwellingDto {
    /// The canonical wire form: machine keys, upper-case unit code, two-decimal area.
    fn from(d: &Dwelling) -> Self {
        DwellingDto {
            unit_code: d.unit_code.to_string(),
            community_id: d.community_id.to_string(),
            building_id: d.building_id.to_string(),
            floor: i64::from(d.floor),
            total_storeys: i64::from(d.total_storeys),
            has_lift: d.has_lift,
            orientation: d.orientation.key().to_owned(),
            layout: d.layout.key().to_owned(),
            view: d.view.key().to_owned(),
            build_year: i64::from(d.build_year),
            decoration: d.decoration.key().to_owned(),
            area_m2: d.area.to_string(),
            end_unit: d.end_unit,
            structure: d.structure.key().to_owned(),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A valid DTO that tests modify one field at a time.
    pub(in crate::valuation) fn sample_dto() -> DwellingDto {
        DwellingDto {
            unit_code: "410305001002GB00012F00031201".into(),
            community_id: "C410305-0012".into(),
            building_id: "B03".into(),
            floor: 12,
            total_storeys: 18,
            has_lift: true,
            orientation: "south".into(),
            layout: "three_bedroom".into(),
            view: "ordinary".into(),
            build_year: 2015,
            decoration: "fine".into(),
            area_m2: "120.00".into(),
            end_unit: false,
            structure: "steel_concrete".into(),
        }
    }

    #[test]
    fn parses_a_valid_dto_and_round_trips() {
        let d = Dwelling::try_from(sample_dto()).unwrap();
        assert_eq!(d.floor(), 12);
        assert_eq!(d.area(), Area::from_centi_m2(12_000));
        assert_eq!(d.orientation(), Orientation::South);
        assert_eq!(DwellingDto::from(&d), sample_dto());
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Dwelling>(&json).unwrap(), d);
    }

    #[test]
    fn accepts_chinese_labels() {
        let mut dto = sample_dto();
        dto.orientation = "南北".into();
        dto.decoration = "毛坯".into();
        let d = Dwelling::try_from(dto).unwrap();
        assert_eq!(d.orientation(), Orientation::NorthSouth);
        assert_eq!(d.decoration(), Decoration::Shell);
    }

    fn field_of(change: impl FnOnce(&mut DwellingDto)) -> (&'static str, &'static str) {
        let mut dto = sample_dto();
        change(&mut dto);
        let e = Dwelling::try_from(dto).unwrap_err();
        assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
        (e.field(), e.code())
    }

    #[test]
    fn errors_name_the_field() {
        type Case = (fn(&mut DwellingDto), &'static str, &'static str);
        let cases: Vec<Case> = vec![
            (
                |d| d.unit_code = "4103".into(),
                "unit_code",
                "VAL_UNIT_CODE_LENGTH",
            ),
            (
                |d| d.community_id = "".into(),
                "community_id",
                "VAL_DWELLING_ID_INVALID",
            ),
            (
                |d| d.building_id = "3号楼".into(),
                "building_id",
                "VAL_DWELLING_ID_INVALID",
            ),
            (
                |d| d.total_storeys = 0,
                "total_storeys",
                "VAL_DWELLING_STOREYS_OUT_OF_RANGE",
            ),
            (
                |d| d.total_storeys = 201,
                "total_storeys",
                "VAL_DWELLING_STOREYS_OUT_OF_RANGE",
            ),
            (|d| d.floor = 19, "floor", "VAL_DWELLING_FLOOR_OUT_OF_RANGE"),
            (|d| d.floor = 0, "floor", "VAL_DWELLING_FLOOR_OUT_OF_RANGE"),
            (
                |d| d.orientation = "up".into(),
                "orientation",
                "VAL_DWELLING_UNKNOWN_VALUE",
            ),
            (
                |d| d.layout = "3".into(),
                "layout",
                "VAL_DWELLING_UNKNOWN_VALUE",
            ),
            (
                |d| d.view = "sea".into(),
                "view",
                "VAL_DWELLING_UNKNOWN_VALUE",
            ),
            (
                |d| d.build_year = 1850,
                "build_year",
                "VAL_DWELLING_BUILD_YEAR_OUT_OF_RANGE",
            ),
            (
                |d| d.decoration = "".into(),
                "decoration",
                "VAL_DWELLING_UNKNOWN_VALUE",
            ),
            (
                |d| d.area_m2 = "89.555".into(),
                "area_m2",
                "VAL_DWELLING_AREA_INVALID",
            ),
            (
                |d| d.area_m2 = "-5".into(),
                "area_m2",
                "VAL_DWELLING_AREA_INVALID",
            ),
            (
                |d| d.area_m2 = "1e3".into(),
                "area_m2",
                "VAL_DWELLING_AREA_INVALID",
            ),
            (
                |d| d.area_m2 = "0.00".into(),
                "area_m2",
                "VAL_DWELLING_AREA_OUT_OF_RANGE",
            ),
            (
                |d| d.area_m2 = "10000.01".into(),
                "area_m2",
                "VAL_DWELLING_AREA_OUT_OF_RANGE",
            ),
            (
                |d| d.structure = "mud".into(),
                "structure",
                "VAL_DWELLING_UNKNOWN_VALUE",
            ),
        ];
        for (change, field, code) in cases {
            assert_eq!(field_of(change), (field, code));
        }
    }

    #[test]
    fn rejects_unknown_json_fields() {
        let mut v = serde_json::to_value(sample_dto()).unwrap();
        v["price"] = serde_json::json!(1);
        assert!(serde_json::from_value::<DwellingDto>(v).is_err());
    }
}
