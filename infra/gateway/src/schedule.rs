//! Schedules. Spin has no schedule trigger for WASI 0.3 components, so a scheduled
//! job is an ordinary HTTP route that an agency's credentials may call. Schedules
//! are declared where Spin ignores them:
//!
//! ```toml
//! [[component.valuation.tool.yingshang.schedule]]
//! name = "reassess"
//! method = "POST"
//! path = "/api/valuation/reassessments/next"
//! every = "10m"
//! credential = "scheduler_api_key"   # an application variable holding the API key
//! ```
//! Locally the gateway calls them; in production the same entries become
//! Kubernetes CronJobs.

use crate::manifest::Manifest;
use serde::Deserialize;
use std::time::Duration;

/// One scheduled call.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Name, unique within the component.
    pub name: String,
    /// HTTP method (default POST).
    #[serde(default = "post")]
    pub method: String,
    /// The path to call.
    pub path: String,
    /// Interval, e.g. `30s`, `10m`, `1h`, `1d`.
    #[serde(default)]
    pub every: Option<String>,
    /// Also call once as soon as the gateway serves (e.g. loading demo data).
    #[serde(default)]
    pub on_start: bool,
    /// The application variable whose value is sent as `Authorization: Bearer`.
    #[serde(default)]
    pub credential: Option<String>,
    /// A JSON body to send (sent as `application/json`).
    #[serde(default)]
    pub body: Option<String>,
}

/// The request a schedule makes. `credential` is the API key's value.
pub fn request(
    schedule: &Schedule,
    credential: Option<&str>,
) -> anyhow::Result<http::Request<bytes::Bytes>> {
    let mut req = http::Request::builder()
        .method(schedule.method.as_str())
        .uri(schedule.path.as_str())
        .header(http::header::USER_AGENT, "yingshang-scheduler");
    if let Some(key) = credential {
        req = req.header(http::header::AUTHORIZATION, format!("Bearer {key}"));
    }
    let body = match &schedule.body {
        Some(b) => {
            req = req.header(http::header::CONTENT_TYPE, "application/json");
            bytes::Bytes::from(b.clone())
        }
        None => bytes::Bytes::new(),
    };
    Ok(req.body(body)?)
}

fn post() -> String {
    "POST".to_owned()
}

#[derive(Debug, Deserialize)]
struct ToolTable {
    #[serde(default)]
    schedule: Vec<Schedule>,
}

/// Parses `30s`, `10m`, `2h`, `1d`.
pub fn parse_every(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not an interval like 30s, 10m, 1h, 1d"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("`{s}`: unit must be s, m, h or d")),
    };
    if secs == 0 {
        return Err(format!("`{s}`: the interval must be positive"));
    }
    Ok(Duration::from_secs(secs))
}

/// Every schedule in the manifest, with its component id, checked.
pub fn schedules(manifest: &Manifest) -> anyhow::Result<Vec<(String, Schedule, Option<Duration>)>> {
    let mut out = Vec::new();
    for (id, c) in &manifest.components {
        let Some(table) = c.tool.get("yingshang") else {
            continue;
        };
        let field = format!("component.{id}.tool.yingshang");
        let t: ToolTable =
            toml::Value::Table(table.clone())
                .try_into()
                .map_err(|e: toml::de::Error| {
                    anyhow::anyhow!("{}: {field}: {}", manifest.path.display(), e.message())
                })?;
        for s in t.schedule {
            let every = s
                .every
                .as_deref()
                .map(parse_every)
                .transpose()
                .map_err(|p| {
                    anyhow::anyhow!(
                        "{}: {field}.schedule `{}`.every: {p}",
                        manifest.path.display(),
                        s.name
                    )
                })?;
            anyhow::ensure!(
                every.is_some() || s.on_start,
                "{}: {field}.schedule `{}`: needs `every` or `on_start = true`",
                manifest.path.display(),
                s.name
            );
            anyhow::ensure!(
                s.path.starts_with('/'),
                "{}: {field}.schedule `{}`.path: must start with /",
                manifest.path.display(),
                s.name
            );
            if let Some(b) = &s.body {
                serde_json::from_str::<serde_json::Value>(b).map_err(|e| {
                    anyhow::anyhow!(
                        "{}: {field}.schedule `{}`.body: not JSON: {e}",
                        manifest.path.display(),
                        s.name
                    )
                })?;
            }
            if let Some(v) = &s.credential {
                anyhow::ensure!(
                    manifest.variables.contains_key(v),
                    "{}: {field}.schedule `{}`.credential: no application variable `{v}`",
                    manifest.path.display(),
                    s.name
                );
            }
            out.push((id.clone(), s, every));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_every("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_every("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_every("1d").unwrap(), Duration::from_secs(86_400));
        assert!(parse_every("0s").is_err());
        assert!(parse_every("5y").is_err());
        assert!(parse_every("m").is_err());
    }

    #[test]
    fn reads_schedules_from_tool_table() {
        let m = Manifest::parse(
            std::path::Path::new("spin.toml"),
            r#"
spin_manifest_version = 2
[application]
name = "t"
[variables]
key = { default = "k" }
[component.c]
source = "c.wasm"
[[component.c.tool.yingshang.schedule]]
name = "sweep"
path = "/api/sweep"
every = "5m"
credential = "key"
"#,
        )
        .unwrap();
        let s = schedules(&m).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].1.method, "POST");
        assert_eq!(s[0].2, Some(Duration::from_secs(300)));
        let r = request(&s[0].1, Some("ysk_1")).unwrap();
        assert_eq!(r.method(), "POST");
        assert_eq!(r.uri(), "/api/sweep");
        assert_eq!(r.headers()["authorization"], "Bearer ysk_1");
        assert!(r.body().is_empty());
    }
}
