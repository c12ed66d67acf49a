//! `spin.toml` (manifest version 2) as written by the app, parsed and checked.
//! Only the parts Spin gives meaning to are read; unknown tables are refused the way
//! Spin refuses them, so a manifest that runs here also runs under real Spin.
//! Some fields are declared only so that every manifest Spin accepts parses here.
#![allow(dead_code)]

use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub spin_manifest_version: u32,
    pub application: Application,
    #[serde(default)]
    pub variables: BTreeMap<String, VariableDecl>,
    #[serde(default)]
    pub trigger: Triggers,
    #[serde(default)]
    pub component: BTreeMap<String, ComponentDecl>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    /// Deployment environments the app targets (`spin build` checks them).
    #[serde(default)]
    pub targets: Vec<String>,
    /// Application-level trigger settings (`[application.trigger.<type>]`).
    #[serde(default)]
    pub trigger: Option<toml::Table>,
}

/// An application variable (`[variables]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableDecl {
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Triggers {
    #[serde(default)]
    pub http: Vec<HttpTriggerDecl>,
    #[serde(default)]
    pub cron: Vec<CronTriggerDecl>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HttpTriggerDecl {
    pub route: RouteDecl,
    pub component: String,
    #[serde(default)]
    pub id: Option<String>,
    /// Accepted for compatibility (`{ type = "spin" }` / `wasip3`); all components are
    /// served through `wasi:http/handler`.
    #[serde(default)]
    pub executor: Option<toml::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RouteDecl {
    Path(String),
    Private { private: bool },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CronTriggerDecl {
    pub component: String,
    pub cron_expression: String,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentDecl {
    pub source: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub files: Vec<FileMountDecl>,
    #[serde(default)]
    pub exclude_files: Vec<String>,
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    pub key_value_stores: Vec<String>,
    #[serde(default)]
    pub sqlite_databases: Vec<String>,
    #[serde(default)]
    pub ai_models: Vec<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    #[serde(default)]
    pub build: Option<BuildDecl>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FileMountDecl {
    Pattern(String),
    Mapping { source: String, destination: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildDecl {
    pub command: BuildCommand,
    #[serde(default)]
    pub workdir: Option<String>,
    #[serde(default)]
    pub watch: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum BuildCommand {
    One(String),
    Many(Vec<String>),
}

impl BuildCommand {
    pub fn commands(&self) -> Vec<&str> {
        match self {
            BuildCommand::One(c) => vec![c.as_str()],
            BuildCommand::Many(cs) => cs.iter().map(String::as_str).collect(),
        }
    }
}

/// A manifest together with the folder its relative paths start from.
#[derive(Debug)]
pub struct LoadedManifest {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl LoadedManifest {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read manifest {}", path.display()))?;
        let manifest: Manifest = toml::from_str(&text)
            .with_context(|| format!("invalid manifest {}", path.display()))?;
        ensure!(
            manifest.spin_manifest_version == 2,
            "only spin_manifest_version = 2 is supported"
        );
        let path = path
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", path.display()))?;
        let dir = path
            .parent()
            .context("manifest has no folder")?
            .to_path_buf();
        let loaded = Self {
            path,
            dir,
            manifest,
        };
        loaded.validate()?;
        Ok(loaded)
    }

    fn validate(&self) -> Result<()> {
        let m = &self.manifest;
        for name in m.variables.keys() {
            ensure!(
                is_valid_variable_name(name),
                "invalid variable name {name:?}: lower-case letters, digits and '_', starting with a letter"
            );
        }
        for (id, c) in &m.component {
            for key in c.variables.keys() {
                ensure!(
                    is_valid_variable_name(key),
                    "component {id}: invalid variable name {key:?}"
                );
            }
        }
        for t in &m.trigger.http {
            if !m.component.contains_key(&t.component) {
                bail!("HTTP trigger refers to unknown component {:?}", t.component);
            }
            if let RouteDecl::Path(route) = &t.route {
                ensure!(
                    route.starts_with('/'),
                    "route {route:?} must start with '/'"
                );
            }
        }
        for t in &m.trigger.cron {
            if !m.component.contains_key(&t.component) {
                bail!("cron trigger refers to unknown component {:?}", t.component);
            }
        }
        Ok(())
    }

    pub fn resolve(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }
}

/// Spin's rule for variable names: lower-case ASCII letters, digits and underscores,
/// starting with a letter.
pub fn is_valid_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_follow_spin_rules() {
        for ok in ["a", "admin_token", "x1_y2"] {
            assert!(is_valid_variable_name(ok), "{ok}");
        }
        for bad in ["", "A", "1a", "_a", "a-b", "aB", "a.b"] {
            assert!(!is_valid_variable_name(bad), "{bad}");
        }
    }

    #[test]
    fn parses_triggers_components_and_variables() {
        let m: Manifest = toml::from_str(
            r#"
spin_manifest_version = 2
[application]
name = "x"
[variables]
token = { required = true, secret = true }
greeting = { default = "hi" }
[[trigger.http]]
route = "/api/..."
component = "api"
[[trigger.http]]
route = { private = true }
component = "api"
[[trigger.cron]]
component = "tick"
cron_expression = "0 0 2 1 * *"
[component.api]
source = "api.wasm"
files = ["assets/*", { source = "static", destination = "/s" }]
key_value_stores = ["default"]
[component.api.variables]
t = "{{ token }}"
[component.api.build]
command = "cargo build"
workdir = ".."
[component.tick]
source = "tick.wasm"
"#,
        )
        .unwrap();
        assert_eq!(m.trigger.http.len(), 2);
        assert!(matches!(
            m.trigger.http[1].route,
            RouteDecl::Private { private: true }
        ));
        assert_eq!(m.trigger.cron[0].cron_expression, "0 0 2 1 * *");
        assert!(m.variables["token"].required);
        assert_eq!(m.component["api"].files.len(), 2);
        assert_eq!(
            m.component["api"]
                .build
                .as_ref()
                .unwrap()
                .workdir
                .as_deref(),
            Some("..")
        );
    }
}
