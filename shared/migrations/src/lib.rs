//! The app's schema migrations and demo data scripts, embedded at build time, and the
//! rules for applying them.
//!
//! Two appliers share this crate so that they behave and record identically: the host
//! (native, rusqlite) and the `admin` component (Wasm, `spin:sqlite`). An applier:
//!
//! 1. runs every statement of [`TRACKING_DDL`];
//! 2. reads what is applied with [`SELECT_APPLIED_MIGRATIONS`] (or [`SELECT_APPLIED_DEMO`]);
//! 3. asks [`pending`] what is left, which refuses when an applied script was edited or
//!    the database is newer than this build;
//! 4. runs each pending script, statement by statement ([`split_statements`]), together
//!    with its tracking row ([`INSERT_APPLIED_MIGRATION`] / [`INSERT_APPLIED_DEMO`],
//!    `applied_at` from [`rfc3339_utc`]) in one transaction.
//!
//! Scripts live in `migrations/NNNN_name.sql` and `demo/NNNN_name.sql` at the repository
//! root; [`Script::name`] is the `name` part of the file name.

pub mod postgres;
mod split;

pub use split::split_statements;

/// One embedded SQL script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Script {
    /// The `NNNN` of the file name; unique within its folder, never 0.
    pub version: u32,
    /// The file name between `NNNN_` and `.sql`.
    pub name: &'static str,
    /// The whole file.
    pub sql: &'static str,
    /// The PostgreSQL variant (`postgres/NNNN_name.sql` beside the file), for a script
    /// the shared SQL subset cannot express; otherwise PostgreSQL runs [`Script::sql`]
    /// through [`postgres::translate`]. The checksum is always the main file's, so both
    /// databases record the same.
    pub postgres: Option<&'static str>,
}

impl Script {
    /// The SQL to run: the main file on SQLite; on PostgreSQL the variant when there is
    /// one, else the main file (statements are rewritten as they run).
    pub fn sql_for(&self, postgres: bool) -> &'static str {
        match (postgres, self.postgres) {
            (true, Some(variant)) => variant,
            _ => self.sql,
        }
    }

    /// A stable digest of the script, recorded when it is applied: FNV-1a 64 over the
    /// SQL with line endings normalised to `\n` (so a CRLF checkout does not count as an
    /// edit), as 16 lowercase hex digits.
    pub fn checksum(&self) -> String {
        checksum(self.sql)
    }
}

/// The digest [`Script::checksum`] uses, for any text.
pub fn checksum(sql: &str) -> String {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let bytes = sql.as_bytes();
    let mut hash = OFFSET_BASIS;
    for (i, &byte) in bytes.iter().enumerate() {
        if byte == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    format!("{hash:016x}")
}

static MIGRATIONS: &[Script] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
static DEMO_SCRIPTS: &[Script] = include!(concat!(env!("OUT_DIR"), "/demo.rs"));

/// The schema migrations, sorted by version (versions are unique: the build checks).
pub fn migrations() -> &'static [Script] {
    MIGRATIONS
}

/// The demo data scripts, sorted by version; applied only on request, after migrations.
pub fn demo_scripts() -> &'static [Script] {
    DEMO_SCRIPTS
}

/// Creates the tracking tables if they are missing; one statement per entry.
pub const TRACKING_DDL: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version INTEGER PRIMARY KEY, \
     name TEXT NOT NULL, \
     checksum TEXT NOT NULL, \
     applied_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS demo_loads (\
     version INTEGER PRIMARY KEY, \
     name TEXT NOT NULL, \
     checksum TEXT NOT NULL, \
     applied_at TEXT NOT NULL)",
];

/// Columns: `version` (integer), `checksum` (text).
pub const SELECT_APPLIED_MIGRATIONS: &str =
    "SELECT version, checksum FROM schema_migrations ORDER BY version";
/// Parameters `?1` version, `?2` name, `?3` checksum, `?4` applied_at (RFC 3339 UTC).
pub const INSERT_APPLIED_MIGRATION: &str =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)";
/// Parameter `?1` version; column `checksum`: whether (and how) one migration ran.
pub const SELECT_MIGRATION_CHECKSUM: &str =
    "SELECT checksum FROM schema_migrations WHERE version = ?1";
/// Parameter `?1` version; column `checksum`: whether (and how) one demo script ran.
pub const SELECT_DEMO_CHECKSUM: &str = "SELECT checksum FROM demo_loads WHERE version = ?1";
/// Columns `version`, `name`, `checksum`, `applied_at` of every applied migration.
pub const LIST_APPLIED_MIGRATIONS: &str =
    "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version";
/// Columns `version`, `name`, `checksum`, `applied_at` of every loaded demo script.
pub const LIST_APPLIED_DEMO: &str =
    "SELECT version, name, checksum, applied_at FROM demo_loads ORDER BY version";
/// Columns: `version` (integer), `checksum` (text).
pub const SELECT_APPLIED_DEMO: &str = "SELECT version, checksum FROM demo_loads ORDER BY version";
/// Parameters `?1` version, `?2` name, `?3` checksum, `?4` applied_at (RFC 3339 UTC).
pub const INSERT_APPLIED_DEMO: &str =
    "INSERT INTO demo_loads (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)";

/// Records one write in `audit_log` (created by migration 0001); params: at (RFC 3339
/// UTC), actor, action, target, detail. The one statement every writer of the audit
/// log uses, in components and in the host alike.
pub const INSERT_AUDIT: &str =
    "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)";

/// A script the database says it has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub version: u32,
    pub checksum: String,
}

/// Why nothing may be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// The script was edited after it ran: write a new migration instead.
    ChangedAfterApply { version: u32, name: &'static str },
    /// The database ran a script this build does not have: it is newer than the code.
    UnknownApplied { version: u32 },
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::ChangedAfterApply { version, name } => write!(
                f,
                "script {version:04}_{name}.sql was changed after it was applied; \
                 add a new script instead of editing an applied one"
            ),
            PlanError::UnknownApplied { version } => write!(
                f,
                "the database has script version {version} applied, which this build does not \
                 know: the database is newer than the code"
            ),
        }
    }
}

impl std::error::Error for PlanError {}

/// The scripts of `all` still to apply, in version order.
///
/// Refuses (checking applied rows in version order, so the error is deterministic) when an
/// applied script's checksum differs from the embedded one, or when the database records
/// a version `all` does not contain. A version missing below the highest applied one (a
/// script added later with a lower number) is still pending and is returned in order.
pub fn pending(
    all: &'static [Script],
    applied: &[Applied],
) -> Result<Vec<&'static Script>, PlanError> {
    let mut applied: Vec<&Applied> = applied.iter().collect();
    applied.sort_by_key(|a| a.version);
    for row in &applied {
        let script =
            all.iter()
                .find(|s| s.version == row.version)
                .ok_or(PlanError::UnknownApplied {
                    version: row.version,
                })?;
        if script.checksum() != row.checksum {
            return Err(PlanError::ChangedAfterApply {
                version: script.version,
                name: script.name,
            });
        }
    }
    let mut todo: Vec<&'static Script> = all
        .iter()
        .filter(|s| {
            applied
                .binary_search_by_key(&s.version, |a| a.version)
                .is_err()
        })
        .collect();
    todo.sort_by_key(|s| s.version);
    Ok(todo)
}

/// The highest applied version, 0 when nothing is applied.
pub fn schema_version(applied: &[Applied]) -> u32 {
    applied.iter().map(|a| a.version).max().unwrap_or(0)
}

/// Formats seconds since the Unix epoch as RFC 3339 UTC, `YYYY-MM-DDTHH:MM:SSZ`: the
/// `applied_at` both appliers record (and the audit log's `at`).
pub fn rfc3339_utc(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs_of_day = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs_of_day / 3600,
        secs_of_day % 3600 / 60,
        secs_of_day % 60
    )
}

/// Proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    static ALL: &[Script] = &[
        Script {
            version: 1,
            name: "foundation",
            sql: "CREATE TABLE a (x);",
            postgres: None,
        },
        Script {
            version: 2,
            name: "customers",
            sql: "CREATE TABLE b (y);",
            postgres: None,
        },
        Script {
            version: 5,
            name: "products",
            sql: "CREATE TABLE c (z);",
            postgres: None,
        },
    ];

    fn applied(versions: &[u32]) -> Vec<Applied> {
        versions
            .iter()
            .map(|&v| {
                let script = ALL.iter().find(|s| s.version == v).expect("test version");
                Applied {
                    version: v,
                    checksum: script.checksum(),
                }
            })
            .collect()
    }

    type Plan = Result<Vec<u32>, PlanError>;

    fn versions(plan: Result<Vec<&'static Script>, PlanError>) -> Plan {
        plan.map(|scripts| scripts.iter().map(|s| s.version).collect())
    }

    #[test]
    fn pending_plans() {
        let cases: Vec<(&str, Vec<Applied>, Plan)> = vec![
            ("fresh database", vec![], Ok(vec![1, 2, 5])),
            ("partly applied", applied(&[1]), Ok(vec![2, 5])),
            ("all applied", applied(&[1, 2, 5]), Ok(vec![])),
            (
                "gap below the highest is still pending",
                applied(&[1, 5]),
                Ok(vec![2]),
            ),
            ("applied rows in any order", applied(&[5, 1]), Ok(vec![2])),
            (
                "edited after apply",
                vec![Applied {
                    version: 1,
                    checksum: "0000000000000000".into(),
                }],
                Err(PlanError::ChangedAfterApply {
                    version: 1,
                    name: "foundation",
                }),
            ),
            (
                "edited script reported even when others are fine",
                {
                    let mut rows = applied(&[1, 2]);
                    rows[1].checksum = "x".into();
                    rows
                },
                Err(PlanError::ChangedAfterApply {
                    version: 2,
                    name: "customers",
                }),
            ),
            (
                "database newer than the build",
                {
                    let mut rows = applied(&[1, 2, 5]);
                    rows.push(Applied {
                        version: 6,
                        checksum: "abc".into(),
                    });
                    rows
                },
                Err(PlanError::UnknownApplied { version: 6 }),
            ),
            (
                "unknown version in a gap",
                vec![Applied {
                    version: 3,
                    checksum: "abc".into(),
                }],
                Err(PlanError::UnknownApplied { version: 3 }),
            ),
            (
                "lowest problem wins",
                vec![
                    Applied {
                        version: 9,
                        checksum: "abc".into(),
                    },
                    Applied {
                        version: 2,
                        checksum: "bad".into(),
                    },
                ],
                Err(PlanError::ChangedAfterApply {
                    version: 2,
                    name: "customers",
                }),
            ),
        ];
        for (label, rows, expected) in cases {
            assert_eq!(versions(pending(ALL, &rows)), expected, "{label}");
        }
    }

    #[test]
    fn pending_on_nothing() {
        assert_eq!(versions(pending(&[], &[])), Ok(vec![]));
        assert_eq!(
            versions(pending(
                &[],
                &[Applied {
                    version: 1,
                    checksum: String::new()
                }]
            )),
            Err(PlanError::UnknownApplied { version: 1 })
        );
    }

    #[test]
    fn schema_version_is_the_highest_applied() {
        assert_eq!(schema_version(&[]), 0);
        assert_eq!(schema_version(&applied(&[1])), 1);
        assert_eq!(schema_version(&applied(&[5, 1, 2])), 5);
    }

    #[test]
    fn checksum_is_fnv1a_64_hex() {
        // Reference values of FNV-1a 64.
        assert_eq!(checksum(""), "cbf29ce484222325");
        assert_eq!(checksum("a"), "af63dc4c8601ec8c");
        assert_eq!(checksum("foobar"), "85944171f73967e8");
    }

    #[test]
    fn checksum_ignores_crlf_but_not_content() {
        assert_eq!(
            checksum("SELECT 1;\r\nSELECT 2;\r\n"),
            checksum("SELECT 1;\nSELECT 2;\n")
        );
        assert_ne!(checksum("SELECT 1;"), checksum("SELECT 2;"));
        // A lone CR is content.
        assert_ne!(checksum("a\rb"), checksum("ab"));
    }

    #[test]
    fn embedded_scripts_are_sorted_unique_and_split_cleanly() {
        for set in [migrations(), demo_scripts()] {
            for pair in set.windows(2) {
                assert!(pair[0].version < pair[1].version, "{pair:?}");
            }
            for script in set {
                assert!(script.version > 0);
                assert!(!script.name.is_empty());
                assert!(
                    !split_statements(script.sql).is_empty(),
                    "{:04}_{} has no statement",
                    script.version,
                    script.name
                );
            }
        }
    }

    #[test]
    fn foundation_is_first() {
        let first = migrations().first().expect("at least one migration");
        assert_eq!((first.version, first.name), (1, "foundation"));
        let statements = split_statements(first.sql);
        assert!(statements.iter().any(|s| s.contains("app_meta")));
        assert!(statements.iter().any(|s| s.contains("audit_log")));
    }

    #[test]
    fn tracking_sql_is_single_statements() {
        for sql in TRACKING_DDL.iter().chain([
            &SELECT_APPLIED_MIGRATIONS,
            &INSERT_APPLIED_MIGRATION,
            &SELECT_APPLIED_DEMO,
            &INSERT_APPLIED_DEMO,
        ]) {
            assert_eq!(split_statements(sql), vec![sql.to_string()]);
        }
    }

    #[test]
    fn rfc3339_formatting() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
            (1_709_251_199, "2024-02-29T23:59:59Z"),
            (4_102_444_800, "2100-01-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
        ];
        for (secs, expected) in cases {
            assert_eq!(rfc3339_utc(secs), expected, "{secs}");
        }
    }
}
