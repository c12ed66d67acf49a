//! Outbound PostgreSQL: `fermyon:spin/postgres@2.0.0`, `spin:postgres@3.0.0` and
//! `spin:postgres@4.2.0` (which also serves 4.0 and 4.1 imports, as in Spin), through
//! tokio-postgres. Every host of an address is checked against the component's
//! `allowed_outbound_hosts` first, as Spin does; then a guest `connection` takes one
//! client from the address's pool ([`pool`]) and holds it until dropped, so a
//! `BEGIN … COMMIT` stays on one connection. The calls of WASI 0.2 guests are async
//! imports: waiting on the server yields the serving thread to other requests.
//!
//! Values, column types and errors are mapped as Spin maps them ([`values`]).

mod pool;
mod values;

use super::bindings::fermyon::spin::postgres as v2;
use super::bindings::fermyon::spin::rdbms_types as v2_types;
use super::bindings::spin::postgres3_0_0::postgres as v3;
use super::bindings::spin::postgres4_2_0::postgres as v4;
use super::{CapView, Caps};
use std::sync::Arc;
use tokio_postgres::types::ToSql;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

pub use pool::Pooled as PgConnection;
use pool::{Prepare, Session};

/// A client of the pool the guests of `address` use, for the embedding program's own
/// work on the same database (an app's migrations before it serves).
pub async fn tool_client(address: &str) -> anyhow::Result<PgConnection> {
    let pool = pool::pool_for(address, &[]).map_err(anyhow::Error::msg)?;
    Ok(pool.acquire().await?)
}

/// A `connection-builder` (4.1+): an address and the CA roots to trust besides the
/// webpki ones.
pub struct PgBuilder {
    address: String,
    ca_roots: Vec<String>,
}

/// Why a call failed, before it is put in a version's error variant.
enum Failure {
    Connection(String),
    BadParameter(String),
    Query(tokio_postgres::Error),
    QueryText(String),
    ValueConversion(String),
}

/// The hosts (with ports) a connection string names, in either of PostgreSQL's forms:
/// `postgres[ql]://[user[:password]@]host[:port][,host[:port]…][/db][?…]` or
/// `host=a,b port=5432 …`. A port list of one applies to every host.
fn hosts(address: &str) -> Result<Vec<(String, Option<u16>)>, String> {
    let (host_list, port_list) = if let Some(rest) = address
        .strip_prefix("postgres://")
        .or_else(|| address.strip_prefix("postgresql://"))
    {
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let mut names = Vec::new();
        let mut ports = Vec::new();
        for entry in hosts.split(',').filter(|e| !e.is_empty()) {
            let (name, port) = if let Some(v6) = entry.strip_prefix('[') {
                let (name, after) = v6
                    .split_once(']')
                    .ok_or_else(|| format!("invalid host in connection string: {entry}"))?;
                (format!("[{name}]"), after.strip_prefix(':'))
            } else {
                match entry.rsplit_once(':') {
                    Some((name, port)) => (name.to_string(), Some(port)),
                    None => (entry.to_string(), None),
                }
            };
            names.push(name);
            ports.push(port.map(str::to_string));
        }
        (names, ports)
    } else {
        let mut names = Vec::new();
        let mut ports = Vec::new();
        for pair in address.split_whitespace() {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(format!(
                    "invalid connection string: `{pair}` is not key=value"
                ));
            };
            let value = value.trim_matches('\'');
            match key {
                "host" | "hostaddr" if names.is_empty() => {
                    names = value.split(',').map(str::to_string).collect();
                }
                "port" => ports = value.split(',').map(|p| Some(p.to_string())).collect(),
                _ => {}
            }
        }
        (names, ports)
    };
    let mut out = Vec::new();
    for (i, name) in host_list.iter().enumerate() {
        let port = match port_list
            .get(i)
            .or_else(|| (port_list.len() == 1).then(|| port_list.first()).flatten())
        {
            Some(Some(p)) if !p.is_empty() => Some(
                p.parse::<u16>()
                    .map_err(|_| format!("invalid port in connection string: {p}"))?,
            ),
            _ => None,
        };
        out.push((name.clone(), port));
    }
    Ok(out)
}

impl CapView<'_> {
    /// Why a connection to `address` may not open (not permitted, a Unix socket), or
    /// `None` when every host it names is allowed.
    fn pg_refusal(&self, address: &str) -> Option<String> {
        let hosts = match hosts(address) {
            Ok(h) => h,
            Err(e) => return Some(e),
        };
        for (host, port) in &hosts {
            if host.starts_with('/') {
                return Some(format!(
                    "{host} is a Unix socket, which a WebAssembly component cannot use"
                ));
            }
            let target = super::address::Target {
                scheme: "postgres".to_string(),
                host: host.to_ascii_lowercase(),
                port: *port,
            };
            if !self.allows_target(&target) {
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                return Some(format!(
                    "address postgres://{host}{port} is not permitted by the component's \
                     allowed_outbound_hosts"
                ));
            }
        }
        None
    }
}

async fn connect(
    address: &str,
    refusal: Option<String>,
    ca_roots: &[String],
) -> Result<PgConnection, Failure> {
    if let Some(refusal) = refusal {
        return Err(Failure::Connection(refusal));
    }
    let pool = pool::pool_for(address, ca_roots).map_err(Failure::Connection)?;
    pool.acquire()
        .await
        .map_err(|e| Failure::Connection(describe(&e)))
}

/// An error with its cause: tokio-postgres alone says only "db error" or "error
/// connecting to server".
fn describe(e: &tokio_postgres::Error) -> String {
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

fn sql_params(params: Vec<v4::ParameterValue>) -> Result<Vec<values::SqlParam>, String> {
    params.into_iter().map(values::to_sql).collect()
}

fn refs(params: &[values::SqlParam]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

/// Runs a query: its columns (also when no row comes back) and rows, in 4.2 types.
/// A parameter that does not convert is `bad-parameter`, as in Spin's `query`.
async fn run_query(
    session: Arc<Session>,
    how: Prepare,
    statement: &str,
    params: Result<Vec<v4::ParameterValue>, String>,
) -> Result<(Vec<v4::Column>, Vec<v4::Row>), Failure> {
    let params =
        sql_params(params.map_err(Failure::BadParameter)?).map_err(Failure::BadParameter)?;
    let params = refs(&params);
    let client = &session.client;
    let (prepared, rows) = match how {
        Prepare::Fresh => {
            let prepared = client.prepare(statement).await.map_err(Failure::Query)?;
            let rows = client.query(&prepared, &params).await;
            (prepared, rows)
        }
        Prepare::Kept => {
            let mut prepared = kept(&session, statement, &params).await?;
            let mut rows = client.query(&prepared, &params).await;
            if rows.as_ref().is_err_and(is_stale) {
                session.forget(statement);
                prepared = kept(&session, statement, &params).await?;
                rows = client.query(&prepared, &params).await;
            }
            (prepared, rows)
        }
    };
    let rows = rows.map_err(Failure::Query)?;
    let columns = prepared
        .columns()
        .iter()
        .map(|c| v4::Column {
            name: c.name().to_string(),
            data_type: values::data_type(c.type_()),
        })
        .collect();
    let rows = rows
        .iter()
        .map(|row| (0..row.len()).map(|i| values::from_sql(row, i)).collect())
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::QueryText)?;
    Ok((columns, rows))
}

/// Runs a statement: the rows it affected. A parameter that does not convert is
/// `value-conversion-failed`, as in Spin's `execute`.
async fn run_execute(
    session: Arc<Session>,
    how: Prepare,
    statement: &str,
    params: Result<Vec<v4::ParameterValue>, String>,
) -> Result<u64, Failure> {
    let params =
        sql_params(params.map_err(Failure::ValueConversion)?).map_err(Failure::ValueConversion)?;
    let params = refs(&params);
    let client = &session.client;
    match how {
        Prepare::Fresh => client.execute(statement, &params).await,
        Prepare::Kept => {
            let prepared = kept(&session, statement, &params).await?;
            match client.execute(&prepared, &params).await {
                Err(e) if is_stale(&e) => {
                    session.forget(statement);
                    let prepared = kept(&session, statement, &params).await?;
                    client.execute(&prepared, &params).await
                }
                done => done,
            }
        }
    }
    .map_err(Failure::Query)
}

/// `statement` as the connection keeps it prepared, prepared again when the parameters
/// no longer fit the kept statement's types (a column's type changed since): a fresh
/// statement then takes them, or fails as it would have anyway.
async fn kept(
    session: &Session,
    statement: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<tokio_postgres::Statement, Failure> {
    let prepared = session.prepared(statement).await.map_err(Failure::Query)?;
    let mut scratch = bytes::BytesMut::new();
    let fits = prepared.params().len() != params.len()
        || params.iter().zip(prepared.params()).all(|(p, ty)| {
            scratch.clear();
            p.to_sql_checked(ty, &mut scratch).is_ok()
        });
    if fits {
        return Ok(prepared);
    }
    session.forget(statement);
    session.prepared(statement).await.map_err(Failure::Query)
}

/// A failure of a kept statement that a fresh one would not meet, where the server ran
/// nothing: the result's type changed under it (`cached plan must not change result
/// type`, 0A000), or the server no longer has it (26000, `DEALLOCATE`/`DISCARD`).
fn is_stale(e: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    match e.as_db_error() {
        Some(db) if *db.code() == SqlState::INVALID_SQL_STATEMENT_NAME => true,
        Some(db) if *db.code() == SqlState::FEATURE_NOT_SUPPORTED => db
            .message()
            .contains("cached plan must not change result type"),
        _ => false,
    }
}

/// The session of a guest's connection and how to run `statement` on it, noting what
/// the statement may do to its transaction state.
fn client_for(
    table: &mut wasmtime::component::ResourceTable,
    conn: &Resource<PgConnection>,
    statement: &str,
) -> wasmtime::Result<(Arc<Session>, Prepare)> {
    let c = table.get_mut(conn)?;
    let how = c.note(statement);
    Ok((c.session(), how))
}

// --- fermyon:spin/postgres@2.0.0 and spin:postgres@3.0.0 -----------------------------

/// The 2.0 and 3.0 interfaces differ only in their types; one body serves both.
macro_rules! older_version {
    ($iface:ident, $types:ident, $params:ident, $row:ident, $column:ident) => {
        impl From<Failure> for $types::Error {
            fn from(f: Failure) -> Self {
                match f {
                    Failure::Connection(s) => Self::ConnectionFailed(s),
                    Failure::BadParameter(s) => Self::BadParameter(s),
                    Failure::Query(e) => Self::QueryFailed(format!("{e:?}")),
                    Failure::QueryText(s) => Self::QueryFailed(s),
                    Failure::ValueConversion(s) => Self::ValueConversionFailed(s),
                }
            }
        }

        impl $iface::HostConnection for CapView<'_> {
            async fn open(
                &mut self,
                address: String,
            ) -> wasmtime::Result<Result<Resource<PgConnection>, $types::Error>> {
                let refusal = self.pg_refusal(&address);
                match connect(&address, refusal, &[]).await {
                    Ok(conn) => Ok(Ok(self.table.push(conn)?)),
                    Err(e) => Ok(Err(e.into())),
                }
            }

            async fn query(
                &mut self,
                self_: Resource<PgConnection>,
                statement: String,
                params: Vec<$types::ParameterValue>,
            ) -> wasmtime::Result<Result<$types::RowSet, $types::Error>> {
                let (session, how) = client_for(self.table, &self_, &statement)?;
                Ok(run_query(session, how, &statement, $params(params))
                    .await
                    .map(|(columns, rows)| $types::RowSet {
                        columns: columns.into_iter().map($column).collect(),
                        rows: rows
                            .into_iter()
                            .map(|r| r.into_iter().map($row).collect())
                            .collect(),
                    })
                    .map_err(Into::into))
            }

            async fn execute(
                &mut self,
                self_: Resource<PgConnection>,
                statement: String,
                params: Vec<$types::ParameterValue>,
            ) -> wasmtime::Result<Result<u64, $types::Error>> {
                let (session, how) = client_for(self.table, &self_, &statement)?;
                Ok(run_execute(session, how, &statement, $params(params))
                    .await
                    .map_err(Into::into))
            }

            fn drop(&mut self, rep: Resource<PgConnection>) -> wasmtime::Result<()> {
                // Dropping the host value returns the client to its pool.
                self.table.delete(rep)?;
                Ok(())
            }
        }
    };
}

fn v2_params(params: Vec<v2_types::ParameterValue>) -> Result<Vec<v4::ParameterValue>, String> {
    use v2_types::ParameterValue as P;
    use v4::ParameterValue as Q;
    params
        .into_iter()
        .map(|p| {
            Ok(match p {
                P::Boolean(v) => Q::Boolean(v),
                P::Int8(v) => Q::Int8(v),
                P::Int16(v) => Q::Int16(v),
                P::Int32(v) => Q::Int32(v),
                P::Int64(v) => Q::Int64(v),
                P::Floating32(v) => Q::Floating32(v),
                P::Floating64(v) => Q::Floating64(v),
                P::Str(v) => Q::Str(v),
                P::Binary(v) => Q::Binary(v),
                P::DbNull => Q::DbNull,
                P::Uint8(_) | P::Uint16(_) | P::Uint32(_) | P::Uint64(_) => {
                    return Err("Postgres does not support unsigned integers".to_string());
                }
            })
        })
        .collect()
}

fn v2_value(v: v4::DbValue) -> v2_types::DbValue {
    use v2_types::DbValue as D;
    use v4::DbValue as V;
    match v {
        V::Boolean(v) => D::Boolean(v),
        V::Int8(v) => D::Int8(v),
        V::Int16(v) => D::Int16(v),
        V::Int32(v) => D::Int32(v),
        V::Int64(v) => D::Int64(v),
        V::Floating32(v) => D::Floating32(v),
        V::Floating64(v) => D::Floating64(v),
        V::Str(v) => D::Str(v),
        V::Binary(v) => D::Binary(v),
        V::DbNull => D::DbNull,
        _ => D::Unsupported,
    }
}

fn v2_column(c: v4::Column) -> v2_types::Column {
    use v2_types::DbDataType as D;
    use v4::DbDataType as T;
    let data_type = match c.data_type {
        T::Boolean => D::Boolean,
        T::Int8 => D::Int8,
        T::Int16 => D::Int16,
        T::Int32 => D::Int32,
        T::Int64 => D::Int64,
        T::Floating32 => D::Floating32,
        T::Floating64 => D::Floating64,
        T::Str => D::Str,
        T::Binary => D::Binary,
        _ => D::Other,
    };
    v2_types::Column {
        name: c.name,
        data_type,
    }
}

fn v3_params(params: Vec<v3::ParameterValue>) -> Result<Vec<v4::ParameterValue>, String> {
    use v3::ParameterValue as P;
    use v4::ParameterValue as Q;
    Ok(params
        .into_iter()
        .map(|p| match p {
            P::Boolean(v) => Q::Boolean(v),
            P::Int8(v) => Q::Int8(v),
            P::Int16(v) => Q::Int16(v),
            P::Int32(v) => Q::Int32(v),
            P::Int64(v) => Q::Int64(v),
            P::Floating32(v) => Q::Floating32(v),
            P::Floating64(v) => Q::Floating64(v),
            P::Str(v) => Q::Str(v),
            P::Binary(v) => Q::Binary(v),
            P::Date(v) => Q::Date(v),
            P::Time(v) => Q::Time(v),
            P::Datetime(v) => Q::Datetime(v),
            P::Timestamp(v) => Q::Timestamp(v),
            P::DbNull => Q::DbNull,
        })
        .collect())
}

fn v3_value(v: v4::DbValue) -> v3::DbValue {
    use v3::DbValue as D;
    use v4::DbValue as V;
    match v {
        V::Boolean(v) => D::Boolean(v),
        V::Int8(v) => D::Int8(v),
        V::Int16(v) => D::Int16(v),
        V::Int32(v) => D::Int32(v),
        V::Int64(v) => D::Int64(v),
        V::Floating32(v) => D::Floating32(v),
        V::Floating64(v) => D::Floating64(v),
        V::Str(v) => D::Str(v),
        V::Binary(v) => D::Binary(v),
        V::Date(v) => D::Date(v),
        V::Time(v) => D::Time(v),
        V::Datetime(v) => D::Datetime(v),
        V::Timestamp(v) => D::Timestamp(v),
        V::DbNull => D::DbNull,
        _ => D::Unsupported,
    }
}

fn v3_column(c: v4::Column) -> v3::Column {
    use v3::DbDataType as D;
    use v4::DbDataType as T;
    let data_type = match c.data_type {
        T::Boolean => D::Boolean,
        T::Int8 => D::Int8,
        T::Int16 => D::Int16,
        T::Int32 => D::Int32,
        T::Int64 => D::Int64,
        T::Floating32 => D::Floating32,
        T::Floating64 => D::Floating64,
        T::Str => D::Str,
        T::Binary => D::Binary,
        T::Date => D::Date,
        T::Time => D::Time,
        T::Datetime => D::Datetime,
        T::Timestamp => D::Timestamp,
        _ => D::Other,
    };
    v3::Column {
        name: c.name,
        data_type,
    }
}

impl v2::Host for CapView<'_> {}
impl v2_types::Host for CapView<'_> {}
older_version!(v2, v2_types, v2_params, v2_value, v2_column);

impl v3::Host for CapView<'_> {}
older_version!(v3, v3, v3_params, v3_value, v3_column);

// --- spin:postgres@4.2.0 ----------------------------------------------------------------

impl From<Failure> for v4::Error {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Connection(s) => Self::ConnectionFailed(s),
            Failure::BadParameter(s) => Self::BadParameter(s),
            Failure::QueryText(s) => Self::QueryFailed(v4::QueryError::Text(s)),
            Failure::ValueConversion(s) => Self::ValueConversionFailed(s),
            Failure::Query(e) => {
                let as_text = format!("{e:?}");
                Self::QueryFailed(match e.as_db_error() {
                    None => v4::QueryError::Text(as_text),
                    Some(db) => v4::QueryError::DbError(v4::DbError {
                        as_text,
                        severity: db.severity().to_string(),
                        code: db.code().code().to_string(),
                        message: db.message().to_string(),
                        detail: db.detail().map(str::to_string),
                        extras: db_extras(db),
                    }),
                })
            }
        }
    }
}

/// What else the server said of an error, by field name, as Spin lists it.
fn db_extras(db: &tokio_postgres::error::DbError) -> Vec<(String, String)> {
    let fields = [
        ("column", db.column().map(str::to_string)),
        ("constraint", db.constraint().map(str::to_string)),
        ("routine", db.routine().map(str::to_string)),
        ("hint", db.hint().map(str::to_string)),
        ("table", db.table().map(str::to_string)),
        ("datatype", db.datatype().map(str::to_string)),
        ("schema", db.schema().map(str::to_string)),
        ("file", db.file().map(str::to_string)),
        ("line", db.line().map(|l| l.to_string())),
        ("where_", db.where_().map(str::to_string)),
    ];
    fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect()
}

impl v4::Host for CapView<'_> {}

impl v4::HostConnection for CapView<'_> {
    async fn open(
        &mut self,
        address: String,
    ) -> wasmtime::Result<Result<Resource<PgConnection>, v4::Error>> {
        let refusal = self.pg_refusal(&address);
        match connect(&address, refusal, &[]).await {
            Ok(conn) => Ok(Ok(self.table.push(conn)?)),
            Err(e) => Ok(Err(e.into())),
        }
    }

    async fn query(
        &mut self,
        self_: Resource<PgConnection>,
        statement: String,
        params: Vec<v4::ParameterValue>,
    ) -> wasmtime::Result<Result<v4::RowSet, v4::Error>> {
        let (session, how) = client_for(self.table, &self_, &statement)?;
        Ok(run_query(session, how, &statement, Ok(params))
            .await
            .map(|(columns, rows)| v4::RowSet { columns, rows })
            .map_err(Into::into))
    }

    async fn execute(
        &mut self,
        self_: Resource<PgConnection>,
        statement: String,
        params: Vec<v4::ParameterValue>,
    ) -> wasmtime::Result<Result<u64, v4::Error>> {
        let (session, how) = client_for(self.table, &self_, &statement)?;
        Ok(run_execute(session, how, &statement, Ok(params))
            .await
            .map_err(Into::into))
    }

    fn drop(&mut self, rep: Resource<PgConnection>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

/// The `-async` functions of WASI 0.3 guests: the same calls, with the rows handed to
/// the guest's stream once the query has run.
impl<T> v4::HostConnectionWithStore<T> for Caps {
    async fn open_async(
        accessor: &Accessor<T, Self>,
        address: String,
    ) -> wasmtime::Result<Result<Resource<PgConnection>, v4::Error>> {
        let refusal = accessor.with(|mut access| access.get().pg_refusal(&address));
        open_with(accessor, connect(&address, refusal, &[]).await)
    }

    async fn query_async(
        accessor: &Accessor<T, Self>,
        self_: Resource<PgConnection>,
        statement: String,
        params: Vec<v4::ParameterValue>,
    ) -> wasmtime::Result<
        Result<
            (
                Vec<v4::Column>,
                StreamReader<v4::Row>,
                FutureReader<Result<(), v4::Error>>,
            ),
            v4::Error,
        >,
    > {
        let (session, how) =
            accessor.with(|mut access| client_for(access.get().table, &self_, &statement))?;
        match run_query(session, how, &statement, Ok(params)).await {
            Ok((columns, rows)) => accessor.with(|mut access| {
                let rows = StreamReader::new(&mut access, rows)?;
                let done = FutureReader::new(&mut access, async {
                    wasmtime::Result::<Result<(), v4::Error>>::Ok(Ok(()))
                })?;
                Ok(Ok((columns, rows, done)))
            }),
            Err(e) => Ok(Err(e.into())),
        }
    }

    async fn execute_async(
        accessor: &Accessor<T, Self>,
        self_: Resource<PgConnection>,
        statement: String,
        params: Vec<v4::ParameterValue>,
    ) -> wasmtime::Result<Result<u64, v4::Error>> {
        let (session, how) =
            accessor.with(|mut access| client_for(access.get().table, &self_, &statement))?;
        Ok(run_execute(session, how, &statement, Ok(params))
            .await
            .map_err(Into::into))
    }
}

fn open_with<T>(
    accessor: &Accessor<T, Caps>,
    conn: Result<PgConnection, Failure>,
) -> wasmtime::Result<Result<Resource<PgConnection>, v4::Error>> {
    match conn {
        Ok(conn) => accessor.with(|mut access| Ok(Ok(access.get().table.push(conn)?))),
        Err(e) => Ok(Err(e.into())),
    }
}

impl v4::HostConnectionBuilder for CapView<'_> {
    fn new(&mut self, address: String) -> wasmtime::Result<Resource<PgBuilder>> {
        Ok(self.table.push(PgBuilder {
            address,
            ca_roots: Vec::new(),
        })?)
    }

    fn set_ca_root(
        &mut self,
        self_: Resource<PgBuilder>,
        certificate: String,
    ) -> wasmtime::Result<Result<(), v4::Error>> {
        self.table.get_mut(&self_)?.ca_roots.push(certificate);
        Ok(Ok(()))
    }

    async fn build(
        &mut self,
        self_: Resource<PgBuilder>,
    ) -> wasmtime::Result<Result<Resource<PgConnection>, v4::Error>> {
        let b = self.table.get(&self_)?;
        let (address, ca_roots) = (b.address.clone(), b.ca_roots.clone());
        let refusal = self.pg_refusal(&address);
        match connect(&address, refusal, &ca_roots).await {
            Ok(conn) => Ok(Ok(self.table.push(conn)?)),
            Err(e) => Ok(Err(e.into())),
        }
    }

    fn drop(&mut self, rep: Resource<PgBuilder>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

impl<T> v4::HostConnectionBuilderWithStore<T> for Caps {
    async fn build_async(
        accessor: &Accessor<T, Self>,
        self_: Resource<PgBuilder>,
    ) -> wasmtime::Result<Result<Resource<PgConnection>, v4::Error>> {
        let (address, ca_roots, refusal) = accessor.with(|mut access| {
            let view = access.get();
            let b = view.table.get(&self_)?;
            let (address, ca_roots) = (b.address.clone(), b.ca_roots.clone());
            let refusal = view.pg_refusal(&address);
            wasmtime::Result::<_>::Ok((address, ca_roots, refusal))
        })?;
        open_with(accessor, connect(&address, refusal, &ca_roots).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database of its own on the local server (127.0.0.1:5432, user `postgres`),
    /// dropped after.
    struct TestDb {
        name: String,
    }

    const SERVER: &str = "postgres://postgres@127.0.0.1:5432";

    async fn admin(sql: &str) {
        let (client, connection) = tokio_postgres::connect(&format!("{SERVER}/postgres"), NoTls)
            .await
            .expect("these tests need PostgreSQL at 127.0.0.1:5432 (user postgres)");
        let task = tokio::spawn(connection);
        client.batch_execute(sql).await.unwrap();
        drop(client);
        let _ = task.await;
    }

    use tokio_postgres::NoTls;

    impl TestDb {
        async fn new() -> Self {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos();
            let name = format!("zy_pgkept_{}_{nanos}", std::process::id());
            admin(&format!("CREATE DATABASE {name}")).await;
            TestDb { name }
        }

        fn url(&self) -> String {
            format!("{SERVER}/{}", self.name)
        }

        /// Runs `sql` on a session of its own (not the pool's).
        async fn other_session(&self, sql: &str) {
            let (client, connection) = tokio_postgres::connect(&self.url(), NoTls).await.unwrap();
            let task = tokio::spawn(connection);
            client.batch_execute(sql).await.unwrap();
            drop(client);
            let _ = task.await;
        }

        async fn drop_it(self) {
            admin(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await;
        }
    }

    /// One statement on `conn` as a guest's `query` runs it: the column names and
    /// types and the rows, or the failure's text.
    async fn guest_query(
        conn: &mut PgConnection,
        sql: &str,
        params: Vec<v4::ParameterValue>,
    ) -> Result<(Vec<(String, v4::DbDataType)>, Vec<v4::Row>), String> {
        let how = conn.note(sql);
        match run_query(conn.session(), how, sql, Ok(params)).await {
            Ok((columns, rows)) => Ok((
                columns.into_iter().map(|c| (c.name, c.data_type)).collect(),
                rows,
            )),
            Err(Failure::Query(e)) => Err(describe(&e)),
            Err(_) => Err("another failure".to_string()),
        }
    }

    async fn guest_execute(conn: &mut PgConnection, sql: &str) -> Result<u64, String> {
        let how = conn.note(sql);
        run_execute(conn.session(), how, sql, Ok(vec![]))
            .await
            .map_err(|e| match e {
                Failure::Query(e) => describe(&e),
                _ => "another failure".to_string(),
            })
    }

    /// Kept statements answer as freshly prepared ones after another session changes
    /// the schema under them: a `SELECT *` whose result type changed, a parameter whose
    /// column changed type, inside and outside a transaction, and after the guest's own
    /// `DEALLOCATE ALL`.
    #[test]
    fn kept_statements_follow_schema_changes() {
        use v4::DbDataType as T;
        use v4::DbValue as V;
        use v4::ParameterValue as P;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let db = TestDb::new().await;
            db.other_session("CREATE TABLE k (a int4, t text); INSERT INTO k VALUES (1, 'one')")
                .await;
            let mut conn = tool_client(&db.url()).await.unwrap();
            let all = "SELECT * FROM k";
            let by_a = "SELECT t FROM k WHERE a = $1";

            // Prepared, then kept: the same answer twice, from one statement.
            for _ in 0..2 {
                let (columns, rows) = guest_query(&mut conn, all, vec![]).await.unwrap();
                assert_eq!(
                    format!("{:?}", columns),
                    format!(
                        "{:?}",
                        [("a".to_string(), T::Int32), ("t".to_string(), T::Str)]
                    )
                );
                assert_eq!(
                    format!("{:?}", rows),
                    format!("{:?}", [vec![V::Int32(1), V::Str("one".into())]])
                );
                let (_, rows) = guest_query(&mut conn, by_a, vec![P::Int32(1)])
                    .await
                    .unwrap();
                assert_eq!(
                    format!("{:?}", rows),
                    format!("{:?}", [vec![V::Str("one".into())]])
                );
            }
            assert_eq!(format!("{:?}", conn.session().kept()), format!("{:?}", 2));

            // Another session adds a column: `SELECT *` changes its result type, which
            // the server refuses for the kept statement.
            db.other_session("ALTER TABLE k ADD COLUMN n int8 DEFAULT 7")
                .await;
            let (columns, rows) = guest_query(&mut conn, all, vec![]).await.unwrap();
            assert_eq!(format!("{:?}", columns.len()), format!("{:?}", 3));
            assert_eq!(
                format!("{:?}", columns[2]),
                format!("{:?}", ("n".to_string(), T::Int64))
            );
            assert_eq!(
                format!("{:?}", rows),
                format!(
                    "{:?}",
                    [vec![V::Int32(1), V::Str("one".into()), V::Int64(7)]]
                )
            );

            // A column changes type: the parameter a fresh statement takes (text) does
            // not fit the kept one's (int4).
            db.other_session("ALTER TABLE k ALTER COLUMN a TYPE text")
                .await;
            let (_, rows) = guest_query(&mut conn, by_a, vec![P::Str("1".into())])
                .await
                .unwrap();
            assert_eq!(
                format!("{:?}", rows),
                format!("{:?}", [vec![V::Str("one".into())]])
            );
            // …and the old parameter type now fails as it would on a fresh statement.
            assert!(
                guest_query(&mut conn, by_a, vec![P::Int32(1)])
                    .await
                    .is_err()
            );

            // Inside a transaction a kept statement whose result type changed would
            // abort it: statements there are prepared afresh.
            db.other_session("ALTER TABLE k DROP COLUMN n").await;
            guest_execute(&mut conn, "BEGIN").await.unwrap();
            let (columns, _) = guest_query(&mut conn, all, vec![]).await.unwrap();
            assert_eq!(format!("{:?}", columns.len()), format!("{:?}", 2));
            guest_execute(&mut conn, "COMMIT").await.unwrap();
            let (columns, _) = guest_query(&mut conn, all, vec![]).await.unwrap();
            assert_eq!(format!("{:?}", columns.len()), format!("{:?}", 2));

            // The guest's own DDL or DEALLOCATE forgets what the connection kept.
            guest_execute(&mut conn, "DEALLOCATE ALL").await.unwrap();
            assert_eq!(format!("{:?}", conn.session().kept()), format!("{:?}", 0));
            let (_, rows) = guest_query(&mut conn, all, vec![]).await.unwrap();
            assert_eq!(format!("{:?}", rows.len()), format!("{:?}", 1));

            drop(conn);
            db.drop_it().await;
        });
    }

    /// What a statement does to the connection's transaction state and its kept
    /// statements.
    #[test]
    fn statements_in_and_out_of_transactions() {
        use pool::Prepare::{Fresh, Kept};
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let db = TestDb::new().await;
            let mut conn = tool_client(&db.url()).await.unwrap();
            assert_eq!(conn.note("select 1"), Kept);
            assert_eq!(conn.note("BEGIN"), Kept);
            assert_eq!(conn.note("SELECT 1"), Fresh);
            assert_eq!(conn.note("SAVEPOINT a"), Kept);
            assert_eq!(conn.note("ROLLBACK TO a"), Kept);
            assert_eq!(conn.note("UPDATE x SET y = 1"), Fresh);
            assert_eq!(conn.note("COMMIT AND CHAIN"), Kept);
            assert_eq!(conn.note("SELECT 1"), Fresh);
            assert_eq!(conn.note("commit;"), Kept);
            assert_eq!(conn.note("  WITH a AS (SELECT 1) SELECT * FROM a"), Kept);
            assert_eq!(conn.note("CREATE TABLE z (i int)"), Fresh);
            assert_eq!(conn.note("SET search_path TO other"), Fresh);
            assert!(conn.in_transaction);
            drop(conn);
            db.drop_it().await;
        });
    }

    #[test]
    fn connection_string_hosts() {
        assert_eq!(
            hosts("postgres://u:p@db.example.com:5433/app?sslmode=disable").unwrap(),
            [("db.example.com".to_string(), Some(5433))]
        );
        assert_eq!(
            hosts("postgresql://a,b:6000/x").unwrap(),
            [("a".to_string(), None), ("b".to_string(), Some(6000))]
        );
        assert_eq!(
            hosts("host=a,b port=5432 user=me").unwrap(),
            [("a".to_string(), Some(5432)), ("b".to_string(), Some(5432))]
        );
        assert!(hosts("postgres://h:notaport/x").is_err());
    }
}
