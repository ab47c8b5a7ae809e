//! Lanes of a re-assessment run: the run's unit codes cut into consecutive ranges of
//! about equal size, each with its own keyset cursor, so that several callers can
//! process one run at once (the read and the assessment of one lane's chunk overlap
//! another lane's write) and still every dwelling is covered by exactly one lane.
//!
//! Lane `i` covers the codes after lane `i - 1`'s last code (after nothing for lane
//! 0) up to and including its own last code; the last lane runs to the end of the
//! run's prefix ([`unit_code_prefix_end`](super::unit_code_prefix_end)), so a
//! dwelling registered while the run is under way falls in exactly one lane too
//! (and, as with one cursor, is assessed only if its lane's cursor has not passed it).

/// The most lanes a run may have: more callers than this gain nothing on a database
/// that writes one transaction at a time. (The request's schema reads this constant;
/// its refusal, a `&'static str`, says 16 in words: keep it in step.)
pub const MAX_LANES: u32 = 16;

/// The lanes a run is created with when the caller does not say: one, processed in
/// unit-code order as before lanes existed.
pub const DEFAULT_LANES: u32 = 1;

/// Whether `lanes` may be asked for.
pub fn lanes_allowed(lanes: u32) -> bool {
    (1..=MAX_LANES).contains(&lanes)
}

/// How many dwellings each lane of a run over `total` dwellings gets when `lanes`
/// are asked for: as many lanes as asked (fewer only when there are fewer dwellings
/// than lanes: no lane is empty, and a run over no dwellings has one lane), sizes
/// differing by one at most, the larger first.
pub fn lane_sizes(total: i64, lanes: u32) -> Vec<i64> {
    let total = total.max(0);
    let count = i64::from(lanes.max(1)).min(total).max(1);
    let (size, larger) = (total / count, total % count);
    (0..count).map(|i| size + i64::from(i < larger)).collect()
}

/// The lane a caller that names none processes: the first that is not finished.
pub fn first_open_lane(finished: impl IntoIterator<Item = bool>) -> Option<usize> {
    finished.into_iter().position(|done| !done)
}

/// Where one lane lies: the codes after `start` up to and including `through`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneRange {
    /// Its cursor before its first chunk: the previous lane's last code (`""` for
    /// the first lane).
    pub start: String,
    /// Its last code; `None` for the last lane (to the end of the run's prefix).
    pub through: Option<String>,
}

/// The lanes of a run cut at `ends` (the last code of each lane but the last, in
/// order): each starts where the one before ends, the last runs to the prefix's end,
/// so together they cover every code of the prefix once.
pub fn lane_ranges(ends: &[String]) -> Vec<LaneRange> {
    (0..=ends.len())
        .map(|i| LaneRange {
            start: i
                .checked_sub(1)
                .map_or_else(String::new, |p| ends[p].clone()),
            through: ends.get(i).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_share_the_dwellings_evenly_and_none_is_empty() {
        assert_eq!(lane_sizes(621_400, 4), [155_350; 4]);
        assert_eq!(lane_sizes(5_000, 3), [1_667, 1_667, 1_666]);
        assert_eq!(
            lane_sizes(30, 16),
            [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1]
        );
        assert_eq!(lane_sizes(17, 16).len(), 16);
        assert_eq!(lane_sizes(17, 16).iter().sum::<i64>(), 17);
        assert_eq!(lane_sizes(5, 16), [1; 5]);
        assert_eq!(lane_sizes(0, 4), [0]);
        assert_eq!(lane_sizes(-3, 4), [0]);
        assert_eq!(lane_sizes(7, 1), [7]);
        assert_eq!(lane_sizes(10, 0), [10]);
        assert_eq!(lane_sizes(i64::MAX, 2), [i64::MAX / 2 + 1, i64::MAX / 2]);
    }

    #[test]
    fn a_lane_count_is_one_to_sixteen() {
        assert!(lanes_allowed(DEFAULT_LANES));
        assert!(lanes_allowed(MAX_LANES));
        assert!(!lanes_allowed(0));
        assert!(!lanes_allowed(MAX_LANES + 1));
    }

    #[test]
    fn a_caller_without_a_lane_takes_the_first_open_one() {
        assert_eq!(first_open_lane([true, false, false]), Some(1));
        assert_eq!(first_open_lane([false, true]), Some(0));
        assert_eq!(first_open_lane([true, true]), None);
        assert_eq!(first_open_lane([]), None);
    }

    #[test]
    fn each_lane_starts_where_the_one_before_ends_and_the_last_runs_on() {
        let range = |start: &str, through: Option<&str>| LaneRange {
            start: start.to_owned(),
            through: through.map(str::to_owned),
        };
        assert_eq!(
            lane_ranges(&["B".to_owned(), "D".to_owned()]),
            [
                range("", Some("B")),
                range("B", Some("D")),
                range("D", None)
            ]
        );
        assert_eq!(lane_ranges(&[]), [range("", None)]);
    }
}
