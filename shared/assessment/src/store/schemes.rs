//! Schemes (考核方案): one per rank from a month on.

use serde::Serialize;
use zhanye_customers::month::Month;
use zhanye_platform::{ApiError, Db, Row, params};

use crate::rank::Rank;
use crate::scheme::SchemeRules;

/// A stored scheme.
#[derive(Debug, Clone, Serialize)]
pub struct Scheme {
    pub id: i64,
    pub rank: Rank,
    /// The first month it applies to.
    pub valid_from: String,
    pub name: String,
    pub rules: SchemeRules,
    pub created_by: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, rank, valid_from, name, rules, created_by, updated_at";

fn from_row(row: &Row) -> Result<Scheme, ApiError> {
    let rank: String = row.get("rank")?;
    let valid_from: i64 = row.get("valid_from")?;
    let rules: String = row.get("rules")?;
    Ok(Scheme {
        id: row.get("id")?,
        rank: Rank::parse(&rank).ok_or_else(|| ApiError::internal(format!("rank {rank:?}")))?,
        valid_from: Month::from_stored(valid_from)
            .map(|m| m.to_string())
            .unwrap_or_default(),
        name: row.get("name")?,
        rules: serde_json::from_str(&rules)
            .map_err(|e| ApiError::internal(format!("scheme rules: {e}")))?,
        created_by: row.get("created_by")?,
        updated_at: row.get("updated_at")?,
    })
}

/// Every scheme, newest first within each rank.
pub async fn all(db: &Db) -> Result<Vec<Scheme>, ApiError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM assessment_schemes ORDER BY rank, valid_from DESC"),
            params![],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// The scheme of each rank that applies to `month` (the latest `valid_from` not after
/// it); ranks without one are missing from the answer.
pub async fn for_month(db: &Db, month: Month) -> Result<Vec<Scheme>, ApiError> {
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM assessment_schemes AS s WHERE valid_from = \
                 (SELECT MAX(valid_from) FROM assessment_schemes AS l \
                  WHERE l.rank = s.rank AND l.valid_from <= ?1) ORDER BY rank"
            ),
            params![month.stored()],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// Saves a (checked) scheme for a rank from a month: a new one, or the rank's scheme
/// from that same month replaced. Answers its id.
pub async fn save(
    db: &Db,
    rank: Rank,
    valid_from: Month,
    name: &str,
    rules: &SchemeRules,
    actor: &str,
    now: &str,
) -> Result<i64, ApiError> {
    let rules = serde_json::to_string(rules).map_err(ApiError::internal)?;
    db.query_value::<i64>(
        "INSERT INTO assessment_schemes (rank, valid_from, name, rules, created_by, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) \
         ON CONFLICT (rank, valid_from) DO UPDATE SET name = excluded.name, rules = excluded.rules, \
             created_by = excluded.created_by, updated_at = excluded.updated_at \
         RETURNING id",
        params![rank.key(), valid_from.stored(), name, rules.as_str(), actor, now],
    )
    .await?
    .ok_or_else(|| ApiError::internal("scheme insert returned no id"))
}
