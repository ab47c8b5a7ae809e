//! The categorical attributes of a dwelling (orientation, layout, view, decoration,
//! structure) and the derived floor position. Each value has a stable snake_case key
//! (used in JSON, CSV and coefficient tables) and a Chinese label; parsing accepts either.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! categories {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $key:literal / $zh:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in the fixed order used by coefficient tables.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The machine keys, index-aligned with [`Self::ALL`].
            pub const KEYS: &'static [&'static str] = &[$($key),+];

            /// The stable machine key.
            pub const fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// The Chinese label.
            pub const fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// Position in [`Self::ALL`].
            pub const fn index(self) -> usize {
                self as usize
            }

            /// Reads a machine key or a Chinese label (surrounding spaces ignored).
            pub fn from_key(text: &str) -> Option<Self> {
                let t = text.trim();
                Self::ALL.iter().copied().find(|v| v.key() == t || v.label_zh() == t)
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                // The machine key or the Chinese label are read; the key is written.
                let mut accepted: Vec<&str> = Self::KEYS.to_vec();
                accepted.extend(Self::ALL.iter().map(|v| v.label_zh()));
                ::schemars::json_schema!({"type": "string", "enum": accepted})
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.key())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::from_key(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} {text:?}, expected one of {}",
                        stringify!($name),
                        Self::KEYS.join(", ")
                    ))
                })
            }
        }
    };
}

categories! {
    /// Which way the main rooms face (朝向).
    Orientation {
        /// 北.
        North = "north" / "北",
        /// 东北.
        NorthEast = "north_east" / "东北",
        /// 东.
        East = "east" / "东",
        /// 东南.
        SouthEast = "south_east" / "东南",
        /// 南.
        South = "south" / "南",
        /// 西南.
        SouthWest = "south_west" / "西南",
        /// 西.
        West = "west" / "西",
        /// 西北.
        NorthWest = "north_west" / "西北",
        /// 南北通透: windows on both the south and the north side.
        NorthSouth = "north_south" / "南北",
        /// 东西: windows on both the east and the west side.
        EastWest = "east_west" / "东西",
    }
}

categories! {
    /// Layout (户型), by number of bedrooms, or a duplex.
    Layout {
        /// 开间: one room.
        Studio = "studio" / "开间",
        /// 一室.
        OneBedroom = "one_bedroom" / "一室",
        /// 二室.
        TwoBedroom = "two_bedroom" / "二室",
        /// 三室.
        ThreeBedroom = "three_bedroom" / "三室",
        /// 四室及以上.
        FourPlusBedroom = "four_plus_bedroom" / "四室及以上",
        /// 复式/跃层: on two levels.
        Duplex = "duplex" / "复式",
    }
}

categories! {
    /// What the dwelling looks out on (景观).
    View {
        /// 遮挡: blocked by a nearby building.
        Obstructed = "obstructed" / "遮挡",
        /// 普通.
        Ordinary = "ordinary" / "普通",
        /// 小区园景: the community's garden.
        Garden = "garden" / "园景",
        /// 公园.
        Park = "park" / "公园",
        /// 河景 (in Luoyang: the Luo or Yi river).
        River = "river" / "河景",
    }
}

categories! {
    /// Interior finish (装修).
    Decoration {
        /// 毛坯.
        Shell = "shell" / "毛坯",
        /// 简装.
        Simple = "simple" / "简装",
        /// 精装.
        Fine = "fine" / "精装",
        /// 豪装.
        Luxury = "luxury" / "豪装",
    }
}

categories! {
    /// Building structure (建筑结构).
    Structure {
        /// 钢混: reinforced concrete.
        SteelConcrete = "steel_concrete" / "钢混",
        /// 钢结构.
        Steel = "steel" / "钢结构",
        /// 砖混.
        BrickConcrete = "brick_concrete" / "砖混",
        /// 砖木.
        BrickWood = "brick_wood" / "砖木",
        /// 其他.
        Other = "other" / "其他",
    }
}

categories! {
    /// Where a floor sits in its building; derived by [`FloorPosition::of`].
    FloorPosition {
        /// 底层: the first floor.
        Bottom = "bottom" / "底层",
        /// 低层: below 40% of the height.
        Low = "low" / "低层",
        /// 中层: 40% up to 60% of the height.
        Middle = "middle" / "中层",
        /// 中高层: 60% to 80% of the height, the most sought-after band.
        Upper = "upper" / "中高层",
        /// 高层: above 80% of the height, or above the 6th floor without a lift.
        High = "high" / "高层",
        /// 顶层: the top floor of a building with more than one storey.
        Top = "top" / "顶层",
    }
}

impl FloorPosition {
    /// Classifies `floor` (1-based) of a building of `storeys` storeys. The rule, in order:
    /// floor 1 is `Bottom`; the last floor is `Top`; without a lift, any other floor above
    /// the 6th is `High` (six flights is the practical walk-up limit); otherwise, by
    /// `floor / storeys` in exact integer arithmetic: below 40% `Low`, below 60%
    /// `Middle`, up to and including 80% `Upper`, above 80% `High`.
    /// Callers guarantee `1 <= floor <= storeys`.
    pub fn of(floor: u16, storeys: u16, has_lift: bool) -> FloorPosition {
        let (f, s) = (u32::from(floor), u32::from(storeys));
        if f <= 1 {
            FloorPosition::Bottom
        } else if f >= s {
            FloorPosition::Top
        } else if !has_lift && f > 6 {
            FloorPosition::High
        } else if 5 * f < 2 * s {
            FloorPosition::Low
        } else if 5 * f < 3 * s {
            FloorPosition::Middle
        } else if 5 * f <= 4 * s {
            FloorPosition::Upper
        } else {
            FloorPosition::High
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_positions_follow_the_documented_bands() {
        use FloorPosition::*;
        // 18 storeys with a lift: 40% = 7.2, 60% = 10.8, 80% = 14.4.
        let got: Vec<_> = (1..=18).map(|f| FloorPosition::of(f, 18, true)).collect();
        let want = [
            Bottom, Low, Low, Low, Low, Low, Low, Middle, Middle, Middle, Upper, Upper, Upper,
            Upper, High, High, High, Top,
        ];
        assert_eq!(got, want);
        // 6-storey walk-up: 2/6 low, 3/6 middle, 4/6 upper, 5/6 high.
        let got: Vec<_> = (1..=6).map(|f| FloorPosition::of(f, 6, false)).collect();
        assert_eq!(got, [Bottom, Low, Middle, Upper, High, Top]);
        // 10 storeys: exactly 60% and 80% are in the band, exactly 40% is middle.
        assert_eq!(FloorPosition::of(6, 10, true), Upper);
        assert_eq!(FloorPosition::of(8, 10, true), Upper);
        assert_eq!(FloorPosition::of(4, 10, true), Middle);
        // Without a lift, floor 7 of 9 (78%) is high, not upper.
        assert_eq!(FloorPosition::of(7, 9, true), Upper);
        assert_eq!(FloorPosition::of(7, 9, false), High);
        // A single-storey building's only floor is the bottom.
        assert_eq!(FloorPosition::of(1, 1, false), Bottom);
        assert_eq!(FloorPosition::of(2, 2, false), Top);
    }

    #[test]
    fn reads_keys_and_chinese_labels() {
        assert_eq!(
            Orientation::from_key("south_east"),
            Some(Orientation::SouthEast)
        );
        assert_eq!(
            Orientation::from_key(" 南北 "),
            Some(Orientation::NorthSouth)
        );
        assert_eq!(Decoration::from_key("精装"), Some(Decoration::Fine));
        assert_eq!(Layout::from_key("three"), None);
        assert_eq!(Orientation::KEYS.len(), Orientation::ALL.len());
        for (i, v) in View::ALL.iter().enumerate() {
            assert_eq!(v.index(), i);
            assert_eq!(View::KEYS[i], v.key());
        }
    }

    #[test]
    fn serialises_as_the_key() {
        assert_eq!(
            serde_json::to_string(&Structure::BrickConcrete).unwrap(),
            "\"brick_concrete\""
        );
        let v: Structure = serde_json::from_str("\"砖混\"").unwrap();
        assert_eq!(v, Structure::BrickConcrete);
        assert!(serde_json::from_str::<Structure>("\"wood\"").is_err());
    }
}
