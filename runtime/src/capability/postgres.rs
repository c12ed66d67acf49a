//! Outbound PostgreSQL: `fermyon:spin/postgres@2.0.0`, `spin:postgres@3.0.0` and
//! `spin:postgres@4.2.0` (which also serves 4.0 and 4.1 imports, as in Spin). The
//! runtime has no PostgreSQL client yet, so no connection ever opens: every host of an
//! address is checked against the component's `allowed_outbound_hosts` first, as Spin
//! does, and the answer is `connection-failed` either way, saying which.

use super::bindings::fermyon::spin::postgres as v2;
use super::bindings::fermyon::spin::rdbms_types as v2_types;
use super::bindings::spin::postgres3_0_0::postgres as v3;
use super::bindings::spin::postgres4_2_0::postgres as v4;
use super::{CapView, Caps, NoConnection, no_connection};
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// A `connection-builder` (4.1+): the address it was made for, until `build` refuses it.
pub struct PgBuilder {
    address: String,
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
    /// Why a connection to `address` cannot open: not permitted, or no client.
    fn pg_refusal(&self, address: &str) -> String {
        let hosts = match hosts(address) {
            Ok(h) => h,
            Err(e) => return e,
        };
        for (host, port) in &hosts {
            if host.starts_with('/') {
                return format!(
                    "{host} is a Unix socket, which a WebAssembly component cannot use"
                );
            }
            let target = super::address::Target {
                scheme: "postgres".to_string(),
                host: host.to_ascii_lowercase(),
                port: *port,
            };
            if !self.allows_target(&target) {
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                return format!(
                    "address postgres://{host}{port} is not permitted by the component's \
                     allowed_outbound_hosts"
                );
            }
        }
        "cannot connect: this runtime has no PostgreSQL client".to_string()
    }
}

// --- fermyon:spin/postgres@2.0.0 ----------------------------------------------------

impl v2::Host for CapView<'_> {}

impl v2::HostConnection for CapView<'_> {
    fn open(
        &mut self,
        address: String,
    ) -> wasmtime::Result<Result<Resource<NoConnection>, v2_types::Error>> {
        Ok(Err(v2_types::Error::ConnectionFailed(
            self.pg_refusal(&address),
        )))
    }

    fn query(
        &mut self,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<v2_types::ParameterValue>,
    ) -> wasmtime::Result<Result<v2_types::RowSet, v2_types::Error>> {
        no_connection(self_)
    }

    fn execute(
        &mut self,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<v2_types::ParameterValue>,
    ) -> wasmtime::Result<Result<u64, v2_types::Error>> {
        no_connection(self_)
    }

    fn drop(&mut self, rep: Resource<NoConnection>) -> wasmtime::Result<()> {
        no_connection(rep)
    }
}

impl v2_types::Host for CapView<'_> {}

// --- spin:postgres@3.0.0 ----------------------------------------------------------------

impl v3::Host for CapView<'_> {}

impl v3::HostConnection for CapView<'_> {
    fn open(
        &mut self,
        address: String,
    ) -> wasmtime::Result<Result<Resource<NoConnection>, v3::Error>> {
        Ok(Err(v3::Error::ConnectionFailed(self.pg_refusal(&address))))
    }

    fn query(
        &mut self,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<v3::ParameterValue>,
    ) -> wasmtime::Result<Result<v3::RowSet, v3::Error>> {
        no_connection(self_)
    }

    fn execute(
        &mut self,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<v3::ParameterValue>,
    ) -> wasmtime::Result<Result<u64, v3::Error>> {
        no_connection(self_)
    }

    fn drop(&mut self, rep: Resource<NoConnection>) -> wasmtime::Result<()> {
        no_connection(rep)
    }
}

// --- spin:postgres@4.2.0 ----------------------------------------------------------------

impl v4::Host for CapView<'_> {}

impl v4::HostConnection for CapView<'_> {
    fn open(
        &mut self,
        address: String,
    ) -> wasmtime::Result<Result<Resource<NoConnection>, v4::Error>> {
        Ok(Err(v4::Error::ConnectionFailed(self.pg_refusal(&address))))
    }

    fn query(
        &mut self,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<v4::ParameterValue>,
    ) -> wasmtime::Result<Result<v4::RowSet, v4::Error>> {
        no_connection(self_)
    }

    fn execute(
        &mut self,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<v4::ParameterValue>,
    ) -> wasmtime::Result<Result<u64, v4::Error>> {
        no_connection(self_)
    }

    fn drop(&mut self, rep: Resource<NoConnection>) -> wasmtime::Result<()> {
        no_connection(rep)
    }
}

impl<T> v4::HostConnectionWithStore<T> for Caps {
    async fn open_async(
        accessor: &Accessor<T, Self>,
        address: String,
    ) -> wasmtime::Result<Result<Resource<NoConnection>, v4::Error>> {
        accessor.with(|mut access| {
            Ok(Err(v4::Error::ConnectionFailed(
                access.get().pg_refusal(&address),
            )))
        })
    }

    async fn query_async(
        _accessor: &Accessor<T, Self>,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<v4::ParameterValue>,
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
        no_connection(self_)
    }

    async fn execute_async(
        _accessor: &Accessor<T, Self>,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<v4::ParameterValue>,
    ) -> wasmtime::Result<Result<u64, v4::Error>> {
        no_connection(self_)
    }
}

impl v4::HostConnectionBuilder for CapView<'_> {
    fn new(&mut self, address: String) -> wasmtime::Result<Resource<PgBuilder>> {
        Ok(self.table.push(PgBuilder { address })?)
    }

    fn set_ca_root(
        &mut self,
        self_: Resource<PgBuilder>,
        _certificate: String,
    ) -> wasmtime::Result<Result<(), v4::Error>> {
        self.table.get(&self_)?;
        Ok(Ok(()))
    }

    fn build(
        &mut self,
        self_: Resource<PgBuilder>,
    ) -> wasmtime::Result<Result<Resource<NoConnection>, v4::Error>> {
        let address = self.table.get(&self_)?.address.clone();
        Ok(Err(v4::Error::ConnectionFailed(self.pg_refusal(&address))))
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
    ) -> wasmtime::Result<Result<Resource<NoConnection>, v4::Error>> {
        accessor.with(|mut access| v4::HostConnectionBuilder::build(&mut access.get(), self_))
    }
}

#[cfg(test)]
mod tests {
    use super::hosts;

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
