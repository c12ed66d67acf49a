//! `spin:sqlite@3.1.0`: each `connection` resource holds one pooled rusqlite
//! connection for its lifetime, so a guest's BEGIN … COMMIT stays on one connection.
//! Queries run to completion at once and the rows are handed to the guest's stream
//! from memory: there is no per-query wait.

use super::bindings::spin::sqlite::sqlite::{
    Error, Host, HostConnection, HostConnectionWithStore, QueryResult, RowResult, Value,
};
use super::pool::{SqlitePool, WriteNeed, blocking, write_need};
use super::{CapView, Caps};
use std::sync::Arc;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

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

fn open(
    view: &mut CapView<'_>,
    database: &str,
) -> wasmtime::Result<Result<Resource<Connection>, Error>> {
    if !view.caps.sqlite_allowed.iter().any(|d| d == database) {
        return Ok(Err(Error::AccessDenied));
    }
    let Some(pool) = view.caps.stores.sqlite.get(database) else {
        return Ok(Err(Error::NoSuchDatabase));
    };
    let conn = match blocking(|| pool.acquire()) {
        Ok(c) => c,
        Err(e) => return Ok(Err(Error::Io(e.to_string()))),
    };
    let res = view.table.push(Connection {
        pool: pool.clone(),
        conn: Some(conn),
        write_turn: None,
    })?;
    Ok(Ok(res))
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

impl Host for CapView<'_> {}

impl HostConnection for CapView<'_> {
    fn open(&mut self, database: String) -> wasmtime::Result<Result<Resource<Connection>, Error>> {
        open(self, &database)
    }

    fn execute(
        &mut self,
        self_: Resource<Connection>,
        statement: String,
        parameters: Vec<Value>,
    ) -> wasmtime::Result<Result<QueryResult, Error>> {
        let c = self.table.get(&self_)?;
        Ok(c.conn()
            .and_then(|conn| run(conn, &statement, parameters))
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
        let (pool, holds_turn, in_transaction) = accessor.with(|mut access| {
            let view = access.get();
            let c = view.table.get(&self_)?;
            let in_transaction = c.conn.as_ref().is_some_and(|conn| !conn.is_autocommit());
            wasmtime::Result::<_>::Ok((c.pool.clone(), c.write_turn.is_some(), in_transaction))
        })?;
        let need = write_need(&statement);
        let already_covered = holds_turn || (in_transaction && need != WriteNeed::Transaction);
        let mut turn = if already_covered || need == WriteNeed::None {
            None
        } else {
            Some(pool.write_turn().await)
        };
        accessor.with(|mut access| {
            let result = {
                let view = access.get();
                let c = view.table.get_mut(&self_)?;
                let result = c.conn().and_then(|conn| run(conn, &statement, parameters));
                let autocommit = c.conn.as_ref().is_none_or(|conn| conn.is_autocommit());
                if autocommit {
                    // The transaction (or the single write) is over: end the turn.
                    c.write_turn = None;
                    turn = None;
                } else if let Some(turn) = turn.take() {
                    c.write_turn = Some(turn);
                }
                result
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
