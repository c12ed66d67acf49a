//! ORG-4 as SQL: which rows of `customers AS c` a caller reads. It says in SQL what
//! [`may_read`](crate::scope::may_read) says in Rust, and every branch of it is an index lookup:
//!
//! - own: `owner_code = ?` (`customers_owner`) or an active delegation to the caller
//!   (`delegations_delegate`, then the primary key);
//! - subtree: `unit_path` in the subtree's range (`customers_unit_live`), and the
//!   caller's own and delegated ones when something is delegated to them (then one id
//!   list of the three lookups, as for own);
//! - all: no filter.

use chrono::NaiveDate;
use zhanye_platform::{ApiError, Db, Page, PageQuery, Row, Value, params};
use zhanye_staff::Principal;
use zhanye_staff::org::subtree_range;

use crate::scope::Reads;

/// SQL text with its numbered parameters (`?1`, `?2` …, the only kind both SQLite and
/// PostgreSQL take), `params[n - 1]` being `?n`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sql {
    pub text: String,
    pub params: Vec<Value>,
}

impl Sql {
    pub fn new() -> Sql {
        Sql::default()
    }

    /// Appends text without parameters.
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends text holding one bare `?` and its value: the `?` becomes the value's
    /// number.
    pub fn bind(&mut self, text: &str, value: impl Into<Value>) -> &mut Sql {
        self.params.push(value.into());
        let number = self.params.len();
        match bare_placeholder(text) {
            Some(at) => {
                self.text.push_str(&text[..at]);
                self.text.push_str(&format!("?{number}"));
                self.text.push_str(&text[at + 1..]);
            }
            None => {
                debug_assert!(false, "a bound fragment without `?`: {text}");
                self.text.push_str(text);
            }
        }
        self
    }

    /// Appends another fragment with its parameters, renumbered to follow ours.
    pub fn append(&mut self, other: &Sql) -> &mut Sql {
        renumber(&other.text, self.params.len(), &mut self.text);
        self.params.extend(other.params.iter().cloned());
        self
    }
}

/// The byte offset of the first `?` not followed by a digit, outside quotes.
fn bare_placeholder(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'?' && !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                return Some(i);
            }
            None => {}
        }
    }
    None
}

/// Copies `text` to `out` with every `?n` outside quotes raised by `offset`.
fn renumber(text: &str, offset: usize, out: &mut String) {
    let bytes = text.as_bytes();
    let mut quote = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'?' => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|d| d.is_ascii_digit())
                    .count();
                if digits > 0
                    && let Ok(n) = text[i + 1..i + 1 + digits].parse::<usize>()
                {
                    out.push_str(&text[copied..i]);
                    out.push_str(&format!("?{}", n + offset));
                    i += 1 + digits;
                    copied = i;
                    continue;
                }
            }
            None => {}
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
}

/// One page of a list over `from` (`FROM … WHERE …`): `SELECT COUNT(*)` of the same
/// rows, then `select` (the column list, with any parameters of its own) in `order`,
/// each row mapped by `map`.
pub async fn page_of<T>(
    db: &Db,
    select: Sql,
    from: &Sql,
    order: &str,
    page: PageQuery,
    map: impl Fn(&Row) -> Result<T, ApiError>,
) -> Result<Page<T>, ApiError> {
    let mut count = Sql::new();
    count.push("SELECT COUNT(*)").append(from);
    let total: i64 = db
        .query_value(&count.text, count.params)
        .await?
        .unwrap_or(0);
    let mut rows = select;
    rows.append(from)
        .push(" ORDER BY ")
        .push(order)
        .bind(" LIMIT ?", i64::from(page.limit()))
        .bind(
            " OFFSET ?",
            i64::try_from(page.offset()).unwrap_or(i64::MAX),
        );
    let items = db
        .query(&rows.text, rows.params)
        .await?
        .iter()
        .map(map)
        .collect::<Result<Vec<_>, ApiError>>()?;
    Page::new(items, u64::try_from(total).unwrap_or(0), page)
}

/// `EXISTS (…)`: whether customer `c` is delegated to `code` on `today`.
pub fn is_delegated_to(code: &str, today: NaiveDate) -> Sql {
    let day = today.to_string();
    let mut sql = Sql::new();
    sql.bind(
        "EXISTS (SELECT 1 FROM delegations AS d WHERE d.customer_id = c.id AND d.revoked_at IS NULL \
         AND d.delegate_code = ?",
        code,
    )
    .bind(" AND d.starts_on <= ?", day.as_str())
    .bind(" AND d.ends_on >= ?)", day.as_str());
    sql
}

/// The customers the caller serves: owns or has delegated now (the CUST-5 due list).
/// One id list of two index lookups (`customers_owner`, `delegations_delegate`):
/// PostgreSQL cannot combine `owner_code = ? OR id IN (…)` through indexes and would
/// read every customer.
pub fn served(code: &str, today: NaiveDate) -> Sql {
    let mut sql = Sql::new();
    sql.push("c.id IN (")
        .append(&served_ids(code, today))
        .push(")");
    sql
}

/// `SELECT …` of the ids of the customers `code` owns or has delegated on `today`.
fn served_ids(code: &str, today: NaiveDate) -> Sql {
    let day = today.to_string();
    let mut sql = Sql::new();
    sql.bind(
        "SELECT o.id FROM customers AS o WHERE o.owner_code = ?",
        code,
    )
    .bind(
        " UNION ALL SELECT d.customer_id FROM delegations AS d WHERE d.delegate_code = ?",
        code,
    )
    .bind(
        " AND d.revoked_at IS NULL AND d.starts_on <= ?",
        day.as_str(),
    )
    .bind(" AND d.ends_on >= ?", day.as_str());
    sql
}

/// The read filter of `scope` on `today`, or `None` when the caller reads every
/// customer. `delegated`: whether anything is delegated to the caller today (see
/// [`has_delegations`]). Without delegations a lead's or manager's filter is the
/// subtree's range alone — their own customers lie in it — so it is one range of one
/// index rather than a union of three. With delegations it is that union, written as
/// one id list like [`served`]: `range OR owner OR delegated` is no index path on
/// PostgreSQL, which would read every customer. (`deleted_at IS NULL` lets the range
/// use `customers_unit_live`; every list drops deleted customers anyway.)
pub fn readable(scope: &Principal, today: NaiveDate, delegated: bool) -> Option<Sql> {
    match &Reads::of(scope) {
        Reads::All => None,
        Reads::Own => Some(served(&scope.code, today)),
        Reads::Subtree(root) => {
            let (low, high) = subtree_range(root);
            let mut sql = Sql::new();
            if delegated {
                sql.bind(
                    "c.id IN (SELECT u.id FROM customers AS u WHERE u.unit_path >= ?",
                    low,
                )
                .bind(
                    " AND u.unit_path < ? AND u.deleted_at IS NULL UNION ALL ",
                    high,
                )
                .append(&served_ids(&scope.code, today))
                .push(")");
            } else {
                sql.bind("((c.unit_path >= ?", low)
                    .bind(" AND c.unit_path < ?))", high);
            }
            Some(sql)
        }
    }
}

/// Whether any customer is delegated to `code` on `today` (`delegations_delegate`).
pub async fn has_delegations(db: &Db, code: &str, today: NaiveDate) -> Result<bool, ApiError> {
    let day = today.to_string();
    Ok(db
        .query_value::<i64>(
            "SELECT 1 FROM delegations WHERE delegate_code = ?1 AND revoked_at IS NULL \
             AND ends_on >= ?2 AND starts_on <= ?2 LIMIT 1",
            params![code, day.as_str()],
        )
        .await?
        .is_some())
}

/// The read filter of `scope` on `today`, asking the store whether anything is
/// delegated to the caller when that changes the filter.
pub async fn read_filter(
    db: &Db,
    scope: &Principal,
    today: NaiveDate,
) -> Result<Option<Sql>, ApiError> {
    let delegated = match Reads::of(scope) {
        Reads::Subtree(_) => has_delegations(db, &scope.code, today).await?,
        Reads::Own | Reads::All => false,
    };
    Ok(readable(scope, today, delegated))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_staff::Roles;

    #[test]
    fn each_scope_is_its_filter() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let rep = Principal::new("A0001", Roles::from_stored("rep"), "/1/2/4/8/");
        let own = readable(&rep, today, false).unwrap();
        assert_eq!(
            own.text,
            "c.id IN (SELECT o.id FROM customers AS o WHERE o.owner_code = ?1 \
             UNION ALL SELECT d.customer_id FROM delegations AS d WHERE d.delegate_code = ?2 \
             AND d.revoked_at IS NULL AND d.starts_on <= ?3 AND d.ends_on >= ?4)"
        );
        let text = |v: &Value| match v {
            Value::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        };
        let params: Vec<String> = own.params.iter().map(text).collect();
        assert_eq!(params, ["A0001", "A0001", "2026-03-10", "2026-03-10"]);

        let manager = Principal::new("0010002", Roles::from_stored("branch_manager"), "/1/2/4/");
        let branch = readable(&manager, today, false).unwrap();
        assert_eq!(branch.text, "((c.unit_path >= ?1 AND c.unit_path < ?2))");
        let params: Vec<String> = branch.params.iter().map(text).collect();
        assert_eq!(params, ["/1/2/4/", "/1/2/40"]);
        let lent = readable(&manager, today, true).unwrap();
        assert_eq!(lent.text.matches('?').count(), lent.params.len());
        let params: Vec<String> = lent.params.iter().map(text).collect();
        assert_eq!(params[..3], ["/1/2/4/", "/1/2/40", "0010002"]);

        let hq = Principal::new("0010003", Roles::from_stored("hq_admin"), "/1/");
        assert_eq!(readable(&hq, today, true), None);
        let exists = is_delegated_to("A0001", today);
        assert_eq!(exists.text.matches('?').count(), 3);
        assert_eq!(
            lent.text,
            "c.id IN (SELECT u.id FROM customers AS u WHERE u.unit_path >= ?1 \
             AND u.unit_path < ?2 AND u.deleted_at IS NULL \
             UNION ALL SELECT o.id FROM customers AS o WHERE o.owner_code = ?3 \
             UNION ALL SELECT d.customer_id FROM delegations AS d WHERE d.delegate_code = ?4 \
             AND d.revoked_at IS NULL AND d.starts_on <= ?5 AND d.ends_on >= ?6)"
        );
    }

    #[test]
    fn fragments_are_numbered_in_order() {
        let mut inner = Sql::new();
        inner.bind("a = ?", 1).bind(" AND b = '?' AND c = ?", 2);
        assert_eq!(inner.text, "a = ?1 AND b = '?' AND c = ?2");
        let mut outer = Sql::new();
        outer
            .bind("x = ?", 0)
            .push(" AND (")
            .append(&inner)
            .push(")")
            .bind(" LIMIT ?", 9);
        assert_eq!(
            outer.text,
            "x = ?1 AND (a = ?2 AND b = '?' AND c = ?3) LIMIT ?4"
        );
        assert_eq!(outer.params, [0.into(), 1.into(), 2.into(), 9.into()]);
        let mut shifted = Sql::new();
        shifted.bind("y = ?", 0).append(&Sql {
            text: "p = ?2 OR q = ?1 OR r = ?10".into(),
            params: (1..=10).map(Value::from).collect(),
        });
        assert_eq!(shifted.text, "y = ?1p = ?3 OR q = ?2 OR r = ?11");
    }
}
