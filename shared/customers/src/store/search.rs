//! CUST-1 list and search, and the export of the same list.
//!
//! Every filter narrows an index range or lookup, and the scope (see [`super::scope`])
//! is one too, so SQLite picks the narrowest:
//!
//! | filter | index |
//! |---|---|
//! | scope own / subtree | `customers_owner` / `customers_unit` |
//! | `q` any part of the name, HQ | `customer_name_grams` (the query's first pair of characters, in name order), checked with `LIKE` |
//! | `q` any part of the name, within a scope | the scope's, checked with `LIKE` |
//! | `q` digits: account-number prefix | the unique index on `account_no` |
//! | `q` 4+ digits: account-number suffix too | `customers_account_tail` (the last four digits) |
//! | `owner` | `customers_owner` |
//! | `grade` and `level` (HQ) | `customers_grade_level_live` |
//! | `tag` | `customer_tags` primary key (`tag`, `customer_id`) |
//! | `stock` | `positions_security` (held, quantity > 0) |
//! | sort by assets / open date with no narrower filter (HQ) | `customers_assets` / `customers_open_date` |
//!
//! `customers_id_live` says whether a tagged or holding customer is live without
//! reading the table, so HQ's capped count of a broad tag is an index-only join, as
//! the count of a broad grade and level is an index-only range.
//!
//! The page is chosen on ids first; names of owners and whether the caller follows each
//! customer are looked up for the page's rows only.

use chrono::NaiveDate;
use serde::Serialize;
use zhanye_money::Money;
use zhanye_platform::grams;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, Db, FieldError, Localized, Page, PageQuery, QueryParams, Row};
use zhanye_staff::Principal;

use crate::status::CustomerStatus;
use crate::store::scope::{Sql, read_filter};

/// The most rows an export holds.
pub const EXPORT_MAX_ROWS: u32 = 10_000;
const TEXT_FILTER_MAX_CHARS: usize = 64;

/// How a list is ordered (`sort=`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// `name` (default).
    #[default]
    Name,
    /// `total_assets`.
    AssetsAscending,
    /// `-total_assets`.
    AssetsDescending,
    /// `open_date`.
    OpenedFirst,
    /// `-open_date`.
    OpenedLast,
}

impl Sort {
    pub const KEYS: [&'static str; 5] = [
        "name",
        "total_assets",
        "-total_assets",
        "open_date",
        "-open_date",
    ];

    pub fn parse(text: &str) -> Option<Sort> {
        Some(match text {
            "name" => Sort::Name,
            "total_assets" => Sort::AssetsAscending,
            "-total_assets" => Sort::AssetsDescending,
            "open_date" => Sort::OpenedFirst,
            "-open_date" => Sort::OpenedLast,
            _ => return None,
        })
    }

    /// `ORDER BY` of `customers AS c`; ties broken by id so pages never overlap.
    /// Customers without an opening date come first (SQLite's order, spelt out), the
    /// order `customers_open_date` keeps on both databases, read either way.
    pub fn order_by(self) -> &'static str {
        match self {
            Sort::Name => "c.name, c.id",
            Sort::AssetsAscending => "c.total_assets, c.id",
            Sort::AssetsDescending => "c.total_assets DESC, c.id DESC",
            Sort::OpenedFirst => "c.open_date NULLS FIRST, c.id",
            Sort::OpenedLast => "c.open_date DESC NULLS LAST, c.id DESC",
        }
    }
}

/// What `q` searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Any part of the name (客户名称): a surname, a given name, a word of a firm's name.
    Name(String),
    /// An account number (资金账号) `q` of digits only: its start, or with four digits or
    /// more its end too (the last digits people read off a statement).
    AccountNo(String),
}

/// Account-number searches this long match the number's end as well as its start.
pub const ACCOUNT_TAIL_DIGITS: usize = 4;

/// The filters of a customer list (CUST-1), as the query string gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub text: Option<Text>,
    pub status: Option<CustomerStatus>,
    pub grade: Option<String>,
    pub level: Option<String>,
    pub tag: Option<String>,
    /// A held security's code.
    pub stock: Option<String>,
    /// The owner's staff code (a lead's look at one member's book).
    pub owner: Option<String>,
    pub sort: Sort,
}

impl Filters {
    /// Reads `q`, `status`, `grade`, `level`, `tag`, `stock`, `owner` and `sort`; empty
    /// ones (and a `q` of spaces) are absent. Unknown statuses and sort keys and over-long texts are 422s naming the
    /// parameter.
    pub fn from_params(params: &QueryParams) -> Result<Filters, ApiError> {
        let mut errors = Vec::new();
        let q = match params.get_text("q", TEXT_FILTER_MAX_CHARS) {
            Ok(q) => q.map(str::to_owned),
            Err(error) => {
                errors.push(error);
                None
            }
        };
        let mut text = |name: &str| {
            let value = params.get_non_empty(name)?;
            if value.chars().count() > TEXT_FILTER_MAX_CHARS {
                errors.push(FieldError::new(name, reason::TOO_LONG));
                return None;
            }
            Some(value.to_owned())
        };
        let grade = text("grade");
        let level = text("level");
        let tag = text("tag");
        let stock = text("stock");
        let owner = text("owner");
        let status = params.get_non_empty("status").and_then(|s| {
            let parsed = CustomerStatus::parse(s);
            if parsed.is_none() {
                errors.push(FieldError::new("status", reason::INVALID));
            }
            parsed
        });
        let sort = match params.get_non_empty("sort") {
            None => Sort::Name,
            Some(key) => Sort::parse(key).unwrap_or_else(|| {
                errors.push(FieldError::new("sort", reason::INVALID));
                Sort::Name
            }),
        };
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let text = q.map(|q| {
            if q.bytes().all(|b| b.is_ascii_digit()) {
                Text::AccountNo(q)
            } else {
                Text::Name(q)
            }
        });
        Ok(Filters {
            text,
            status,
            grade,
            level,
            tag,
            stock,
            owner,
            sort,
        })
    }

    /// The filters as they were asked, for the audit log of an export.
    pub fn describe(&self) -> serde_json::Value {
        let text = match &self.text {
            Some(Text::Name(q) | Text::AccountNo(q)) => Some(q.as_str()),
            None => None,
        };
        serde_json::json!({
            "q": text,
            "status": self.status.map(CustomerStatus::as_str),
            "grade": self.grade,
            "level": self.level,
            "tag": self.tag,
            "stock": self.stock,
            "owner": self.owner,
        })
    }
}

/// The half-open range of texts that start with `prefix`, for `col >= ? AND col < ?`
/// (an index range; `LIKE` would not use the index under SQLite's case-insensitive
/// default). Text compares by its UTF-8 bytes, and no character sorts above U+10FFFF.
pub fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_owned(), format!("{prefix}\u{10FFFF}"))
}

/// Where a list's ids come from, with its first condition: the live customers, or for
/// HQ's search by a part of the name (no scope to narrow it) that part's gram rows,
/// read in name order so a page stops where it is full. Only live customers have
/// grams, so a search with no other filter is counted on the grams alone (the join is
/// a LEFT JOIN on the key, which both databases leave out when nothing reads it).
fn source(scope: Option<&Sql>, filters: &Filters) -> (Sql, Option<&'static str>) {
    let mut sql = Sql::new();
    if let (Some(Text::Name(q)), None) = (&filters.text, scope)
        && let Some(gram) = grams::lookup_gram(q)
    {
        sql.bind(
            " FROM customer_name_grams AS g LEFT JOIN customers AS c ON c.id = g.customer_id \
             WHERE g.gram = ?",
            gram,
        );
        let order = (filters.sort == Sort::Name).then_some("g.name, g.customer_id");
        return (sql, order);
    }
    sql.push(" FROM customers AS c WHERE c.deleted_at IS NULL");
    (sql, None)
}

/// `FROM … WHERE …` of a list: live, in scope (`scope`, `None` for all), and
/// every filter; and the order its source reads in when that is the list's own.
/// Within a scope the status, grade and level terms are written `c.status || ''` (an
/// expression, so no index on them is chosen over the scope's own; SQLite's
/// `+c.status` is not PostgreSQL) (a rep's few hundred customers must not be found by
/// walking every existing customer of the firm).
fn conditions(scope: Option<&Sql>, filters: &Filters) -> (Sql, Option<&'static str>) {
    let (mut sql, order) = source(scope, filters);
    if let Some(scope) = scope {
        sql.push(" AND ").append(scope);
    }
    let column = |name: &str| {
        if scope.is_some() {
            format!(" AND c.{name} || '' = ?")
        } else {
            format!(" AND c.{name} = ?")
        }
    };
    // Likewise a short account-number prefix: it matches hundreds of thousands
    // firm-wide, far more than any scope holds.
    let range = |name: &str| {
        let column = if scope.is_some() {
            format!("c.{name} || ''")
        } else {
            format!("c.{name}")
        };
        (format!(" AND {column} >= ?"), format!(" AND {column} < ?"))
    };
    match &filters.text {
        Some(Text::Name(q)) => {
            // Found through its gram (HQ) or within the scope; either way the whole
            // part must be in the name, which a gram of the whole part already says.
            let whole_part_is_the_gram =
                scope.is_none() && grams::lookup_gram(q).is_some_and(|g| g == grams::fold(q));
            if !whole_part_is_the_gram {
                sql.bind(
                    " AND lower(c.name) LIKE ? ESCAPE '\\'",
                    grams::contains_pattern(q),
                );
            }
        }
        Some(Text::AccountNo(q)) if q.len() >= ACCOUNT_TAIL_DIGITS => {
            // Four digits or more: the numbers that start or end so, looked up by
            // their own indexes whatever the scope (fewer than any scope holds).
            let (low, high) = prefix_range(q);
            let tail = &q[q.len() - ACCOUNT_TAIL_DIGITS..];
            sql.bind(
                " AND c.id IN (SELECT a.id FROM customers AS a WHERE a.account_no >= ?",
                low,
            )
            .bind(" AND a.account_no < ?", high)
            .bind(
                " UNION ALL SELECT a.id FROM customers AS a \
                 WHERE substr(a.account_no, length(a.account_no) - 3) = ?",
                tail.to_owned(),
            )
            .bind(" AND a.account_no LIKE ?)", format!("%{q}"));
        }
        Some(Text::AccountNo(q)) => {
            let (low, high) = prefix_range(q);
            let (from, to) = range("account_no");
            sql.bind(&from, low).bind(&to, high);
        }
        None => {}
    }
    if let Some(status) = filters.status {
        sql.bind(&column("status"), status.as_str());
    }
    if let Some(grade) = &filters.grade {
        sql.bind(&column("grade"), grade.as_str());
    }
    if let Some(level) = &filters.level {
        sql.bind(&column("level"), level.as_str());
    }
    if let Some(owner) = &filters.owner {
        // One person's book: never more than the scope, so its own index leads.
        sql.bind(" AND c.owner_code = ?", owner.as_str());
    }
    if let Some(tag) = &filters.tag {
        sql.bind(
            " AND c.id IN (SELECT t.customer_id FROM customer_tags AS t WHERE t.tag = ?)",
            tag.as_str(),
        );
    }
    if let Some(stock) = &filters.stock {
        sql.bind(
            " AND c.id IN (SELECT p.customer_id FROM positions AS p \
             WHERE p.security_code = ? AND p.quantity > 0)",
            stock.as_str(),
        );
    }
    (sql, order)
}

/// One row of a customer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListItem {
    pub id: i64,
    pub account_no: String,
    pub name: String,
    pub status: String,
    pub grade: Option<String>,
    pub level: Option<String>,
    pub risk_tolerance: Option<String>,
    pub owner_code: Option<String>,
    pub owner_name: Option<String>,
    pub total_assets: Money,
    pub open_date: Option<String>,
    pub tags: Vec<String>,
    pub followed: bool,
    /// Whole; only exports use it, masked.
    #[serde(skip)]
    pub mobile: Option<String>,
}

/// The stored `tags` text ('a,b') as a list.
pub fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ListItem {
    /// A row of the list columns (`mobile` optional).
    pub(crate) fn from_row(row: &Row) -> Result<ListItem, ApiError> {
        Ok(ListItem {
            id: row.get("id")?,
            account_no: row.get("account_no")?,
            name: row.get("name")?,
            status: row.get("status")?,
            grade: row.get("grade")?,
            level: row.get("level")?,
            risk_tolerance: row.get("risk_tolerance")?,
            owner_code: row.get("owner_code")?,
            owner_name: row.get("owner_name")?,
            total_assets: Money::from_fen(row.get("total_assets")?),
            open_date: row.get("open_date")?,
            tags: split_tags(&row.get::<String>("tags")?),
            followed: row.get("followed")?,
            mobile: match row.value("mobile") {
                Some(_) => row.get("mobile")?,
                None => None,
            },
        })
    }
}

/// The rows of one page for the caller `code` whose read filter is `scope`: ids chosen
/// by the filters in order, then their columns.
pub fn page_sql(
    code: &str,
    scope: Option<&Sql>,
    filters: &Filters,
    limit: u32,
    offset: u64,
) -> Sql {
    let order = filters.sort.order_by();
    let (conditions, source_order) = conditions(scope, filters);
    let mut sql = Sql::new();
    sql.bind(
        "SELECT c.id, c.account_no, c.name, c.status, c.grade, c.level, c.risk_tolerance, \
                c.owner_code, s.name AS owner_name, c.total_assets, c.open_date, c.tags, c.mobile, \
                EXISTS (SELECT 1 FROM follows AS f WHERE f.staff_code = ? AND f.customer_id = c.id) \
                  AS followed \
         FROM (SELECT c.id",
        code,
    )
    .append(&conditions)
    .push(&format!(" ORDER BY {}", source_order.unwrap_or(order)))
    .bind(" LIMIT ?", i64::from(limit))
    .bind(" OFFSET ?", i64::try_from(offset).unwrap_or(i64::MAX))
    .push(
        ") AS page JOIN customers AS c ON c.id = page.id \
         LEFT JOIN staff AS s ON s.code = c.owner_code",
    )
    .push(&format!(" ORDER BY {order}"));
    sql
}

/// Lists count their matches up to this many: past it, a search over millions of
/// customers costs as much as reading them all, and nobody pages that far. Pages start
/// below it too.
pub const COUNT_CAP: u64 = 10_000;

/// How many customers pass the filters, counting at most [`COUNT_CAP`] + 1.
pub fn count_sql(scope: Option<&Sql>, filters: &Filters) -> Sql {
    let mut sql = Sql::new();
    sql.push("SELECT COUNT(*) FROM (SELECT 1")
        .append(&conditions(scope, filters).0)
        .bind(
            " LIMIT ?) AS matching",
            i64::try_from(COUNT_CAP + 1).unwrap_or(i64::MAX),
        );
    sql
}

/// How many customers pass `filters` within the read filter `scope`, at most
/// [`COUNT_CAP`], and whether there are more.
async fn count(db: &Db, scope: Option<&Sql>, filters: &Filters) -> Result<(u64, bool), ApiError> {
    let count = count_sql(scope, filters);
    let total: i64 = db
        .query_value(&count.text, count.params)
        .await?
        .unwrap_or(0);
    let total = u64::try_from(total).unwrap_or(0);
    Ok((total.min(COUNT_CAP), total > COUNT_CAP))
}

async fn rows(db: &Db, sql: Sql) -> Result<Vec<ListItem>, ApiError> {
    db.query(&sql.text, sql.params)
        .await?
        .iter()
        .map(ListItem::from_row)
        .collect()
}

/// One page of the customers `scope` reads on `today` that pass `filters`.
pub async fn search(
    db: &Db,
    scope: &Principal,
    today: NaiveDate,
    filters: &Filters,
    page: PageQuery,
) -> Result<Page<ListItem>, ApiError> {
    if page.offset() >= COUNT_CAP {
        return Err(
            ApiError::invalid_field("page", reason::OUT_OF_RANGE).with_detail(Localized::new(
                format!("只能翻看前 {COUNT_CAP} 条结果，请缩小查询范围。"),
                format!(
                    "Only the first {COUNT_CAP} results can be paged through; narrow the search."
                ),
            )),
        );
    }
    let filter = read_filter(db, scope, today).await?;
    let (total, capped) = count(db, filter.as_ref(), filters).await?;
    let items = rows(
        db,
        page_sql(
            &scope.code,
            filter.as_ref(),
            filters,
            page.limit(),
            page.offset(),
        ),
    )
    .await?;
    Ok(Page::new(items, total, page)?.capped(capped))
}

/// The first [`EXPORT_MAX_ROWS`] customers of the list, how many there are (at most
/// [`COUNT_CAP`]), and whether there are more than that.
pub async fn export(
    db: &Db,
    scope: &Principal,
    today: NaiveDate,
    filters: &Filters,
) -> Result<(Vec<ListItem>, u64, bool), ApiError> {
    let filter = read_filter(db, scope, today).await?;
    let (total, capped) = count(db, filter.as_ref(), filters).await?;
    let items = rows(
        db,
        page_sql(&scope.code, filter.as_ref(), filters, EXPORT_MAX_ROWS, 0),
    )
    .await?;
    Ok((items, total, capped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_staff::Roles;

    fn filters(query: &str) -> Result<Filters, ApiError> {
        Filters::from_params(&QueryParams::parse(Some(query)))
    }

    #[test]
    fn sort_keys() {
        for key in Sort::KEYS {
            assert!(Sort::parse(key).is_some(), "{key}");
        }
        assert_eq!(Sort::parse("-total_assets"), Some(Sort::AssetsDescending));
        assert_eq!(
            Sort::AssetsDescending.order_by(),
            "c.total_assets DESC, c.id DESC"
        );
        assert_eq!(Sort::parse("-name"), None);
        assert_eq!(Sort::default().order_by(), "c.name, c.id");
    }

    #[test]
    fn query_strings_become_filters() {
        let f = filters("q=%E5%BC%A0&status=existing&tag=VIP&sort=-open_date").unwrap();
        assert_eq!(f.text, Some(Text::Name("张".into())));
        assert_eq!(f.status, Some(CustomerStatus::Existing));
        assert_eq!(f.tag.as_deref(), Some("VIP"));
        assert_eq!(f.sort, Sort::OpenedLast);
        assert_eq!(
            filters("q=1080").unwrap().text,
            Some(Text::AccountNo("1080".into()))
        );
        assert_eq!(filters("q=&stock=").unwrap(), Filters::default());
        let error = filters("status=gone&sort=age&grade=".to_owned().as_str()).unwrap_err();
        let fields: Vec<(&str, &str)> = error
            .field_errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(fields, [("status", "invalid"), ("sort", "invalid")]);
        let long = format!("q={}", "x".repeat(65));
        assert_eq!(
            filters(&long).unwrap_err().field_errors[0].reason,
            "too_long"
        );
    }

    #[test]
    fn prefix_ranges_hold_exactly_the_prefixed() {
        let (low, high) = prefix_range("张");
        for inside in ["张", "张三", "张\u{FFFF}"] {
            assert!(low.as_str() <= inside && inside < high.as_str(), "{inside}");
        }
        for outside in ["弓", "彁", "", "z"] {
            assert!(
                !(low.as_str() <= outside && outside < high.as_str()),
                "{outside}"
            );
        }
    }

    #[test]
    fn statements_bind_every_parameter() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let lead = Principal::new("0010001", Roles::from_stored("lead,rep"), "/1/2/4/8/");
        let scope = crate::store::scope::readable(&lead, today, true);
        let all =
            filters("q=张&status=existing&grade=金手指&level=VIP&tag=t&stock=600000").unwrap();
        for f in [Filters::default(), all] {
            let page = page_sql(&lead.code, scope.as_ref(), &f, 20, 40);
            assert_eq!(page.text.matches('?').count(), page.params.len());
            let count = count_sql(scope.as_ref(), &f);
            assert_eq!(count.text.matches('?').count(), count.params.len());
            assert!(page.text.contains("c.deleted_at IS NULL"));
        }
    }
}
