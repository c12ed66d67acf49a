//! PROD-3 收藏夹: a staff member's favourite products, newest first; HOME shows them
//! through [`for_home`].

use zhanye_platform::{ApiError, Db, Page, PageQuery, params};

use crate::store::catalog::ProductSummary;

/// Adds a favourite; answers whether it was not one before.
pub async fn add(db: &Db, staff_code: &str, code: &str, now: &str) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "INSERT INTO product_favorites (staff_code, product_code, created_at) \
             VALUES (?1, ?2, ?3) ON CONFLICT (staff_code, product_code) DO NOTHING",
            params![staff_code, code, now],
        )
        .await?
        == 1)
}

/// Removes a favourite; answers whether it was one.
pub async fn remove(db: &Db, staff_code: &str, code: &str) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "DELETE FROM product_favorites WHERE staff_code = ?1 AND product_code = ?2",
            params![staff_code, code],
        )
        .await?
        == 1)
}

/// The favourites' rows, newest first (`product_favorites_recent`, then each product
/// by its primary key).
const FAVORITES: &str = "\
    SELECT p.code, p.name, p.manager, p.risk_level, p.term, p.expected_yield, p.value_date, \
           p.maturity_date, p.min_subscription, p.status, p.category, 1 AS favorite \
    FROM product_favorites AS f JOIN products AS p ON p.code = f.product_code \
    WHERE f.staff_code = ?1 \
    ORDER BY f.created_at DESC, f.product_code LIMIT ?2 OFFSET ?3";

async fn rows(
    db: &Db,
    staff_code: &str,
    limit: u32,
    offset: u64,
) -> Result<Vec<ProductSummary>, ApiError> {
    db.query(
        FAVORITES,
        params![
            staff_code,
            i64::from(limit),
            i64::try_from(offset).unwrap_or(i64::MAX)
        ],
    )
    .await?
    .iter()
    .map(ProductSummary::from_row)
    .collect()
}

/// One page of the caller's favourites, newest first.
pub async fn list(
    db: &Db,
    staff_code: &str,
    page: PageQuery,
) -> Result<Page<ProductSummary>, ApiError> {
    let total: i64 = db
        .query_value(
            "SELECT COUNT(*) FROM product_favorites WHERE staff_code = ?1",
            params![staff_code],
        )
        .await?
        .unwrap_or(0);
    let items = rows(db, staff_code, page.limit(), page.offset()).await?;
    Page::new(items, u64::try_from(total).unwrap_or(0), page)
}

/// HOME-3 收藏夹: the newest `limit` favourites of `staff_code`.
pub async fn for_home(
    db: &Db,
    staff_code: &str,
    limit: u32,
) -> Result<Vec<ProductSummary>, ApiError> {
    rows(db, staff_code, limit, 0).await
}
