//! `spin:sqlite@3.1.0`: each `connection` resource holds one pooled rusqlite
//! connection for its lifetime, so a guest's BEGIN … COMMIT stays on one connection.
//! Queries run to completion at once and the rows are handed to the guest's stream
//! from memory: there is no per-query wait.
//!
//! The same interface serves `spin:sqlite@3.0.0` imports (wasmtime links a
//! semver-compatible newer minor version; 3.1 only adds the `-async` functions), and
//! [`spin2`] serves `fermyon:spin/sqlite@2.0.0` from the same databases.

mod spin2;

pub use spin2::Spin2Connection;

use super::bindings::spin::sqlite::sqlite::{
    Error, Host, HostConnection, HostConnectionWithStore, QueryResult, RowResult, Value,
};
use super::pool::{SqlitePool, WriteNeed, blocking, write_need};
use super::{CapView, Caps};
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// Per-app state: the SQLite databases some loaded component lists, by label, each
/// opened once where the runtime config puts it and shared by every instance.
pub type AppDatabases = BTreeMap<String, Arc<SqlitePool>>;

/// Per-component state: the labels of its `sqlite_databases` and the app's databases.
pub struct ComponentDatabases {
    pub allowed: Vec<String>,
    pub open: Arc<AppDatabases>,
}

/// The host side of a guest's `connection`.
pub struct Connection {
    pool: Arc<SqlitePool>,
    conn: Option<rusqlite::Connection>,
    /// The database's write turn, held from `BEGIN` to the end of the transaction.
    write_turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.release(conn);
        }
        // The turn ends only after `release` rolled back any open transaction.
        self.write_turn.take();
    }
}

impl Connection {
    fn conn(&self) -> Result<&rusqlite::Connection, Error> {
        self.conn.as_ref().ok_or(Error::InvalidConnection)
    }
}

/// Spin's rule: the component's own list is checked first, so an ungranted label is
/// `access-denied` even when no such database exists.
fn connect(view: &CapView<'_>, database: &str) -> Result<Connection, Error> {
    let databases = &view.caps.sqlite;
    if !databases.allowed.iter().any(|d| d == database) {
        return Err(Error::AccessDenied);
    }
    let pool = databases.open.get(database).ok_or(Error::NoSuchDatabase)?;
    let conn = blocking(|| pool.acquire()).map_err(|e| Error::Io(e.to_string()))?;
    Ok(Connection {
        pool: pool.clone(),
        conn: Some(conn),
        write_turn: None,
    })
}

fn open(
    view: &mut CapView<'_>,
    database: &str,
) -> wasmtime::Result<Result<Resource<Connection>, Error>> {
    match connect(view, database) {
        Ok(conn) => Ok(Ok(view.table.push(conn)?)),
        Err(e) => Ok(Err(e)),
    }
}

fn to_sql(v: Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        Value::Integer(i) => S::Integer(i),
        Value::Real(f) => S::Real(f),
        Value::Text(t) => S::Text(t),
        Value::Blob(b) => S::Blob(b),
        Value::Null => S::Null,
    }
}

fn from_sql(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef as S;
    match v {
        S::Integer(i) => Value::Integer(i),
        S::Real(f) => Value::Real(f),
        S::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        S::Blob(b) => Value::Blob(b.to_vec()),
        S::Null => Value::Null,
    }
}

fn map_err(e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => Error::DatabaseFull,
        _ => Error::Io(e.to_string()),
    }
}

/// Runs one statement and collects its rows.
fn run(
    conn: &rusqlite::Connection,
    statement: &str,
    parameters: Vec<Value>,
) -> Result<(Vec<String>, Vec<RowResult>), Error> {
    blocking(|| {
        let mut stmt = conn.prepare_cached(statement).map_err(map_err)?;
        let columns: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
        let width = columns.len();
        let params = rusqlite::params_from_iter(parameters.into_iter().map(to_sql));
        let mut rows = stmt.query(params).map_err(map_err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(map_err)? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(from_sql(row.get_ref(i).map_err(map_err)?));
            }
            out.push(RowResult { values });
        }
        Ok((columns, out))
    })
}

/// The database whose write turn `statement` must wait for before it runs on `c`:
/// none for reads and transaction ends, nor when the connection already holds the
/// turn or is inside a transaction that took it.
fn turn_to_wait_for(c: &Connection, statement: &str) -> Option<Arc<SqlitePool>> {
    let in_transaction = c.conn.as_ref().is_some_and(|conn| !conn.is_autocommit());
    let need = write_need(statement);
    let covered = c.write_turn.is_some() || (in_transaction && need != WriteNeed::Transaction);
    (!covered && need != WriteNeed::None).then(|| c.pool.clone())
}

/// Runs one statement on `c` with the `turn` it waited for; the connection keeps the
/// turn while a transaction stays open and gives it up once back in autocommit.
fn run_in_turn(
    c: &mut Connection,
    statement: &str,
    parameters: Vec<Value>,
    turn: Option<tokio::sync::OwnedMutexGuard<()>>,
) -> Result<(Vec<String>, Vec<RowResult>), Error> {
    let result = c.conn().and_then(|conn| run(conn, statement, parameters));
    if c.conn.as_ref().is_none_or(|conn| conn.is_autocommit()) {
        // The transaction (or the single write) is over: end the turn.
        c.write_turn = None;
    } else if turn.is_some() {
        c.write_turn = turn;
    }
    result
}

impl Host for CapView<'_> {}

impl HostConnection for CapView<'_> {
    fn open(&mut self, database: String) -> wasmtime::Result<Result<Resource<Connection>, Error>> {
        open(self, &database)
    }

    /// A WASI 0.2 guest's call. It runs on a fiber of a serving thread that other
    /// requests share, so a write waits for its turn asynchronously (as `execute-async`
    /// does) instead of in SQLite's busy wait, which would stall that thread and with
    /// it the request holding the turn.
    async fn execute(
        &mut self,
        self_: Resource<Connection>,
        statement: String,
        parameters: Vec<Value>,
    ) -> wasmtime::Result<Result<QueryResult, Error>> {
        let turn = match turn_to_wait_for(self.table.get(&self_)?, &statement) {
            Some(pool) => Some(pool.write_turn().await),
            None => None,
        };
        let c = self.table.get_mut(&self_)?;
        Ok(run_in_turn(c, &statement, parameters, turn)
            .map(|(columns, rows)| QueryResult { columns, rows }))
    }

    fn last_insert_rowid(&mut self, self_: Resource<Connection>) -> wasmtime::Result<i64> {
        let c = self.table.get(&self_)?;
        Ok(c.conn().map(|c| c.last_insert_rowid()).unwrap_or(0))
    }

    fn changes(&mut self, self_: Resource<Connection>) -> wasmtime::Result<u64> {
        let c = self.table.get(&self_)?;
        Ok(c.conn().map(|c| c.changes()).unwrap_or(0))
    }

    fn drop(&mut self, rep: Resource<Connection>) -> wasmtime::Result<()> {
        // Dropping the host value returns the rusqlite connection to the pool.
        self.table.delete(rep)?;
        Ok(())
    }
}

impl<T> HostConnectionWithStore<T> for Caps {
    async fn open_async(
        accessor: &Accessor<T, Self>,
        database: String,
    ) -> wasmtime::Result<Result<Resource<Connection>, Error>> {
        accessor.with(|mut access| open(&mut access.get(), &database))
    }

    async fn execute_async(
        accessor: &Accessor<T, Self>,
        self_: Resource<Connection>,
        statement: String,
        parameters: Vec<Value>,
    ) -> wasmtime::Result<
        Result<
            (
                Vec<String>,
                StreamReader<RowResult>,
                FutureReader<Result<(), Error>>,
            ),
            Error,
        >,
    > {
        // Take a write turn first if this statement needs one and the connection has
        // none; waiting yields to the other requests on this thread.
        let pool = accessor.with(|mut access| {
            let view = access.get();
            wasmtime::Result::<_>::Ok(turn_to_wait_for(view.table.get(&self_)?, &statement))
        })?;
        let turn = match pool {
            Some(pool) => Some(pool.write_turn().await),
            None => None,
        };
        accessor.with(|mut access| {
            let result = {
                let view = access.get();
                let c = view.table.get_mut(&self_)?;
                run_in_turn(c, &statement, parameters, turn)
            };
            match result {
                Ok((columns, rows)) => {
                    let rows = StreamReader::new(&mut access, rows)?;
                    let done = FutureReader::new(&mut access, async {
                        wasmtime::Result::<Result<(), Error>>::Ok(Ok(()))
                    })?;
                    Ok(Ok((columns, rows, done)))
                }
                Err(e) => Ok(Err(e)),
            }
        })
    }

    async fn last_insert_rowid_async(
        accessor: &Accessor<T, Self>,
        self_: Resource<Connection>,
    ) -> wasmtime::Result<i64> {
        accessor.with(|mut access| access.get().last_insert_rowid(self_))
    }

    async fn changes_async(
        accessor: &Accessor<T, Self>,
        self_: Resource<Connection>,
    ) -> wasmtime::Result<u64> {
        accessor.with(|mut access| access.get().changes(self_))
    }
}
