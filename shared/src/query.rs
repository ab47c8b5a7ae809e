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

#[cfg(test)]
mod tests {
    use super::param;

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
