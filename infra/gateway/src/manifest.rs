//! The Spin application manifest (`spin.toml`, manifest version 2): the subset of
//! Spin's schema that the gateway serves, read strictly. An unknown field, a missing
//! component source or a route that names no component stops start-up with a message
//! naming the file, the field and the problem.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A manifest that could not be used, with the file it came from.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {field}: {problem}")]
pub struct ManifestError {
    /// The manifest file.
    pub file: PathBuf,
    /// The field (a TOML path such as `component.tax.source`).
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

/// A parsed, validated `spin.toml`.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Where the manifest was read from.
    pub path: PathBuf,
    /// The directory that relative paths in the manifest are relative to.
    pub root: PathBuf,
    /// `[application]`.
    pub application: Application,
    /// `[variables]`: application variables by name.
    pub variables: BTreeMap<String, Variable>,
    /// `[[trigger.http]]` entries, in manifest order.
    pub http_triggers: Vec<HttpTrigger>,
    /// `[component.<id>]` by id.
    pub components: BTreeMap<String, Component>,
}

/// `[application]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Application name.
    pub name: String,
    /// Application version.
    #[serde(default)]
    pub version: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// `[application.trigger.http]` global settings.
    #[serde(default)]
    pub trigger: ApplicationTriggers,
    /// Tool-specific tables, ignored by Spin and by us unless they are ours.
    #[serde(default)]
    pub tool: BTreeMap<String, toml::Table>,
}

/// `[application.trigger]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationTriggers {
    /// `[application.trigger.http]`.
    #[serde(default)]
    pub http: Option<HttpGlobal>,
}

/// `[application.trigger.http]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpGlobal {
    /// The base path every route is under (default `/`).
    #[serde(default)]
    pub base: Option<String>,
}

/// An application variable.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// What the variable is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Start-up fails if no provider gives a value.
    #[serde(default)]
    pub required: bool,
    /// The default value.
    #[serde(default)]
    pub default: Option<String>,
    /// Never shown in logs or errors.
    #[serde(default)]
    pub secret: bool,
}

/// One `[[trigger.http]]` entry.
#[derive(Debug, Clone)]
pub struct HttpTrigger {
    /// Optional trigger id.
    pub id: String,
    /// The route, or `None` for a private (chaining-only) endpoint.
    pub route: Option<String>,
    /// The component that serves it.
    pub component: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttpTrigger {
    #[serde(default)]
    id: String,
    route: RawRoute,
    component: toml::Value,
    #[serde(default)]
    executor: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawRoute {
    Path(String),
    Private(PrivateRoute),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrivateRoute {
    private: bool,
}

/// `[component.<id>]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Path to the component's `.wasm`, relative to the manifest.
    pub source: String,
    /// What the component does.
    #[serde(default)]
    pub description: String,
    /// Component variables: name → template over application variables.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Environment variables handed to the component.
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    /// Hosts that outbound HTTP may reach (Spin's format; templates allowed).
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    /// Key-value store labels the component may open.
    #[serde(default)]
    pub key_value_stores: Vec<String>,
    /// SQLite database labels the component may open.
    #[serde(default)]
    pub sqlite_databases: Vec<String>,
    /// Files of the application the component may read (Spin's `files`): copied at
    /// start and mounted read-only at `/` ([`crate::component_files`]).
    #[serde(default)]
    pub files: Vec<crate::component_files::FileMount>,
    /// Patterns, relative to the manifest, of files that `files` must leave out.
    #[serde(default)]
    pub exclude_files: Vec<String>,
    /// How to build the component.
    #[serde(default)]
    pub build: Option<BuildConfig>,
    /// Tool-specific tables (`[component.<id>.tool.yingshang]` holds our schedules).
    #[serde(default)]
    pub tool: BTreeMap<String, toml::Table>,
}

/// `[component.<id>.build]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// The shell command that builds the component.
    pub command: String,
    /// Directory to run it in, relative to the manifest.
    #[serde(default)]
    pub workdir: Option<String>,
    /// Globs (relative to the workdir) whose changes make the build stale.
    #[serde(default)]
    pub watch: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    spin_manifest_version: i64,
    application: Application,
    #[serde(default)]
    variables: BTreeMap<String, Variable>,
    #[serde(default)]
    trigger: BTreeMap<String, Vec<toml::Table>>,
    #[serde(default)]
    component: BTreeMap<String, Component>,
}

impl Manifest {
    /// Reads and validates a manifest file.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|e| ManifestError {
            file: path.to_owned(),
            field: "(file)".into(),
            problem: format!("cannot read: {e}"),
        })?;
        Self::parse(path, &text)
    }

    /// Parses and validates manifest text that came from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Manifest, ManifestError> {
        let err = |field: &str, problem: String| ManifestError {
            file: path.to_owned(),
            field: field.to_owned(),
            problem,
        };
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            let field = e
                .span()
                .map(|s| locate(text, s.start))
                .unwrap_or_else(|| "(document)".into());
            err(&field, e.message().to_owned())
        })?;
        if raw.spin_manifest_version != 2 {
            return Err(err(
                "spin_manifest_version",
                format!("must be 2, found {}", raw.spin_manifest_version),
            ));
        }
        for name in raw.variables.keys() {
            if !is_snake_id(name) {
                return Err(err(
                    &format!("variables.{name}"),
                    "variable names are lower snake case (a-z, 0-9, _), starting with a letter"
                        .into(),
                ));
            }
        }
        for (name, var) in &raw.variables {
            if var.required && var.default.is_some() {
                return Err(err(
                    &format!("variables.{name}"),
                    "a required variable cannot have a default".into(),
                ));
            }
        }
        for (id, c) in &raw.component {
            if !is_kebab_id(id) {
                return Err(err(
                    &format!("component.{id}"),
                    "component ids are kebab case (a-z, 0-9, -), starting with a letter".into(),
                ));
            }
            if c.source.trim().is_empty() {
                return Err(err(&format!("component.{id}.source"), "is empty".into()));
            }
            for (name, template) in &c.variables {
                if !is_snake_id(name) {
                    return Err(err(
                        &format!("component.{id}.variables.{name}"),
                        "variable names are lower snake case".into(),
                    ));
                }
                for reference in crate::variables::template_references(template)
                    .map_err(|p| err(&format!("component.{id}.variables.{name}"), p))?
                {
                    if !raw.variables.contains_key(&reference) {
                        return Err(err(
                            &format!("component.{id}.variables.{name}"),
                            format!(
                                "refers to application variable `{reference}`, which is not declared in [variables]"
                            ),
                        ));
                    }
                }
            }
            for (i, host) in c.allowed_outbound_hosts.iter().enumerate() {
                for reference in crate::variables::template_references(host)
                    .map_err(|p| err(&format!("component.{id}.allowed_outbound_hosts[{i}]"), p))?
                {
                    if !raw.variables.contains_key(&reference) {
                        return Err(err(
                            &format!("component.{id}.allowed_outbound_hosts[{i}]"),
                            format!(
                                "refers to application variable `{reference}`, which is not declared in [variables]"
                            ),
                        ));
                    }
                }
            }
        }

        let mut http_triggers = Vec::new();
        for (kind, entries) in raw.trigger {
            if kind != "http" {
                return Err(err(
                    &format!("trigger.{kind}"),
                    "only HTTP triggers are served (schedules are HTTP routes; see [component.<id>.tool.yingshang])".into(),
                ));
            }
            for (i, table) in entries.into_iter().enumerate() {
                let field = format!("trigger.http[{i}]");
                let t: RawHttpTrigger = toml::Value::Table(table)
                    .try_into()
                    .map_err(|e: toml::de::Error| err(&field, e.message().to_owned()))?;
                if let Some(exec) = &t.executor
                    && exec.get("type").and_then(|v| v.as_str()) != Some("http")
                {
                    return Err(err(
                        &format!("{field}.executor"),
                        "only the default `http` executor is supported".into(),
                    ));
                }
                let component = match t.component {
                    toml::Value::String(s) => s,
                    _ => {
                        return Err(err(
                            &format!("{field}.component"),
                            "must name a component id; inline components are not supported".into(),
                        ));
                    }
                };
                if !raw.component.contains_key(&component) {
                    return Err(err(
                        &format!("{field}.component"),
                        format!(
                            "names component `{component}`, which has no [component.{component}] table"
                        ),
                    ));
                }
                let route = match t.route {
                    RawRoute::Path(p) => {
                        crate::routes::check_route(&p)
                            .map_err(|p| err(&format!("{field}.route"), p))?;
                        Some(p)
                    }
                    RawRoute::Private(PrivateRoute { private: true }) => None,
                    RawRoute::Private(PrivateRoute { private: false }) => {
                        return Err(err(
                            &format!("{field}.route"),
                            "must be a string pattern or `{ private = true }`".into(),
                        ));
                    }
                };
                http_triggers.push(HttpTrigger {
                    id: t.id,
                    route,
                    component,
                });
            }
        }

        let root = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(Manifest {
            path: path.to_owned(),
            root,
            application: raw.application,
            variables: raw.variables,
            http_triggers,
            components: raw.component,
        })
    }

    /// The absolute path of a component's `.wasm`.
    pub fn source_path(&self, component: &Component) -> PathBuf {
        self.root.join(&component.source)
    }

    /// Every component's source must exist (checked after builds ran).
    pub fn check_sources(&self) -> Result<(), ManifestError> {
        for (id, c) in &self.components {
            let p = self.source_path(c);
            if !p.is_file() {
                return Err(ManifestError {
                    file: self.path.clone(),
                    field: format!("component.{id}.source"),
                    problem: format!("file {} does not exist", p.display()),
                });
            }
        }
        Ok(())
    }

    /// The HTTP base path (`/` by default).
    pub fn base(&self) -> &str {
        self.application
            .trigger
            .http
            .as_ref()
            .and_then(|h| h.base.as_deref())
            .unwrap_or("/")
    }
}

/// Turns a byte offset into `line L, column C` for error messages.
fn locate(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    format!("line {line}, column {column}")
}

fn is_snake_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_kebab_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
spin_manifest_version = 2
[application]
name = "demo"
[variables]
api_key = { required = true, secret = true }
region = { default = "cn-central" }
[[trigger.http]]
route = "/hello/..."
component = "hello"
[[trigger.http]]
route = { private = true }
component = "hello"
[component.hello]
source = "hello.wasm"
variables = { key = "{{ api_key }}", where = "r-{{region}}" }
allowed_outbound_hosts = ["http://*.spin.internal"]
[component.hello.build]
command = "cargo build"
[component.hello.tool.yingshang]
schedules = []
"#;

    fn parse(text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse(Path::new("/app/spin.toml"), text)
    }

    #[test]
    fn reads_a_good_manifest() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.application.name, "demo");
        assert_eq!(m.http_triggers.len(), 2);
        assert_eq!(m.http_triggers[1].route, None);
        assert_eq!(m.root, PathBuf::from("/app"));
        assert!(m.variables["api_key"].required);
    }

    #[test]
    fn unknown_field_names_the_field_and_place() {
        let e = parse(&GOOD.replace(
            "source = \"hello.wasm\"",
            "source = \"hello.wasm\"\nsorce = 1",
        ))
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("/app/spin.toml"), "{msg}");
        assert!(msg.contains("unknown field `sorce`"), "{msg}");
        assert!(msg.contains("line"), "{msg}");
    }

    #[test]
    fn route_to_missing_component_is_refused() {
        let e = parse(&GOOD.replace("component = \"hello\"\n[[", "component = \"nope\"\n[["))
            .unwrap_err();
        assert_eq!(e.field, "trigger.http[0].component");
        assert!(e.problem.contains("`nope`"));
    }

    #[test]
    fn undeclared_variable_reference_is_refused() {
        let e = parse(&GOOD.replace("{{region}}", "{{ regoin }}")).unwrap_err();
        assert_eq!(e.field, "component.hello.variables.where");
        assert!(e.problem.contains("regoin"));
    }

    #[test]
    fn missing_source_is_refused_at_check() {
        let m = parse(GOOD).unwrap();
        let e = m.check_sources().unwrap_err();
        assert_eq!(e.field, "component.hello.source");
        assert!(e.problem.contains("does not exist"));
    }

    #[test]
    fn wrong_version_and_private_false() {
        assert_eq!(
            parse(&GOOD.replace("= 2", "= 1")).unwrap_err().field,
            "spin_manifest_version"
        );
        let e = parse(&GOOD.replace("private = true", "private = false")).unwrap_err();
        assert_eq!(e.field, "trigger.http[1].route");
    }
}
