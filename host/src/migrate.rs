//! Applies the app's schema migrations (and, on request, its demo data) to the
//! `default` SQLite database, each script in one transaction with its tracking row.
//! The admin component does the same through `spin:sqlite` under real Spin; both
//! take the scripts and the plan from `zhanye-migrations`.

use anyhow::{Context, Result, bail};
use rusqlite::Connection;
use std::path::Path;
use zhanye_migrations::{Applied, Script};

#[derive(Debug, Clone, Copy)]
pub enum Set {
    Schema,
    Demo,
}

impl Set {
    /// The scripts, the statements reading and recording their runs, and the audit action.
    pub fn parts(self) -> (&'static [Script], &'static str, &'static str, &'static str) {
        match self {
            Set::Schema => (
                zhanye_migrations::migrations(),
                zhanye_migrations::SELECT_APPLIED_MIGRATIONS,
                zhanye_migrations::INSERT_APPLIED_MIGRATION,
                "migration.apply",
            ),
            Set::Demo => (
                zhanye_migrations::demo_scripts(),
                zhanye_migrations::SELECT_APPLIED_DEMO,
                zhanye_migrations::INSERT_APPLIED_DEMO,
                "demo.load",
            ),
        }
    }
}

/// Returns the scripts applied now, as (version, name).
pub fn apply(db_path: &Path, set: Set) -> Result<Vec<(u32, String)>> {
    if let Some(dir) = db_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut conn =
        Connection::open(db_path).with_context(|| format!("cannot open {}", db_path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    for ddl in zhanye_migrations::TRACKING_DDL {
        conn.execute_batch(ddl)?;
    }
    let (scripts, select, insert, action) = set.parts();
    let applied = read_applied(&conn, select)?;
    let pending = match zhanye_migrations::pending(scripts, &applied) {
        Ok(p) => p,
        Err(e) => bail!("the database does not match this build's scripts: {e:?}"),
    };
    let mut done = Vec::new();
    for script in pending {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for stmt in zhanye_migrations::split_statements(script.sql) {
            tx.execute_batch(&stmt).with_context(|| {
                format!(
                    "script {:04}_{} failed at: {stmt}",
                    script.version, script.name
                )
            })?;
        }
        // Recorded exactly as the admin component records it under real Spin.
        let at = zhanye_migrations::rfc3339_utc(chrono::Utc::now().timestamp());
        let label = format!("{:04}_{}", script.version, script.name);
        let checksum = script.checksum();
        tx.execute(insert, (script.version, script.name, &checksum, &at))?;
        let detail = format!(
            r#"{{"version":{},"name":"{}","checksum":"{checksum}"}}"#,
            script.version, script.name
        );
        tx.execute(
            zhanye_migrations::INSERT_AUDIT,
            (&at, "zhanye-host", action, &label, &detail),
        )?;
        tx.commit()?;
        done.push((script.version, script.name.to_string()));
    }
    Ok(done)
}

fn read_applied(conn: &Connection, select: &str) -> Result<Vec<Applied>> {
    let mut stmt = conn.prepare(select)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Applied {
                version: r.get::<_, u32>(0)?,
                checksum: r.get::<_, String>(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The schema version recorded in the database (0 when none).
pub fn schema_version(db_path: &Path) -> Result<u32> {
    let conn = Connection::open(db_path)?;
    let applied =
        read_applied(&conn, zhanye_migrations::SELECT_APPLIED_MIGRATIONS).unwrap_or_default();
    Ok(zhanye_migrations::schema_version(&applied))
}
