//! Where the store is and how to sign for it, read from Spin variables.

use super::StorageError;

/// The endpoint variable, e.g. `http://127.0.0.1:9000` or `https://oss-cn-zhengzhou.aliyuncs.com`.
pub const VAR_ENDPOINT: &str = "object_store_endpoint";
/// The region variable (default `cn-central-1`).
pub const VAR_REGION: &str = "object_store_region";
/// The bucket variable.
pub const VAR_BUCKET: &str = "object_store_bucket";
/// The access key id variable.
pub const VAR_ACCESS_KEY_ID: &str = "object_store_access_key_id";
/// The secret access key variable (a secret).
pub const VAR_SECRET_ACCESS_KEY: &str = "object_store_secret_access_key";
/// The addressing-style variable: `"true"` for path style, `"false"` for virtual host.
pub const VAR_PATH_STYLE: &str = "object_store_path_style";
/// The region when none is configured.
pub const DEFAULT_REGION: &str = "cn-central-1";

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP (the embedded store on loopback).
    Http,
    /// HTTPS (every production store).
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// An S3 endpoint: scheme, host and optional port, no path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The scheme.
    pub scheme: Scheme,
    /// The host, lower case (an IPv6 literal keeps its brackets).
    pub host: String,
    /// The port, if not the scheme's default.
    pub port: Option<u16>,
}

impl Endpoint {
    /// Parses `scheme://host[:port][/]`.
    pub fn parse(text: &str) -> Result<Endpoint, StorageError> {
        let bad = |why| StorageError::NotConfigured {
            variable: VAR_ENDPOINT,
            why,
        };
        let (scheme, rest) = text
            .trim()
            .split_once("://")
            .ok_or(bad("needs a scheme, e.g. https://host"))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return Err(bad("the scheme must be http or https")),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#', '@']) {
            return Err(bad("must be scheme://host[:port] without path or user"));
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !p.contains(']') => {
                let port: u16 = p.parse().map_err(|_| bad("invalid port"))?;
                (h, Some(port))
            }
            _ => (rest, None),
        };
        let valid = !host.is_empty()
            && host.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':')
            });
        if !valid {
            return Err(bad("invalid host"));
        }
        let default_port = match scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        Ok(Endpoint {
            scheme,
            host: host.to_ascii_lowercase(),
            port: port.filter(|p| *p != default_port),
        })
    }

    /// Whether the host is an IP literal (virtual-host style cannot work there).
    pub fn is_ip(&self) -> bool {
        self.host.starts_with('[') || self.host.parse::<std::net::Ipv4Addr>().is_ok()
    }

    /// `host[:port]`, optionally with a leading bucket label.
    pub(crate) fn authority(&self, bucket_label: Option<&str>) -> String {
        let mut a = String::new();
        if let Some(b) = bucket_label {
            a.push_str(b);
            a.push('.');
        }
        a.push_str(&self.host);
        if let Some(p) = self.port {
            a.push_str(&format!(":{p}"));
        }
        a
    }
}

/// An access key pair. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

impl std::fmt::Debug for StoreCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .finish()
    }
}

/// Everything needed to address and sign requests to one bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreConfig {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The SigV4 region.
    pub region: String,
    /// The bucket.
    pub bucket: String,
    /// Path style (`endpoint/bucket/key`) rather than virtual host (`bucket.endpoint/key`).
    pub path_style: bool,
    /// The credentials.
    pub credentials: StoreCredentials,
}

impl StoreConfig {
    /// Reads the configuration from variables (`get` is normally
    /// `spin_sdk::variables::get`, with errors as `None`).
    pub fn from_variables(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<StoreConfig, StorageError> {
        let required = |name: &'static str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or(StorageError::NotConfigured {
                    variable: name,
                    why: "has no value",
                })
        };
        let endpoint = Endpoint::parse(&required(VAR_ENDPOINT)?)?;
        let region = get(VAR_REGION)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_REGION.to_owned());
        if !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(StorageError::NotConfigured {
                variable: VAR_REGION,
                why: "may hold only letters, digits and '-'",
            });
        }
        let bucket = required(VAR_BUCKET)?;
        if !valid_bucket(&bucket) {
            return Err(StorageError::NotConfigured {
                variable: VAR_BUCKET,
                why: "is not a valid bucket name",
            });
        }
        let path_style = match get(VAR_PATH_STYLE).as_deref().map(str::trim) {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                return Err(StorageError::NotConfigured {
                    variable: VAR_PATH_STYLE,
                    why: "must be \"true\" or \"false\"",
                });
            }
        };
        if !path_style && endpoint.is_ip() {
            return Err(StorageError::NotConfigured {
                variable: VAR_PATH_STYLE,
                why: "virtual-host style needs a DNS name; set it to \"true\" for an IP endpoint",
            });
        }
        let credentials = StoreCredentials {
            access_key_id: required(VAR_ACCESS_KEY_ID)?,
            secret_access_key: required(VAR_SECRET_ACCESS_KEY)?,
        };
        Ok(StoreConfig {
            endpoint,
            region,
            bucket,
            path_style,
            credentials,
        })
    }
}

/// S3 bucket naming: 3–63 of `a-z 0-9 . -`, letter or digit at both ends, no `..`.
fn valid_bucket(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !name.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::ApiError as _;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| m.get(k).cloned()
    }

    const BASE: [(&str, &str); 4] = [
        (VAR_ENDPOINT, "http://127.0.0.1:9000"),
        (VAR_BUCKET, "files"),
        (VAR_ACCESS_KEY_ID, "AK"),
        (VAR_SECRET_ACCESS_KEY, "SK"),
    ];

    #[test]
    fn endpoints_parse() {
        let e = Endpoint::parse("http://127.0.0.1:9000/").unwrap();
        assert_eq!(
            (e.scheme, e.host.as_str(), e.port),
            (Scheme::Http, "127.0.0.1", Some(9000))
        );
        assert!(e.is_ip());
        let e = Endpoint::parse("https://OSS-cn-zhengzhou.aliyuncs.com:443").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port),
            ("oss-cn-zhengzhou.aliyuncs.com", None)
        );
        assert_eq!(e.authority(Some("b")), "b.oss-cn-zhengzhou.aliyuncs.com");
        assert_eq!(
            Endpoint::parse("http://[::1]:9000").unwrap().port,
            Some(9000)
        );
        for bad in [
            "127.0.0.1:9000",
            "ftp://h",
            "http://h/path",
            "http://u@h",
            "http://h:x",
            "http://",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn config_from_variables() {
        let mut pairs = BASE.to_vec();
        pairs.push((VAR_PATH_STYLE, "true"));
        let c = StoreConfig::from_variables(vars(&pairs)).unwrap();
        assert_eq!(c.region, DEFAULT_REGION);
        assert!(c.path_style);
        assert!(!format!("{c:?}").contains("\"SK\""));

        // An IP endpoint needs path style.
        let e = StoreConfig::from_variables(vars(&BASE)).unwrap_err();
        assert_eq!(e.code(), "STORAGE_NOT_CONFIGURED");

        let mut pairs = BASE.to_vec();
        pairs[0] = (VAR_ENDPOINT, "https://cos.ap-guangzhou.myqcloud.com");
        pairs.push((VAR_REGION, "ap-guangzhou"));
        let c = StoreConfig::from_variables(vars(&pairs)).unwrap();
        assert!(!c.path_style);
        assert_eq!(c.region, "ap-guangzhou");

        let mut pairs = BASE[..3].to_vec();
        pairs.push((VAR_PATH_STYLE, "true"));
        let missing = StoreConfig::from_variables(vars(&pairs)).unwrap_err();
        assert!(matches!(
            missing,
            StorageError::NotConfigured {
                variable: VAR_SECRET_ACCESS_KEY,
                ..
            }
        ));
        let mut pairs = BASE.to_vec();
        pairs[1] = (VAR_BUCKET, "Bad_Bucket");
        assert!(StoreConfig::from_variables(vars(&pairs)).is_err());
        let mut pairs = BASE.to_vec();
        pairs.push((VAR_PATH_STYLE, "yes"));
        assert!(StoreConfig::from_variables(vars(&pairs)).is_err());
    }
}
