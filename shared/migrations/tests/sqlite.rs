//! The embedded scripts against a real SQLite, applied the way both appliers do:
//! tracking tables, the plan, then each script statement by statement with its
//! tracking row in one transaction.

use rusqlite::Connection;
use zhanye_migrations::{
    Applied, INSERT_APPLIED_DEMO, INSERT_APPLIED_MIGRATION, PlanError, SELECT_APPLIED_DEMO,
    SELECT_APPLIED_MIGRATIONS, Script, TRACKING_DDL, demo_scripts, migrations, pending,
    rfc3339_utc, schema_version, split_statements,
};

/// Runs one statement, stepping through any rows, as a one-statement driver would.
fn run_one(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    let mut statement = conn.prepare(sql)?;
    let mut rows = statement.raw_query();
    while rows.next()?.is_some() {}
    Ok(())
}

fn read_applied(conn: &Connection, select: &str) -> Vec<Applied> {
    let mut statement = conn.prepare(select).unwrap();
    statement
        .query_map([], |row| {
            Ok(Applied {
                version: row.get(0)?,
                checksum: row.get(1)?,
            })
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn apply(conn: &mut Connection, all: &'static [Script], select: &str, insert: &str) -> Vec<u32> {
    for ddl in TRACKING_DDL {
        run_one(conn, ddl).unwrap();
    }
    let plan = pending(all, &read_applied(conn, select)).unwrap();
    let mut done = Vec::new();
    for script in plan {
        let tx = conn.transaction().unwrap();
        for statement in split_statements(script.sql) {
            assert_eq!(
                split_statements(&statement),
                vec![statement.clone()],
                "a split statement splits no further"
            );
            run_one(&tx, &statement).unwrap_or_else(|e| {
                panic!("{:04}_{}: {e} in {statement}", script.version, script.name)
            });
        }
        tx.execute(
            insert,
            (
                script.version,
                script.name,
                script.checksum(),
                rfc3339_utc(1_700_000_000),
            ),
        )
        .unwrap();
        tx.commit().unwrap();
        done.push(script.version);
    }
    done
}

#[test]
fn every_script_applies_once_in_order() {
    let mut conn = Connection::open_in_memory().unwrap();
    let all: Vec<u32> = migrations().iter().map(|s| s.version).collect();
    assert_eq!(
        apply(
            &mut conn,
            migrations(),
            SELECT_APPLIED_MIGRATIONS,
            INSERT_APPLIED_MIGRATION
        ),
        all
    );
    assert!(
        apply(
            &mut conn,
            migrations(),
            SELECT_APPLIED_MIGRATIONS,
            INSERT_APPLIED_MIGRATION
        )
        .is_empty()
    );
    let applied = read_applied(&conn, SELECT_APPLIED_MIGRATIONS);
    assert_eq!(schema_version(&applied), *all.last().unwrap());

    let demo: Vec<u32> = demo_scripts().iter().map(|s| s.version).collect();
    assert_eq!(
        apply(
            &mut conn,
            demo_scripts(),
            SELECT_APPLIED_DEMO,
            INSERT_APPLIED_DEMO
        ),
        demo
    );
    assert!(
        apply(
            &mut conn,
            demo_scripts(),
            SELECT_APPLIED_DEMO,
            INSERT_APPLIED_DEMO
        )
        .is_empty()
    );
}

#[test]
fn foundation_creates_meta_and_audit_log() {
    let mut conn = Connection::open_in_memory().unwrap();
    apply(
        &mut conn,
        migrations(),
        SELECT_APPLIED_MIGRATIONS,
        INSERT_APPLIED_MIGRATION,
    );
    let app: String = conn
        .query_row("SELECT value FROM app_meta WHERE key = 'app'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(app, "zhanye");
    conn.execute(
        "INSERT INTO audit_log (at, actor, action) VALUES ('2025-01-01T00:00:00Z', 'A1', 'x.y')",
        [],
    )
    .unwrap();
    let index: String = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(index, "audit_log_actor_at");

    apply(
        &mut conn,
        demo_scripts(),
        SELECT_APPLIED_DEMO,
        INSERT_APPLIED_DEMO,
    );
    let demo: String = conn
        .query_row("SELECT value FROM app_meta WHERE key = 'demo'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(demo, "loaded");
}

#[test]
fn an_edited_script_is_refused() {
    let mut conn = Connection::open_in_memory().unwrap();
    apply(
        &mut conn,
        migrations(),
        SELECT_APPLIED_MIGRATIONS,
        INSERT_APPLIED_MIGRATION,
    );
    conn.execute(
        "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1",
        [],
    )
    .unwrap();
    assert_eq!(
        pending(
            migrations(),
            &read_applied(&conn, SELECT_APPLIED_MIGRATIONS)
        ),
        Err(PlanError::ChangedAfterApply {
            version: 1,
            name: "foundation"
        })
    );
}

#[test]
fn triggers_split_and_run() {
    let conn = Connection::open_in_memory().unwrap();
    let script = "
        CREATE TABLE t (x INTEGER);
        CREATE TABLE log (msg TEXT);
        -- a trigger whose body has several statements and a CASE
        CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
            INSERT INTO log VALUES (CASE WHEN new.x > 0 THEN 'pos;itive' ELSE 'other' END);
            INSERT INTO log VALUES ('second');
        END;
        INSERT INTO t VALUES (1);
        /* done; */";
    let statements = split_statements(script);
    assert_eq!(statements.len(), 4);
    for statement in &statements {
        run_one(&conn, statement).unwrap();
    }
    let count: i64 = conn
        .query_row("SELECT COUNT(*) FROM log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 2);
}
