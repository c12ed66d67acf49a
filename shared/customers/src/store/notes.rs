//! CUST-5 批注: notes staff leave on a customer, newest first.

use serde::Serialize;
use zhanye_platform::{ApiError, Db, Page, PageQuery, Row, params};

/// A note as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: i64,
    pub body: String,
    pub author_code: String,
    pub author_name: Option<String>,
    pub created_at: String,
}

const SELECT: &str = "SELECT n.id, n.body, n.author_code, s.name AS author_name, n.created_at \
     FROM customer_notes AS n LEFT JOIN staff AS s ON s.code = n.author_code";

impl Note {
    fn from_row(row: &Row) -> Result<Note, ApiError> {
        Ok(Note {
            id: row.get("id")?,
            body: row.get("body")?,
            author_code: row.get("author_code")?,
            author_name: row.get("author_name")?,
            created_at: row.get("created_at")?,
        })
    }
}

/// A note by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<Note>, ApiError> {
    db.query_row(&format!("{SELECT} WHERE n.id = ?1"), params![id])
        .await?
        .map(|row| Note::from_row(&row))
        .transpose()
}

/// Adds a note; answers its id.
pub async fn add(
    db: &Db,
    customer_id: i64,
    author_code: &str,
    body: &str,
    now: &str,
) -> Result<i64, ApiError> {
    let inserted_id: i64 = db
        .query_value(
            "INSERT INTO customer_notes (customer_id, author_code, body, created_at) \
         VALUES (?1, ?2, ?3, ?4) RETURNING id",
            params![customer_id, author_code, body, now],
        )
        .await?
        .ok_or_else(|| ApiError::internal("an INSERT … RETURNING id answered no row"))?;
    Ok(inserted_id)
}

/// One page of a customer's notes, newest first (`customer_notes_customer`).
pub async fn list(db: &Db, customer_id: i64, page: PageQuery) -> Result<Page<Note>, ApiError> {
    let total: i64 = db
        .query_value(
            "SELECT COUNT(*) FROM customer_notes WHERE customer_id = ?1",
            params![customer_id],
        )
        .await?
        .unwrap_or(0);
    let items = db
        .query(
            &format!("{SELECT} WHERE n.customer_id = ?1 ORDER BY n.id DESC LIMIT ?2 OFFSET ?3"),
            params![
                customer_id,
                i64::from(page.limit()),
                i64::try_from(page.offset()).unwrap_or(i64::MAX)
            ],
        )
        .await?
        .iter()
        .map(Note::from_row)
        .collect::<Result<Vec<_>, ApiError>>()?;
    Page::new(items, u64::try_from(total).unwrap_or(0), page)
}
