//! The real-estate unit number (不动产单元代码, GB/T 37346): 28 characters that name one
//! registrable unit — a dwelling, for this module.
//!
//! | Positions | Meaning |
//! |---|---|
//! | 1–6 | county-level administrative division (GB/T 2260) |
//! | 7–9 | cadastral district (地籍区) |
//! | 10–12 | cadastral sub-district (地籍子区) |
//! | 13 | land ownership: G state, J collective, Z disputed |
//! | 14 | parcel feature (A B S X C D E F H G W Y) |
//! | 15–19 | parcel sequence number |
//! | 20 | fixture feature: F building, L trees, Q other, W none |
//! | 21–28 | fixture unit; for housing building number (幢号, 4) + unit number (户号, 4) |
//!
//! Case: the standard writes the letters in upper case. Lower-case ASCII letters are
//! accepted and normalised to upper case, so `410302001001gb00001f00010101` and its
//! upper-case form are the same [`UnitCode`]; the code is always shown and stored in
//! upper case. Nothing else is normalised: no trimming, no full-width characters.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Number of characters in a unit number.
pub const UNIT_CODE_LEN: usize = 28;

/// Land ownership (宗地特征码 first letter, position 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LandOwnership {
    /// `G`: state-owned land (国家土地所有权).
    State,
    /// `J`: collectively owned land (集体土地所有权).
    Collective,
    /// `Z`: ownership disputed (争议).
    Disputed,
}

impl LandOwnership {
    fn from_letter(b: u8) -> Option<Self> {
        Some(match b {
            b'G' => Self::State,
            b'J' => Self::Collective,
            b'Z' => Self::Disputed,
            _ => return None,
        })
    }

    /// The letter used in the code.
    pub const fn letter(self) -> char {
        match self {
            Self::State => 'G',
            Self::Collective => 'J',
            Self::Disputed => 'Z',
        }
    }
}

/// Parcel feature (宗地特征码 second letter, position 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParcelFeature {
    /// `A`: collective land ownership parcel.
    CollectiveParcel,
    /// `B`: construction-land use right, on the surface.
    ConstructionSurface,
    /// `S`: construction-land use right, above ground.
    ConstructionAbove,
    /// `X`: construction-land use right, below ground.
    ConstructionBelow,
    /// `C`: homestead (宅基地).
    Homestead,
    /// `D`: contracted arable land.
    ContractedArable,
    /// `E`: contracted forest land.
    ContractedForest,
    /// `F`: contracted grassland.
    ContractedGrass,
    /// `H`: sea area.
    SeaArea,
    /// `G`: uninhabited island.
    UninhabitedIsland,
    /// `W`: use right not yet determined.
    Undetermined,
    /// `Y`: other use rights.
    Other,
}

impl ParcelFeature {
    fn from_letter(b: u8) -> Option<Self> {
        Some(match b {
            b'A' => Self::CollectiveParcel,
            b'B' => Self::ConstructionSurface,
            b'S' => Self::ConstructionAbove,
            b'X' => Self::ConstructionBelow,
            b'C' => Self::Homestead,
            b'D' => Self::ContractedArable,
            b'E' => Self::ContractedForest,
            b'F' => Self::ContractedGrass,
            b'H' => Self::SeaArea,
            b'G' => Self::UninhabitedIsland,
            b'W' => Self::Undetermined,
            b'Y' => Self::Other,
            _ => return None,
        })
    }
}

/// Fixture feature (定着物特征码, position 20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixtureFeature {
    /// `F`: a building or structure (房屋等建筑物、构筑物).
    Building,
    /// `L`: trees (森林、林木).
    Trees,
    /// `Q`: other fixtures.
    Other,
    /// `W`: no fixture; the fixture unit must then be `00000000`.
    None,
}

impl FixtureFeature {
    fn from_letter(b: u8) -> Option<Self> {
        Some(match b {
            b'F' => Self::Building,
            b'L' => Self::Trees,
            b'Q' => Self::Other,
            b'W' => Self::None,
            _ => return None,
        })
    }
}

/// A parsed, valid unit number. Ordered by its text, so it can serve as a cursor.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitCode {
    bytes: [u8; UNIT_CODE_LEN],
    ownership: LandOwnership,
    parcel_feature: ParcelFeature,
    fixture_feature: FixtureFeature,
}

/// Why a text is not a unit number. Positions are 1-based character positions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitCodeError {
    /// The text does not have exactly 28 characters.
    #[error("unit code must have 28 characters, found {found}")]
    WrongLength {
        /// Characters found.
        found: usize,
    },
    /// A position that must hold a digit (1–12, 15–19, 21–28) holds something else.
    #[error("position {position}: expected a digit, found {found:?}")]
    NotDigit {
        /// 1-based position.
        position: usize,
        /// The character found.
        found: char,
    },
    /// Position 13 is not G, J or Z.
    #[error("position 13: expected land ownership G, J or Z, found {found:?}")]
    UnknownOwnership {
        /// The character found.
        found: char,
    },
    /// Position 14 is not one of A B S X C D E F H G W Y.
    #[error("position 14: expected parcel feature A/B/S/X/C/D/E/F/H/G/W/Y, found {found:?}")]
    UnknownParcelFeature {
        /// The character found.
        found: char,
    },
    /// Position 20 is not F, L, Q or W.
    #[error("position 20: expected fixture feature F, L, Q or W, found {found:?}")]
    UnknownFixtureFeature {
        /// The character found.
        found: char,
    },
    /// Fixture feature W (no fixture) but positions 21–28 are not `00000000`.
    #[error("position 21: fixture feature W requires fixture unit 00000000")]
    FixtureUnitWithoutFixture,
}

impl UnitCodeError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "VAL_UNIT_CODE_LENGTH",
        "VAL_UNIT_CODE_NOT_DIGIT",
        "VAL_UNIT_CODE_OWNERSHIP",
        "VAL_UNIT_CODE_PARCEL_FEATURE",
        "VAL_UNIT_CODE_FIXTURE_FEATURE",
        "VAL_UNIT_CODE_FIXTURE_UNIT",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongLength { .. } => "VAL_UNIT_CODE_LENGTH",
            Self::NotDigit { .. } => "VAL_UNIT_CODE_NOT_DIGIT",
            Self::UnknownOwnership { .. } => "VAL_UNIT_CODE_OWNERSHIP",
            Self::UnknownParcelFeature { .. } => "VAL_UNIT_CODE_PARCEL_FEATURE",
            Self::UnknownFixtureFeature { .. } => "VAL_UNIT_CODE_FIXTURE_FEATURE",
            Self::FixtureUnitWithoutFixture => "VAL_UNIT_CODE_FIXTURE_UNIT",
        }
    }

    /// The 1-based position that is wrong; `None` when the length is wrong.
    pub fn position(&self) -> Option<usize> {
        match self {
            Self::WrongLength { .. } => None,
            Self::NotDigit { position, .. } => Some(*position),
            Self::UnknownOwnership { .. } => Some(13),
            Self::UnknownParcelFeature { .. } => Some(14),
            Self::UnknownFixtureFeature { .. } => Some(20),
            Self::FixtureUnitWithoutFixture => Some(21),
        }
    }

    /// Message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::WrongLength { found } => {
                format!("不动产单元代码应为28位，实际为{found}位")
            }
            Self::NotDigit { position, found } => {
                format!("不动产单元代码第{position}位应为数字，实际为“{found}”")
            }
            Self::UnknownOwnership { found } => {
                format!("不动产单元代码第13位（土地所有权类型）应为G、J或Z，实际为“{found}”")
            }
            Self::UnknownParcelFeature { found } => format!(
                "不动产单元代码第14位（宗地特征码）应为A、B、S、X、C、D、E、F、H、G、W、Y之一，实际为“{found}”"
            ),
            Self::UnknownFixtureFeature { found } => {
                format!("不动产单元代码第20位（定着物特征码）应为F、L、Q或W，实际为“{found}”")
            }
            Self::FixtureUnitWithoutFixture => {
                "不动产单元代码第20位为W（无定着物）时，第21至28位应为00000000".to_owned()
            }
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        format!("invalid real-estate unit code: {self}")
    }
}

impl UnitCode {
    /// Parses a 28-character unit number. Lower-case letters are normalised to upper case.
    pub fn parse(text: &str) -> Result<UnitCode, UnitCodeError> {
        let count = text.chars().count();
        if count != UNIT_CODE_LEN {
            return Err(UnitCodeError::WrongLength { found: count });
        }
        let mut bytes = [0u8; UNIT_CODE_LEN];
        for (i, ch) in text.chars().enumerate() {
            let ch = ch.to_ascii_uppercase();
            let found = ch;
            match i {
                12 if !ch.is_ascii_uppercase() => {
                    return Err(UnitCodeError::UnknownOwnership { found });
                }
                13 if !ch.is_ascii_uppercase() => {
                    return Err(UnitCodeError::UnknownParcelFeature { found });
                }
                19 if !ch.is_ascii_uppercase() => {
                    return Err(UnitCodeError::UnknownFixtureFeature { found });
                }
                12 | 13 | 19 => {}
                _ if !ch.is_ascii_digit() => {
                    return Err(UnitCodeError::NotDigit {
                        position: i + 1,
                        found,
                    });
                }
                _ => {}
            }
            // Only ASCII reaches this point.
            bytes[i] = ch as u8;
        }
        let ownership =
            LandOwnership::from_letter(bytes[12]).ok_or(UnitCodeError::UnknownOwnership {
                found: bytes[12] as char,
            })?;
        let parcel_feature =
            ParcelFeature::from_letter(bytes[13]).ok_or(UnitCodeError::UnknownParcelFeature {
                found: bytes[13] as char,
            })?;
        let fixture_feature =
            FixtureFeature::from_letter(bytes[19]).ok_or(UnitCodeError::UnknownFixtureFeature {
                found: bytes[19] as char,
            })?;
        if fixture_feature == FixtureFeature::None && bytes[20..].iter().any(|&b| b != b'0') {
            return Err(UnitCodeError::FixtureUnitWithoutFixture);
        }
        Ok(UnitCode {
            bytes,
            ownership,
            parcel_feature,
            fixture_feature,
        })
    }

    fn part(&self, from: usize, to: usize) -> &str {
        // Every byte was checked to be ASCII in `parse`, so this never fails.
        std::str::from_utf8(&self.bytes[from..to]).unwrap_or_default()
    }

    /// The whole code, upper case.
    pub fn as_str(&self) -> &str {
        self.part(0, UNIT_CODE_LEN)
    }

    /// Positions 1–6: county-level administrative division code.
    pub fn division_code(&self) -> &str {
        self.part(0, 6)
    }

    /// Positions 7–9: cadastral district.
    pub fn cadastral_district(&self) -> &str {
        self.part(6, 9)
    }

    /// Positions 10–12: cadastral sub-district.
    pub fn cadastral_sub_district(&self) -> &str {
        self.part(9, 12)
    }

    /// Position 13: land ownership.
    pub fn ownership(&self) -> LandOwnership {
        self.ownership
    }

    /// Position 14: parcel feature.
    pub fn parcel_feature(&self) -> ParcelFeature {
        self.parcel_feature
    }

    /// Positions 15–19: parcel sequence number.
    pub fn parcel_sequence(&self) -> &str {
        self.part(14, 19)
    }

    /// Positions 1–19: the parcel code (宗地代码).
    pub fn parcel_code(&self) -> &str {
        self.part(0, 19)
    }

    /// Position 20: fixture feature.
    pub fn fixture_feature(&self) -> FixtureFeature {
        self.fixture_feature
    }

    /// Positions 21–28: fixture unit.
    pub fn fixture_unit(&self) -> &str {
        self.part(20, 28)
    }

    /// Positions 21–24: building number (幢号), meaningful for housing.
    pub fn building_number(&self) -> &str {
        self.part(20, 24)
    }

    /// Positions 25–28: unit number within the building (户号), meaningful for housing.
    pub fn unit_number(&self) -> &str {
        self.part(24, 28)
    }
}

impl PartialOrd for UnitCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for UnitCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bytes.cmp(&other.bytes)
    }
}

impl fmt::Debug for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnitCode({})", self.as_str())
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UnitCode {
    type Err = UnitCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UnitCode::parse(s)
    }
}

crate::openapi::json_schema_of!(UnitCode, "UnitCode", {
    "type": "string",
    "pattern": "^[0-9]{12}[A-Za-z]{2}[0-9]{5}[A-Za-z][0-9]{8}$",
    "description": "The 28-character real-estate unit number (不动产单元号): division, cadastral \
                    district and sub-district, land ownership and parcel feature letters, parcel \
                    sequence, fixture feature letter and fixture number (GB/T 37346). 不动产单元号。"
});

impl Serialize for UnitCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UnitCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        UnitCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "410302001002GB00012F00030601";

    #[test]
    fn splits_a_valid_code_into_its_parts() {
        let c = UnitCode::parse(GOOD).unwrap();
        assert_eq!(c.division_code(), "410302");
        assert_eq!(c.cadastral_district(), "001");
        assert_eq!(c.cadastral_sub_district(), "002");
        assert_eq!(c.ownership(), LandOwnership::State);
        assert_eq!(c.parcel_feature(), ParcelFeature::ConstructionSurface);
        assert_eq!(c.parcel_sequence(), "00012");
        assert_eq!(c.parcel_code(), "410302001002GB00012");
        assert_eq!(c.fixture_feature(), FixtureFeature::Building);
        assert_eq!(c.fixture_unit(), "00030601");
        assert_eq!(c.building_number(), "0003");
        assert_eq!(c.unit_number(), "0601");
        assert_eq!(c.to_string(), GOOD);
    }

    #[test]
    fn normalises_lower_case_letters() {
        let c = UnitCode::parse("410302001002gb00012f00030601").unwrap();
        assert_eq!(c.as_str(), GOOD);
        assert_eq!(c, UnitCode::parse(GOOD).unwrap());
    }

    #[test]
    fn accepts_every_listed_letter() {
        for o in ['G', 'J', 'Z'] {
            for p in "ABSXCDEFHGWY".chars() {
                for f in ['F', 'L', 'Q'] {
                    let text = format!("410302001002{o}{p}00012{f}00030601");
                    assert!(UnitCode::parse(&text).is_ok(), "{text}");
                }
            }
        }
        assert!(UnitCode::parse("410302001002GB00012W00000000").is_ok());
    }

    fn with(pos: usize, ch: char) -> String {
        let mut s: Vec<char> = GOOD.chars().collect();
        s[pos - 1] = ch;
        s.into_iter().collect()
    }

    #[test]
    fn names_the_wrong_position_for_every_digit_slot() {
        for pos in (1..=12).chain(15..=19).chain(21..=28) {
            let err = UnitCode::parse(&with(pos, 'X')).unwrap_err();
            assert_eq!(
                err,
                UnitCodeError::NotDigit {
                    position: pos,
                    found: 'X'
                }
            );
            assert_eq!(err.position(), Some(pos));
            assert!(err.message_zh().contains(&format!("第{pos}位")));
            assert!(err.message_en().contains(&format!("position {pos}")));
        }
    }

    #[test]
    fn rejects_unknown_letters_with_their_position() {
        let e = UnitCode::parse(&with(13, 'Q')).unwrap_err();
        assert_eq!(e, UnitCodeError::UnknownOwnership { found: 'Q' });
        assert_eq!(
            (e.position(), e.code()),
            (Some(13), "VAL_UNIT_CODE_OWNERSHIP")
        );
        let e = UnitCode::parse(&with(13, '1')).unwrap_err();
        assert_eq!(e.position(), Some(13));
        let e = UnitCode::parse(&with(14, 'Z')).unwrap_err();
        assert_eq!(e, UnitCodeError::UnknownParcelFeature { found: 'Z' });
        assert_eq!(e.position(), Some(14));
        let e = UnitCode::parse(&with(20, 'B')).unwrap_err();
        assert_eq!(e, UnitCodeError::UnknownFixtureFeature { found: 'B' });
        assert_eq!(e.position(), Some(20));
        let e = UnitCode::parse("410302001002GB00012W00030601").unwrap_err();
        assert_eq!(e, UnitCodeError::FixtureUnitWithoutFixture);
        assert_eq!(e.position(), Some(21));
    }

    #[test]
    fn rejects_wrong_lengths_and_non_ascii() {
        assert_eq!(
            UnitCode::parse(&GOOD[..27]).unwrap_err(),
            UnitCodeError::WrongLength { found: 27 }
        );
        assert_eq!(
            UnitCode::parse(&format!("{GOOD}1")).unwrap_err(),
            UnitCodeError::WrongLength { found: 29 }
        );
        assert_eq!(
            UnitCode::parse("").unwrap_err(),
            UnitCodeError::WrongLength { found: 0 }
        );
        assert_eq!(
            UnitCode::parse(&format!(" {}", &GOOD[1..])).unwrap_err(),
            UnitCodeError::NotDigit {
                position: 1,
                found: ' '
            }
        );
        // A full-width digit: 28 characters, but not an ASCII digit.
        let fw = format!("４{}", &GOOD[1..]);
        assert_eq!(
            UnitCode::parse(&fw).unwrap_err(),
            UnitCodeError::NotDigit {
                position: 1,
                found: '４'
            }
        );
    }

    #[test]
    fn serialises_as_the_string() {
        let c = UnitCode::parse(GOOD).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, format!("\"{GOOD}\""));
        assert_eq!(serde_json::from_str::<UnitCode>(&json).unwrap(), c);
        assert!(serde_json::from_str::<UnitCode>("\"4103\"").is_err());
    }

    #[test]
    fn orders_by_text() {
        let a = UnitCode::parse("410302001002GB00012F00030601").unwrap();
        let b = UnitCode::parse("410302001002GB00012F00030602").unwrap();
        let c = UnitCode::parse("410303001001GB00001F00010101").unwrap();
        assert!(a < b && b < c);
    }
}
