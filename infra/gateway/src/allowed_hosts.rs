//! `allowed_outbound_hosts`, read the way Spin reads it: `scheme://host[:port]`,
//! where the scheme may be `*`, the host `*` or `*.suffix`, and the port a number,
//! a range `a..b`, or `*`. Without a port the scheme's default port applies.
//! `http://<component>.spin.internal` (or `http://*.spin.internal`) allows service
//! chaining.

/// The suffix of service-chaining hosts.
pub const CHAINING_SUFFIX: &str = ".spin.internal";

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    Exact(String),
    Suffix(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PortPattern {
    Any,
    Range(u16, u16),
}

/// One allowed-host entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    scheme: Option<String>,
    host: HostPattern,
    port: PortPattern,
}

/// The parsed list for one component.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts(Vec<AllowedHost>);

impl AllowedHost {
    /// Parses one entry.
    pub fn parse(entry: &str) -> Result<AllowedHost, String> {
        let (scheme, rest) = entry.split_once("://").ok_or_else(|| {
            format!("`{entry}`: an allowed host needs a scheme, e.g. https://{entry}")
        })?;
        let scheme = match scheme {
            "*" => None,
            s if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.') =>
            {
                Some(s.to_ascii_lowercase())
            }
            _ => return Err(format!("`{entry}`: invalid scheme `{scheme}`")),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') {
            return Err(format!("`{entry}`: an allowed host cannot have a path"));
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || rest.starts_with('[') => (h, Some(p)),
            _ => (rest, None),
        };
        let host = match host {
            "" => return Err(format!("`{entry}`: missing host")),
            "*" => HostPattern::Any,
            h if h.starts_with("*.") => HostPattern::Suffix(h[1..].to_ascii_lowercase()),
            h if h.contains('*') => {
                return Err(format!(
                    "`{entry}`: `*` may only stand for the whole host or its leftmost labels"
                ));
            }
            h => HostPattern::Exact(h.to_ascii_lowercase()),
        };
        let port = match port {
            Some("*") => PortPattern::Any,
            Some(p) if p.contains("..") => {
                let (a, b) = p.split_once("..").unwrap_or(("", ""));
                let a: u16 = a
                    .parse()
                    .map_err(|_| format!("`{entry}`: invalid port range `{p}`"))?;
                let b: u16 = b
                    .parse()
                    .map_err(|_| format!("`{entry}`: invalid port range `{p}`"))?;
                if a > b {
                    return Err(format!("`{entry}`: empty port range `{p}`"));
                }
                PortPattern::Range(a, b.saturating_sub(1).max(a))
            }
            Some(p) => {
                let n: u16 = p
                    .parse()
                    .map_err(|_| format!("`{entry}`: invalid port `{p}`"))?;
                PortPattern::Range(n, n)
            }
            None => match scheme.as_deref().and_then(default_port) {
                Some(p) => PortPattern::Range(p, p),
                _ if matches!(host, HostPattern::Suffix(ref s) if s == CHAINING_SUFFIX) => {
                    PortPattern::Any
                }
                _ => return Err(format!("`{entry}`: a port is required for this scheme")),
            },
        };
        Ok(AllowedHost { scheme, host, port })
    }

    fn allows(&self, scheme: &str, host: &str, port: u16) -> bool {
        let scheme_ok = self.scheme.as_deref().is_none_or(|s| s == scheme);
        let host_ok = match &self.host {
            HostPattern::Any => true,
            HostPattern::Exact(h) => h == host,
            HostPattern::Suffix(s) => host.ends_with(s.as_str()) && host.len() > s.len(),
        };
        let port_ok = match self.port {
            PortPattern::Any => true,
            PortPattern::Range(a, b) => (a..=b).contains(&port),
        };
        scheme_ok && host_ok && port_ok
    }
}

impl AllowedHosts {
    /// Parses a component's list (templates already expanded).
    pub fn parse(entries: &[String]) -> Result<AllowedHosts, String> {
        entries
            .iter()
            .map(|e| AllowedHost::parse(e))
            .collect::<Result<Vec<_>, _>>()
            .map(AllowedHosts)
    }

    /// Whether a request to `scheme://host:port` may go out.
    pub fn allows(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        let scheme = scheme.to_ascii_lowercase();
        let host = host.to_ascii_lowercase();
        let port = port.or_else(|| default_port(&scheme)).unwrap_or(80);
        self.0.iter().any(|a| a.allows(&scheme, &host, port))
    }

    /// Whether service chaining to `component` is allowed.
    pub fn allows_chaining_to(&self, component: &str) -> bool {
        let host = format!("{component}{CHAINING_SUFFIX}");
        self.0.iter().any(|a| {
            a.scheme.as_deref().is_none_or(|s| s == "http")
                && match &a.host {
                    HostPattern::Exact(h) => *h == host,
                    HostPattern::Suffix(s) => s == CHAINING_SUFFIX,
                    HostPattern::Any => false,
                }
        })
    }
}

/// The port a scheme means when none is written, as Spin reads them.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        "postgres" => Some(5432),
        "mysql" => Some(3306),
        "redis" => Some(6379),
        "mqtt" => Some(1883),
        _ => None,
    }
}

/// The component a service-chaining host names, if it is one.
pub fn chaining_target(host: &str) -> Option<&str> {
    host.strip_suffix(CHAINING_SUFFIX)
        .filter(|c| !c.is_empty() && !c.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(e: &[&str]) -> AllowedHosts {
        AllowedHosts::parse(&e.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn exact_default_ports_and_wildcards() {
        let h = hosts(&[
            "https://api.example.com",
            "http://127.0.0.1:9000",
            "http://*.oss.test:*",
        ]);
        assert!(h.allows("https", "api.example.com", None));
        assert!(!h.allows("http", "api.example.com", None));
        assert!(!h.allows("https", "api.example.com", Some(8443)));
        assert!(h.allows("http", "127.0.0.1", Some(9000)));
        assert!(!h.allows("http", "127.0.0.1", Some(9001)));
        assert!(h.allows("http", "bucket.oss.test", Some(1234)));
        assert!(!h.allows("http", "oss.test", Some(1234)));
    }

    #[test]
    fn any_and_ranges() {
        let h = hosts(&["*://*:*"]);
        assert!(h.allows("https", "x", Some(1)));
        let h = hosts(&["http://localhost:8000..8010"]);
        assert!(h.allows("http", "localhost", Some(8000)));
        assert!(!h.allows("http", "localhost", Some(8011)));
    }

    #[test]
    fn database_schemes_have_their_default_ports() {
        let h = hosts(&["postgres://db.example.com", "postgres://127.0.0.1:55432"]);
        assert!(h.allows("postgres", "db.example.com", None));
        assert!(h.allows("postgres", "db.example.com", Some(5432)));
        assert!(!h.allows("postgres", "db.example.com", Some(5433)));
        assert!(h.allows("postgres", "127.0.0.1", Some(55432)));
        assert!(!h.allows("postgres", "127.0.0.1", None));
        assert!(!h.allows("http", "db.example.com", None));
    }

    #[test]
    fn chaining() {
        let h = hosts(&["http://valuation.spin.internal"]);
        assert!(h.allows_chaining_to("valuation"));
        assert!(!h.allows_chaining_to("tax"));
        assert!(hosts(&["http://*.spin.internal"]).allows_chaining_to("tax"));
        assert!(!hosts(&["*://*:*"]).allows_chaining_to("tax"));
        assert_eq!(chaining_target("tax.spin.internal"), Some("tax"));
        assert_eq!(chaining_target("example.com"), None);
    }

    #[test]
    fn bad_entries() {
        assert!(AllowedHost::parse("example.com").is_err());
        assert!(AllowedHost::parse("https://example.com/path").is_err());
        assert!(AllowedHost::parse("https://ex*ample.com").is_err());
        assert!(AllowedHost::parse("*://example.com").is_err());
        assert!(AllowedHost::parse("http://x:99999").is_err());
    }
}
