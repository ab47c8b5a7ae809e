//! A deterministic, Luoyang-like demo register: communities in the city's districts,
//! buildings, dwellings with parseable unit codes, and base prices per community (and
//! some per building). Everything follows from a `u64` seed through [`SplitMix64`]; the
//! same seed and scale always give the same register. Dwellings come out of an
//! iterator, so the full scale (621,400 dwellings) never has to sit in memory.
//!
//! The numbers are invented for demonstration; only the district codes are real.

use super::base_price::BasePrice;
use super::categories::{Decoration, Layout, Orientation, Structure, View};
use super::dwelling::Dwelling;
use super::ids::{Area, BuildingId, CommunityId};
use super::unit_code::UnitCode;
use crate::money::Fen;
use time::macros::date;

/// The county-level districts of Luoyang city (GB/T 2260, since the 2021 reform that
/// merged 吉利区 into 孟津区 and turned 偃师市 into 偃师区), with a typical price level
/// in yuan per m² used by the generator.
pub const LUOYANG_DISTRICTS: &[(&str, &str, i64)] = &[
    ("410302", "老城区", 6_500),
    ("410303", "西工区", 8_000),
    ("410304", "瀍河回族区", 6_000),
    ("410305", "涧西区", 8_500),
    ("410307", "偃师区", 5_000),
    ("410308", "孟津区", 5_500),
    ("410311", "洛龙区", 11_000),
];

/// How large a register to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DemoScale {
    /// A few thousand dwellings (5,000): the default for the demo.
    #[default]
    Small,
    /// The size of Luoyang's register: 621,400 dwellings.
    Full,
    /// Ten times Luoyang's register, 6,214,000 dwellings: a province's worth, for
    /// measuring how the cost of the work grows (the first 621,400 are [`Full`]'s).
    ///
    /// [`Full`]: DemoScale::Full
    Tenfold,
}

impl DemoScale {
    /// Number of dwellings generated.
    pub const fn dwellings(self) -> usize {
        match self {
            DemoScale::Small => 5_000,
            DemoScale::Full => 621_400,
            DemoScale::Tenfold => 6_214_000,
        }
    }
}

/// The SplitMix64 generator (Steele, Lea, Flood 2014): tiny, fast, good enough for demo data.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub const fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Picks by weight: answers the index.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let mut x = self.below(weights.iter().sum());
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// One building of a demo community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoBuilding {
    /// Building id.
    pub id: BuildingId,
    /// Building number (幢号) used in unit codes, 1-based.
    pub number: u16,
    /// Storeys.
    pub storeys: u16,
    /// Whether it has a lift.
    pub has_lift: bool,
    /// Dwellings per floor.
    pub doors_per_floor: u16,
    /// What the building looks out on.
    pub view: View,
}

/// One demo community with its buildings and base prices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCommunity {
    /// Community id.
    pub id: CommunityId,
    /// District code.
    pub division_code: &'static str,
    /// Parcel code prefix: division + cadastral district + sub-district + `GB` + sequence.
    parcel: String,
    /// Completion year.
    pub build_year: i32,
    /// Structure.
    pub structure: Structure,
    /// Buildings.
    pub buildings: Vec<DemoBuilding>,
    /// Base prices: community-level and some building-level.
    pub base_prices: Vec<BasePrice>,
    /// Layout of each door position on a floor (index = door − 1).
    layouts: Vec<Layout>,
}

impl DemoCommunity {
    /// Dwellings in the community.
    pub fn dwelling_count(&self) -> usize {
        self.buildings
            .iter()
            .map(|b| usize::from(b.storeys) * usize::from(b.doors_per_floor))
            .sum()
    }

    /// Generates community `index` of the register with seed `seed`.
    fn generate(seed: u64, index: u64) -> DemoCommunity {
        let mut rng = SplitMix64::new(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let (division_code, _, level) = LUOYANG_DISTRICTS[rng.weighted(&[10, 14, 8, 16, 8, 8, 20])];
        // Unique per index: district (3 digits), sub-district (3), sequence (5).
        let parcel = format!(
            "{division_code}{:03}{:03}GB{:05}",
            1 + index / 1000,
            1 + (index / 100) % 10,
            1 + index % 100
        );
        let id = format!("C{division_code}-{index:05}");
        let build_year = rng.between(1985, 2023) as i32;
        let structure = match build_year {
            ..1990 if rng.below(4) == 0 => Structure::BrickWood,
            ..2000 => Structure::BrickConcrete,
            _ if rng.below(20) == 0 => Structure::Steel,
            _ => Structure::SteelConcrete,
        };
        let walk_up = build_year < 2000 || rng.below(5) == 0;
        let building_count = rng.between(2, 10) as u16;
        let views = [
            View::Obstructed,
            View::Ordinary,
            View::Garden,
            View::Park,
            View::River,
        ];
        let buildings = (1..=building_count)
            .map(|number| {
                let storeys = if walk_up {
                    rng.between(5, 7) as u16
                } else {
                    [11, 18, 26, 33][rng.below(4) as usize]
                };
                DemoBuilding {
                    id: BuildingId::parse(&format!("{id}-B{number:02}"))
                        .expect("generated building ids are valid"),
                    number,
                    storeys,
                    has_lift: !walk_up,
                    doors_per_floor: rng.between(2, 6) as u16,
                    view: views[rng.weighted(&[10, 60, 18, 6, 6])],
                }
            })
            .collect::<Vec<_>>();
        let layouts = (0..6)
            .map(|_| Layout::ALL[rng.weighted(&[3, 10, 35, 40, 8, 4])])
            .collect();
        // Price level: district level ± 25%, newer buildings dearer, rounded to 10 yuan.
        let age_bonus = i64::from(build_year - 1985) * 100;
        let yuan = level * rng.between(75, 125) / 100 + age_bonus;
        let p2024 = Fen::from_yuan(yuan / 10 * 10);
        let p2025 = Fen::from_yuan(yuan * rng.between(95, 102) / 100 / 10 * 10);
        let community_id = CommunityId::parse(&id).expect("generated community ids are valid");
        let mut base_prices = vec![
            BasePrice {
                community_id: community_id.clone(),
                building_id: None,
                effective_from: date!(2024 - 01 - 01),
                price_per_m2: p2024,
            },
            BasePrice {
                community_id: community_id.clone(),
                building_id: None,
                effective_from: date!(2025 - 01 - 01),
                price_per_m2: p2025,
            },
        ];
        for b in &buildings {
            if rng.below(10) == 0 {
                base_prices.push(BasePrice {
                    community_id: community_id.clone(),
                    building_id: Some(b.id.clone()),
                    effective_from: date!(2024 - 07 - 01),
                    price_per_m2: Fen::from_yuan(yuan * rng.between(92, 108) / 100 / 10 * 10),
                });
            }
        }
        DemoCommunity {
            id: community_id,
            division_code,
            parcel,
            build_year,
            structure,
            buildings,
            base_prices,
            layouts,
        }
    }
}

/// A demo register: a seed and a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DemoRegister {
    seed: u64,
    scale: DemoScale,
}

impl DemoRegister {
    /// A register from a seed and a scale.
    pub const fn new(seed: u64, scale: DemoScale) -> DemoRegister {
        DemoRegister { seed, scale }
    }

    /// Number of dwellings.
    pub const fn len(&self) -> usize {
        self.scale.dwellings()
    }

    /// Always false: every scale has dwellings.
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// The communities that hold the register's dwellings, in order. The last one may be
    /// only partly used by [`DemoRegister::dwellings`].
    pub fn communities(&self) -> impl Iterator<Item = DemoCommunity> + use<> {
        let (seed, target) = (self.seed, self.len());
        let mut covered = 0;
        (0_u64..)
            .map(move |i| DemoCommunity::generate(seed, i))
            .take_while(move |c| {
                let more = covered < target;
                covered += c.dwelling_count();
                more
            })
    }

    /// Every base price of the register's communities.
    pub fn base_prices(&self) -> Vec<BasePrice> {
        self.communities().flat_map(|c| c.base_prices).collect()
    }

    /// The dwellings, generated lazily; exactly [`DemoRegister::len`] of them.
    pub fn dwellings(&self) -> DemoDwellings {
        DemoDwellings {
            seed: self.seed,
            remaining: self.len(),
            next_community: 0,
            current: None,
        }
    }
}

/// One chunk of a register (for loading it in requests of bounded size): its
/// dwellings, in register order, and every base price of the communities they are in.
#[derive(Debug, Clone)]
pub struct DemoChunk {
    /// Dwellings `index × size ..` of the register, at most `size`.
    pub dwellings: Vec<Dwelling>,
    /// The base prices of their communities.
    pub base_prices: Vec<BasePrice>,
}

impl DemoRegister {
    /// Number of chunks of `size` dwellings (`size` ≥ 1).
    pub fn chunk_count(&self, size: usize) -> usize {
        self.len().div_ceil(size.max(1))
    }

    /// Chunk `index` of `size` dwellings: the same dwellings as
    /// `dwellings().skip(index * size).take(size)`, generated without the ones before
    /// (whole communities are skipped). Empty past the end.
    pub fn chunk(&self, index: usize, size: usize) -> DemoChunk {
        let size = size.max(1);
        let start = index.saturating_mul(size).min(self.len());
        let end = start.saturating_add(size).min(self.len());
        let mut covered = 0;
        let mut first = 0_u64;
        // Skip the communities that end before `start`.
        loop {
            let n = DemoCommunity::generate(self.seed, first).dwelling_count();
            if covered + n > start {
                break;
            }
            covered += n;
            first += 1;
        }
        let dwellings: Vec<Dwelling> = DemoDwellings {
            seed: self.seed,
            remaining: self.len() - covered,
            next_community: first,
            current: None,
        }
        .skip(start - covered)
        .take(end - start)
        .collect();
        let mut base_prices = Vec::new();
        let mut index = first;
        while covered < end {
            let c = DemoCommunity::generate(self.seed, index);
            covered += c.dwelling_count();
            base_prices.extend(c.base_prices);
            index += 1;
        }
        DemoChunk {
            dwellings,
            base_prices,
        }
    }
}

/// The iterator of [`DemoRegister::dwellings`].
#[derive(Debug, Clone)]
pub struct DemoDwellings {
    seed: u64,
    remaining: usize,
    next_community: u64,
    current: Option<Cursor>,
}

#[derive(Debug, Clone)]
struct Cursor {
    community: DemoCommunity,
    rng: SplitMix64,
    building: usize,
    floor: u16,
    door: u16,
}

impl Cursor {
    fn dwelling(&mut self) -> Dwelling {
        let c = &self.community;
        let b = &c.buildings[self.building];
        let rng = &mut self.rng;
        let unit = format!(
            "{}F{:04}{:02}{:02}",
            c.parcel, b.number, self.floor, self.door
        );
        let end_unit = self.door == 1 || self.door == b.doors_per_floor;
        let layout = c.layouts[usize::from(self.door - 1) % c.layouts.len()];
        let (lo, hi) = match layout {
            Layout::Studio => (3_500, 5_000),
            Layout::OneBedroom => (4_500, 6_500),
            Layout::TwoBedroom => (7_000, 9_500),
            Layout::ThreeBedroom => (9_500, 14_000),
            Layout::FourPlusBedroom => (13_000, 18_000),
            Layout::Duplex => (15_000, 22_000),
        };
        let orientation = if end_unit {
            [Orientation::East, Orientation::West][usize::from(self.door != 1)]
        } else {
            Orientation::ALL[rng.weighted(&[5, 2, 3, 10, 30, 10, 3, 2, 30, 5])]
        };
        Dwelling {
            unit_code: UnitCode::parse(&unit).expect("generated unit codes are valid"),
            community_id: c.id.clone(),
            building_id: b.id.clone(),
            floor: self.floor,
            total_storeys: b.storeys,
            has_lift: b.has_lift,
            orientation,
            layout,
            view: b.view,
            build_year: c.build_year,
            decoration: Decoration::ALL[rng.weighted(&[15, 45, 35, 5])],
            area: Area::from_centi_m2(rng.between(lo, hi)),
            end_unit,
            structure: c.structure,
        }
    }

    /// Moves to the next door; false when the community is exhausted.
    fn advance(&mut self) -> bool {
        let b = &self.community.buildings[self.building];
        if self.door < b.doors_per_floor {
            self.door += 1;
        } else if self.floor < b.storeys {
            self.floor += 1;
            self.door = 1;
        } else if self.building + 1 < self.community.buildings.len() {
            self.building += 1;
            self.floor = 1;
            self.door = 1;
        } else {
            return false;
        }
        true
    }
}

impl Iterator for DemoDwellings {
    type Item = Dwelling;

    fn next(&mut self) -> Option<Dwelling> {
        if self.remaining == 0 {
            return None;
        }
        let advanced = self.current.as_mut().is_some_and(Cursor::advance);
        if !advanced {
            let community = DemoCommunity::generate(self.seed, self.next_community);
            let rng = SplitMix64::new(self.seed.rotate_left(17) ^ self.next_community);
            self.next_community += 1;
            self.current = Some(Cursor {
                community,
                rng,
                building: 0,
                floor: 1,
                door: 1,
            });
        }
        let cursor = self.current.as_mut()?;
        self.remaining -= 1;
        Some(cursor.dwelling())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for DemoDwellings {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_the_register_in_pieces() {
        let r = DemoRegister::new(11, DemoScale::Small);
        let all: Vec<_> = r.dwellings().collect();
        let size = 1_300;
        assert_eq!(r.chunk_count(size), 4);
        let mut joined = Vec::new();
        for i in 0..r.chunk_count(size) {
            let chunk = r.chunk(i, size);
            let communities: HashSet<_> = chunk
                .base_prices
                .iter()
                .map(|p| p.community_id.clone())
                .collect();
            for d in &chunk.dwellings {
                assert!(
                    communities.contains(&d.community_id),
                    "prices for every dwelling"
                );
            }
            joined.extend(chunk.dwellings);
        }
        assert_eq!(joined, all);
        assert!(r.chunk(4, size).dwellings.is_empty());
        // The small register is the start of the full one.
        let full = DemoRegister::new(11, DemoScale::Full);
        assert_eq!(full.chunk(0, 5_000).dwellings, all);
        assert_eq!(full.chunk_count(10_000), 63);
        assert_eq!(full.chunk(62, 10_000).dwellings.len(), 1_400);
        // Ten times larger, and the full register is its beginning.
        let tenfold = DemoRegister::new(11, DemoScale::Tenfold);
        assert_eq!(tenfold.chunk_count(4_780), 1_300);
        assert_eq!(
            tenfold.chunk(129, 4_780).dwellings,
            full.chunk(129, 4_780).dwellings
        );
        let last = tenfold.chunk(1_299, 4_780);
        assert_eq!(last.dwellings.len(), 4_780);
        let codes: HashSet<_> = last.dwellings.iter().map(|d| *d.unit_code()).collect();
        assert_eq!(
            codes.len(),
            4_780,
            "unit codes stay unique at ten times the size"
        );
    }
    use crate::valuation::{BasePrices, CoefficientTable, DwellingDto, assess};
    use std::collections::HashSet;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // First outputs for seed 0 of the reference implementation (Vigna).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        let mut r = SplitMix64::new(1);
        for _ in 0..1_000 {
            assert!(r.between(3, 5) >= 3 && r.between(3, 5) <= 5);
        }
    }

    #[test]
    fn small_register_is_exact_valid_assessable_and_deterministic() {
        let register = DemoRegister::new(42, DemoScale::default());
        let dwellings: Vec<Dwelling> = register.dwellings().collect();
        assert_eq!(dwellings.len(), 5_000);
        assert_eq!(register.dwellings().len(), 5_000);
        let codes: HashSet<_> = dwellings.iter().map(|d| *d.unit_code()).collect();
        assert_eq!(codes.len(), dwellings.len(), "unit codes are unique");
        let districts: HashSet<_> = LUOYANG_DISTRICTS.iter().map(|d| d.0).collect();
        for d in &dwellings {
            // Every generated dwelling passes the same parser as a request body.
            assert_eq!(&Dwelling::try_from(DwellingDto::from(d)).unwrap(), d);
            assert_eq!(
                UnitCode::parse(d.unit_code().as_str()).unwrap(),
                *d.unit_code()
            );
            assert!(districts.contains(d.unit_code().division_code()));
        }
        // Same seed, same register; another seed, another one.
        assert!(register.dwellings().eq(dwellings.iter().cloned()));
        let other = DemoRegister::new(43, DemoScale::Small);
        assert!(!other.dwellings().eq(dwellings.iter().cloned()));
        assert_eq!(register.base_prices(), register.base_prices());
        // Every dwelling can be assessed with the illustrative table.
        let prices = BasePrices::new(register.base_prices()).unwrap();
        let table = CoefficientTable::luoyang_illustrative();
        for d in &dwellings {
            assess(d, &prices, &table, date!(2025 - 06 - 30)).unwrap();
        }
        let communities: Vec<_> = register.communities().collect();
        let in_use: HashSet<_> = dwellings.iter().map(|d| d.community_id().clone()).collect();
        assert_eq!(in_use.len(), communities.len());
        assert!(communities.len() >= 5);
    }

    #[test]
    fn full_register_has_exactly_621_400_unique_dwellings() {
        let register = DemoRegister::new(2025, DemoScale::Full);
        let mut codes = HashSet::with_capacity(register.len());
        let mut count = 0;
        for d in register.dwellings() {
            count += 1;
            assert!(codes.insert(*d.unit_code()), "duplicate {}", d.unit_code());
        }
        assert_eq!(count, 621_400);
    }
}
