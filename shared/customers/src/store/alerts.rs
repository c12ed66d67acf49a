//! ALERT-1 预警 as their owner reads them: one staff member's alerts, unread first, and
//! the acknowledgement (已读确认) with its note. An alert belongs to the staff member it
//! reached (`staff_code`), whoever owns the customer now; nobody else reads or
//! acknowledges it, so every statement here is keyed by that code.

use serde::Serialize;
use zhanye_platform::{ApiError, Db, Page, PageQuery, Row, params};

use crate::store::scope::{Sql, page_of};

/// One alert as listed, with the customer it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub id: i64,
    pub customer_id: i64,
    pub account_no: String,
    pub customer_name: String,
    /// One of [`crate::alerts::KINDS`].
    pub kind: String,
    /// The business day of what raised it (yyyy-mm-dd).
    pub day: String,
    /// What raised it, e.g. the account event kind (`cancelled`, `dividend`).
    pub detail: String,
    pub created_at: String,
    /// When it was acknowledged (RFC 3339 UTC); absent while unread.
    pub read_at: Option<String>,
    pub note: Option<String>,
}

const COLUMNS: &str = "SELECT a.id, a.customer_id, c.account_no, c.name AS customer_name, a.kind, \
                       a.day, a.detail, a.created_at, a.read_at, a.note";

/// Unread first, then the newest day; ties by the newest raised.
pub const ORDER: &str =
    "CASE WHEN a.read_at IS NULL THEN 0 ELSE 1 END, a.day DESC, a.created_at DESC, a.id DESC";

impl Alert {
    fn from_row(row: &Row) -> Result<Alert, ApiError> {
        Ok(Alert {
            id: row.get("id")?,
            customer_id: row.get("customer_id")?,
            account_no: row.get("account_no")?,
            customer_name: row.get("customer_name")?,
            kind: row.get("kind")?,
            day: row.get("day")?,
            detail: row.get("detail")?,
            created_at: row.get("created_at")?,
            read_at: row.get("read_at")?,
            note: row.get("note")?,
        })
    }
}

/// `FROM … WHERE …`: the alerts that reached `staff_code`, of `kind` when given
/// (`customer_alerts_staff` finds both).
pub fn alerts_from(staff_code: &str, kind: Option<&str>) -> Sql {
    let mut sql = Sql::new();
    sql.bind(
        " FROM customer_alerts AS a JOIN customers AS c ON c.id = a.customer_id \
          WHERE a.staff_code = ?",
        staff_code,
    );
    if let Some(kind) = kind {
        sql.bind(" AND a.kind = ?", kind);
    }
    sql
}

/// One page of `staff_code`'s alerts in [`ORDER`].
pub async fn list(
    db: &Db,
    staff_code: &str,
    kind: Option<&str>,
    page: PageQuery,
) -> Result<Page<Alert>, ApiError> {
    let mut select = Sql::new();
    select.push(COLUMNS);
    page_of(
        db,
        select,
        &alerts_from(staff_code, kind),
        ORDER,
        page,
        Alert::from_row,
    )
    .await
}

/// Alert `id` if it reached `staff_code`; someone else's is `None`, as a missing one.
pub async fn find(db: &Db, staff_code: &str, id: i64) -> Result<Option<Alert>, ApiError> {
    let mut sql = Sql::new();
    sql.push(COLUMNS)
        .append(&alerts_from(staff_code, None))
        .bind(" AND a.id = ?", id);
    db.query_row(&sql.text, sql.params)
        .await?
        .map(|row| Alert::from_row(&row))
        .transpose()
}

/// Marks alert `id` of `staff_code` read at `now` with `note`; answers whether it was
/// unread (a repeat changes nothing, and keeps the first note).
pub async fn acknowledge(
    db: &Db,
    staff_code: &str,
    id: i64,
    note: Option<&str>,
    now: &str,
) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "UPDATE customer_alerts SET read_at = ?3, note = ?4 \
             WHERE id = ?1 AND staff_code = ?2 AND read_at IS NULL",
            params![id, staff_code, now, note],
        )
        .await?
        == 1)
}
