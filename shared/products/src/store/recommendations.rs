//! PROD-4 产品推介: every recommendation made, with the levels the suitability rule
//! compared. Read by staff (`product_recommendations_staff`) and by customer
//! (`product_recommendations_customer`).

use serde::Serialize;
use zhanye_platform::{ApiError, Db, Page, PageQuery, Row, params};

use crate::risk::RiskLevel;
use crate::suitability::RiskTolerance;

/// A recommendation to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecommendation<'a> {
    pub product_code: &'a str,
    pub customer_id: i64,
    pub staff_code: &'a str,
    pub risk: RiskLevel,
    pub tolerance: RiskTolerance,
    pub note: &'a str,
    pub created_at: &'a str,
}

/// A recommendation as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    pub id: i64,
    pub product_code: String,
    pub product_name: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub account_no: String,
    pub staff_code: String,
    /// The product's level when recommended.
    pub risk_level: RiskLevel,
    /// The customer's tolerance when recommended.
    pub risk_tolerance: String,
    pub note: String,
    pub created_at: String,
}

impl Recommendation {
    fn from_row(row: &Row) -> Result<Recommendation, ApiError> {
        Ok(Recommendation {
            id: row.get("id")?,
            product_code: row.get("product_code")?,
            product_name: row.get("product_name")?,
            customer_id: row.get("customer_id")?,
            customer_name: row.get("customer_name")?,
            account_no: row.get("account_no")?,
            staff_code: row.get("staff_code")?,
            risk_level: RiskLevel::from_number(row.get("risk_level")?).ok_or_else(|| {
                ApiError::internal("product_recommendations.risk_level out of range")
            })?,
            risk_tolerance: row.get("risk_tolerance")?,
            note: row.get("note")?,
            created_at: row.get("created_at")?,
        })
    }
}

const SELECT: &str = "\
    SELECT r.id, r.product_code, p.name AS product_name, r.customer_id, c.name AS customer_name, \
           c.account_no, r.staff_code, r.risk_level, r.risk_tolerance, r.note, r.created_at \
    FROM product_recommendations AS r \
    JOIN products AS p ON p.code = r.product_code \
    JOIN customers AS c ON c.id = r.customer_id";

/// Records a recommendation; answers its id. Run it in a transaction with its audit.
pub async fn add(db: &Db, new: &NewRecommendation<'_>) -> Result<i64, ApiError> {
    let inserted_id: i64 = db
        .query_value(
            "INSERT INTO product_recommendations \
             (product_code, customer_id, staff_code, risk_level, risk_tolerance, note, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            params![
                new.product_code,
                new.customer_id,
                new.staff_code,
                new.risk.number(),
                new.tolerance.as_str(),
                new.note,
                new.created_at
            ],
        )
        .await?
        .ok_or_else(|| ApiError::internal("an INSERT … RETURNING id answered no row"))?;
    Ok(inserted_id)
}

/// One recommendation by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<Recommendation>, ApiError> {
    db.query_row(&format!("{SELECT} WHERE r.id = ?1"), params![id])
        .await?
        .map(|row| Recommendation::from_row(&row))
        .transpose()
}

/// One page of what `staff_code` recommended of product `code`, newest first.
pub async fn by_staff(
    db: &Db,
    staff_code: &str,
    code: &str,
    page: PageQuery,
) -> Result<Page<Recommendation>, ApiError> {
    let total: i64 = db
        .query_value(
            "SELECT COUNT(*) FROM product_recommendations WHERE staff_code = ?1 AND product_code = ?2",
            params![staff_code, code],
        )
        .await?
        .unwrap_or(0);
    let items = db
        .query(
            &format!(
                "{SELECT} WHERE r.staff_code = ?1 AND r.product_code = ?2 \
                 ORDER BY r.id DESC LIMIT ?3 OFFSET ?4"
            ),
            params![
                staff_code,
                code,
                i64::from(page.limit()),
                i64::try_from(page.offset()).unwrap_or(i64::MAX)
            ],
        )
        .await?
        .iter()
        .map(Recommendation::from_row)
        .collect::<Result<Vec<_>, ApiError>>()?;
    Page::new(items, u64::try_from(total).unwrap_or(0), page)
}

/// The newest `limit` recommendations made to customer `customer_id` (its timeline).
pub async fn for_customer(
    db: &Db,
    customer_id: i64,
    limit: u32,
) -> Result<Vec<Recommendation>, ApiError> {
    db.query(
        &format!("{SELECT} WHERE r.customer_id = ?1 ORDER BY r.id DESC LIMIT ?2"),
        params![customer_id, i64::from(limit)],
    )
    .await?
    .iter()
    .map(Recommendation::from_row)
    .collect()
}
