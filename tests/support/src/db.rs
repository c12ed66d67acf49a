//! The one way the suites reach the app's database directly (fixtures, clocks moved
//! into the past, counts the API does not show). Which backend it is depends on how the
//! app runs: the SQLite file the harness gave the runtime it started, or, for an app it
//! did not start, what `ZHANYE_TEST_DATABASE` names.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable naming the database of an app the harness did not start.
pub const DATABASE_ENV: &str = "ZHANYE_TEST_DATABASE";

/// Where the app's `default` database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestDb {
    /// A SQLite file (the `path` of `[sqlite_database.default]` in Spin's runtime config).
    Sqlite(PathBuf),
    /// A PostgreSQL URL. Statements are written as for SQLite and rewritten the way the
    /// app's own are ([`zhanye_migrations::postgres::translate`]).
    Postgres(String),
}

impl TestDb {
    /// Reads a location as `ZHANYE_TEST_DATABASE` gives it: a `postgres://` or
    /// `postgresql://` URL, a `sqlite://` URL, or a SQLite file path.
    pub fn parse(location: &str) -> TestDb {
        let location = location.trim();
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            return TestDb::Postgres(location.to_string());
        }
        let path = location.strip_prefix("sqlite://").unwrap_or(location);
        TestDb::Sqlite(PathBuf::from(path))
    }

    /// The database `ZHANYE_TEST_DATABASE` names, if it is set.
    pub fn from_env() -> Option<TestDb> {
        std::env::var(DATABASE_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| TestDb::parse(&v))
    }

    /// Runs one or more statements (no results).
    pub fn execute(&self, statements: &str) {
        if let TestDb::Postgres(url) = self {
            let sql = zhanye_migrations::postgres::translate(statements);
            connect(url)
                .batch_execute(&sql)
                .unwrap_or_else(|e| panic!("{sql}\nfailed on {}: {e}", self.describe()));
            return;
        }
        let db = self.sqlite();
        db.execute_batch(statements)
            .unwrap_or_else(|e| panic!("{statements}\nfailed on {}: {e}", self.describe()));
    }

    /// The first column of the first row of `query` as JSON (NULL and blobs as null).
    pub fn value(&self, query: &str) -> Value {
        if let TestDb::Postgres(url) = self {
            return postgres_value(url, query)
                .unwrap_or_else(|e| panic!("{query}\nfailed on {}: {e}", self.describe()));
        }
        let db = self.sqlite();
        db.query_row(query, [], |row| {
            Ok(match row.get_ref(0)? {
                rusqlite::types::ValueRef::Null => Value::Null,
                rusqlite::types::ValueRef::Integer(i) => json!(i),
                rusqlite::types::ValueRef::Real(f) => json!(f),
                rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                rusqlite::types::ValueRef::Blob(_) => Value::Null,
            })
        })
        .unwrap_or_else(|e| panic!("{query}\nfailed on {}: {e}", self.describe()))
    }

    /// A count (the first column of the first row, an integer).
    pub fn count(&self, query: &str) -> i64 {
        let value = self.value(query);
        value
            .as_i64()
            .unwrap_or_else(|| panic!("{query}\nanswered {value}, not an integer"))
    }

    fn describe(&self) -> String {
        match self {
            TestDb::Sqlite(path) => format!("SQLite file {}", path.display()),
            TestDb::Postgres(url) => format!("PostgreSQL database {}", redact(url)),
        }
    }

    fn sqlite(&self) -> rusqlite::Connection {
        let path = match self {
            TestDb::Sqlite(path) => path,
            TestDb::Postgres(_) => unreachable!("PostgreSQL is handled by each method"),
        };
        open_existing(path)
    }
}

fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to PostgreSQL {}: {e}", redact(url)))
}

/// The first column of the first row, valued as the app's db helper values it: whole
/// NUMERICs and booleans as integers, byte strings as null.
fn postgres_value(url: &str, query: &str) -> Result<Value, postgres::Error> {
    use postgres::SimpleQueryMessage;
    use postgres::types::Type;
    let sql = zhanye_migrations::postgres::translate(query);
    let mut client = connect(url);
    let column_type = client
        .prepare(&sql)?
        .columns()
        .first()
        .map(|c| c.type_().clone());
    let text = client
        .simple_query(&sql)?
        .into_iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(row.get(0).map(str::to_owned)),
            _ => None,
        });
    let (Some(Some(text)), Some(column_type)) = (text, column_type) else {
        return Ok(Value::Null);
    };
    let number = |t: &str| -> Value {
        if let Ok(i) = t.parse::<i64>() {
            return json!(i);
        }
        if let Some((int, fraction)) = t.split_once('.')
            && fraction.bytes().all(|b| b == b'0')
            && let Ok(i) = int.parse::<i64>()
        {
            return json!(i);
        }
        t.parse::<f64>().map_or(Value::Null, |f| json!(f))
    };
    Ok(match column_type {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::NUMERIC => number(&text),
        Type::FLOAT4 | Type::FLOAT8 => text.parse::<f64>().map_or(Value::Null, |f| json!(f)),
        Type::BOOL => json!(i64::from(text == "t")),
        Type::BYTEA => Value::Null,
        _ => json!(text),
    })
}

/// Opens the file without creating it: a wrong path would otherwise give an empty
/// database and a misleading "no such table" later.
fn open_existing(path: &Path) -> rusqlite::Connection {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let db = rusqlite::Connection::open_with_flags(path, flags).unwrap_or_else(|e| {
        panic!(
            "cannot open the app's SQLite database {} ({e}); for an app the harness did not \
             start, {DATABASE_ENV} must name the file its runtime config gives \
             [sqlite_database.default]",
            path.display()
        )
    });
    // The runtime writes to the same file at the same time.
    db.busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    db
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_choose_the_backend() {
        assert_eq!(
            TestDb::parse("/srv/zhanye/sqlite_db.db"),
            TestDb::Sqlite(PathBuf::from("/srv/zhanye/sqlite_db.db"))
        );
        assert_eq!(
            TestDb::parse("sqlite://data/app.db"),
            TestDb::Sqlite(PathBuf::from("data/app.db"))
        );
        assert_eq!(
            TestDb::parse("postgres://u:p@db/zhanye"),
            TestDb::Postgres("postgres://u:p@db/zhanye".into())
        );
        assert!(matches!(
            TestDb::parse("postgresql://db/zhanye"),
            TestDb::Postgres(_)
        ));
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("postgres://zhanye:secret@db:5432/app"),
            "postgres://zhanye:***@db:5432/app"
        );
        assert_eq!(redact("postgres://db/app"), "postgres://db/app");
    }

    #[test]
    fn a_missing_file_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent.db");
        let db = TestDb::Sqlite(path.clone());
        assert!(std::panic::catch_unwind(|| db.count("SELECT 1")).is_err());
        assert!(!path.exists());
    }

    #[test]
    fn statements_values_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        rusqlite::Connection::open(&path).unwrap();
        let db = TestDb::Sqlite(path);
        db.execute(
            "CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, '一'), (2, NULL);",
        );
        assert_eq!(db.count("SELECT COUNT(*) FROM t"), 2);
        assert_eq!(db.value("SELECT b FROM t WHERE a = 1"), json!("一"));
        assert_eq!(db.value("SELECT b FROM t WHERE a = 2"), Value::Null);
        assert_eq!(db.value("SELECT 1.5"), json!(1.5));
    }
}
