//! The query string: raw parameter values, as the functions' routes read them.

/// The raw value of the first parameter `name` (`""` for a bare `name`); `None` when
/// absent. Values are not percent-decoded: the parameters read this way (dates,
/// numbers, fixed words) never need it, and a value that would is refused by its parser.
pub fn param<'q>(query: Option<&'q str>, name: &str) -> Option<&'q str> {
    query?
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A count parameter (`?limit=`, `?size=`): a whole number from 1 to `max`, `default`
/// when absent. Anything else — not a number, 0, negative, above `max` — is refused.
pub fn count<T>(
    query: Option<&str>,
    name: &'static str,
    default: T,
    max: T,
) -> Result<T, CountError>
where
    T: std::str::FromStr + PartialOrd + From<u8> + Copy + std::fmt::Display,
{
    let Some(text) = param(query, name) else {
        return Ok(default);
    };
    text.parse::<T>()
        .ok()
        .filter(|n| *n >= T::from(1) && *n <= max)
        .ok_or_else(|| CountError {
            name,
            max: max.to_string(),
        })
}

/// A count parameter out of its range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountError {
    /// The parameter.
    pub name: &'static str,
    /// The largest count accepted, as written in messages.
    pub max: String,
}

impl CountError {
    /// What the parameter accepts, in Chinese.
    pub fn expected_zh(&self) -> String {
        format!("1至{}之间的整数", self.max)
    }
    /// What the parameter accepts, in English.
    pub fn expected_en(&self) -> String {
        format!("a whole number from 1 to {}", self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::{CountError, count, param};

    #[test]
    fn counts_are_whole_numbers_within_the_bounds() {
        assert_eq!(count::<i64>(None, "limit", 500, 2500), Ok(500));
        assert_eq!(count::<i64>(Some("limit=1"), "limit", 500, 2500), Ok(1));
        assert_eq!(
            count::<usize>(Some("limit=2500"), "limit", 5, 2500),
            Ok(2500)
        );
        for bad in [
            "limit=0",
            "limit=-1",
            "limit=2501",
            "limit=x",
            "limit=",
            "limit=1.5",
        ] {
            let e = count::<i64>(Some(bad), "limit", 500, 2500).unwrap_err();
            assert_eq!(
                e,
                CountError {
                    name: "limit",
                    max: "2500".to_owned()
                },
                "{bad}"
            );
        }
        let e = count::<i64>(Some("size=0"), "size", 1, 5000).unwrap_err();
        assert_eq!(
            (e.expected_zh(), e.expected_en()),
            (
                "1至5000之间的整数".to_owned(),
                "a whole number from 1 to 5000".to_owned()
            )
        );
    }

    #[test]
    fn finds_the_first_value() {
        let q = Some("from=2026-01-01&until=2026-12-31&flag&from=x");
        assert_eq!(param(q, "from"), Some("2026-01-01"));
        assert_eq!(param(q, "until"), Some("2026-12-31"));
        assert_eq!(param(q, "flag"), Some(""));
        assert_eq!(param(q, "limit"), None);
        assert_eq!(param(None, "from"), None);
    }
}
