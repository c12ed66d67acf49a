//! ORG-1 org units as stored, written by the partner webhook (topic `org-units`).
//!
//! A unit's `path` lists the ids from the root down; moving a unit rewrites the paths
//! of its whole subtree and of the staff in it, in the same transaction.

use std::collections::HashMap;

use zhanye_ingest::Report;
use zhanye_ingest::topics::org_units::OrgUnitRecord;
use zhanye_platform::kv::Cache;
use zhanye_platform::{ApiError, Db, params};
use zhanye_staff::org::subtree_range;
use zhanye_staff::vocab::UnitKind;

/// A stored unit, as the batch needs it.
#[derive(Debug, Clone)]
struct Unit {
    id: i64,
    kind: String,
    path: String,
    parent_id: Option<i64>,
}

async fn find(db: &Db, code: &str) -> Result<Option<Unit>, ApiError> {
    let Some(row) = db
        .query_row(
            "SELECT id, kind, path, parent_id FROM org_units WHERE code = ?1",
            params![code],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Unit {
        id: row.get("id")?,
        kind: row.get("kind")?,
        path: row.get("path")?,
        parent_id: row.get("parent_id")?,
    }))
}

/// What applying a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
}

/// What applying a batch of units did, and the subtrees it moved (old path, new path):
/// the caller moves the customers under them along (ORG-4 scope by path).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitsApplied {
    #[serde(flatten)]
    pub counts: Applied,
    #[serde(skip)]
    pub moved: Vec<(String, String)>,
}

/// Creates or updates each unit in order (a parent may come earlier in the same batch).
/// References that do not resolve go into `report`; the caller rolls back when it is
/// not empty. The people of a moved unit are signed out at once: their access tokens
/// carry the old path. Run it in a transaction.
pub async fn upsert_units(
    db: &Db,
    cache: &Cache,
    units: &[OrgUnitRecord],
    report: &mut Report,
    now: i64,
) -> Result<UnitsApplied, ApiError> {
    let mut applied = UnitsApplied::default();
    let mut known: HashMap<String, Unit> = HashMap::new();
    for unit in units {
        let parent = match &unit.parent_code {
            None => None,
            Some(code) => {
                let found = match known.get(code) {
                    Some(parent) => Some(parent.clone()),
                    None => find(db, code).await?,
                };
                match found {
                    Some(parent)
                        if Some(parent.kind.as_str())
                            == unit.kind.above().map(UnitKind::as_str) =>
                    {
                        Some(parent)
                    }
                    Some(_) => {
                        report.add(unit.index, Some(&unit.code), "parent_code", "invalid_kind");
                        continue;
                    }
                    None => {
                        report.add(
                            unit.index,
                            Some(&unit.code),
                            "parent_code",
                            "unknown_reference",
                        );
                        continue;
                    }
                }
            }
        };
        let existing = find(db, &unit.code).await?;
        if unit.kind == UnitKind::Hq {
            let other_root: Option<String> = db
                .query_value(
                    "SELECT code FROM org_units WHERE kind = 'hq' AND code <> ?1",
                    params![unit.code.as_str()],
                )
                .await?;
            if other_root.is_some() {
                report.add(unit.index, Some(&unit.code), "kind", "duplicate");
                continue;
            }
        }
        let parent_id = parent.as_ref().map(|p| p.id);
        let stored = match existing {
            Some(current) => {
                if current.kind != unit.kind.as_str() {
                    // A unit keeps its kind: the people and data under it depend on it.
                    report.add(unit.index, Some(&unit.code), "kind", "immutable");
                    continue;
                }
                db.execute(
                    "UPDATE org_units SET name = ?2, parent_id = ?3 WHERE id = ?1",
                    params![current.id, unit.name.as_str(), parent_id],
                )
                .await?;
                let path = unit_path(parent.as_ref(), current.id);
                if current.parent_id != parent_id && path != current.path {
                    if path.starts_with(&current.path) {
                        // Under itself.
                        report.add(unit.index, Some(&unit.code), "parent_code", "invalid");
                        continue;
                    }
                    move_subtree(db, &current.path, &path).await?;
                    // The people under it hold tokens naming their old unit path.
                    crate::sessions::revoke_in_subtree(db, cache, &path, "unit_changed", now)
                        .await?;
                    applied.moved.push((current.path.clone(), path.clone()));
                }
                applied.counts.updated += 1;
                Unit {
                    path,
                    parent_id,
                    ..current
                }
            }
            None => {
                let id: i64 = db.query_value(
                    "INSERT INTO org_units (parent_id, kind, code, name, path) VALUES (?1, ?2, ?3, ?4, '') RETURNING id",
                    params![parent_id, unit.kind.as_str(), unit.code.as_str(), unit.name.as_str()],
                )
                .await?
        .ok_or_else(|| ApiError::internal("an INSERT … RETURNING id answered no row"))?;
                let path = unit_path(parent.as_ref(), id);
                db.execute(
                    "UPDATE org_units SET path = ?2 WHERE id = ?1",
                    params![id, path.as_str()],
                )
                .await?;
                applied.counts.created += 1;
                Unit {
                    id,
                    kind: unit.kind.as_str().to_owned(),
                    path,
                    parent_id,
                }
            }
        };
        known.insert(unit.code.clone(), stored);
    }
    Ok(applied)
}

fn unit_path(parent: Option<&Unit>, id: i64) -> String {
    match parent {
        Some(parent) => format!("{}{id}/", parent.path),
        None => format!("/{id}/"),
    }
}

/// Rewrites the paths under `old` (units and their staff) to start with `new`; the
/// caller moves the customers along (their store owns them).
async fn move_subtree(db: &Db, old: &str, new: &str) -> Result<(), ApiError> {
    let (low, high) = subtree_range(old);
    // `low` is `old` itself: `substr(…, length(?1) + 1)` is what follows it.
    db.execute(
        "UPDATE org_units SET path = ?3 || substr(path, length(?1) + 1) WHERE path >= ?1 AND path < ?2",
        params![low.as_str(), high.as_str(), new],
    )
    .await?;
    db.execute(
        "UPDATE staff SET unit_path = ?3 || substr(unit_path, length(?1) + 1) WHERE unit_path >= ?1 AND unit_path < ?2",
        params![low.as_str(), high.as_str(), new],
    )
    .await?;
    Ok(())
}
