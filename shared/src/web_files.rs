//! Serving the built web pages (the `web` component): which file a request path
//! names, with what media type and caching. Pure; the component reads the files.
//!
//! The pages are one single-page application: a path without a file extension is a
//! route of the app and gets its shell (`index.html`, never cached, so a new build
//! is seen at once); files under `assets/` carry a content hash in their names
//! (Vite's), so they are cached for a year and never revalidated. Paths below
//! `/api/` are never the app: an API path no function serves is a 404 problem.

/// What a request path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// A file, by its path below the mounted root (no leading `/`).
    File(String),
    /// The app's shell: a client-side route.
    Shell,
    /// Nothing the pages serve (an API path, a malformed or hidden path).
    NotFound,
}

/// The app's shell.
pub const SHELL: &str = "index.html";
/// Cache policy of hashed assets.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy of everything else: always revalidated.
pub const REVALIDATE: &str = "no-cache";

/// What `path` (the request's path, without query) asks for.
pub fn wanted(path: &str) -> Wanted {
    if path == "/api" || path.starts_with("/api/") {
        return Wanted::NotFound;
    }
    let Some(below) = path.strip_prefix('/') else {
        return Wanted::NotFound;
    };
    if below.is_empty() {
        return Wanted::Shell;
    }
    // Only plain segments: no `.`/`..`, no hidden files, no escapes or backslashes.
    let plain = below.split('/').all(|s| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~@".contains(&b))
    });
    // The `.gz` twins are sent only by content negotiation, under their file's name.
    if !plain || below.ends_with(".gz") {
        return Wanted::NotFound;
    }
    let last = below.rsplit('/').next().unwrap_or(below);
    if last.contains('.') {
        Wanted::File(below.to_owned())
    } else {
        Wanted::Shell
    }
}

/// The media type of a file, by its extension.
pub fn media_type(file: &str) -> &'static str {
    let ext = file.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The cache policy of a file: hashed assets are immutable.
pub fn cache_control(file: &str) -> &'static str {
    if file.starts_with("assets/") {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// Whether an `Accept-Encoding` header accepts gzip (not with `q=0`).
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    accept_encoding.is_some_and(|header| {
        header.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0))
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
    })
}

/// Whether a request is a browser opening a page (its `Accept` names `text/html`, as
/// a navigation's does) rather than a program asking for data (`application/json`,
/// `*/*` or nothing): an API route that is also a printed URL (an enterprise's code)
/// sends the first to its phone page.
pub fn is_page_navigation(accept: Option<&str>) -> bool {
    accept.is_some_and(|header| {
        let types: Vec<&str> = header
            .split(',')
            .filter(|item| {
                !item.split(';').skip(1).any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0))
                })
            })
            .map(|item| item.split(';').next().unwrap_or("").trim())
            .collect();
        types.iter().any(|t| t.eq_ignore_ascii_case("text/html"))
            && !types
                .iter()
                .any(|t| t.eq_ignore_ascii_case("application/json"))
    })
}

/// Whether a file is sent compressed when the client accepts it (text formats; the
/// build writes `<file>.gz` beside each of them).
pub fn compressible(file: &str) -> bool {
    let t = media_type(file);
    t.starts_with("text/")
        || t == "image/svg+xml"
        || (t.starts_with("application/") && t != "application/octet-stream")
}

/// The content security policy of the shell: the pages load and call only their own
/// origin, images also from `data:`/`blob:` (previews of photos before they are
/// uploaded), fonts also from `data:` (Vant's icon font is inlined). The pages also
/// upload photos straight to object storage with presigned PUTs: `upload_endpoint`
/// (the store's endpoint, as the functions presign with it) adds its origin to
/// `connect-src`; an empty or malformed one adds nothing.
pub fn content_security_policy(upload_endpoint: &str) -> String {
    let connect = match upload_origin(upload_endpoint) {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; \
         style-src 'self' 'unsafe-inline'; connect-src {connect}; frame-ancestors 'none'; \
         base-uri 'self'; form-action 'self'"
    )
}

/// The origin (`scheme://host[:port]`, lower-case) of an `http`/`https` endpoint URL;
/// `None` for anything else (no scheme, user info, characters a CSP source may not
/// carry).
pub fn upload_origin(endpoint: &str) -> Option<String> {
    let endpoint = endpoint.trim();
    let (scheme, rest) = endpoint.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b);
    if authority.is_empty() || !authority.bytes().all(plain) || authority.starts_with(':') {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browsers_navigation_is_told_from_a_programs_call() {
        // Chromium's and Safari's navigation headers.
        assert!(is_page_navigation(Some(
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
        )));
        assert!(is_page_navigation(Some(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        // The pages' own API calls, curl, clients that take anything.
        assert!(!is_page_navigation(Some("application/json")));
        assert!(!is_page_navigation(Some("*/*")));
        assert!(!is_page_navigation(None));
        assert!(!is_page_navigation(Some("text/html, application/json")));
        // Refused types do not count.
        assert!(!is_page_navigation(Some("text/html;q=0, application/json")));
        assert!(!is_page_navigation(Some("TEXT/HTML;q=0")));
    }

    #[test]
    fn the_policy_names_the_upload_origin_only_when_there_is_one() {
        let own = content_security_policy("");
        assert!(own.contains("connect-src 'self';"), "{own}");
        assert!(own.contains("default-src 'self'"));
        let csp = content_security_policy("http://127.0.0.1:39001");
        assert!(
            csp.contains("connect-src 'self' http://127.0.0.1:39001;"),
            "{csp}"
        );
        let csp = content_security_policy("https://OSS.example.cn/yingshang?x=1");
        assert!(
            csp.contains("connect-src 'self' https://oss.example.cn;"),
            "{csp}"
        );
        for bad in [
            "oss.example.cn",
            "ftp://oss.example.cn",
            "https://user@oss.example.cn",
            "https://a.example; script-src *",
            "https://a.example 'unsafe-eval'",
            "https://",
            "https://:443",
            "javascript://x",
        ] {
            assert_eq!(upload_origin(bad), None, "{bad}");
            assert!(
                content_security_policy(bad).contains("connect-src 'self';"),
                "{bad}"
            );
        }
    }

    #[test]
    fn routes_of_the_app_get_the_shell_and_files_are_files() {
        assert_eq!(wanted("/"), Wanted::Shell);
        assert_eq!(wanted("/valuation"), Wanted::Shell);
        assert_eq!(wanted("/ops/complaints"), Wanted::Shell);
        assert_eq!(wanted("/index.html"), Wanted::File("index.html".into()));
        assert_eq!(
            wanted("/assets/index-B3x9_a.js"),
            Wanted::File("assets/index-B3x9_a.js".into())
        );
    }

    #[test]
    fn api_paths_hidden_files_and_escapes_are_not_found() {
        for p in [
            "/api",
            "/api/",
            "/api/nothing/here",
            "/../etc/passwd",
            "/assets/../../x.js",
            "/.env",
            "/assets/.hidden.js",
            "//x.js",
            "/a\\b.js",
            "/%2e%2e/x.js",
            "/a\u{0}.js",
            "relative",
            "/assets/index-1.js.gz",
        ] {
            assert_eq!(wanted(p), Wanted::NotFound, "{p:?}");
        }
    }

    #[test]
    fn media_types_and_caching() {
        assert_eq!(media_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            media_type("assets/a-1.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(media_type("assets/a-1.css"), "text/css; charset=utf-8");
        assert_eq!(media_type("logo.svg"), "image/svg+xml");
        assert_eq!(media_type("x.unknown"), "application/octet-stream");
        assert_eq!(cache_control("assets/a-1.js"), IMMUTABLE);
        assert_eq!(cache_control("index.html"), REVALIDATE);
        assert!(compressible("assets/a-1.js"));
        assert!(compressible("logo.svg"));
        assert!(!compressible("photo.png"));
    }

    #[test]
    fn gzip_is_accepted_unless_refused() {
        assert!(accepts_gzip(Some("gzip, deflate, br")));
        assert!(accepts_gzip(Some("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(Some("*")));
        assert!(!accepts_gzip(Some("gzip;q=0")));
        assert!(!accepts_gzip(Some("br")));
        assert!(!accepts_gzip(None));
    }
}
