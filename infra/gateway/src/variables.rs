//! Spin variables: application variables resolved from providers, and component
//! variables that are templates over them (`"{{ api_key }}"`).
//!
//! Providers, strongest first: `--variable NAME=VALUE` on the command line, then the
//! environment (`SPIN_VARIABLE_<NAME>`), then the manifest's default. A required
//! variable that no provider gives stops start-up; a secret is never printed.

use crate::manifest::Manifest;
use std::collections::{BTreeMap, HashMap};

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Reference(String),
}

fn parse_template(template: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            parts.push(Part::Literal(rest[..start].to_owned()));
        }
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("unclosed `{{{{` in template {template:?}"))?;
        let name = after[..end].trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!("invalid variable reference `{name}` in template"));
        }
        parts.push(Part::Reference(name.to_owned()));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest.to_owned()));
    }
    Ok(parts)
}

/// The application variables a template refers to.
pub fn template_references(template: &str) -> Result<Vec<String>, String> {
    Ok(parse_template(template)?
        .into_iter()
        .filter_map(|p| match p {
            Part::Reference(r) => Some(r),
            Part::Literal(_) => None,
        })
        .collect())
}

/// Why a variable could not be read (maps onto `spin:variables/variables.error`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VariableError {
    /// The name is not a valid variable name.
    #[error("invalid variable name {0:?}")]
    InvalidName(String),
    /// The component declares no such variable, or no provider gives it a value.
    #[error("undefined variable {0:?}")]
    Undefined(String),
}

/// Application variables with their resolved values.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    values: HashMap<String, String>,
    secrets: Vec<String>,
}

impl Resolver {
    /// Resolves every application variable of `manifest` from `cli` values,
    /// `env` (a lookup, normally `std::env::var`), the manifest's defaults, and
    /// last `generated` values (secrets the gateway made for its state folder).
    /// Fails on a required variable without a value, or a `--variable` the
    /// manifest does not declare.
    pub fn resolve(
        manifest: &Manifest,
        cli: &BTreeMap<String, String>,
        env: impl Fn(&str) -> Option<String>,
        generated: &BTreeMap<String, String>,
    ) -> anyhow::Result<Resolver> {
        for name in cli.keys() {
            if !manifest.variables.contains_key(name) {
                anyhow::bail!(
                    "--variable {name}: the manifest {} declares no variable `{name}`",
                    manifest.path.display()
                );
            }
        }
        let mut values = HashMap::new();
        let mut secrets = Vec::new();
        for (name, var) in &manifest.variables {
            let value = cli
                .get(name)
                .cloned()
                .or_else(|| env(&format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())))
                .or_else(|| var.default.clone())
                .or_else(|| generated.get(name).cloned());
            match value {
                Some(v) => {
                    if var.secret && !v.is_empty() {
                        secrets.push(v.clone());
                    }
                    values.insert(name.clone(), v);
                }
                None if var.required => anyhow::bail!(
                    "{}: variables.{name}: required, but no value was given (set SPIN_VARIABLE_{} or pass --variable {name}=...)",
                    manifest.path.display(),
                    name.to_ascii_uppercase()
                ),
                None => {}
            }
        }
        Ok(Resolver { values, secrets })
    }

    /// Adds or replaces a value (used for values the gateway itself provides, such
    /// as the embedded object store's generated credentials).
    pub fn provide(&mut self, name: &str, value: String, secret: bool) {
        if secret {
            self.secrets.push(value.clone());
        }
        self.values.insert(name.to_owned(), value);
    }

    /// An application variable's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Expands a template; fails naming the first reference without a value.
    pub fn expand(&self, template: &str) -> Result<String, String> {
        let mut out = String::new();
        for part in parse_template(template)? {
            match part {
                Part::Literal(l) => out.push_str(&l),
                Part::Reference(r) => out.push_str(
                    self.values
                        .get(&r)
                        .ok_or_else(|| format!("variable `{r}` has no value"))?,
                ),
            }
        }
        Ok(out)
    }

    /// A component's variable, as `spin:variables/get` answers it.
    pub fn component_variable(
        &self,
        component_vars: &BTreeMap<String, String>,
        name: &str,
    ) -> Result<String, VariableError> {
        if name.is_empty()
            || !name.starts_with(|c: char| c.is_ascii_lowercase())
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(VariableError::InvalidName(name.to_owned()));
        }
        let template = component_vars
            .get(name)
            .ok_or_else(|| VariableError::Undefined(name.to_owned()))?;
        self.expand(template)
            .map_err(|_| VariableError::Undefined(name.to_owned()))
    }

    /// Replaces every secret value in `text` with `***`, for logs and errors.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in &self.secrets {
            out = out.replace(s.as_str(), "***");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn manifest() -> Manifest {
        Manifest::parse(
            Path::new("spin.toml"),
            r#"
spin_manifest_version = 2
[application]
name = "t"
[variables]
token = { required = true, secret = true }
region = { default = "cn" }
optional = {}
[component.c]
source = "c.wasm"
variables = { greeting = "hi {{ region }}", key = "{{token}}", opt = "{{ optional }}" }
"#,
        )
        .unwrap()
    }

    #[test]
    fn providers_in_order() {
        let m = manifest();
        let cli = BTreeMap::from([("region".to_owned(), "cli".to_owned())]);
        let r = Resolver::resolve(
            &m,
            &cli,
            |k| {
                (k == "SPIN_VARIABLE_TOKEN" || k == "SPIN_VARIABLE_REGION")
                    .then(|| "env".to_owned())
            },
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(r.get("region"), Some("cli"));
        assert_eq!(r.get("token"), Some("env"));
        let vars = &m.components["c"].variables;
        assert_eq!(r.component_variable(vars, "greeting").unwrap(), "hi cli");
        assert_eq!(r.redact("the token is env"), "the token is ***");
    }

    #[test]
    fn required_without_value_fails_naming_it() {
        let e = Resolver::resolve(&manifest(), &BTreeMap::new(), |_| None, &BTreeMap::new())
            .unwrap_err();
        assert!(e.to_string().contains("variables.token"), "{e}");
        assert!(e.to_string().contains("SPIN_VARIABLE_TOKEN"), "{e}");
    }

    #[test]
    fn component_variable_errors() {
        let m = manifest();
        let r = Resolver::resolve(&m, &BTreeMap::new(), |_| Some("x".into()), &BTreeMap::new())
            .unwrap();
        let vars = &m.components["c"].variables;
        assert_eq!(
            r.component_variable(vars, "Bad-Name"),
            Err(VariableError::InvalidName("Bad-Name".into()))
        );
        assert_eq!(
            r.component_variable(vars, "nope"),
            Err(VariableError::Undefined("nope".into()))
        );
        let r = Resolver::resolve(
            &m,
            &BTreeMap::new(),
            |k| (k == "SPIN_VARIABLE_TOKEN").then(|| "t".to_owned()),
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(
            r.component_variable(vars, "opt"),
            Err(VariableError::Undefined("opt".into()))
        );
    }

    #[test]
    fn unknown_cli_variable_is_refused() {
        let cli = BTreeMap::from([("nope".to_owned(), "1".to_owned())]);
        assert!(
            Resolver::resolve(&manifest(), &cli, |_| Some("x".into()), &BTreeMap::new()).is_err()
        );
    }

    #[test]
    fn generated_values_come_last() {
        let m = manifest();
        let generated = BTreeMap::from([
            ("token".to_owned(), "gen".to_owned()),
            ("region".to_owned(), "gen".to_owned()),
        ]);
        let r = Resolver::resolve(&m, &BTreeMap::new(), |_| None, &generated).unwrap();
        assert_eq!(r.get("token"), Some("gen"));
        assert_eq!(
            r.get("region"),
            Some("cn"),
            "a default beats a generated value"
        );
        assert_eq!(
            r.redact("gen cn"),
            "*** cn",
            "secret values are redacted, others kept"
        );
    }

    #[test]
    fn templates_parse() {
        assert_eq!(
            template_references("a{{ b }}c{{d}}").unwrap(),
            vec!["b", "d"]
        );
        assert!(template_references("{{ b").is_err());
        assert!(template_references("{{ B }}").is_err());
    }
}
