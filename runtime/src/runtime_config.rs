//! Spin's `runtime-config.toml`: where each named store lives. Without a file, the
//! `default` SQLite database and key-value store live in the state directory, under
//! the same file names Spin uses.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
pub struct RuntimeConfigFile {
    #[serde(default)]
    pub key_value_store: BTreeMap<String, StoreDecl>,
    #[serde(default)]
    pub sqlite_database: BTreeMap<String, StoreDecl>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StoreDecl {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub path: Option<String>,
    /// Backend settings (`url`, …) of store types this runtime does not offer.
    #[serde(flatten)]
    #[allow(dead_code)]
    pub rest: BTreeMap<String, toml::Value>,
}

/// Where a store's data lives.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreLocation {
    SqliteFile(PathBuf),
    InMemory,
}

#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    pub state_dir: PathBuf,
    pub key_value_stores: BTreeMap<String, StoreLocation>,
    pub sqlite_databases: BTreeMap<String, StoreLocation>,
}

pub const DEFAULT_SQLITE_FILE: &str = "sqlite_db.db";
pub const DEFAULT_KV_FILE: &str = "sqlite_key_value.db";

impl RuntimeConfig {
    pub fn load(state_dir: &Path, file: Option<&Path>) -> Result<Self> {
        let parsed: RuntimeConfigFile = match file {
            Some(f) => {
                let text = std::fs::read_to_string(f)
                    .with_context(|| format!("cannot read runtime config {}", f.display()))?;
                toml::from_str(&text)
                    .with_context(|| format!("invalid runtime config {}", f.display()))?
            }
            None => RuntimeConfigFile::default(),
        };
        // Relative paths in the file are relative to the file's own folder, as in Spin.
        let base = file
            .and_then(|f| f.parent())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| state_dir.to_path_buf());
        let mut kv = BTreeMap::new();
        kv.insert(
            "default".to_string(),
            StoreLocation::SqliteFile(state_dir.join(DEFAULT_KV_FILE)),
        );
        for (label, decl) in parsed.key_value_store {
            kv.insert(label.clone(), location(&label, &decl, &base)?);
        }
        let mut db = BTreeMap::new();
        db.insert(
            "default".to_string(),
            StoreLocation::SqliteFile(state_dir.join(DEFAULT_SQLITE_FILE)),
        );
        for (label, decl) in parsed.sqlite_database {
            db.insert(label.clone(), location(&label, &decl, &base)?);
        }
        Ok(Self {
            state_dir: state_dir.to_path_buf(),
            key_value_stores: kv,
            sqlite_databases: db,
        })
    }

    pub fn default_sqlite_path(&self) -> Option<&Path> {
        match self.sqlite_databases.get("default") {
            Some(StoreLocation::SqliteFile(p)) => Some(p),
            _ => None,
        }
    }
}

fn location(label: &str, decl: &StoreDecl, base: &Path) -> Result<StoreLocation> {
    match (decl.kind.as_str(), &decl.path) {
        ("spin" | "sqlite", Some(p)) => Ok(StoreLocation::SqliteFile(base.join(p))),
        ("spin" | "sqlite", None) => Ok(StoreLocation::InMemory),
        (other, _) => bail!(
            "store {label:?}: type {other:?} is not supported by this runtime (supported: \"spin\")"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_live_in_the_state_dir() {
        let rc = RuntimeConfig::load(Path::new("state"), None).unwrap();
        assert_eq!(
            rc.sqlite_databases["default"],
            StoreLocation::SqliteFile(PathBuf::from("state/sqlite_db.db"))
        );
        assert_eq!(
            rc.key_value_stores["default"],
            StoreLocation::SqliteFile(PathBuf::from("state/sqlite_key_value.db"))
        );
    }

    #[test]
    fn file_paths_are_relative_to_the_file() {
        let dir = std::env::temp_dir().join(format!("zhanye-rc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("rc.toml");
        std::fs::write(
            &f,
            "[sqlite_database.reports]\ntype = \"spin\"\npath = \"data/r.db\"\n[key_value_store.cache]\ntype = \"spin\"\n",
        )
        .unwrap();
        let rc = RuntimeConfig::load(Path::new("state"), Some(&f)).unwrap();
        assert_eq!(
            rc.sqlite_databases["reports"],
            StoreLocation::SqliteFile(dir.join("data/r.db"))
        );
        assert_eq!(rc.key_value_stores["cache"], StoreLocation::InMemory);
        std::fs::write(&f, "[key_value_store.x]\ntype = \"dynamo\"\n").unwrap();
        assert!(RuntimeConfig::load(Path::new("state"), Some(&f)).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
