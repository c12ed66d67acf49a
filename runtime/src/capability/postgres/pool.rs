//! PostgreSQL connections: a bounded pool per address, a guest `connection` holding one
//! pooled client for its lifetime.
//!
//! Every client and its connection task live on one small runtime of their own
//! (`zhanye-pg`), not on the serving threads: a serving thread's runtime may be busy
//! running a guest or may end (in-process uses), and a socket is tied to the runtime
//! that opened it. Serving threads only exchange messages with the clients, which
//! never blocks them.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, Config, NoTls};

/// The most connections open at once to one address (pooled or held by guests). A
/// guest asking for one more waits for one to come back. 16 keeps a burst of requests
/// from exhausting a default server's 100 connections with room for other clients;
/// Spin allows 64 per address.
pub const CONNECTIONS_PER_ADDRESS: usize = 16;

/// A pool's key: the address and the extra CA roots its TLS connections trust.
type PoolKey = (String, Vec<String>);

struct Pg {
    rt: tokio::runtime::Runtime,
    pools: Mutex<HashMap<PoolKey, Arc<PgPool>>>,
}

static PG: LazyLock<Pg> = LazyLock::new(|| Pg {
    rt: tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("zhanye-pg")
        .enable_all()
        .build()
        .expect("cannot start the PostgreSQL client runtime"),
    pools: Mutex::new(HashMap::new()),
});

/// The connections to one address (with one set of extra CA roots).
pub struct PgPool {
    config: Config,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    idle: Mutex<Vec<Client>>,
    slots: Arc<Semaphore>,
}

/// The pool of `address`, made on first use. `ca_roots` are PEM certificates trusted
/// besides the webpki roots (4.1's `connection-builder.set-ca-root`).
pub fn pool_for(address: &str, ca_roots: &[String]) -> Result<Arc<PgPool>, String> {
    let key = (address.to_string(), ca_roots.to_vec());
    if let Some(pool) = PG.pools.lock().expect("pg pools").get(&key) {
        return Ok(pool.clone());
    }
    let config: Config = address
        .parse()
        .map_err(|e| format!("invalid connection string: {e}"))?;
    // TLS when the connection string requires it, as `sslmode=require` asks; plain
    // otherwise (`prefer`, the default, then connects without TLS).
    let tls = match config.get_ssl_mode() {
        SslMode::Disable | SslMode::Prefer => None,
        _ => Some(tls_connector(ca_roots)?),
    };
    let pool = Arc::new(PgPool {
        config,
        tls,
        idle: Mutex::new(Vec::new()),
        slots: Arc::new(Semaphore::new(CONNECTIONS_PER_ADDRESS)),
    });
    Ok(PG
        .pools
        .lock()
        .expect("pg pools")
        .entry(key)
        .or_insert(pool)
        .clone())
}

fn tls_connector(ca_roots: &[String]) -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for pem in ca_roots {
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|e| format!("invalid CA certificate: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("invalid CA certificate: {e}"))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

impl PgPool {
    /// A client of this pool: an idle one, or a new connection, once fewer than
    /// [`CONNECTIONS_PER_ADDRESS`] are out.
    pub async fn acquire(self: &Arc<Self>) -> Result<Pooled, tokio_postgres::Error> {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        let idle = loop {
            match self.idle.lock().expect("pg idle").pop() {
                Some(c) if c.is_closed() => continue,
                other => break other,
            }
        };
        let client = match idle {
            Some(c) => c,
            None => {
                let pool = self.clone();
                PG.rt
                    .spawn(async move { pool.connect().await })
                    .await
                    .expect("the PostgreSQL connect task does not panic")?
            }
        };
        Ok(Pooled {
            client: Some(Arc::new(client)),
            pool: self.clone(),
            permit: Some(permit),
            in_transaction: false,
        })
    }

    /// Runs on the `zhanye-pg` runtime, where the connection task then lives.
    async fn connect(&self) -> Result<Client, tokio_postgres::Error> {
        match &self.tls {
            None => {
                let (client, connection) = self.config.connect(NoTls).await?;
                tokio::spawn(connection);
                Ok(client)
            }
            Some(tls) => {
                let (client, connection) = self.config.connect(tls.clone()).await?;
                tokio::spawn(connection);
                Ok(client)
            }
        }
    }
}

/// One client taken from a pool, for a guest `connection`'s lifetime; back to the pool
/// on drop, after rolling back a transaction the guest left open.
pub struct Pooled {
    client: Option<Arc<Client>>,
    pool: Arc<PgPool>,
    permit: Option<OwnedSemaphorePermit>,
    /// The guest began a transaction at some point (`BEGIN` / `START`): roll back
    /// before pooling (a no-op, with a warning, if it ended it itself).
    pub in_transaction: bool,
}

impl Pooled {
    pub fn client(&self) -> Arc<Client> {
        self.client.clone().expect("a pooled client until dropped")
    }

    /// Notes what a statement may do to the session's transaction state.
    pub fn note(&mut self, statement: &str) {
        let keyword: String = statement
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_uppercase();
        if matches!(keyword.as_str(), "BEGIN" | "START") {
            self.in_transaction = true;
        }
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let (Some(client), Some(permit)) = (self.client.take(), self.permit.take()) else {
            return;
        };
        // A 4.2 query still running elsewhere holds the client: let it close with it.
        let Ok(client) = Arc::try_unwrap(client) else {
            return;
        };
        if client.is_closed() {
            return;
        }
        let pool = self.pool.clone();
        if !self.in_transaction {
            pool.idle.lock().expect("pg idle").push(client);
            drop(permit);
            return;
        }
        PG.rt.spawn(async move {
            if client.batch_execute("ROLLBACK").await.is_ok() {
                pool.idle.lock().expect("pg idle").push(client);
            }
            drop(permit);
        });
    }
}
