//! CUST-4 关注: a staff member's followed customers. Following is the caller's own
//! bookmark, so anyone who reads a customer may follow it; the list shows only
//! customers still in the caller's scope.

use chrono::NaiveDate;
use zhanye_platform::{ApiError, Db, Page, PageQuery, params};
use zhanye_staff::Principal;

use crate::store::scope::{Sql, page_of, read_filter};
use crate::store::search::ListItem;

/// Follows a customer; answers whether it was not followed before.
pub async fn follow(
    db: &Db,
    staff_code: &str,
    customer_id: i64,
    now: &str,
) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "INSERT INTO follows (staff_code, customer_id, created_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (staff_code, customer_id) DO NOTHING",
            params![staff_code, customer_id, now],
        )
        .await?
        == 1)
}

/// Stops following a customer; answers whether it was followed.
pub async fn unfollow(db: &Db, staff_code: &str, customer_id: i64) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "DELETE FROM follows WHERE staff_code = ?1 AND customer_id = ?2",
            params![staff_code, customer_id],
        )
        .await?
        == 1)
}

/// `FROM follows … WHERE …`: the follows of `code` of customers within the read filter
/// `scope` (`None`: all), not deleted.
pub fn followed_from(code: &str, scope: Option<&Sql>) -> Sql {
    let mut sql = Sql::new();
    sql.bind(
        " FROM follows AS f JOIN customers AS c ON c.id = f.customer_id \
          LEFT JOIN staff AS s ON s.code = c.owner_code \
          WHERE f.staff_code = ? AND c.deleted_at IS NULL",
        code,
    );
    if let Some(filter) = scope {
        sql.push(" AND ").append(filter);
    }
    sql
}

/// One page of the customers the caller follows, latest followed first.
pub async fn followed(
    db: &Db,
    scope: &Principal,
    today: NaiveDate,
    page: PageQuery,
) -> Result<Page<ListItem>, ApiError> {
    let filter = read_filter(db, scope, today).await?;
    let from = followed_from(&scope.code, filter.as_ref());
    let mut select = Sql::new();
    select.push(
        "SELECT c.id, c.account_no, c.name, c.status, c.grade, c.level, c.risk_tolerance, \
                c.owner_code, s.name AS owner_name, c.total_assets, c.open_date, c.tags, \
                1 AS followed",
    );
    page_of(
        db,
        select,
        &from,
        "f.created_at DESC, c.id DESC",
        page,
        ListItem::from_row,
    )
    .await
}
