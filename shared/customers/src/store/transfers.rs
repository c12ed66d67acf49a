//! ORG-5 转让: the owner asks to hand a customer on; the branch manager of the
//! customer's branch approves (naming the new owner) or rejects. Approval moves the
//! customer with its HOME-1 figures ([`super::owners::reassign`]) and ends its
//! delegations. A customer has at most one pending request
//! (`customer_transfers_one_pending`).

use serde::Serialize;
use zhanye_platform::{ApiError, Db, Page, PageQuery, Row, params};
use zhanye_staff::org::subtree_range;

use crate::store::scope::Sql;
use crate::store::{delegations, owners};

/// A transfer request as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub id: i64,
    pub customer_id: i64,
    pub account_no: String,
    pub customer_name: String,
    pub from_code: String,
    pub from_name: Option<String>,
    /// The suggested new owner while pending; the new owner once approved.
    pub to_code: Option<String>,
    pub to_name: Option<String>,
    pub reason: String,
    pub status: String,
    pub requested_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: String,
    /// The customer's unit path now (the branch manager's scope is checked on it).
    #[serde(skip)]
    pub customer_unit_path: String,
}

const SELECT: &str = "SELECT t.id, t.customer_id, c.account_no, c.name AS customer_name, \
            t.from_code, f.name AS from_name, t.to_code, n.name AS to_name, t.reason, t.status, \
            t.requested_at, t.decided_by, t.decided_at, t.comment, c.unit_path AS customer_unit_path \
     FROM customer_transfers AS t JOIN customers AS c ON c.id = t.customer_id \
     LEFT JOIN staff AS f ON f.code = t.from_code LEFT JOIN staff AS n ON n.code = t.to_code";

impl Transfer {
    fn from_row(row: &Row) -> Result<Transfer, ApiError> {
        Ok(Transfer {
            id: row.get("id")?,
            customer_id: row.get("customer_id")?,
            account_no: row.get("account_no")?,
            customer_name: row.get("customer_name")?,
            from_code: row.get("from_code")?,
            from_name: row.get("from_name")?,
            to_code: row.get("to_code")?,
            to_name: row.get("to_name")?,
            reason: row.get("reason")?,
            status: row.get("status")?,
            requested_at: row.get("requested_at")?,
            decided_by: row.get("decided_by")?,
            decided_at: row.get("decided_at")?,
            comment: row.get("comment")?,
            customer_unit_path: row.get("customer_unit_path")?,
        })
    }
}

/// The pending request of a customer, if any.
pub async fn pending_for(db: &Db, customer_id: i64) -> Result<Option<Transfer>, ApiError> {
    db.query_row(
        &format!("{SELECT} WHERE t.customer_id = ?1 AND t.status = 'pending'"),
        params![customer_id],
    )
    .await?
    .map(|row| Transfer::from_row(&row))
    .transpose()
}

/// A request by id, with its customer not deleted.
pub async fn find(db: &Db, id: i64) -> Result<Option<Transfer>, ApiError> {
    db.query_row(
        &format!("{SELECT} WHERE t.id = ?1 AND c.deleted_at IS NULL"),
        params![id],
    )
    .await?
    .map(|row| Transfer::from_row(&row))
    .transpose()
}

/// Files a request (there is no pending one: check with [`pending_for`]); answers its
/// id.
pub async fn request(
    db: &Db,
    customer_id: i64,
    from_code: &str,
    suggested_code: Option<&str>,
    unit_path: &str,
    reason: &str,
    now: &str,
) -> Result<i64, ApiError> {
    db.execute(
        "INSERT INTO customer_transfers (customer_id, from_code, to_code, unit_path, reason, \
                                         status, requested_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
        params![
            customer_id,
            from_code,
            suggested_code,
            unit_path,
            reason,
            now
        ],
    )
    .await?;
    Ok(db.last_insert_rowid().await)
}

/// Whose requests a list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requests<'a> {
    /// Filed for customers within this unit subtree (a branch manager's branch).
    Within(&'a str),
    /// Filed by this staff member.
    By(&'a str),
}

/// One page of requests with `status` (one of
/// [`TRANSFER_STATUSES`](crate::rules::TRANSFER_STATUSES), written into the statement so
/// the pending-only index applies), newest first.
pub async fn list(
    db: &Db,
    whose: &Requests<'_>,
    status: &'static str,
    page: PageQuery,
) -> Result<Page<Transfer>, ApiError> {
    let mut filter = Sql::new();
    match whose {
        Requests::Within(root) => {
            let (low, high) = subtree_range(root);
            filter
                .bind(" WHERE t.unit_path >= ?", low)
                .bind(" AND t.unit_path < ?", high);
        }
        Requests::By(code) => {
            filter.bind(" WHERE t.from_code = ?", *code);
        }
    }
    let status = crate::rules::TRANSFER_STATUSES
        .into_iter()
        .find(|s| *s == status)
        .unwrap_or("pending");
    filter
        .push(&format!(" AND t.status = '{status}'"))
        .push(" AND c.deleted_at IS NULL");
    let mut count = Sql::new();
    count
        .push(
            "SELECT COUNT(*) FROM customer_transfers AS t JOIN customers AS c ON c.id = t.customer_id",
        )
        .append(&filter);
    let total: i64 = db
        .query_value(&count.text, count.params)
        .await?
        .unwrap_or(0);
    let mut rows = Sql::new();
    rows.push(SELECT)
        .append(&filter)
        .bind(" ORDER BY t.id DESC LIMIT ?", i64::from(page.limit()))
        .bind(
            " OFFSET ?",
            i64::try_from(page.offset()).unwrap_or(i64::MAX),
        );
    let items = db
        .query(&rows.text, rows.params)
        .await?
        .iter()
        .map(Transfer::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(items, u64::try_from(total).unwrap_or(0), page))
}

/// Approves a pending request: `new_owner` takes the customer (and its HOME-1
/// figures), its delegations end. Answers whether the request was still pending. Run it
/// in a transaction.
pub async fn approve(
    db: &Db,
    transfer: &Transfer,
    new_owner: &str,
    decided_by: &str,
    comment: &str,
    now: &str,
) -> Result<bool, ApiError> {
    if !decide(
        db,
        transfer.id,
        "approved",
        Some(new_owner),
        decided_by,
        comment,
        now,
    )
    .await?
    {
        return Ok(false);
    }
    owners::reassign(db, &[transfer.customer_id], new_owner, now).await?;
    delegations::end_all(db, transfer.customer_id, now).await?;
    Ok(true)
}

/// Rejects a pending request; answers whether it was still pending.
pub async fn reject(
    db: &Db,
    transfer: &Transfer,
    decided_by: &str,
    comment: &str,
    now: &str,
) -> Result<bool, ApiError> {
    decide(db, transfer.id, "rejected", None, decided_by, comment, now).await
}

async fn decide(
    db: &Db,
    id: i64,
    status: &str,
    to_code: Option<&str>,
    decided_by: &str,
    comment: &str,
    now: &str,
) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "UPDATE customer_transfers SET status = ?2, to_code = COALESCE(?3, to_code), \
                    decided_by = ?4, decided_at = ?5, comment = ?6 \
             WHERE id = ?1 AND status = 'pending'",
            params![id, status, to_code, decided_by, now, comment],
        )
        .await?
        == 1)
}
