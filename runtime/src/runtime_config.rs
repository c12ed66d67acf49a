//! Spin's `runtime-config.toml`: where each named store lives. Without a file, the
//! `default` SQLite database and key-value store live in the state directory, under
//! the same file names Spin uses. A key-value store may also live in Redis
//! (`type = "redis"`, `url = "redis://…"`), as Spin's `spin-key-value-redis` offers.

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
    /// The server of a `type = "redis"` key-value store.
    #[serde(default)]
    pub url: Option<String>,
    /// Backend settings of store types this runtime does not offer.
    #[serde(flatten)]
    #[allow(dead_code)]
    pub rest: BTreeMap<String, toml::Value>,
}

/// Where a store's data lives.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreLocation {
    SqliteFile(PathBuf),
    InMemory,
    /// A Redis database (key-value stores only), by its `redis://` URL.
    Redis(String),
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
            kv.insert(
                label.clone(),
                location(StoreKind::KeyValue, &label, &decl, &base)?,
            );
        }
        let mut db = BTreeMap::new();
        db.insert(
            "default".to_string(),
            StoreLocation::SqliteFile(state_dir.join(DEFAULT_SQLITE_FILE)),
        );
        for (label, decl) in parsed.sqlite_database {
            db.insert(
                label.clone(),
                location(StoreKind::Sqlite, &label, &decl, &base)?,
            );
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

/// The two tables of the file, which accept different store types.
#[derive(Clone, Copy)]
enum StoreKind {
    KeyValue,
    Sqlite,
}

fn location(kind: StoreKind, label: &str, decl: &StoreDecl, base: &Path) -> Result<StoreLocation> {
    let (table, supported) = match kind {
        StoreKind::KeyValue => ("key_value_store", "\"spin\", \"redis\""),
        StoreKind::Sqlite => ("sqlite_database", "\"spin\""),
    };
    match (kind, decl.kind.as_str()) {
        (_, "spin" | "sqlite") => Ok(match &decl.path {
            Some(p) => StoreLocation::SqliteFile(base.join(p)),
            None => StoreLocation::InMemory,
        }),
        (StoreKind::KeyValue, "redis") => match &decl.url {
            Some(url) => Ok(StoreLocation::Redis(url.clone())),
            None => bail!(
                "{table} {label:?}: type \"redis\" needs a `url` (e.g. url = \"redis://127.0.0.1:6379\")"
            ),
        },
        (_, other) => bail!(
            "{table} {label:?}: type {other:?} is not supported by this runtime (supported: {supported})"
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

    /// Writes `text` as a runtime config of its own and loads it.
    fn load_text(name: &str, text: &str) -> Result<RuntimeConfig> {
        let dir = std::env::temp_dir().join(format!("zhanye-rc-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("rc.toml");
        std::fs::write(&f, text).unwrap();
        let loaded = RuntimeConfig::load(Path::new("state"), Some(&f));
        std::fs::remove_dir_all(dir).unwrap();
        loaded
    }

    #[test]
    fn a_key_value_store_may_live_in_redis() {
        let rc = load_text(
            "redis",
            "[key_value_store.default]\ntype = \"redis\"\nurl = \"redis://127.0.0.1:6379/3\"\n\
             [key_value_store.cache]\ntype = \"spin\"\n",
        )
        .unwrap();
        assert_eq!(
            rc.key_value_stores["default"],
            StoreLocation::Redis("redis://127.0.0.1:6379/3".to_string())
        );
        assert_eq!(rc.key_value_stores["cache"], StoreLocation::InMemory);
        // The SQL database stays where it was.
        assert_eq!(
            rc.default_sqlite_path(),
            Some(Path::new("state/sqlite_db.db"))
        );
    }

    #[test]
    fn a_redis_store_needs_a_url_and_is_no_sql_database() {
        let missing = load_text(
            "redis-no-url",
            "[key_value_store.sessions]\ntype = \"redis\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            missing.contains("\"sessions\"") && missing.contains("url"),
            "{missing}"
        );
        let sql = load_text(
            "redis-sql",
            "[sqlite_database.reports]\ntype = \"redis\"\nurl = \"redis://127.0.0.1\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            sql.contains("\"reports\"") && sql.contains("not supported"),
            "{sql}"
        );
    }
}
