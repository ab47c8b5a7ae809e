//! Routing, as Spin does it: a pure function from a request path to a component.
//!
//! Exact routes beat wildcards, the longest prefix wins, `/...` is a trailing
//! wildcard, `:name` captures a segment, one trailing slash is stripped, and a route
//! declared twice goes to the last declaration (with a warning). Private routes
//! are not routable: they are reachable only by service chaining. Precedence is
//! delegated to `routefinder`, the same matcher Spin uses, so the two agree.

use http::{HeaderMap, HeaderName, HeaderValue};

/// Spin's reserved prefix.
pub const WELL_KNOWN_PREFIX: &str = "/.well-known/spin/";

#[derive(Debug, Clone)]
struct Handler {
    component: String,
    /// The route with the base, as written.
    based_route: String,
    /// The route as written in the manifest.
    raw_route: String,
}

/// A route declared more than once; the last declaration wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRoute {
    /// The route.
    pub route: String,
    /// The component that lost it.
    pub replaced: String,
    /// The component that serves it.
    pub effective: String,
}

/// Routes paths to components.
#[derive(Debug)]
pub struct Router {
    inner: routefinder::Router<Handler>,
}

/// Checks that a route pattern is one Spin accepts.
pub fn check_route(route: &str) -> Result<(), String> {
    let (rf, _) = to_spec(&sanitize_with_base("/", route));
    routefinder::RouteSpec::try_from(rf.as_str())
        .map(|_| ())
        .map_err(|e| format!("invalid route `{route}`: {e}"))
}

impl Router {
    /// Builds a router from `(route, component)` pairs in manifest order.
    pub fn build<'a>(
        base: &str,
        routes: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(Router, Vec<DuplicateRoute>), String> {
        let mut by_route: Vec<(String, Handler)> = Vec::new();
        let mut duplicates = Vec::new();
        for (raw, component) in routes {
            let based = sanitize_with_base(base, raw);
            let handler = Handler {
                component: component.to_owned(),
                based_route: based.clone(),
                raw_route: raw.to_owned(),
            };
            if let Some(slot) = by_route.iter_mut().find(|(r, _)| *r == raw) {
                duplicates.push(DuplicateRoute {
                    route: if based.is_empty() { "/".into() } else { based },
                    replaced: slot.1.component.clone(),
                    effective: component.to_owned(),
                });
                slot.1 = handler;
            } else {
                by_route.push((raw.to_owned(), handler));
            }
        }
        let mut inner = routefinder::Router::new();
        for (_, handler) in by_route {
            let (spec, _) = to_spec(&handler.based_route);
            let component = handler.component.clone();
            inner
                .add(spec.as_str(), handler)
                .map_err(|e| format!("invalid route `{spec}` for component `{component}`: {e}"))?;
        }
        Ok((Router { inner }, duplicates))
    }

    /// Finds the component for a path, or `None` (404).
    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        let m = self.inner.best_match(path)?;
        let h = m.handler();
        let captures = m.captures();
        let named: Vec<(String, String)> = captures
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let trailing = captures.wildcard().map(|s| {
            // Spin keeps a trailing slash in the path info although the matcher drops it.
            match (s.is_empty(), path.ends_with('/')) {
                (true, false) => String::new(),
                (true, true) => "/".to_owned(),
                (false, false) => format!("/{s}"),
                (false, true) => format!("/{s}/"),
            }
        });
        Some(RouteMatch {
            component: h.component.clone(),
            based_route: h.based_route.clone(),
            raw_route: h.raw_route.clone(),
            named,
            path_info: trailing.unwrap_or_default(),
        })
    }
}

/// What a path matched: the component and what Spin tells it about the match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    /// The component id.
    pub component: String,
    /// The matched route with the base (`spin-matched-route`).
    pub based_route: String,
    /// The matched route as written (`spin-raw-component-route`).
    pub raw_route: String,
    /// `:name` captures (`spin-path-match-<name>`).
    pub named: Vec<(String, String)>,
    /// The part of the path under a trailing wildcard (`spin-path-info`).
    pub path_info: String,
}

impl RouteMatch {
    /// The match a service-chained request gets: as if routed to `/...`.
    pub fn chained(component: &str, path: &str) -> RouteMatch {
        RouteMatch {
            component: component.to_owned(),
            based_route: "/...".into(),
            raw_route: "/...".into(),
            named: Vec::new(),
            path_info: path.to_owned(),
        }
    }

    /// The raw route without a trailing wildcard (`spin-component-route`).
    pub fn raw_route_or_prefix(&self) -> &str {
        self.raw_route
            .strip_suffix("/...")
            .unwrap_or(&self.raw_route)
    }

    /// Adds the headers Spin gives a routed request to `headers`, replacing any
    /// the client sent. The names are static and only the values are built, since
    /// this runs for every request.
    pub fn add_spin_headers(
        &self,
        headers: &mut HeaderMap,
        full_url: HeaderValue,
        client_addr: HeaderValue,
    ) {
        const BASE_PATH: HeaderValue = HeaderValue::from_static("/");
        headers.reserve(7 + self.named.len());
        fn put(headers: &mut HeaderMap, name: &'static str, value: &str) {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), v);
            }
        }
        put(headers, "spin-path-info", &self.path_info);
        headers.insert(HeaderName::from_static("spin-full-url"), full_url);
        put(headers, "spin-matched-route", &self.based_route);
        headers.insert(HeaderName::from_static("spin-base-path"), BASE_PATH);
        put(headers, "spin-raw-component-route", &self.raw_route);
        put(headers, "spin-component-route", self.raw_route_or_prefix());
        headers.insert(HeaderName::from_static("spin-client-addr"), client_addr);
        // By name, and for a name captured twice the last capture.
        let mut named: Vec<&(String, String)> = self.named.iter().collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, value) in named {
            if let (Ok(n), Ok(v)) = (
                HeaderName::try_from(format!("spin-path-match-{}", name.to_ascii_lowercase())),
                HeaderValue::from_str(value),
            ) {
                headers.insert(n, v);
            }
        }
    }

    /// The headers Spin adds to a routed request, as a map of their own (for tests
    /// and benchmarks; the server adds them in place with [`Self::add_spin_headers`]).
    pub fn spin_headers(&self, full_url: &str, client_addr: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let (Ok(url), Ok(client)) = (
            HeaderValue::from_str(full_url),
            HeaderValue::from_str(client_addr),
        ) {
            self.add_spin_headers(&mut h, url, client);
        }
        h
    }
}

/// The routefinder pattern for a based route, and whether it is a wildcard.
fn to_spec(based: &str) -> (String, bool) {
    if let Some(prefix) = based.strip_suffix("/...") {
        (format!("{prefix}/*"), true)
    } else if based.ends_with("/*") {
        (based.to_owned(), true)
    } else {
        (based.to_owned(), false)
    }
}

fn sanitize_with_base(base: &str, route: &str) -> String {
    let route = if route.starts_with('/') {
        route.to_owned()
    } else {
        format!("/{route}")
    };
    format!("{}{}", strip_one_slash(base), strip_one_slash(&route))
}

fn strip_one_slash(s: &str) -> &str {
    s.strip_suffix('/').unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router {
        Router::build("/", routes.iter().copied()).unwrap().0
    }

    #[test]
    fn exact_beats_wildcard_and_longest_prefix_wins() {
        let r = router(&[
            ("/...", "root"),
            ("/api/...", "api"),
            ("/api/tax/...", "tax"),
            ("/api/tax/health", "exact"),
        ]);
        assert_eq!(r.route("/api/tax/health").unwrap().component, "exact");
        assert_eq!(r.route("/api/tax/assessments").unwrap().component, "tax");
        assert_eq!(r.route("/api/other").unwrap().component, "api");
        assert_eq!(r.route("/x").unwrap().component, "root");
    }

    #[test]
    fn no_match_is_none() {
        let r = router(&[("/api/...", "api"), ("/one", "one")]);
        assert!(r.route("/two").is_none());
        assert!(r.route("/one/more").is_none());
    }

    #[test]
    fn trailing_slash_is_stripped_from_routes() {
        let r = router(&[("/foo/", "foo")]);
        assert_eq!(r.route("/foo").unwrap().component, "foo");
    }

    #[test]
    fn path_info_keeps_trailing_slash() {
        let r = router(&[("/foo/...", "foo")]);
        assert_eq!(r.route("/foo").unwrap().path_info, "");
        assert_eq!(r.route("/foo/").unwrap().path_info, "/");
        assert_eq!(r.route("/foo/bar").unwrap().path_info, "/bar");
        assert_eq!(r.route("/foo/bar/").unwrap().path_info, "/bar/");
    }

    #[test]
    fn named_segments_are_captured() {
        let r = router(&[("/units/:code/history", "u")]);
        let m = r.route("/units/4103/history").unwrap();
        assert_eq!(m.named, vec![("code".to_owned(), "4103".to_owned())]);
        let h = m.spin_headers("http://x/units/4103/history", "127.0.0.1:1");
        assert_eq!(h["spin-path-match-code"], "4103");
        assert_eq!(h["spin-full-url"], "http://x/units/4103/history");
        assert_eq!(h["spin-base-path"], "/");
        assert_eq!(h["spin-client-addr"], "127.0.0.1:1");
    }

    #[test]
    fn duplicates_go_to_the_last_with_a_report() {
        let (r, d) = Router::build("/", [("/a", "first"), ("/a", "second")]).unwrap();
        assert_eq!(r.route("/a").unwrap().component, "second");
        assert_eq!(
            d,
            vec![DuplicateRoute {
                route: "/a".into(),
                replaced: "first".into(),
                effective: "second".into()
            }]
        );
    }

    #[test]
    fn headers_for_wildcard_and_chained_matches() {
        let r = router(&[("/api/...", "api")]);
        let m = r.route("/api/x").unwrap();
        assert_eq!(m.raw_route_or_prefix(), "/api");
        let c = RouteMatch::chained("api", "/inner/path");
        assert_eq!(c.based_route, "/...");
        assert_eq!(c.raw_route_or_prefix(), "");
        assert_eq!(c.path_info, "/inner/path");
    }

    #[test]
    fn base_path_prefixes_routes() {
        let (r, _) = Router::build("/base/", [("/x", "x")]).unwrap();
        assert_eq!(r.route("/base/x").unwrap().component, "x");
        assert!(r.route("/x").is_none());
    }
}
