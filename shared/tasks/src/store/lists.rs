//! Task lists (TASK-2 待办, TASK-4 历史任务, a team's tasks): each one range of one
//! index, paged.
//!
//! | whose | open, by planned time | done/cancelled, newest first |
//! |---|---|---|
//! | the responsible's | `tasks_responsible_open` | `tasks_responsible_closed` |
//! | a team's or branch's | `tasks_unit_open` | `tasks_unit_closed` |
//! | a region's or the firm's (page) | `tasks_open_by_time` | `tasks_closed_by_time` |
//! | a co-worker's | `task_coworkers_staff`, then the primary key | the same |
//! | set up by someone for others (我发起的) | `tasks_creator_open` | `tasks_creator_closed` |
//!
//! A team's or branch's tasks are few enough to be gathered by unit range and sorted;
//! a region's or the whole firm's are not, so their page walks the time index from its
//! start and keeps the rows of the subtree until the page is full, and their count
//! takes the time index too when a date range narrows it. On SQLite the index is named
//! (`INDEXED BY`) so the choice never rests on statistics the database may not have;
//! PostgreSQL has no such clause and plans the same statement without it.
//! Counts stop at [`COUNT_CAP`] (`total_capped` beyond), so a firm-wide list costs
//! what a team's does. The customer filter (`q`) narrows within the range.

use zhanye_customers::store::search::{ACCOUNT_TAIL_DIGITS, prefix_range};
use zhanye_platform::grams;
use zhanye_platform::{ApiError, Db, Dialect, Page, PageQuery};
use zhanye_staff::org::{path_ids, subtree_range};

use crate::listing::{CustomerText, ListQuery, Listed};
use crate::store::Sql;
use crate::store::records::{COLUMNS, NAME_JOINS, TaskRecord};

/// Lists count at most this many tasks.
pub const COUNT_CAP: u64 = 10_000;

/// Whose tasks a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose<'a> {
    /// The tasks a staff member is responsible for.
    Responsible(&'a str),
    /// The tasks of a unit subtree (its path).
    Unit(&'a str),
    /// The tasks a staff member was a co-worker on.
    Coworker(&'a str),
    /// The tasks a staff member set up with someone else responsible (我发起的).
    AssignedBy(&'a str),
}

/// One page of a list, with how many of its tasks are overdue (of those counted).
#[derive(Debug, Clone)]
pub struct TaskList {
    pub page: Page<TaskRecord>,
    pub overdue: u64,
}

/// What a statement is for: the rows of a page, or the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Page,
    Count,
}

/// A list's statement in parts: its tables, its ` WHERE …`, its ` ORDER BY …`.
struct Parts {
    from: String,
    conditions: Sql,
    order: &'static str,
}

/// Whether a subtree is a region's or the firm's (HQ → region → branch → team): too
/// many tasks to gather by unit and sort.
fn is_wide(root: &str) -> bool {
    path_ids(root).len() <= 2
}

fn parts(whose: Whose<'_>, query: &ListQuery, purpose: Purpose, dialect: Dialect) -> Parts {
    let mut sql = Sql::new();
    let open = query.status.is_open();
    let (from, time) = match whose {
        Whose::Coworker(code) => {
            sql.bind(" WHERE w.staff_code = ?", code);
            let time = if open {
                sql.push(" AND t.status = 'open'");
                "t.planned_at"
            } else {
                "w.done_at"
            };
            (
                " FROM task_coworkers AS w JOIN tasks AS t ON t.id = w.task_id".to_owned(),
                time,
            )
        }
        Whose::Responsible(code) => {
            sql.bind(" WHERE t.responsible_code = ?", code);
            (
                " FROM tasks AS t".to_owned(),
                open_or_closed(&mut sql, open),
            )
        }
        Whose::AssignedBy(code) => {
            // Their own tasks are on their own list already.
            sql.bind(" WHERE t.created_by = ?", code)
                .bind(" AND t.responsible_code <> ?", code);
            (
                " FROM tasks AS t".to_owned(),
                open_or_closed(&mut sql, open),
            )
        }
        Whose::Unit(root) => {
            let (low, high) = subtree_range(root);
            sql.bind(" WHERE t.unit_path >= ?", low)
                .bind(" AND t.unit_path < ?", high);
            // A wide count goes by time only when a date range narrows the time.
            let by_time = is_wide(root)
                && match purpose {
                    Purpose::Page => true,
                    Purpose::Count => query.range.is_some(),
                };
            let index = match (open, by_time) {
                (true, true) => "tasks_open_by_time",
                (true, false) => "tasks_unit_open",
                (false, true) => "tasks_closed_by_time",
                (false, false) => "tasks_unit_closed",
            };
            let from = match dialect {
                Dialect::Sqlite => format!(" FROM tasks AS t INDEXED BY {index}"),
                Dialect::Postgres => " FROM tasks AS t".to_owned(),
            };
            (from, open_or_closed(&mut sql, open))
        }
    };
    if let Listed::One(status) = query.status
        && !open
    {
        sql.bind(" AND t.status = ?", status.as_str());
    }
    if let Some((start, end)) = &query.range {
        sql.bind(&format!(" AND {time} >= ?"), start.as_str())
            .bind(&format!(" AND {time} < ?"), end.as_str());
    }
    // The customer: any part of the name, or the start (or, with four digits or more,
    // the end) of the account number; checked on the rows the list's own index reads.
    match &query.text {
        Some(CustomerText::Name(q)) => {
            sql.bind(
                " AND lower(t.customer_name) LIKE ? ESCAPE '\\'",
                grams::contains_pattern(q),
            );
        }
        Some(CustomerText::AccountNo(q)) => {
            let (low, high) = prefix_range(q);
            sql.bind(" AND (t.account_no >= ?", low)
                .bind(" AND t.account_no < ?", high);
            if q.len() >= ACCOUNT_TAIL_DIGITS {
                sql.bind(" OR t.account_no LIKE ?", format!("%{q}"));
            }
            sql.push(")");
        }
        None => {}
    }
    let order = match (open, whose) {
        (true, _) => " ORDER BY t.planned_at, t.id",
        (false, Whose::Coworker(_)) => " ORDER BY w.done_at DESC, w.task_id DESC",
        (false, _) => " ORDER BY t.closed_at DESC, t.id DESC",
    };
    Parts {
        from,
        conditions: sql,
        order,
    }
}

/// The status condition of the responsible's, the creator's and a unit's lists, matching the partial
/// indexes; answers the column the date range applies to.
fn open_or_closed(sql: &mut Sql, open: bool) -> &'static str {
    if open {
        sql.push(" AND t.status = 'open'");
        "t.planned_at"
    } else {
        sql.push(" AND t.closed_at IS NOT NULL");
        "t.closed_at"
    }
}

/// The page's rows, for a database of `dialect`.
pub fn page_sql(whose: Whose<'_>, query: &ListQuery, page: PageQuery, dialect: Dialect) -> Sql {
    let parts = parts(whose, query, Purpose::Page, dialect);
    let mut sql = Sql::new();
    sql.push(&format!("SELECT {COLUMNS}"))
        .push(&parts.from)
        .push(NAME_JOINS)
        .append(&parts.conditions)
        .push(parts.order)
        .bind(" LIMIT ?", i64::from(page.limit()))
        .bind(
            " OFFSET ?",
            i64::try_from(page.offset()).unwrap_or(i64::MAX),
        );
    sql
}

/// The matching tasks up to one past [`COUNT_CAP`] and, of an open list, how many of
/// those are overdue at `now`, for a database of `dialect`.
pub fn count_sql(whose: Whose<'_>, query: &ListQuery, now: &str, dialect: Dialect) -> Sql {
    let parts = parts(whose, query, Purpose::Count, dialect);
    let mut sql = Sql::new();
    if query.status.is_open() {
        sql.bind(
            "SELECT COUNT(*), COALESCE(SUM(overdue), 0) \
             FROM (SELECT CASE WHEN t.planned_at < ? THEN 1 ELSE 0 END AS overdue",
            now,
        );
    } else {
        sql.push("SELECT COUNT(*), 0 FROM (SELECT 1");
    }
    sql.push(&parts.from).append(&parts.conditions).bind(
        " LIMIT ?) AS matching",
        i64::try_from(COUNT_CAP + 1).unwrap_or(i64::MAX),
    );
    sql
}

/// One page of a list at `now` (stored form).
pub async fn list(
    db: &Db,
    whose: Whose<'_>,
    query: &ListQuery,
    now: &str,
    page: PageQuery,
) -> Result<TaskList, ApiError> {
    let count = count_sql(whose, query, now, db.dialect());
    let (counted, overdue) = match db.query_row(&count.text, count.params).await? {
        Some(row) => (row.get_at::<u64>(0)?, row.get_at::<u64>(1)?),
        None => (0, 0),
    };
    let rows = page_sql(whose, query, page, db.dialect());
    let items = db
        .query(&rows.text, rows.params)
        .await?
        .iter()
        .map(TaskRecord::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TaskList {
        page: Page::new(items, counted.min(COUNT_CAP), page)?.capped(counted > COUNT_CAP),
        overdue,
    })
}
