//! PROD-1/2 the catalog: list and search, count, one product, and the keyset pages an
//! export walks.
//!
//! Every list is in code order, and each filter is an index range already in code
//! order (see migration 0005):
//!
//! | filter | index |
//! |---|---|
//! | none, or the start of the `code` | the primary key (a range of it) |
//! | the end of the `code` (four characters or more) | `products_code_tail` (its last four), with the key's range for its start |
//! | any part of the `name` | `product_grams` (the part's first pair of characters, or its one character), checked with `LIKE` |
//! | `status` / `risk` / `category` | `products_status` / `products_risk` / `products_category` |
//!
//! Lists count at most [`COUNT_CAP`] matches and page within them, as customer lists
//! do (`zhanye_customers::store::search`): a page past the last one is empty, a page
//! starting past the cap is a 422. Exports are not capped: they walk the catalog in
//! keyset pages of [`EXPORT_PAGE_ROWS`] by code.

use serde::Serialize;
use zhanye_customers::store::scope::Sql;
use zhanye_customers::store::search::prefix_range;
use zhanye_platform::grams;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, Db, Lang, Localized, Page, PageQuery, Row, params};

use crate::filters::Filters;
use crate::risk::RiskLevel;
use crate::vocab::{DocumentKind, ProductCategory, ProductStatus};

/// Code searches this long match the code's end as well as its start.
pub const CODE_TAIL_CHARS: usize = 4;
/// Lists count their matches up to this many (as customer lists do); pages start below it.
pub const COUNT_CAP: u64 = 10_000;
/// Rows an export reads per statement.
pub const EXPORT_PAGE_ROWS: u32 = 500;

/// The list columns of `products AS p`.
const SUMMARY_COLUMNS: &str = "p.code, p.name, p.manager, p.risk_level, p.term, p.expected_yield, \
     p.value_date, p.maturity_date, p.min_subscription, p.status, p.category";

/// One row of the product list (the list screen's columns) with the caller's favourite
/// mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductSummary {
    pub code: String,
    pub name: String,
    /// 管理人.
    pub manager: String,
    /// `R1` … `R5`.
    #[serde(rename = "risk_level")]
    pub risk: RiskLevel,
    /// 低 … 高 (in English for `Accept-Language: en`).
    pub risk_label: &'static str,
    /// 产品期限.
    pub term: Option<String>,
    /// 预期年化收益率, the issuer's words.
    pub expected_yield: Option<String>,
    /// 起息日.
    pub value_date: Option<String>,
    /// 到期日.
    pub maturity_date: Option<String>,
    /// 认购起点.
    pub min_subscription: Option<String>,
    pub status: ProductStatus,
    pub category: ProductCategory,
    /// In the caller's favourites (PROD-3).
    pub favorite: bool,
}

/// A stored vocabulary value that is not one: the schema's CHECKs make it a bug.
fn stored<T>(value: Option<T>, column: &str) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::internal(format!("products.{column} holds an unknown value")))
}

impl ProductSummary {
    /// A row of [`SUMMARY_COLUMNS`], with `favorite` when the row has it.
    pub(crate) fn from_row(row: &Row) -> Result<ProductSummary, ApiError> {
        let risk = stored(RiskLevel::from_number(row.get("risk_level")?), "risk_level")?;
        Ok(ProductSummary {
            code: row.get("code")?,
            name: row.get("name")?,
            manager: row.get("manager")?,
            risk,
            risk_label: risk.label_zh(),
            term: row.get("term")?,
            expected_yield: row.get("expected_yield")?,
            value_date: row.get("value_date")?,
            maturity_date: row.get("maturity_date")?,
            min_subscription: row.get("min_subscription")?,
            status: stored(
                ProductStatus::parse(&row.get::<String>("status")?),
                "status",
            )?,
            category: stored(
                ProductCategory::parse(&row.get::<String>("category")?),
                "category",
            )?,
            favorite: match row.value("favorite") {
                Some(_) => row.get("favorite")?,
                None => false,
            },
        })
    }

    /// The risk label in the request's language.
    pub fn localize(mut self, lang: Lang) -> ProductSummary {
        self.risk_label = self.risk.label(lang);
        self
    }
}

/// `WHERE …` of a list: every filter. Each keeps the list's code order (the export
/// walks the primary key in keyset pages with the same conditions).
fn conditions(filters: &Filters) -> Sql {
    let mut sql = Sql::new();
    sql.push(" WHERE 1 = 1");
    // A code by its start (a range of the key), or with four characters or more by its
    // end too (the last digits people quote): the codes that start or end so.
    if let Some(code) = &filters.code {
        let (low, high) = prefix_range(code);
        if code.len() >= CODE_TAIL_CHARS {
            sql.bind(
                " AND p.code IN (SELECT a.code FROM products AS a WHERE a.code >= ?",
                low,
            )
            .bind(" AND a.code < ?", high)
            .bind(
                " UNION ALL SELECT a.code FROM products AS a \
                 WHERE substr(a.code, length(a.code) - 3) = ?",
                code[code.len() - CODE_TAIL_CHARS..].to_owned(),
            )
            .bind(" AND a.code LIKE ?)", format!("%{code}"));
        } else {
            sql.bind(" AND p.code >= ?", low)
                .bind(" AND p.code < ?", high);
        }
    }
    // Any part of the name: the products holding its gram (in code order, as the list
    // is), checked against the whole part.
    if let Some(name) = &filters.name {
        if let Some(gram) = grams::lookup_gram(name) {
            sql.bind(
                " AND p.code IN (SELECT g.code FROM product_grams AS g WHERE g.gram = ?)",
                gram,
            );
        }
        sql.bind(
            " AND lower(p.name) LIKE ? ESCAPE '\\'",
            grams::contains_pattern(name),
        );
    }
    if let Some(status) = filters.status {
        sql.bind(" AND p.status = ?", status.as_str());
    }
    if let Some(risk) = filters.risk {
        sql.bind(" AND p.risk_level = ?", risk.number());
    }
    if let Some(category) = filters.category {
        sql.bind(" AND p.category = ?", category.as_str());
    }
    sql
}

/// One page of the list for `staff_code` (whose favourites are marked).
pub fn page_sql(staff_code: &str, filters: &Filters, limit: u32, offset: u64) -> Sql {
    let mut sql = Sql::new();
    sql.push(&format!("SELECT {SUMMARY_COLUMNS}, "))
        .bind(
            "EXISTS (SELECT 1 FROM product_favorites AS f \
             WHERE f.staff_code = ? AND f.product_code = p.code) AS favorite \
             FROM products AS p",
            staff_code,
        )
        .append(&conditions(filters))
        .bind(" ORDER BY p.code LIMIT ?", i64::from(limit))
        .bind(" OFFSET ?", i64::try_from(offset).unwrap_or(i64::MAX));
    sql
}

/// How many products pass the filters, counting at most [`COUNT_CAP`] + 1.
pub fn count_sql(filters: &Filters) -> Sql {
    let mut sql = Sql::new();
    sql.push("SELECT COUNT(*) FROM (SELECT 1 FROM products AS p")
        .append(&conditions(filters))
        .bind(
            " LIMIT ?) AS matching",
            i64::try_from(COUNT_CAP + 1).unwrap_or(i64::MAX),
        );
    sql
}

/// How many products pass the filters, all of them (an export's row count).
pub fn total_sql(filters: &Filters) -> Sql {
    let mut sql = Sql::new();
    sql.push("SELECT COUNT(*) FROM products AS p")
        .append(&conditions(filters));
    sql
}

/// How many products an export of `filters` holds.
pub async fn total(db: &Db, filters: &Filters) -> Result<u64, ApiError> {
    let sql = total_sql(filters);
    let total: i64 = db.query_value(&sql.text, sql.params).await?.unwrap_or(0);
    Ok(u64::try_from(total).unwrap_or(0))
}

/// The export's next rows: those after code `after` (from the start when `None`).
pub fn export_page_sql(filters: &Filters, after: Option<&str>, limit: u32) -> Sql {
    let mut sql = Sql::new();
    sql.push(&format!("SELECT {SUMMARY_COLUMNS} FROM products AS p"))
        .append(&conditions(filters));
    if let Some(after) = after {
        sql.bind(" AND p.code > ?", after);
    }
    sql.bind(" ORDER BY p.code LIMIT ?", i64::from(limit));
    sql
}

async fn summaries(db: &Db, sql: Sql) -> Result<Vec<ProductSummary>, ApiError> {
    db.query(&sql.text, sql.params)
        .await?
        .iter()
        .map(ProductSummary::from_row)
        .collect()
}

/// 422 for a page that starts at or past [`COUNT_CAP`].
fn page_out_of_range() -> ApiError {
    ApiError::invalid_field("page", reason::OUT_OF_RANGE).with_detail(Localized::new(
        format!("只能翻看前 {COUNT_CAP} 条结果，请缩小查询范围。"),
        format!("Only the first {COUNT_CAP} results can be paged through; narrow the search."),
    ))
}

/// One page of the products that pass `filters`, favourites of `staff_code` marked.
pub async fn search(
    db: &Db,
    staff_code: &str,
    filters: &Filters,
    page: PageQuery,
) -> Result<Page<ProductSummary>, ApiError> {
    if page.offset() >= COUNT_CAP {
        return Err(page_out_of_range());
    }
    let count = count_sql(filters);
    let total: i64 = db
        .query_value(&count.text, count.params)
        .await?
        .unwrap_or(0);
    let total = u64::try_from(total).unwrap_or(0);
    let items = summaries(
        db,
        page_sql(staff_code, filters, page.limit(), page.offset()),
    )
    .await?;
    Ok(Page::new(items, total.min(COUNT_CAP), page)?.capped(total > COUNT_CAP))
}

/// The export's next rows after code `after`, at most `limit`.
pub async fn export_page(
    db: &Db,
    filters: &Filters,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<ProductSummary>, ApiError> {
    summaries(db, export_page_sql(filters, after, limit)).await
}

/// A document as the detail lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    pub kind: DocumentKind,
    /// 风险揭示书, 合同, 说明书 (in English for `Accept-Language: en`).
    pub label: &'static str,
    pub file_name: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, hex (also the download's `ETag`).
    pub sha256: String,
    pub updated_at: String,
    /// Where to download it.
    pub url: String,
}

/// PROD-1 every field of a product, its documents and the caller's favourite mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductDetail {
    #[serde(flatten)]
    pub summary: ProductSummary,
    /// 产品简介.
    pub intro: Option<String>,
    /// 风险特征.
    pub risk_characteristics: Option<String>,
    /// 产品面值.
    pub face_value: Option<String>,
    /// 产品托管人.
    pub custodian: Option<String>,
    /// 管理期限.
    pub management_term: Option<String>,
    /// 相关费率.
    pub fees: Option<String>,
    pub documents: Vec<DocumentInfo>,
    pub created_at: String,
    pub updated_at: String,
}

impl ProductDetail {
    /// The labels in the request's language.
    pub fn localize(mut self, lang: Lang) -> ProductDetail {
        self.summary = self.summary.localize(lang);
        for document in &mut self.documents {
            document.label = lang.pick(document.kind.label_zh(), document.kind.label_en());
        }
        self
    }
}

/// Documents in the order the detail screen lists them.
const DOCUMENT_ORDER: &str =
    "CASE kind WHEN 'risk_disclosure' THEN 1 WHEN 'contract' THEN 2 ELSE 3 END";

/// The product `code`, as `staff_code` sees it.
pub async fn find(
    db: &Db,
    code: &str,
    staff_code: &str,
) -> Result<Option<ProductDetail>, ApiError> {
    let Some(row) = db
        .query_row(
            &format!(
                "SELECT {SUMMARY_COLUMNS}, p.intro, p.risk_characteristics, p.face_value, \
                        p.custodian, p.management_term, p.fees, p.created_at, p.updated_at, \
                        EXISTS (SELECT 1 FROM product_favorites AS f \
                                WHERE f.staff_code = ?2 AND f.product_code = p.code) AS favorite \
                 FROM products AS p WHERE p.code = ?1"
            ),
            params![code, staff_code],
        )
        .await?
    else {
        return Ok(None);
    };
    let summary = ProductSummary::from_row(&row)?;
    let documents = db
        .query(
            &format!(
                "SELECT kind, file_name, size, sha256, updated_at FROM product_documents \
                 WHERE product_code = ?1 ORDER BY {DOCUMENT_ORDER}"
            ),
            params![code],
        )
        .await?
        .iter()
        .map(|d| {
            let kind = stored(DocumentKind::parse(&d.get::<String>("kind")?), "kind")?;
            Ok(DocumentInfo {
                kind,
                label: kind.label_zh(),
                file_name: d.get("file_name")?,
                size: d.get("size")?,
                sha256: d.get("sha256")?,
                updated_at: d.get("updated_at")?,
                url: format!("/api/products/{}/documents/{}", summary.code, kind.as_str()),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Some(ProductDetail {
        intro: row.get("intro")?,
        risk_characteristics: row.get("risk_characteristics")?,
        face_value: row.get("face_value")?,
        custodian: row.get("custodian")?,
        management_term: row.get("management_term")?,
        fees: row.get("fees")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        summary,
        documents,
    }))
}

/// What the suitability rule needs of a product: its level and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rated {
    pub risk: RiskLevel,
    pub status: ProductStatus,
}

/// The risk level and status of the product `code` (primary key).
pub async fn rated(db: &Db, code: &str) -> Result<Option<Rated>, ApiError> {
    let Some(row) = db
        .query_row(
            "SELECT risk_level, status FROM products WHERE code = ?1",
            params![code],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Rated {
        risk: stored(RiskLevel::from_number(row.get("risk_level")?), "risk_level")?,
        status: stored(
            ProductStatus::parse(&row.get::<String>("status")?),
            "status",
        )?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_platform::QueryParams;

    #[test]
    fn statements_bind_every_parameter() {
        let all = Filters::from_params(&QueryParams::parse(Some(
            "code=S1&name=%E6%B5%B7&status=ended&risk=1&category=financial",
        )))
        .unwrap();
        for f in [Filters::default(), all] {
            for sql in [
                page_sql("A0001", &f, 20, 40),
                count_sql(&f),
                total_sql(&f),
                export_page_sql(&f, None, 500),
                export_page_sql(&f, Some("S19108"), 500),
            ] {
                assert_eq!(
                    sql.text.matches('?').count(),
                    sql.params.len(),
                    "{}",
                    sql.text
                );
            }
        }
    }
}
