//! PostgreSQL connections: a bounded pool per address, a guest `connection` holding one
//! pooled client for its lifetime.
//!
//! Every client and its connection task live on one small runtime of their own
//! (`zhanye-pg`), not on the serving threads: a serving thread's runtime may be busy
//! running a guest or may end (in-process uses), and a socket is tied to the runtime
//! that opened it. Serving threads only exchange messages with the clients, which
//! never blocks them.
//!
//! Each connection keeps the statements guests prepared on it ([`Session`]), so a
//! statement sent again costs one round trip (bind and execute) instead of two.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, Config, NoTls, Statement};

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
    idle: Mutex<Vec<Session>>,
    slots: Arc<Semaphore>,
}

/// The statements one connection keeps prepared. 128 holds every statement an app's
/// routes send many times over, while bounding what each server session holds.
pub const STATEMENTS_PER_CONNECTION: usize = 128;

/// One connection and the statements prepared on it, by their text, least recently
/// used first out. Dropping a [`Statement`] closes it on the server.
pub struct Session {
    pub client: Arc<Client>,
    statements: Mutex<StatementCache>,
}

#[derive(Default)]
struct StatementCache {
    by_text: HashMap<String, (Statement, u64)>,
    clock: u64,
}

impl Session {
    pub fn new(client: Client) -> Self {
        Session {
            client: Arc::new(client),
            statements: Mutex::new(StatementCache::default()),
        }
    }

    /// `text` prepared on this connection: the kept statement, or a new one kept from
    /// now on.
    pub async fn prepared(&self, text: &str) -> Result<Statement, tokio_postgres::Error> {
        {
            let mut cache = self.statements.lock().expect("pg statements");
            cache.clock += 1;
            let now = cache.clock;
            if let Some((statement, used)) = cache.by_text.get_mut(text) {
                *used = now;
                return Ok(statement.clone());
            }
        }
        let statement = self.client.prepare(text).await?;
        let evicted = {
            let mut cache = self.statements.lock().expect("pg statements");
            let mut evicted = None;
            if cache.by_text.len() >= STATEMENTS_PER_CONNECTION && !cache.by_text.contains_key(text)
            {
                let oldest = cache
                    .by_text
                    .iter()
                    .min_by_key(|(_, (_, used))| *used)
                    .map(|(k, _)| k.clone());
                evicted = oldest.and_then(|k| cache.by_text.remove(&k));
            }
            let now = cache.clock;
            cache
                .by_text
                .insert(text.to_string(), (statement.clone(), now));
            evicted
        };
        // Closing the evicted statement on the server, outside the lock.
        drop(evicted);
        Ok(statement)
    }

    /// Forgets `text`'s statement (the server no longer runs it as it was prepared).
    pub fn forget(&self, text: &str) {
        let gone = self
            .statements
            .lock()
            .expect("pg statements")
            .by_text
            .remove(text);
        drop(gone);
    }

    /// Forgets every statement: the session ran something that may change what they
    /// mean (DDL, `SET`, `DISCARD`, `DEALLOCATE`…).
    pub fn forget_all(&self) {
        let gone = std::mem::take(&mut self.statements.lock().expect("pg statements").by_text);
        drop(gone);
    }

    /// How many statements are kept.
    pub fn kept(&self) -> usize {
        self.statements.lock().expect("pg statements").by_text.len()
    }
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
                Some(s) if s.client.is_closed() => continue,
                other => break other,
            }
        };
        let session = match idle {
            Some(s) => s,
            None => {
                let pool = self.clone();
                Session::new(
                    PG.rt
                        .spawn(async move { pool.connect().await })
                        .await
                        .expect("the PostgreSQL connect task does not panic")?,
                )
            }
        };
        Ok(Pooled {
            session: Some(Arc::new(session)),
            pool: self.clone(),
            permit: Some(permit),
            in_transaction: false,
            in_block: false,
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
    session: Option<Arc<Session>>,
    pool: Arc<PgPool>,
    permit: Option<OwnedSemaphorePermit>,
    /// The guest began a transaction at some point (`BEGIN` / `START`): roll back
    /// before pooling (a no-op, with a warning, if it ended it itself).
    pub in_transaction: bool,
    /// A transaction block may be open now: begun, and not plainly ended since.
    in_block: bool,
}

/// How a guest's statement may run on its connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prepare {
    /// Through the connection's kept statements.
    Kept,
    /// Prepared afresh and closed after, as every statement once was: inside a
    /// transaction block, where a kept statement failing because the server's schema
    /// changed under it would abort the transaction, and for what changes the session.
    Fresh,
}

impl Pooled {
    /// The client, for the embedding program's own statements. They may change what
    /// the kept statements mean, so those are forgotten.
    pub fn client(&self) -> Arc<Client> {
        let session = self.session();
        session.forget_all();
        session.client.clone()
    }

    pub fn session(&self) -> Arc<Session> {
        self.session.clone().expect("a pooled client until dropped")
    }

    /// Notes what a statement may do to the session's transaction state, and says how
    /// to run it. What is neither a transaction's control nor a query or DML statement
    /// (DDL, `SET`, `DISCARD`, `DEALLOCATE`…) forgets the kept statements first.
    pub fn note(&mut self, statement: &str) -> Prepare {
        let words: Vec<String> = statement
            .trim()
            .trim_end_matches(';')
            .split_whitespace()
            .take(4)
            .map(|w| w.to_ascii_uppercase())
            .collect();
        let keyword: String = statement
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_uppercase();
        match keyword.as_str() {
            "BEGIN" | "START" => {
                self.in_transaction = true;
                self.in_block = true;
                Prepare::Kept
            }
            // Plain ends (not `… AND CHAIN`, not `ROLLBACK TO SAVEPOINT`).
            "COMMIT" | "END" | "ROLLBACK" | "ABORT" => {
                if words
                    .iter()
                    .skip(1)
                    .all(|w| w == "WORK" || w == "TRANSACTION")
                {
                    self.in_block = false;
                }
                Prepare::Kept
            }
            // No plan to go stale: kept statements serve inside a block too.
            "SAVEPOINT" | "RELEASE" => Prepare::Kept,
            "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "WITH" | "VALUES" | "TABLE" | "MERGE" => {
                if self.in_block {
                    Prepare::Fresh
                } else {
                    Prepare::Kept
                }
            }
            _ => {
                self.session().forget_all();
                Prepare::Fresh
            }
        }
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let (Some(session), Some(permit)) = (self.session.take(), self.permit.take()) else {
            return;
        };
        // A 4.2 query still running elsewhere holds the client: let it close with it.
        let Ok(session) = Arc::try_unwrap(session) else {
            return;
        };
        if Arc::strong_count(&session.client) > 1 || session.client.is_closed() {
            return;
        }
        let pool = self.pool.clone();
        if !self.in_transaction {
            pool.idle.lock().expect("pg idle").push(session);
            drop(permit);
            return;
        }
        PG.rt.spawn(async move {
            if session.client.batch_execute("ROLLBACK").await.is_ok() {
                pool.idle.lock().expect("pg idle").push(session);
            }
            drop(permit);
        });
    }
}
