//! The embedded scripts on PostgreSQL (the server the suites use: `ZHANYE_TEST_POSTGRES`,
//! default `postgres://postgres@127.0.0.1:5432`), each rewritten as the appliers rewrite
//! it, and the schema they build compared with SQLite's: the same tables, the same
//! columns in each, the same indexes on the same columns.

use std::collections::BTreeMap;

use rusqlite::Connection;
use zhanye_migrations::postgres::{RESYNC_IDENTITIES, SETUP, translate};
use zhanye_migrations::{TRACKING_DDL, demo_scripts, migrations, split_statements};

/// table → (columns, index name → indexed columns)
type Schema = BTreeMap<String, (Vec<String>, BTreeMap<String, Vec<String>>)>;

fn server() -> String {
    std::env::var("ZHANYE_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".into())
}

/// A fresh database, dropped when the guard goes.
struct FreshDatabase {
    name: String,
}

impl FreshDatabase {
    fn create() -> FreshDatabase {
        Self::create_named("schema")
    }

    fn create_named(purpose: &str) -> FreshDatabase {
        let name = format!("zy_{purpose}_{}", std::process::id());
        let mut admin = admin();
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .expect("drop a leftover test database");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        FreshDatabase { name }
    }

    fn connect(&self) -> postgres::Client {
        postgres::Client::connect(&format!("{}/{}", server(), self.name), postgres::NoTls)
            .expect("connect to the test database")
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let _ = admin().batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

fn admin() -> postgres::Client {
    postgres::Client::connect(&format!("{}/postgres", server()), postgres::NoTls)
        .expect("PostgreSQL for the schema test (ZHANYE_TEST_POSTGRES)")
}

fn postgres_schema(client: &mut postgres::Client) -> Schema {
    let mut schema = Schema::new();
    for row in client
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() ORDER BY table_name, column_name",
            &[],
        )
        .unwrap()
    {
        schema.entry(row.get(0)).or_default().0.push(row.get(1));
    }
    // Indexes created by CREATE INDEX (not those backing a key or UNIQUE constraint).
    for row in client
        .query(
            "SELECT t.relname::text, i.relname::text, \
                    array_agg(a.attname::text ORDER BY k.ordinality) \
             FROM pg_index AS x \
             JOIN pg_class AS i ON i.oid = x.indexrelid \
             JOIN pg_class AS t ON t.oid = x.indrelid \
             JOIN pg_namespace AS n ON n.oid = t.relnamespace AND n.nspname = current_schema() \
             CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ordinality) \
             LEFT JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = x.indexrelid) \
             GROUP BY t.relname, i.relname",
            &[],
        )
        .unwrap()
    {
        let columns: Vec<Option<String>> = row.get(2);
        schema.entry(row.get(0)).or_default().1.insert(
            row.get(1),
            columns
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "(expression)".into()))
                .collect(),
        );
    }
    schema
}

fn sqlite_schema(conn: &Connection) -> Schema {
    let mut schema = Schema::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let mut columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        columns.sort();
        let mut indexes = BTreeMap::new();
        let names: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 \
                 AND sql IS NOT NULL",
            )
            .unwrap()
            .query_map([&table], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for name in names {
            let indexed: Vec<String> = conn
                .prepare(&format!(
                    "SELECT COALESCE(name, '(expression)') FROM pragma_index_info('{name}') ORDER BY seqno"
                ))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            indexes.insert(name, indexed);
        }
        schema.insert(table, (columns, indexes));
    }
    schema
}

#[test]
fn both_databases_get_the_same_schema_from_the_same_scripts() {
    let sqlite = Connection::open_in_memory().unwrap();
    for ddl in TRACKING_DDL {
        sqlite.execute_batch(ddl).unwrap();
    }
    let database = FreshDatabase::create();
    let mut pg = database.connect();
    for statement in SETUP {
        pg.batch_execute(statement).unwrap();
    }
    for ddl in TRACKING_DDL {
        pg.batch_execute(&translate(ddl)).unwrap();
    }
    for script in migrations().iter().chain(demo_scripts()) {
        sqlite.execute_batch(script.sql).unwrap();
        let mut tx = pg.transaction().unwrap();
        for statement in split_statements(script.sql_for(true)) {
            tx.batch_execute(&translate(&statement))
                .unwrap_or_else(|e| {
                    panic!(
                        "{:04}_{} on PostgreSQL: {e}\nat: {statement}",
                        script.version, script.name
                    )
                });
        }
        tx.batch_execute(RESYNC_IDENTITIES).unwrap();
        tx.commit().unwrap();
    }
    let (on_sqlite, on_postgres) = (sqlite_schema(&sqlite), postgres_schema(&mut pg));
    assert_eq!(
        on_sqlite.keys().collect::<Vec<_>>(),
        on_postgres.keys().collect::<Vec<_>>(),
        "tables"
    );
    for (table, sqlite_side) in &on_sqlite {
        assert_eq!(sqlite_side, &on_postgres[table], "table {table}");
    }
    assert!(on_sqlite.len() > 20, "the schema has its tables");

    // The demo org units were inserted with their own ids: the next one handed out is free.
    let next: i64 = pg
        .query_one(
            "INSERT INTO org_units (parent_id, kind, code, name, path) \
             VALUES (NULL, 'hq', 'ZZ-NEW', 'new', '') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let max_demo: i64 = pg
        .query_one("SELECT MAX(id) FROM org_units WHERE code <> 'ZZ-NEW'", &[])
        .unwrap()
        .get(0);
    assert!(next > max_demo, "{next} after {max_demo}");
}

#[test]
fn json_each_reads_the_same_on_postgres() {
    let database = FreshDatabase::create_named("json");
    let mut pg = database.connect();
    for statement in SETUP {
        pg.batch_execute(statement).unwrap();
    }
    let sql = translate(
        "SELECT j.key, j.atom, CASE WHEN j.atom IS NULL THEN j.value ->> 1 END FROM json_each('[\"a\", 7, [\"x\", \"y\"]]') AS j ORDER BY j.key",
    );
    let rows = pg.query(&sql, &[]).unwrap();
    let got: Vec<(i64, Option<String>, Option<String>)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, Some("a".into()), None),
            (1, Some("7".into()), None),
            (2, None, Some("y".into())),
        ]
    );
    let sqlite = Connection::open_in_memory().unwrap();
    let on_sqlite: Vec<(i64, Option<String>, Option<String>)> = sqlite
        .prepare(
            "SELECT j.key, CAST(j.atom AS TEXT), CASE WHEN j.atom IS NULL THEN j.value ->> 1 END FROM json_each('[\"a\", 7, [\"x\", \"y\"]]') AS j ORDER BY j.key",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(on_sqlite, got);
}
