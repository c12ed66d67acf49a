//! Key-value stores kept in SQLite, as Spin's default store keeps them: one table of
//! (store, key) → value per store file.

use super::KvResult;
use crate::capability::pool::{SqlitePool, blocking};
use rusqlite::OptionalExtension;
use std::sync::Arc;

/// Created on every new connection to a key-value file.
pub const KV_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS spin_key_value (
    store TEXT NOT NULL,
    key   TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (store, key)
) WITHOUT ROWID;";

/// One store's rows: its label (the `store` column) in its file's pool.
#[derive(Clone)]
pub struct SqliteStore {
    label: String,
    pool: Arc<SqlitePool>,
}

impl SqliteStore {
    pub fn new(label: &str, pool: Arc<SqlitePool>) -> Self {
        Self {
            label: label.to_string(),
            pool,
        }
    }

    fn run<R>(
        &self,
        f: impl FnOnce(&rusqlite::Connection, &str) -> rusqlite::Result<R>,
    ) -> KvResult<R> {
        blocking(|| match self.pool.with(|c| f(c, &self.label)) {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        })
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: the write lock is taken before the
    /// first read, so a read-modify-write cannot interleave with another writer's, in
    /// this process or another.
    fn run_atomic<R>(
        &self,
        f: impl FnOnce(&rusqlite::Connection, &str) -> KvResult<R>,
    ) -> KvResult<R> {
        blocking(|| {
            let outcome = self.pool.with(|c| {
                c.execute_batch("BEGIN IMMEDIATE")
                    .map_err(|e| e.to_string())?;
                match f(c, &self.label) {
                    Ok(r) => c
                        .execute_batch("COMMIT")
                        .map(|()| r)
                        .map_err(|e| e.to_string()),
                    Err(e) => {
                        // The pool also rolls back on release; this keeps the error ours.
                        let _ = c.execute_batch("ROLLBACK");
                        Err(e)
                    }
                }
            });
            outcome.map_err(|e| e.to_string())?
        })
    }

    pub fn get(&self, key: &str) -> KvResult<Option<Vec<u8>>> {
        self.run(|c, store| read(c, store, key))
    }

    pub fn set(&self, key: &str, value: &[u8]) -> KvResult<()> {
        self.run(|c, store| write(c, store, key, value))
    }

    pub fn delete(&self, key: &str) -> KvResult<()> {
        self.run(|c, store| {
            c.prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")?
                .execute((store, key))
                .map(|_| ())
        })
    }

    pub fn exists(&self, key: &str) -> KvResult<bool> {
        self.run(|c, store| {
            c.prepare_cached("SELECT 1 FROM spin_key_value WHERE store = ?1 AND key = ?2")?
                .exists((store, key))
        })
    }

    pub fn keys(&self) -> KvResult<Vec<String>> {
        self.run(|c, store| {
            let mut stmt =
                c.prepare_cached("SELECT key FROM spin_key_value WHERE store = ?1 ORDER BY key")?;
            stmt.query_map([store], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
    }

    pub fn get_many(&self, keys: &[String]) -> KvResult<Vec<(String, Vec<u8>)>> {
        self.run(|c, store| {
            let mut found = Vec::with_capacity(keys.len());
            for key in keys {
                if let Some(value) = read(c, store, key)? {
                    found.push((key.clone(), value));
                }
            }
            Ok(found)
        })
    }

    pub fn set_many(&self, pairs: &[(String, Vec<u8>)]) -> KvResult<()> {
        self.run(|c, store| {
            pairs
                .iter()
                .try_for_each(|(key, value)| write(c, store, key, value))
        })
    }

    pub fn delete_many(&self, keys: &[String]) -> KvResult<()> {
        self.run(|c, store| {
            let mut stmt =
                c.prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")?;
            keys.iter()
                .try_for_each(|key| stmt.execute((store, key)).map(|_| ()))
        })
    }

    /// Counters are 8-byte little-endian integers, as Spin's SQLite store keeps them.
    pub fn increment(&self, key: &str, delta: i64) -> KvResult<i64> {
        self.run_atomic(|c, store| {
            let current = match read(c, store, key).map_err(|e| e.to_string())? {
                None => 0,
                Some(bytes) => i64::from_le_bytes(bytes.as_slice().try_into().map_err(|_| {
                    format!(
                        "the value of {key:?} is {} bytes, not an 8-byte counter",
                        bytes.len()
                    )
                })?),
            };
            let next = current
                .checked_add(delta)
                .ok_or_else(|| format!("incrementing {key:?} by {delta} overflows"))?;
            write(c, store, key, &next.to_le_bytes()).map_err(|e| e.to_string())?;
            Ok(next)
        })
    }

    pub fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: &[u8],
    ) -> KvResult<bool> {
        self.run(|c, store| {
            let changed = match expected {
                Some(old) => c
                    .prepare_cached(
                        "UPDATE spin_key_value SET value = ?4
                         WHERE store = ?1 AND key = ?2 AND value = ?3",
                    )?
                    .execute((store, key, old, value))?,
                None => c
                    .prepare_cached(
                        "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
                         ON CONFLICT (store, key) DO NOTHING",
                    )?
                    .execute((store, key, value))?,
            };
            Ok(changed == 1)
        })
    }
}

fn read(c: &rusqlite::Connection, store: &str, key: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    c.prepare_cached("SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2")?
        .query_row((store, key), |r| r.get::<_, Vec<u8>>(0))
        .optional()
}

fn write(c: &rusqlite::Connection, store: &str, key: &str, value: &[u8]) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
    )?
    .execute((store, key, value))
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime_config::StoreLocation;

    fn store(label: &str) -> SqliteStore {
        let pool = SqlitePool::new(
            &format!("kv-test-{label}"),
            &StoreLocation::InMemory,
            KV_SCHEMA,
        )
        .unwrap();
        SqliteStore::new(label, Arc::new(pool))
    }

    #[test]
    fn counters_are_little_endian_and_start_at_zero() {
        let s = store("counters");
        assert_eq!(s.increment("n", 2), Ok(2));
        assert_eq!(s.increment("n", -5), Ok(-3));
        assert_eq!(s.get("n").unwrap(), Some((-3i64).to_le_bytes().to_vec()));
        s.set("text", b"abc").unwrap();
        assert!(s.increment("text", 1).is_err());
        s.set("max", &i64::MAX.to_le_bytes()).unwrap();
        assert!(s.increment("max", 1).is_err());
        assert_eq!(s.get("max").unwrap(), Some(i64::MAX.to_le_bytes().to_vec()));
    }

    #[test]
    fn compare_and_swap_needs_the_value_seen() {
        let s = store("cas");
        assert_eq!(s.compare_and_swap("k", None, b"1"), Ok(true));
        assert_eq!(s.compare_and_swap("k", None, b"2"), Ok(false));
        assert_eq!(s.compare_and_swap("k", Some(b"0"), b"2"), Ok(false));
        assert_eq!(s.compare_and_swap("k", Some(b"1"), b"2"), Ok(true));
        assert_eq!(s.get("k").unwrap(), Some(b"2".to_vec()));
    }

    #[test]
    fn batches_skip_missing_keys() {
        let s = store("batch");
        s.set_many(&[("a".into(), b"1".to_vec()), ("b".into(), b"2".to_vec())])
            .unwrap();
        let keys = ["b".to_string(), "zz".to_string(), "a".to_string()];
        assert_eq!(
            s.get_many(&keys).unwrap(),
            [
                ("b".to_string(), b"2".to_vec()),
                ("a".to_string(), b"1".to_vec())
            ]
        );
        s.delete_many(&keys).unwrap();
        assert!(s.keys().unwrap().is_empty());
    }
}
