//! Our own application-level settings, kept where Spin ignores them:
//!
//! ```toml
//! [application.tool.yingshang]
//! migrations = "infra/migrations/sqlite"          # applied to `default` at start-up
//! postgres_migrations = "infra/migrations/postgres" # the same schema, when `database_url` is set
//! generated_secrets = ["auth_jwt_secret", "bootstrap_api_key"]
//! ```
//! On the real Spin the same migrations run with `spin up --sqlite @file` or a
//! deployment job, and the secrets come from the platform's secret store.

use crate::manifest::Manifest;
use serde::Deserialize;
use std::path::PathBuf;

/// `[application.tool.yingshang]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppTool {
    /// A folder of `.sql` files applied in file-name order to the `default` database.
    #[serde(default)]
    pub migrations: Option<String>,
    /// The same schema for PostgreSQL, applied at start-up to the server that the
    /// `database_url` variable names (and by `yingshang migrate`).
    #[serde(default)]
    pub postgres_migrations: Option<String>,
    /// Secret variables the gateway generates once per state folder when no
    /// provider gives them a value.
    #[serde(default)]
    pub generated_secrets: Vec<String>,
}

impl AppTool {
    /// Reads the table from a manifest (empty settings when absent).
    pub fn of(manifest: &Manifest) -> anyhow::Result<AppTool> {
        let Some(table) = manifest.application.tool.get("yingshang") else {
            return Ok(AppTool::default());
        };
        let tool: AppTool =
            toml::Value::Table(table.clone())
                .try_into()
                .map_err(|e: toml::de::Error| {
                    anyhow::anyhow!(
                        "{}: application.tool.yingshang: {}",
                        manifest.path.display(),
                        e.message()
                    )
                })?;
        for name in &tool.generated_secrets {
            let declared = manifest.variables.get(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: application.tool.yingshang.generated_secrets: `{name}` is not declared in [variables]",
                    manifest.path.display()
                )
            })?;
            anyhow::ensure!(
                declared.secret,
                "{}: application.tool.yingshang.generated_secrets: `{name}` must be declared with secret = true",
                manifest.path.display()
            );
        }
        Ok(tool)
    }

    /// The migrations folder, resolved against the manifest's directory.
    pub fn migrations_dir(&self, manifest: &Manifest) -> Option<PathBuf> {
        self.migrations.as_ref().map(|m| manifest.root.join(m))
    }

    /// The PostgreSQL migrations folder, resolved against the manifest's directory.
    pub fn postgres_migrations_dir(&self, manifest: &Manifest) -> Option<PathBuf> {
        self.postgres_migrations
            .as_ref()
            .map(|m| manifest.root.join(m))
    }
}
