//! The runtime configuration file (`--runtime-config-file`), in Spin's format:
//! where each SQLite database and key-value store label lives.
//!
//! ```toml
//! [sqlite_database.reports]
//! type = "spin"
//! path = "reports.db"        # relative to this file's directory
//!
//! [key_value_store.cache]
//! type = "spin"
//! path = "cache.db"
//! ```
//! Without a file, the `default` database and store live in the state directory.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the labelled databases and stores live.
#[derive(Debug, Clone, Default)]
pub struct RuntimeConfig {
    /// SQLite database files by label.
    pub sqlite_databases: BTreeMap<String, PathBuf>,
    /// Key-value store files by label (each store is a SQLite file).
    pub key_value_stores: BTreeMap<String, PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    sqlite_database: BTreeMap<String, RawStore>,
    #[serde(default)]
    key_value_store: BTreeMap<String, RawStore>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    path: Option<PathBuf>,
}

impl RuntimeConfig {
    /// The defaults: `default` database and store in `state_dir`.
    pub fn defaults(state_dir: &Path) -> RuntimeConfig {
        RuntimeConfig {
            sqlite_databases: BTreeMap::from([(
                "default".to_owned(),
                state_dir.join("sqlite_db.db"),
            )]),
            key_value_stores: BTreeMap::from([(
                "default".to_owned(),
                state_dir.join("sqlite_key_value.db"),
            )]),
        }
    }

    /// Reads a runtime config file on top of the defaults.
    pub fn load(file: Option<&Path>, state_dir: &Path) -> anyhow::Result<RuntimeConfig> {
        let mut config = Self::defaults(state_dir);
        let Some(file) = file else {
            return Ok(config);
        };
        let text = std::fs::read_to_string(file)
            .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", file.display()))?;
        let raw: Raw = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), e.message()))?;
        let dir = file.parent().unwrap_or(Path::new("."));
        for (kind, table, target) in [
            (
                "sqlite_database",
                raw.sqlite_database,
                &mut config.sqlite_databases,
            ),
            (
                "key_value_store",
                raw.key_value_store,
                &mut config.key_value_stores,
            ),
        ] {
            for (label, store) in table {
                if store.kind != "spin" {
                    anyhow::bail!(
                        "{}: {kind}.{label}.type: `{}` is not supported by the gateway (only `spin`, a local SQLite file)",
                        file.display(),
                        store.kind
                    );
                }
                let path = store
                    .path
                    .map(|p| if p.is_relative() { dir.join(p) } else { p })
                    .unwrap_or_else(|| state_dir.join(format!("{kind}_{label}.db")));
                target.insert(label, path);
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_labels_and_refuses_other_backends() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("rc.toml");
        std::fs::write(
            &f,
            "[sqlite_database.reports]\ntype = \"spin\"\npath = \"r.db\"\n[key_value_store.cache]\ntype = \"spin\"\n",
        )
        .unwrap();
        let c = RuntimeConfig::load(Some(&f), Path::new("/state")).unwrap();
        assert_eq!(c.sqlite_databases["reports"], dir.path().join("r.db"));
        assert_eq!(
            c.sqlite_databases["default"],
            Path::new("/state/sqlite_db.db")
        );
        assert_eq!(
            c.key_value_stores["cache"],
            Path::new("/state/key_value_store_cache.db")
        );
        std::fs::write(&f, "[sqlite_database.x]\ntype = \"libsql\"\n").unwrap();
        let e = RuntimeConfig::load(Some(&f), Path::new("/s")).unwrap_err();
        assert!(e.to_string().contains("sqlite_database.x.type"), "{e}");
    }
}
