//! The same statements planned by PostgreSQL: a fresh database on the server the suites
//! use (`ZHANYE_TEST_POSTGRES`, default `postgres://postgres@127.0.0.1:5432`), the
//! migrations and demo org applied as the app applies them, filled with as many
//! customers as a test asks for and analysed, and `EXPLAIN` of a statement with its
//! parameters bound. Dropped with the [`PgPlanner`].

use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls};
use zhanye_migrations::postgres::{RESYNC_IDENTITIES, SETUP, translate};
use zhanye_platform::Value;

/// A planner on its own database.
pub struct PgPlanner {
    client: Client,
    name: String,
}

fn server() -> String {
    std::env::var("ZHANYE_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".into())
        .trim_end_matches('/')
        .to_string()
}

fn admin() -> Client {
    Client::connect(&format!("{}/postgres", server()), NoTls)
        .expect("PostgreSQL for the query-plan tests (ZHANYE_TEST_POSTGRES)")
}

impl PgPlanner {
    /// The schema and demo org and staff, then `customers` customers spread over
    /// 2,000 brokers in 200 teams of 40 branches besides the demo org (owners, units,
    /// statuses, grades, levels, tags, positions), vacuumed and analysed.
    pub fn with_customers(purpose: &str, customers: u32) -> PgPlanner {
        let name = format!("zy_plans_{purpose}_{}", std::process::id());
        let mut admin = admin();
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .expect("drop a leftover plan database");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a plan database");
        let client = Client::connect(&format!("{}/{name}", server()), NoTls)
            .expect("connect to the plan database");
        // Owned from here on, so a failure while filling it still drops the database.
        let mut planner = PgPlanner { client, name };
        let client = &mut planner.client;
        for statement in SETUP {
            client.batch_execute(statement).expect("setup");
        }
        for script in zhanye_migrations::migrations()
            .iter()
            .chain(zhanye_migrations::demo_scripts())
        {
            for statement in zhanye_migrations::split_statements(script.sql_for(true)) {
                client
                    .batch_execute(&translate(&statement))
                    .unwrap_or_else(|e| panic!("{}: {e}: {statement}", script.name));
            }
        }
        client.batch_execute(RESYNC_IDENTITIES).expect("identities");
        client
            .batch_execute(&format!(
                // A firm's shape: 40 more branches of 5 teams, 10 brokers a team, and
                // the customers spread over every broker (about 50 each at 100,000).
                "INSERT INTO org_units (parent_id, kind, code, name, path) \
                 SELECT 2 + b % 2, 'branch', 'B-GEN-' || b, '营业部' || b, 'new-B-' || b \
                 FROM generate_series(1, 40) AS b; \
                 UPDATE org_units AS o SET path = p.path || o.id || '/' \
                 FROM org_units AS p WHERE p.id = o.parent_id AND o.code LIKE 'B-GEN-%'; \
                 INSERT INTO org_units (parent_id, kind, code, name, path) \
                 SELECT b.id, 'team', 'T-GEN-' || b.id || '-' || t, '财富组' || t, \
                        'new-T-' || b.id || '-' || t \
                 FROM org_units AS b CROSS JOIN generate_series(1, 5) AS t \
                 WHERE b.code LIKE 'B-GEN-%'; \
                 UPDATE org_units AS o SET path = p.path || o.id || '/' \
                 FROM org_units AS p WHERE p.id = o.parent_id AND o.code LIKE 'T-GEN-%'; \
                 INSERT INTO staff (code, name, kind, unit_id, unit_path, roles, birth_date, \
                     mobile, id_number_verifier, id_number_masked, created_at, updated_at) \
                 SELECT 'G' || o.id || '-' || k, '员工' || k, 'broker', o.id, o.path, 'rep', \
                        '1990-01-01', '13900000000', '-', '-', '', '' \
                 FROM org_units AS o CROSS JOIN generate_series(1, 10) AS k \
                 WHERE o.code LIKE 'T-GEN-%'; \
                 WITH s AS (SELECT code, unit_path, row_number() OVER (ORDER BY code) - 1 AS n, \
                                   COUNT(*) OVER () AS total FROM staff) \
                 INSERT INTO customers (account_no, name, status, grade, level, owner_code, \
                     unit_path, open_date, total_assets, tags, created_at, updated_at) \
                 SELECT lpad(i::text, 12, '0'), \
                        (ARRAY['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'])[1 + i % 10] \
                        || (ARRAY['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', \
                                  '艳', '杰', '涛', '明', '超', '霞', '平', '刚', '桂', '英'])[1 + (i / 10) % 20] \
                        || (ARRAY['建', '国', '华', '丽', '秀', '文', '玉', '兰', '春', '海', \
                                  '红', '金', '林', '梅', '燕', '云', '辉', '飞', '鹏', '宇'])[1 + (i / 200) % 20], \
                        (ARRAY['potential', 'target', 'existing', 'lost'])[1 + i % 4], \
                        (ARRAY['金手指', '普通', NULL])[1 + i % 3], \
                        (ARRAY['VIP', '普通'])[1 + i % 2], \
                        s.code, s.unit_path, \
                        to_char(DATE '2015-01-01' + (i % 3000), 'YYYY-MM-DD'), \
                        (i * 7919) % 10000000, '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' \
                 FROM generate_series(1, {customers}) AS i \
                 JOIN s ON s.n = i % s.total; \
                 INSERT INTO customer_name_grams (gram, name, customer_id) \
                 SELECT DISTINCT substr(c.name, p.n, w.w), c.name, c.id \
                 FROM customers AS c CROSS JOIN generate_series(1, 12) AS p(n) \
                 CROSS JOIN (VALUES (1), (2)) AS w(w) \
                 WHERE p.n + w.w - 1 <= length(c.name); \
                 INSERT INTO customer_tags (tag, customer_id) \
                 SELECT CASE WHEN id % 2 = 0 THEN 'VIP' ELSE 'x' || (id % 50) END, id \
                 FROM customers WHERE id % 10 = 0; \
                 INSERT INTO positions (customer_id, security_code, security_name, quantity) \
                 SELECT id, lpad((600000 + id % 500)::text, 6, '0'), '股票', 100 \
                 FROM customers WHERE id % 5 = 0"
            ))
            .expect("fill the customers");
        // Statistics and the visibility map, as a database in use has them.
        client
            .batch_execute("VACUUM ANALYZE")
            .expect("VACUUM ANALYZE");

        planner
    }

    /// PostgreSQL's plan for `sql` (written for both databases) with `params` bound, one
    /// line per node.
    pub fn plan(&mut self, sql: &str, params: &[Value]) -> Vec<String> {
        let bound: Vec<Param> = params.iter().cloned().map(Param).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            bound.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let statement = format!("EXPLAIN {}", translate(sql));
        self.client
            .query(&statement, &refs)
            .unwrap_or_else(|e| panic!("{e}: {statement}"))
            .iter()
            .map(|row| row.get::<_, String>(0))
            .collect()
    }
}

impl Drop for PgPlanner {
    fn drop(&mut self) {
        let _ = admin().batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

/// Whether a plan reads `table` whole (a sequential scan of it).
pub fn scans(plan: &[String], table: &str) -> bool {
    plan.iter().any(|line| {
        line.contains(&format!("Seq Scan on {table} "))
            || line.ends_with(&format!("Seq Scan on {table}"))
    })
}

/// A parameter bound as the app binds it (spin:postgres types it by the value).
#[derive(Debug)]
struct Param(Value);

impl ToSql for Param {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        // As Spin's binding does: a value of another type than the statement's
        // parameter is an error, never a conversion.
        let fits = match &self.0 {
            Value::Integer(_) => <i64 as ToSql>::accepts(ty),
            Value::Real(_) => <f64 as ToSql>::accepts(ty),
            Value::Text(_) => <String as ToSql>::accepts(ty),
            Value::Blob(_) => <Vec<u8> as ToSql>::accepts(ty),
            Value::Null => true,
        };
        if !fits {
            return Err(format!("{:?} bound to a parameter of type {ty}", self.0).into());
        }
        match &self.0 {
            Value::Integer(i) => i.to_sql(ty, out),
            Value::Real(r) => r.to_sql(ty, out),
            Value::Text(t) => t.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
            Value::Null => Ok(IsNull::Yes),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
