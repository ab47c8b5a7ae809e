//! Matching a request's method and path against a function's route table, purely.
//!
//! A function declares its routes as data — a method and a path pattern such as
//! `/sites/{site_id}/statements` — and the kit asks [`find`] which one a request
//! names. It lives in the core (not the kit) so that it is tested natively: the kit
//! is compiled for `wasm32-wasip2` only.
//!
//! Patterns are `/`-separated segments; `{name}` matches one non-empty segment and
//! captures it as received (not percent-decoded); every other segment matches itself.
//! Leading and trailing slashes of the path are ignored. When several patterns match
//! a path, the most specific wins: segment by segment from the left, a literal beats
//! a parameter (`/sessions/close-stale` before `/sessions/{id}`), as in Spin's router.
//! The routes sharing the winning pattern decide the method: one of them, or a 405
//! naming their methods.

/// One route's shape: a method and a path pattern (relative to the function's base).
pub trait RouteShape {
    /// The HTTP method, upper case (`GET`, `POST`, ...).
    fn method(&self) -> &str;
    /// The path pattern, e.g. `/sites/{site_id}`.
    fn pattern(&self) -> &str;
}

impl RouteShape for (&str, &str) {
    fn method(&self) -> &str {
        self.0
    }
    fn pattern(&self) -> &str {
        self.1
    }
}

/// The captured `{name}` segments of a matched path, in pattern order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// The value captured for `{name}`; empty text when the pattern has no such name
    /// (a programming error in the route table, caught by the function's tests).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every capture, in pattern order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// What a request names in a route table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The route at this index of the table, with its captures.
    Route(usize, Params),
    /// The path is known but not with this method: answer 405 with `Allow` naming
    /// these methods (in table order, no repeats).
    MethodNotAllowed(Vec<String>),
    /// No pattern matches the path (404).
    NotFound,
}

/// The path below `base` (`/api/power` + `/sites/x` → `/sites/x`); `None` when the
/// path is not under `base` (`/api/powerx` is not under `/api/power`).
pub fn below<'p>(base: &str, path: &'p str) -> Option<&'p str> {
    let rest = path.strip_prefix(base.trim_end_matches('/'))?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// How one pattern matched a path: its specificity (a literal segment is `1`, a
/// parameter `0`, left to right) and its captures.
fn match_pattern(pattern: &str, path: &str) -> Option<(Vec<u8>, Params)> {
    let wanted = segments(pattern);
    let given = segments(path);
    if wanted.len() != given.len() {
        return None;
    }
    let mut rank = Vec::with_capacity(wanted.len());
    let mut params = Vec::new();
    for (w, g) in wanted.iter().zip(&given) {
        match w.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            Some(name) if !g.is_empty() => {
                rank.push(0);
                params.push((name.to_owned(), (*g).to_owned()));
            }
            Some(_) => return None,
            None if w == g => rank.push(1),
            None => return None,
        }
    }
    Some((rank, Params(params)))
}

/// The segments of a path or pattern, without its leading and trailing slashes
/// (the root is no segment at all).
fn segments(path: &str) -> Vec<&str> {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        Vec::new()
    } else {
        trimmed.split('/').collect()
    }
}

/// Which route of `table` a request with `method` and `path` (already below the
/// function's base) names.
pub fn find<R: RouteShape>(table: &[R], method: &str, path: &str) -> Found {
    let mut best: Option<(Vec<u8>, &str)> = None;
    for route in table {
        if let Some((rank, _)) = match_pattern(route.pattern(), path)
            && best.as_ref().is_none_or(|(b, _)| rank > *b)
        {
            best = Some((rank, route.pattern()));
        }
    }
    let Some((_, pattern)) = best else {
        return Found::NotFound;
    };
    let mut allowed: Vec<String> = Vec::new();
    for (i, route) in table.iter().enumerate() {
        if route.pattern() != pattern {
            continue;
        }
        if route.method().eq_ignore_ascii_case(method) {
            let params = match_pattern(pattern, path)
                .map(|(_, p)| p)
                .unwrap_or_default();
            return Found::Route(i, params);
        }
        if !allowed.iter().any(|m| m == route.method()) {
            allowed.push(route.method().to_owned());
        }
    }
    Found::MethodNotAllowed(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[(&str, &str)] = &[
        ("PUT", "/sites/{site_id}"),
        ("GET", "/sites/{site_id}/statements"),
        ("GET", "/sockets/{socket_id}"),
        ("PUT", "/sockets/{socket_id}"),
        ("POST", "/sessions"),
        ("GET", "/sessions/{id}"),
        ("POST", "/sessions/{id}/stop"),
        ("POST", "/sessions/close-stale"),
        ("GET", "/"),
    ];

    fn route(method: &str, path: &str) -> Option<(usize, Vec<(String, String)>)> {
        match find(TABLE, method, path) {
            Found::Route(i, p) => Some((i, p.iter().map(|(n, v)| (n.into(), v.into())).collect())),
            _ => None,
        }
    }

    #[test]
    fn literal_and_parameter_segments_match_and_capture() {
        assert_eq!(
            route("PUT", "/sites/xuchang"),
            Some((0, vec![("site_id".into(), "xuchang".into())]))
        );
        assert_eq!(route("GET", "/sites/a/statements").map(|r| r.0), Some(1));
        assert_eq!(route("POST", "/sessions").map(|r| r.0), Some(4));
        assert_eq!(route("GET", "/").map(|r| r.0), Some(8));
        assert_eq!(route("GET", "").map(|r| r.0), Some(8));
    }

    #[test]
    fn the_method_picks_among_routes_of_one_pattern() {
        assert_eq!(route("GET", "/sockets/s1").map(|r| r.0), Some(2));
        assert_eq!(route("PUT", "/sockets/s1").map(|r| r.0), Some(3));
        assert_eq!(route("put", "/sockets/s1").map(|r| r.0), Some(3));
    }

    #[test]
    fn a_literal_beats_a_parameter() {
        assert_eq!(route("POST", "/sessions/close-stale").map(|r| r.0), Some(7));
        assert_eq!(
            route("GET", "/sessions/01J").map(|r| r.1),
            Some(vec![("id".into(), "01J".into())])
        );
        // The literal route owns the path: another method is a 405, not the
        // parameter route.
        assert_eq!(
            find(TABLE, "GET", "/sessions/close-stale"),
            Found::MethodNotAllowed(vec!["POST".into()])
        );
    }

    #[test]
    fn a_known_path_with_another_method_lists_the_allowed_ones() {
        assert_eq!(
            find(TABLE, "DELETE", "/sockets/s1"),
            Found::MethodNotAllowed(vec!["GET".into(), "PUT".into()])
        );
        assert_eq!(
            find(TABLE, "GET", "/sites/x"),
            Found::MethodNotAllowed(vec!["PUT".into()])
        );
    }

    #[test]
    fn unknown_paths_and_empty_parameters_are_not_found() {
        assert_eq!(find(TABLE, "GET", "/nothing"), Found::NotFound);
        assert_eq!(find(TABLE, "PUT", "/sites//statements"), Found::NotFound);
        assert_eq!(
            find(TABLE, "GET", "/sites/a/statements/extra"),
            Found::NotFound
        );
        assert_eq!(find(TABLE, "GET", "/sessions//stop"), Found::NotFound);
    }

    #[test]
    fn trailing_and_leading_slashes_are_ignored() {
        assert_eq!(route("POST", "/sessions/").map(|r| r.0), Some(4));
        assert_eq!(route("POST", "sessions").map(|r| r.0), Some(4));
    }

    #[test]
    fn below_strips_the_base_only_at_a_segment_boundary() {
        assert_eq!(below("/api/power", "/api/power/sites/x"), Some("/sites/x"));
        assert_eq!(below("/api/power", "/api/power"), Some(""));
        assert_eq!(below("/api/power/", "/api/power/x"), Some("/x"));
        assert_eq!(below("/api/power", "/api/powerx/sites"), None);
        assert_eq!(below("/api/power", "/api/tax"), None);
    }

    #[test]
    fn missing_param_names_read_as_empty() {
        let Found::Route(_, p) = find(TABLE, "PUT", "/sites/a") else {
            panic!("no route")
        };
        assert_eq!(p.get("site_id"), "a");
        assert_eq!(p.get("other"), "");
    }
}
