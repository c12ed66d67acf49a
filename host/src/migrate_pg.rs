//! The app's migrations and demo data on PostgreSQL (`database_url` set): the same
//! scripts, plan and records as on SQLite ([`crate::migrate`]), each script in one
//! transaction that first takes the app's write turn, so two processes starting at once
//! apply every script once (the second finds it recorded and moves on).

use anyhow::{Context, Result, bail};
use zhanye_migrations::postgres::{RESYNC_IDENTITIES, SETUP, WRITE_TURN, translate};
use zhanye_migrations::{Applied, Script};

use crate::migrate::Set;

/// Applies what is pending of `set`; answers the scripts applied now, as (version, name).
pub async fn apply(url: &str, set: Set) -> Result<Vec<(u32, String)>> {
    let connection = zhanye_runtime::postgres_client(url)
        .await
        .context("cannot connect to the PostgreSQL database_url")?;
    let client = connection.client();
    in_write_turn(&client, async || {
        for statement in SETUP {
            client.batch_execute(statement).await?;
        }
        for ddl in zhanye_migrations::TRACKING_DDL {
            client.batch_execute(&translate(ddl)).await?;
        }
        Ok(())
    })
    .await
    .context("preparing the database")?;

    let (scripts, select, insert, action) = set.parts();
    let applied = read_applied(&client, select).await?;
    let pending = match zhanye_migrations::pending(scripts, &applied) {
        Ok(p) => p,
        Err(e) => bail!("the database does not match this build's scripts: {e}"),
    };
    let mut done = Vec::new();
    for script in pending {
        let label = format!("{:04}_{}", script.version, script.name);
        let ran = in_write_turn(&client, async || {
            apply_one(&client, script, select, insert, action).await
        })
        .await
        .with_context(|| format!("script {label} failed and was rolled back"))?;
        if ran {
            done.push((script.version, script.name.to_string()));
        }
    }
    Ok(done)
}

/// The schema version recorded in the database (0 when none).
pub async fn schema_version(url: &str) -> Result<u32> {
    let connection = zhanye_runtime::postgres_client(url).await?;
    let applied = read_applied(
        &connection.client(),
        zhanye_migrations::SELECT_APPLIED_MIGRATIONS,
    )
    .await
    .unwrap_or_default();
    Ok(zhanye_migrations::schema_version(&applied))
}

/// Runs `work` between `BEGIN` (with the write turn) and `COMMIT`; rolls back on error.
async fn in_write_turn<T>(
    client: &tokio_postgres::Client,
    work: impl AsyncFnOnce() -> Result<T>,
) -> Result<T> {
    client.batch_execute("BEGIN").await?;
    let outcome = match client.batch_execute(WRITE_TURN).await {
        Ok(()) => work().await,
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(value) => {
            client.batch_execute("COMMIT").await?;
            Ok(value)
        }
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK").await;
            Err(e)
        }
    }
}

/// Runs one script with its tracking and audit rows; `false` when another process
/// recorded it in the meantime.
async fn apply_one(
    client: &tokio_postgres::Client,
    script: &Script,
    select: &str,
    insert: &str,
    action: &str,
) -> Result<bool> {
    if read_applied(client, select)
        .await?
        .iter()
        .any(|a| a.version == script.version)
    {
        return Ok(false);
    }
    for statement in zhanye_migrations::split_statements(script.sql_for(true)) {
        client
            .batch_execute(&translate(&statement))
            .await
            .with_context(|| format!("at: {statement}"))?;
    }
    client.batch_execute(RESYNC_IDENTITIES).await?;
    let at = zhanye_migrations::rfc3339_utc(chrono::Utc::now().timestamp());
    let label = format!("{:04}_{}", script.version, script.name);
    let checksum = script.checksum();
    client
        .execute(
            &translate(insert),
            &[&i64::from(script.version), &script.name, &checksum, &at],
        )
        .await?;
    let detail = format!(
        r#"{{"version":{},"name":"{}","checksum":"{checksum}"}}"#,
        script.version, script.name
    );
    client
        .execute(
            &translate(zhanye_migrations::INSERT_AUDIT),
            &[&at, &"zhanye-host", &action, &label, &detail],
        )
        .await?;
    Ok(true)
}

async fn read_applied(client: &tokio_postgres::Client, select: &str) -> Result<Vec<Applied>> {
    let rows = client.query(&translate(select), &[]).await?;
    rows.iter()
        .map(|row| {
            let version: i64 = row.try_get(0)?;
            Ok(Applied {
                version: u32::try_from(version)?,
                checksum: row.try_get(1)?,
            })
        })
        .collect()
}
