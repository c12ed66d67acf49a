//! The operator API, so an installation on real Spin needs no tool but HTTP:
//!
//! | route | what |
//! |---|---|
//! | `POST /api/admin/migrate` | applies pending schema migrations → `{"applied":[{version,name}],"schema_version":N}` |
//! | `POST /api/admin/demo` | applies pending demo data scripts → `{"applied":[{version,name}]}` |
//! | `GET /api/admin/migrations` | what is applied and what is pending, for both |
//!
//! Every route needs `Authorization: Bearer <admin_token>` (the Spin variable
//! `admin_token`, compared in constant time): missing or wrong is 401 `unauthorized`;
//! while the variable is empty the whole API is off and answers 403 `forbidden`.
//!
//! Scripts come from `zhanye-migrations`, the crate the host applies them with, so both
//! record identically: each script runs statement by statement through `spin:sqlite`, in
//! one transaction with its tracking row (`schema_migrations` / `demo_loads`) and its
//! `audit_log` row (actor `admin-api`). A script that fails is rolled back whole and
//! reported; the scripts before it stay applied. Demo scripts need every migration
//! applied first; a demo script is recorded like a migration, so loading is idempotent.

use serde::Serialize;
use zhanye_migrations::{
    Applied, INSERT_APPLIED_DEMO, INSERT_APPLIED_MIGRATION, PlanError, SELECT_APPLIED_DEMO,
    SELECT_APPLIED_MIGRATIONS, Script, TRACKING_DDL, pending, split_statements,
};
use zhanye_platform::Request;
use zhanye_platform::auth::{bearer_token, constant_time_eq};
use zhanye_platform::respond::route_path;
use zhanye_platform::time::now_rfc3339;
use zhanye_platform::{ApiError, ApiResult, Db, Dialect, Localized, Reply, json, params};

/// The actor of every audit row this component writes.
const ACTOR: &str = "admin-api";

zhanye_platform::http_component!(admin);

async fn admin(request: Request) -> ApiResult<Reply> {
    authorize(request.headers()).await?;
    let method = request.method();
    match route_path(&request) {
        "/api/admin/migrate" if method == http::Method::POST => migrate().await,
        "/api/admin/demo" if method == http::Method::POST => load_demo().await,
        "/api/admin/migrations" if method == http::Method::GET => list().await,
        "/api/admin/migrate" | "/api/admin/demo" => Err(ApiError::method_not_allowed("POST")),
        "/api/admin/migrations" => Err(ApiError::method_not_allowed("GET")),
        _ => Err(ApiError::not_found()),
    }
}

/// 403 while `admin_token` is empty, 401 unless the bearer token equals it.
async fn authorize(headers: &http::HeaderMap) -> Result<(), ApiError> {
    let expected = match zhanye_platform::spin::optional_variable("admin_token").await {
        Ok(token) => token.unwrap_or_default(),
        Err(error) => {
            eprintln!("zhanye admin: {error}");
            String::new()
        }
    };
    if expected.trim().is_empty() {
        return Err(ApiError::forbidden().with_detail(Localized::new(
            "管理接口未启用：未配置 admin_token 变量。",
            "The admin API is disabled: the admin_token variable is not set.",
        )));
    }
    match bearer_token(headers) {
        Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(()),
        _ => Err(ApiError::unauthorized()),
    }
}

/// One of the two script sets and where its runs are recorded.
struct Track {
    scripts: &'static [Script],
    table: &'static str,
    select_applied: &'static str,
    select_checksum: &'static str,
    list_applied: &'static str,
    insert_applied: &'static str,
    audit_action: &'static str,
}

impl Track {
    fn migrations() -> Track {
        Track {
            scripts: zhanye_migrations::migrations(),
            table: "schema_migrations",
            select_applied: SELECT_APPLIED_MIGRATIONS,
            select_checksum: zhanye_migrations::SELECT_MIGRATION_CHECKSUM,
            list_applied: zhanye_migrations::LIST_APPLIED_MIGRATIONS,
            insert_applied: INSERT_APPLIED_MIGRATION,
            audit_action: "migration.apply",
        }
    }

    fn demo() -> Track {
        Track {
            scripts: zhanye_migrations::demo_scripts(),
            table: "demo_loads",
            select_applied: SELECT_APPLIED_DEMO,
            select_checksum: zhanye_migrations::SELECT_DEMO_CHECKSUM,
            list_applied: zhanye_migrations::LIST_APPLIED_DEMO,
            insert_applied: INSERT_APPLIED_DEMO,
            audit_action: "demo.load",
        }
    }
}

#[derive(Serialize)]
struct ScriptRef {
    version: u32,
    name: &'static str,
}

impl From<&Script> for ScriptRef {
    fn from(script: &Script) -> Self {
        ScriptRef {
            version: script.version,
            name: script.name,
        }
    }
}

async fn migrate() -> ApiResult<Reply> {
    let db = Db::open_default().await?;
    ensure_tracking(&db).await?;
    let applied = apply_pending(&db, &Track::migrations()).await?;
    #[derive(Serialize)]
    struct Answer {
        applied: Vec<ScriptRef>,
        schema_version: u32,
    }
    json::ok(&Answer {
        applied: applied.into_iter().map(ScriptRef::from).collect(),
        schema_version: db.schema_version().await?,
    })
}

async fn load_demo() -> ApiResult<Reply> {
    let db = Db::open_default().await?;
    ensure_tracking(&db).await?;
    let migrations = Track::migrations();
    let outstanding = plan(&migrations, &read_applied(&db, &migrations).await?)?;
    if !outstanding.is_empty() {
        return Err(ApiError::conflict().with_detail(Localized::new(
            format!(
                "还有 {} 个数据库迁移未执行，请先调用 POST /api/admin/migrate。",
                outstanding.len()
            ),
            format!(
                "{} schema migration(s) are still pending; POST /api/admin/migrate first.",
                outstanding.len()
            ),
        )));
    }
    let applied = apply_pending(&db, &Track::demo()).await?;
    #[derive(Serialize)]
    struct Answer {
        applied: Vec<ScriptRef>,
    }
    json::ok(&Answer {
        applied: applied.into_iter().map(ScriptRef::from).collect(),
    })
}

/// Creates the tracking tables (and, on PostgreSQL, the functions the shared SQL
/// needs) in one write transaction, so two processes starting at once do not race.
async fn ensure_tracking(db: &Db) -> Result<(), ApiError> {
    db.transaction(async |tx| {
        if tx.dialect() == Dialect::Postgres {
            for statement in zhanye_migrations::postgres::SETUP {
                tx.execute(statement, []).await?;
            }
        }
        for ddl in TRACKING_DDL {
            tx.execute(ddl, []).await?;
        }
        Ok(())
    })
    .await
}

async fn read_applied(db: &Db, track: &Track) -> Result<Vec<Applied>, ApiError> {
    db.query(track.select_applied, [])
        .await?
        .iter()
        .map(|row| {
            Ok(Applied {
                version: row.get_at(0)?,
                checksum: row.get_at(1)?,
            })
        })
        .collect()
}

/// The pending scripts, or 409 `conflict` when the plan is refused.
fn plan(track: &Track, applied: &[Applied]) -> Result<Vec<&'static Script>, ApiError> {
    pending(track.scripts, applied).map_err(refused)
}

fn refused(error: PlanError) -> ApiError {
    let zh = match &error {
        PlanError::ChangedAfterApply { version, name } => format!(
            "脚本 {version:04}_{name}.sql 在执行后被修改过；请新增脚本，不要修改已执行的脚本。"
        ),
        PlanError::UnknownApplied { version } => {
            format!("数据库已执行版本 {version} 的脚本，但当前程序没有该脚本：数据库比程序新。")
        }
    };
    ApiError::conflict().with_detail(Localized::new(zh, error.to_string()))
}

/// Applies every pending script of `track`, each in its own transaction; answers those
/// this request applied (a concurrent request may have applied some of them).
async fn apply_pending(db: &Db, track: &Track) -> Result<Vec<&'static Script>, ApiError> {
    let todo = plan(track, &read_applied(db, track).await?)?;
    let mut applied = Vec::with_capacity(todo.len());
    for script in todo {
        if apply_one(db, track, script).await? {
            applied.push(script);
        }
    }
    Ok(applied)
}

/// Runs one script with its tracking and audit rows in one transaction. `false` when
/// another request recorded it in the meantime.
async fn apply_one(db: &Db, track: &Track, script: &'static Script) -> Result<bool, ApiError> {
    let checksum = script.checksum();
    let label = format!("{:04}_{}", script.version, script.name);
    db.transaction(async |tx| {
        let recorded: Option<String> = tx
            .query_value(track.select_checksum, params![script.version])
            .await?;
        if let Some(recorded) = recorded {
            // Another request applied it since this one planned.
            return if recorded == checksum {
                Ok(false)
            } else {
                Err(refused(PlanError::ChangedAfterApply {
                    version: script.version,
                    name: script.name,
                }))
            };
        }
        let postgres = tx.dialect() == Dialect::Postgres;
        for statement in split_statements(script.sql_for(postgres)) {
            tx.execute(&statement, [])
                .await
                .map_err(|error| script_failed(&label, &error))?;
        }
        if postgres {
            tx.execute(zhanye_migrations::postgres::RESYNC_IDENTITIES, [])
                .await?;
        }
        tx.execute(
            track.insert_applied,
            params![
                script.version,
                script.name,
                checksum.as_str(),
                now_rfc3339()
            ],
        )
        .await?;
        let detail = serde_json::json!({
            "version": script.version,
            "name": script.name,
            "checksum": checksum,
        })
        .to_string();
        tx.audit(ACTOR, track.audit_action, Some(&label), Some(&detail))
            .await?;
        Ok(true)
    })
    .await
}

/// A script's statement failed: a 500 that tells the operator which script and why (the
/// API is authenticated, so the SQLite message may be shown).
fn script_failed(label: &str, error: &ApiError) -> ApiError {
    let cause = error.cause().unwrap_or("unknown error");
    ApiError::internal(format!("script {label}: {cause}"))
        .with_detail(Localized::new(
            format!("脚本 {label} 执行失败，已整体回滚：{cause}"),
            format!("Script {label} failed and was rolled back: {cause}"),
        ))
        .mark_logged()
}

async fn list() -> ApiResult<Reply> {
    let db = Db::open_default().await?;
    #[derive(Serialize)]
    struct Answer {
        schema_version: u32,
        migrations: Listing,
        demo: Listing,
    }
    json::ok(&Answer {
        schema_version: db.schema_version().await?,
        migrations: listing(&db, &Track::migrations()).await?,
        demo: listing(&db, &Track::demo()).await?,
    })
}

#[derive(Serialize)]
struct Listing {
    applied: Vec<AppliedRow>,
    pending: Vec<PendingRow>,
    /// Why applying would be refused, when it would be.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct AppliedRow {
    version: u32,
    name: String,
    checksum: String,
    applied_at: String,
}

#[derive(Serialize)]
struct PendingRow {
    version: u32,
    name: &'static str,
    checksum: String,
}

/// Reads without writing: a database without tracking tables has applied nothing.
async fn listing(db: &Db, track: &Track) -> Result<Listing, ApiError> {
    let applied: Vec<AppliedRow> = if db.table_exists(track.table).await? {
        db.query(track.list_applied, [])
            .await?
            .iter()
            .map(|row| {
                Ok(AppliedRow {
                    version: row.get("version")?,
                    name: row.get("name")?,
                    checksum: row.get("checksum")?,
                    applied_at: row.get("applied_at")?,
                })
            })
            .collect::<Result<_, ApiError>>()?
    } else {
        Vec::new()
    };
    let recorded: Vec<Applied> = applied
        .iter()
        .map(|row| Applied {
            version: row.version,
            checksum: row.checksum.clone(),
        })
        .collect();
    let error = pending(track.scripts, &recorded)
        .err()
        .map(|e| e.to_string());
    let pending = track
        .scripts
        .iter()
        .filter(|script| !applied.iter().any(|row| row.version == script.version))
        .map(|script| PendingRow {
            version: script.version,
            name: script.name,
            checksum: script.checksum(),
        })
        .collect();
    Ok(Listing {
        applied,
        pending,
        error,
    })
}
