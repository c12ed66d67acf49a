//! `fermyon:spin/sqlite@2.0.0`, the SQLite interface of WASI 0.2 Spin apps: the same
//! databases, label rules and statement execution as `spin:sqlite@3.1.0`, through the
//! 2.0 types (identical in shape, distinct in the bindings).

use super::super::CapView;
use super::super::bindings::fermyon::spin::sqlite::{
    Error, Host, HostConnection, QueryResult, RowResult, Value,
};
use super::super::bindings::spin::sqlite::sqlite as v3;
use super::{Connection, connect, run_in_turn, turn_to_wait_for};
use wasmtime::component::Resource;

/// A 2.0 `connection`: its own resource type around the same host connection.
pub struct Spin2Connection(Connection);

fn error_from_v3(e: v3::Error) -> Error {
    match e {
        v3::Error::NoSuchDatabase => Error::NoSuchDatabase,
        v3::Error::AccessDenied => Error::AccessDenied,
        v3::Error::InvalidConnection => Error::InvalidConnection,
        v3::Error::DatabaseFull => Error::DatabaseFull,
        v3::Error::Io(m) => Error::Io(m),
    }
}

fn value_to_v3(v: Value) -> v3::Value {
    match v {
        Value::Integer(i) => v3::Value::Integer(i),
        Value::Real(f) => v3::Value::Real(f),
        Value::Text(t) => v3::Value::Text(t),
        Value::Blob(b) => v3::Value::Blob(b),
        Value::Null => v3::Value::Null,
    }
}

fn value_from_v3(v: v3::Value) -> Value {
    match v {
        v3::Value::Integer(i) => Value::Integer(i),
        v3::Value::Real(f) => Value::Real(f),
        v3::Value::Text(t) => Value::Text(t),
        v3::Value::Blob(b) => Value::Blob(b),
        v3::Value::Null => Value::Null,
    }
}

impl Host for CapView<'_> {}

impl HostConnection for CapView<'_> {
    fn open(
        &mut self,
        database: String,
    ) -> wasmtime::Result<Result<Resource<Spin2Connection>, Error>> {
        match connect(self, &database) {
            Ok(conn) => Ok(Ok(self.table.push(Spin2Connection(conn))?)),
            Err(e) => Ok(Err(error_from_v3(e))),
        }
    }

    /// Waits for a write turn asynchronously, as `spin:sqlite`'s `execute` does.
    async fn execute(
        &mut self,
        self_: Resource<Spin2Connection>,
        statement: String,
        parameters: Vec<Value>,
    ) -> wasmtime::Result<Result<QueryResult, Error>> {
        let turn = match turn_to_wait_for(&self.table.get(&self_)?.0, &statement) {
            Some(pool) => Some(pool.write_turn().await),
            None => None,
        };
        let c = self.table.get_mut(&self_)?;
        let parameters = parameters.into_iter().map(value_to_v3).collect();
        Ok(run_in_turn(&mut c.0, &statement, parameters, turn)
            .map(|(columns, rows)| QueryResult {
                columns,
                rows: rows
                    .into_iter()
                    .map(|row| RowResult {
                        values: row.values.into_iter().map(value_from_v3).collect(),
                    })
                    .collect(),
            })
            .map_err(error_from_v3))
    }

    fn drop(&mut self, rep: Resource<Spin2Connection>) -> wasmtime::Result<()> {
        // Dropping the host value returns the rusqlite connection to the pool.
        self.table.delete(rep)?;
        Ok(())
    }
}
