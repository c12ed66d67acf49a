//! 潜在客户 (CUST-6): recording one, reading one or a page of them within the caller's
//! data scope (ORG-4), and the two moves approvals make — developing it under the
//! requester, confirming it as the customer it became. The mobile number never leaves
//! the store whole: every read masks it.

use serde::Serialize;
use zhanye_customers::masking::mask_mobile;
use zhanye_customers::store::scope::Sql;
use zhanye_platform::{ApiError, Db, Page, PageQuery, Row, params};
use zhanye_staff::Principal;
use zhanye_staff::org::subtree_range;

use crate::prospect::NewProspect;
use crate::view::Person;

/// A prospect as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prospect {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// Masked (`139****5678`).
    pub mobile: Option<String>,
    pub company: String,
    pub address: String,
    pub source: String,
    pub remarks: String,
    pub owner: Person,
    pub unit_path: String,
    pub status: String,
    /// The customer it became, once confirmed.
    pub customer_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

impl Prospect {
    pub fn owner_code(&self) -> &str {
        &self.owner.code
    }

    fn from_row(row: &Row) -> Result<Prospect, ApiError> {
        Ok(Prospect {
            id: row.get("id")?,
            name: row.get("name")?,
            kind: row.get("kind")?,
            mobile: row
                .get::<Option<String>>("mobile")?
                .map(|m| mask_mobile(&m)),
            company: row.get("company")?,
            address: row.get("address")?,
            source: row.get("source")?,
            remarks: row.get("remarks")?,
            owner: Person {
                code: row.get("owner_code")?,
                name: row.get("owner_name")?,
            },
            unit_path: row.get("unit_path")?,
            status: row.get("status")?,
            customer_id: row.get("customer_id")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
        })
    }
}

const SELECT: &str = "SELECT p.id, p.name, p.kind, p.mobile, p.company, p.address, p.source, \
            p.remarks, p.owner_code, s.name AS owner_name, p.unit_path, p.status, p.customer_id, \
            p.created_at, p.updated_at \
     FROM prospects AS p LEFT JOIN staff AS s ON s.code = p.owner_code";

/// Records a prospect owned by `owner_code` at `unit_path`; answers its id.
pub async fn insert(
    db: &Db,
    prospect: &NewProspect,
    owner_code: &str,
    unit_path: &str,
    now: &str,
) -> Result<i64, ApiError> {
    let inserted_id: i64 = db.query_value(
        "INSERT INTO prospects (name, kind, mobile, company, address, source, remarks, owner_code, \
                                unit_path, status, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'potential', ?10, ?10) RETURNING id",
        params![
            prospect.name.as_str(),
            prospect.kind.as_str(),
            prospect.mobile.as_deref(),
            prospect.company.as_str(),
            prospect.address.as_str(),
            prospect.source.as_str(),
            prospect.remarks.as_str(),
            owner_code,
            unit_path,
            now
        ],
    )
    .await?
        .ok_or_else(|| ApiError::internal("an INSERT … RETURNING id answered no row"))?;
    Ok(inserted_id)
}

/// A prospect by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<Prospect>, ApiError> {
    db.query_row(&format!("{SELECT} WHERE p.id = ?1"), params![id])
        .await?
        .map(|row| Prospect::from_row(&row))
        .transpose()
}

/// The prospect a customer was confirmed from, if any (`prospects_customer`).
pub async fn confirmed_as(db: &Db, customer_id: i64) -> Result<Option<i64>, ApiError> {
    db.query_value(
        "SELECT id FROM prospects WHERE customer_id = ?1 AND customer_id IS NOT NULL",
        params![customer_id],
    )
    .await
}

/// A development task book approved: the prospect, still `potential`, is developed by
/// `developer` (whose unit it now lies in). Answers whether it was still potential.
pub async fn develop(db: &Db, id: i64, developer: &str, now: &str) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "UPDATE prospects SET status = 'developing', owner_code = ?2, \
                    unit_path = (SELECT unit_path FROM staff WHERE code = ?2), updated_at = ?3 \
             WHERE id = ?1 AND status = 'potential'",
            params![id, developer, now],
        )
        .await?
        == 1)
}

/// A new-customer confirmation approved: the prospect, still `developing`, is
/// `confirmed` as `customer_id`. Answers whether it was still developing.
pub async fn confirm(db: &Db, id: i64, customer_id: i64, now: &str) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "UPDATE prospects SET status = 'confirmed', customer_id = ?2, updated_at = ?3 \
             WHERE id = ?1 AND status = 'developing'",
            params![id, customer_id, now],
        )
        .await?
        == 1)
}

/// A prospect given up (放弃) by its owner: `dropped`, while still `potential` or
/// `developing`. Answers whether it was.
pub async fn abandon(db: &Db, id: i64, now: &str) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "UPDATE prospects SET status = 'dropped', updated_at = ?2 \
             WHERE id = ?1 AND status IN ('potential', 'developing')",
            params![id, now],
        )
        .await?
        == 1)
}

/// What a prospect list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProspectFilter {
    /// One of [`STATUSES`](crate::prospect::STATUSES).
    pub status: Option<String>,
    /// Part of the name or company, or the whole mobile number.
    pub q: Option<String>,
}

/// `WHERE …` of the prospects `actor` reads (ORG-4): their own (`prospects_owner`), or
/// those within their unit subtree (`prospects_unit`: a lead's team, a manager's
/// branch, HQ's whole tree).
pub fn filter(actor: &Principal, narrowing: &ProspectFilter) -> Sql {
    let mut sql = Sql::new();
    if actor.roles.reads_unit_subtree() {
        let (low, high) = subtree_range(&actor.unit_path);
        sql.bind(" WHERE p.unit_path >= ?", low)
            .bind(" AND p.unit_path < ?", high);
    } else {
        sql.bind(" WHERE p.owner_code = ?", actor.code.as_str());
    }
    if let Some(status) = &narrowing.status {
        sql.bind(" AND p.status = ?", status.as_str());
    }
    if let Some(q) = &narrowing.q {
        // Contains `q` (exactly, case and all): removing it changes the text.
        sql.bind(" AND (replace(p.name, ?, '') <> p.name", q.as_str())
            .bind(" OR replace(p.company, ?, '') <> p.company", q.as_str())
            .bind(" OR p.mobile = ?)", q.as_str());
    }
    sql
}

/// One page of the prospects `actor` reads, newest first.
pub async fn list(
    db: &Db,
    actor: &Principal,
    narrowing: &ProspectFilter,
    page: PageQuery,
) -> Result<Page<Prospect>, ApiError> {
    let filter = filter(actor, narrowing);
    let mut count = Sql::new();
    count
        .push("SELECT COUNT(*) FROM prospects AS p")
        .append(&filter);
    let total: i64 = db
        .query_value(&count.text, count.params)
        .await?
        .unwrap_or(0);
    let rows = page_sql(&filter, page);
    let items = if total == 0 {
        Vec::new()
    } else {
        db.query(&rows.text, rows.params)
            .await?
            .iter()
            .map(Prospect::from_row)
            .collect::<Result<Vec<_>, _>>()?
    };
    Page::new(items, u64::try_from(total).unwrap_or(0), page)
}

/// One page of prospects matching `filter`, newest first.
pub fn page_sql(filter: &Sql, page: PageQuery) -> Sql {
    let mut rows = Sql::new();
    rows.push(SELECT)
        .append(filter)
        .bind(" ORDER BY p.id DESC LIMIT ?", i64::from(page.limit()))
        .bind(
            " OFFSET ?",
            i64::try_from(page.offset()).unwrap_or(i64::MAX),
        );
    rows
}
