//! The read side of assessed months (ASSESS-6): one staff member's score sheet and pay
//! statement, their trend over a year and their latest statements, a unit's ranking,
//! and roll-ups per team, branch or region.
//!
//! | statement | reads through |
//! |---|---|
//! | [`RESULT`], [`REVIEW`] | primary keys (month, staff) |
//! | [`TREND`], [`RECENT`] | `assessment_results_staff` (staff, month) |
//! | [`TEAM_COUNT`], the rankings of [`team_sql`] | `assessment_results_unit` (month, unit range) |
//! | [`ROLLUP`] | the org units' path index, then `assessment_results_unit` per unit |
//!
//! The statements join `assessment_months` for the run's status, `staff` for names and
//! `org_units` for unit names, each by its key.

use rust_decimal::Decimal;
use serde::Deserialize;
use zhanye_customers::month::Month;
use zhanye_money::Money;
use zhanye_platform::{ApiError, Db, PageQuery, Row, params};

use crate::assess::{Assessment, MonthActivity, MonthFigures};
use crate::rank::Rank;
use crate::store::run::RunStatus;

/// A staff member as the views name them: the current unit.
pub const STAFF: &str = "SELECT s.code, s.name, s.unit_path, s.status, u.name AS unit_name \
     FROM staff AS s LEFT JOIN org_units AS u ON u.id = s.unit_id WHERE s.code = ?1";

/// One staff member's assessed month, with the run's status and the names.
pub const RESULT: &str = "SELECT r.month, r.staff_code, r.unit_path, r.rank, r.score_centi, \
       r.deducted_centi, r.pay_total, r.detail, m.status, \
       COALESCE(s.name, '') AS name, u.name AS unit_name \
     FROM assessment_results AS r \
     JOIN assessment_months AS m ON m.month = r.month \
     LEFT JOIN staff AS s ON s.code = r.staff_code \
     LEFT JOIN org_units AS u ON u.path = r.unit_path \
     WHERE r.month = ?1 AND r.staff_code = ?2";

/// The rank review (职级考核) of a quarter-end month.
pub const REVIEW: &str = "SELECT decision, from_rank, to_rank, average_centi, scores \
     FROM rank_reviews WHERE month = ?1 AND staff_code = ?2";

/// A staff member's assessed months in `[?2, ?3]`, oldest first.
pub const TREND: &str = "SELECT r.month, r.score_centi, r.pay_total, r.net_commission, m.status \
     FROM assessment_results AS r JOIN assessment_months AS m ON m.month = r.month \
     WHERE r.staff_code = ?1 AND r.month >= ?2 AND r.month <= ?3 ORDER BY r.month";

/// A staff member's latest `?2` assessed months, newest first.
pub const RECENT: &str = "SELECT r.month, r.pay_total, m.status \
     FROM assessment_results AS r JOIN assessment_months AS m ON m.month = r.month \
     WHERE r.staff_code = ?1 ORDER BY r.month DESC LIMIT ?2";

/// How many were assessed in a month within a unit range `[?2, ?3)`.
pub const TEAM_COUNT: &str = "SELECT COUNT(*) FROM assessment_results \
     WHERE month = ?1 AND unit_path >= ?2 AND unit_path < ?3";

/// A ranking of the month's results in a unit range `[?2, ?3)` by `$order`, ties by
/// staff code; `?4` rows from position `?5 + 1` (`i64::MAX` for all). The page is cut
/// before names are joined, so only its rows are looked up.
macro_rules! ranking {
    ($order:literal) => {
        concat!(
            "SELECT t.position, t.staff_code, t.unit_path, t.rank, t.score_centi, ",
            "t.net_commission, t.volume, t.new_effective, t.tasks_done, t.contacts, ",
            "t.checkin_days, t.working_days, t.pay_total, ",
            "COALESCE(s.name, '') AS name, u.name AS unit_name ",
            "FROM (SELECT ROW_NUMBER() OVER (ORDER BY ",
            $order,
            " DESC, r.staff_code) AS position, r.staff_code, r.unit_path, r.rank, ",
            "r.score_centi, r.net_commission, r.volume, r.new_effective, r.tasks_done, ",
            "r.contacts, r.checkin_days, r.working_days, r.pay_total ",
            "FROM assessment_results AS r ",
            "WHERE r.month = ?1 AND r.unit_path >= ?2 AND r.unit_path < ?3 ",
            "ORDER BY position LIMIT ?4 OFFSET ?5) AS t ",
            "LEFT JOIN staff AS s ON s.code = t.staff_code ",
            "LEFT JOIN org_units AS u ON u.path = t.unit_path ",
            "ORDER BY t.position"
        )
    };
}

pub const TEAM_BY_SCORE: &str = ranking!("r.score_centi");
pub const TEAM_BY_NET_COMMISSION: &str = ranking!("r.net_commission");
pub const TEAM_BY_VOLUME: &str = ranking!("r.volume");
pub const TEAM_BY_PAY: &str = ranking!("r.pay_total");

/// Per org unit of kind `?4` in the range `[?2, ?3)`: its staff assessed in month `?1`
/// (everyone in the unit's subtree) and their totals. Paths end in `/`, so a unit's
/// subtree is `[path, path with its last '/' raised to '0')`.
pub const ROLLUP: &str = "SELECT u.id, u.code, u.name, u.kind, u.path, COUNT(r.staff_code) AS staff, \
       SUM(r.score_centi) AS score_sum, MAX(r.score_centi) AS top, MIN(r.score_centi) AS bottom, \
       COALESCE(SUM(r.net_commission), 0) AS net_commission, \
       COALESCE(SUM(r.volume), 0) AS volume, COALESCE(SUM(r.pay_total), 0) AS pay_total \
     FROM org_units AS u \
     LEFT JOIN assessment_results AS r ON r.month = ?1 AND r.unit_path >= u.path \
       AND r.unit_path < substr(u.path, 1, length(u.path) - 1) || '0' \
     WHERE u.path >= ?2 AND u.path < ?3 AND u.kind = ?4 \
     GROUP BY u.path, u.id ORDER BY u.path";

/// An org unit by id, or by path.
pub const UNIT_BY_ID: &str = "SELECT id, code, name, kind, path FROM org_units WHERE id = ?1";
pub const UNIT_BY_PATH: &str = "SELECT id, code, name, kind, path FROM org_units WHERE path = ?1";

/// A staff member, for naming and scope checks.
#[derive(Debug, Clone)]
pub struct StaffInfo {
    pub code: String,
    pub name: String,
    pub unit_path: String,
    pub unit_name: Option<String>,
    pub status: String,
}

pub async fn staff(db: &Db, code: &str) -> Result<Option<StaffInfo>, ApiError> {
    db.query_row(STAFF, params![code])
        .await?
        .map(|row| {
            Ok(StaffInfo {
                code: row.get("code")?,
                name: row.get("name")?,
                unit_path: row.get("unit_path")?,
                unit_name: row.get("unit_name")?,
                status: row.get("status")?,
            })
        })
        .transpose()
}

/// The score sheet and statement as stored in `assessment_results.detail`.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredDetail {
    pub figures: MonthFigures,
    pub activity: MonthActivity,
    pub assessment: Assessment,
}

/// One staff member's assessed month.
#[derive(Debug, Clone)]
pub struct MonthResult {
    pub month: Month,
    pub staff_code: String,
    pub name: String,
    /// The staff member's unit when assessed.
    pub unit_path: String,
    pub unit_name: Option<String>,
    pub rank: Rank,
    pub status: RunStatus,
    pub score: Decimal,
    pub deducted: Decimal,
    pub pay_total: Money,
    pub detail: StoredDetail,
}

fn status(text: &str) -> RunStatus {
    match text {
        "running" => RunStatus::Running,
        "draft" => RunStatus::Draft,
        _ => RunStatus::Published,
    }
}

fn rank(text: &str) -> Result<Rank, ApiError> {
    Rank::parse(text).ok_or_else(|| ApiError::internal(format!("stored rank {text:?}")))
}

fn month(row: &Row) -> Result<Month, ApiError> {
    let stored: i64 = row.get("month")?;
    Month::from_stored(stored).ok_or_else(|| ApiError::internal(format!("stored month {stored}")))
}

/// A score kept in hundredths, as a decimal with two places (`9614` → `96.14`).
pub fn score_of(centi: i64) -> Decimal {
    Decimal::new(centi, 2)
}

pub async fn result(db: &Db, at: Month, code: &str) -> Result<Option<MonthResult>, ApiError> {
    let Some(row) = db.query_row(RESULT, params![at.stored(), code]).await? else {
        return Ok(None);
    };
    let detail: String = row.get("detail")?;
    let detail: StoredDetail = serde_json::from_str(&detail)
        .map_err(|e| ApiError::internal(format!("assessment detail of {code} in {at}: {e}")))?;
    Ok(Some(MonthResult {
        month: month(&row)?,
        staff_code: row.get("staff_code")?,
        name: row.get("name")?,
        unit_path: row.get("unit_path")?,
        unit_name: row.get("unit_name")?,
        rank: rank(&row.get::<String>("rank")?)?,
        status: status(&row.get::<String>("status")?),
        score: score_of(row.get("score_centi")?),
        deducted: score_of(row.get("deducted_centi")?),
        pay_total: Money::from_fen(row.get("pay_total")?),
        detail,
    }))
}

/// A quarter-end month's rank review of one staff member.
#[derive(Debug, Clone)]
pub struct Review {
    /// `promote`, `keep`, `demote` or `not_reviewed`.
    pub decision: String,
    pub from_rank: Rank,
    pub to_rank: Rank,
    pub average: Option<Decimal>,
    pub scores: Vec<Decimal>,
}

pub async fn review(db: &Db, at: Month, code: &str) -> Result<Option<Review>, ApiError> {
    let Some(row) = db.query_row(REVIEW, params![at.stored(), code]).await? else {
        return Ok(None);
    };
    let scores: String = row.get("scores")?;
    let scores: Vec<Decimal> = serde_json::from_str(&scores)
        .map_err(|e| ApiError::internal(format!("review scores of {code} in {at}: {e}")))?;
    Ok(Some(Review {
        decision: row.get("decision")?,
        from_rank: rank(&row.get::<String>("from_rank")?)?,
        to_rank: rank(&row.get::<String>("to_rank")?)?,
        average: row.get::<Option<i64>>("average_centi")?.map(score_of),
        scores,
    }))
}

/// One assessed month of a trend.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    pub month: Month,
    pub score: Decimal,
    pub status: RunStatus,
    pub pay_total: Money,
    pub net_commission: Money,
}

/// The assessed months of `code` from `first` to `last`, oldest first.
pub async fn trend(
    db: &Db,
    code: &str,
    first: Month,
    last: Month,
) -> Result<Vec<TrendPoint>, ApiError> {
    let rows = db
        .query(TREND, params![code, first.stored(), last.stored()])
        .await?;
    rows.iter()
        .map(|row| {
            Ok(TrendPoint {
                month: month(row)?,
                score: score_of(row.get("score_centi")?),
                status: status(&row.get::<String>("status")?),
                pay_total: Money::from_fen(row.get("pay_total")?),
                net_commission: Money::from_fen(row.get("net_commission")?),
            })
        })
        .collect()
}

/// One month's pay total.
#[derive(Debug, Clone)]
pub struct Statement {
    pub month: Month,
    pub status: RunStatus,
    pub total: Money,
}

/// The latest `count` assessed months of `code`, newest first.
pub async fn recent(db: &Db, code: &str, count: u32) -> Result<Vec<Statement>, ApiError> {
    let rows = db.query(RECENT, params![code, i64::from(count)]).await?;
    rows.iter()
        .map(|row| {
            Ok(Statement {
                month: month(row)?,
                status: status(&row.get::<String>("status")?),
                total: Money::from_fen(row.get("pay_total")?),
            })
        })
        .collect()
}

/// What a ranking is ordered by, highest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Score,
    NetCommission,
    Volume,
    Pay,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Score, Sort::NetCommission, Sort::Volume, Sort::Pay];

    pub fn key(self) -> &'static str {
        match self {
            Sort::Score => "score",
            Sort::NetCommission => "net_commission",
            Sort::Volume => "volume",
            Sort::Pay => "pay",
        }
    }

    pub fn parse(text: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.key() == text)
    }
}

/// The ranking statement for a sort.
pub fn team_sql(sort: Sort) -> &'static str {
    match sort {
        Sort::Score => TEAM_BY_SCORE,
        Sort::NetCommission => TEAM_BY_NET_COMMISSION,
        Sort::Volume => TEAM_BY_VOLUME,
        Sort::Pay => TEAM_BY_PAY,
    }
}

/// One row of a ranking.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub position: i64,
    pub code: String,
    pub name: String,
    pub unit_path: String,
    pub unit_name: Option<String>,
    pub rank: Rank,
    pub score: Decimal,
    pub net_commission: Money,
    pub volume: Money,
    pub new_effective: i64,
    pub tasks_done: i64,
    pub contacts: i64,
    /// 签到率, as [`MonthActivity::checkin_rate`] computes it.
    pub checkin_rate: Decimal,
    pub pay_total: Money,
}

/// The subtree range `[low, high)` of a unit path.
pub fn unit_range(path: &str) -> (String, String) {
    let mut high = path.strip_suffix('/').unwrap_or(path).to_owned();
    high.push('0');
    (path.to_owned(), high)
}

/// How many were assessed in `at` under the unit at `root`.
pub async fn team_total(db: &Db, at: Month, root: &str) -> Result<u64, ApiError> {
    let (low, high) = unit_range(root);
    let total: i64 = db
        .query_value(TEAM_COUNT, params![at.stored(), low, high])
        .await?
        .unwrap_or(0);
    Ok(u64::try_from(total).unwrap_or(0))
}

/// The ranking of `at` under the unit at `root`: one page, or every row (`None`).
pub async fn team(
    db: &Db,
    at: Month,
    root: &str,
    sort: Sort,
    page: Option<PageQuery>,
) -> Result<Vec<Ranked>, ApiError> {
    let (low, high) = unit_range(root);
    let (limit, offset) = match page {
        Some(page) => (
            i64::from(page.limit()),
            i64::try_from(page.offset()).unwrap_or(i64::MAX),
        ),
        None => (i64::MAX, 0),
    };
    let rows = db
        .query(
            team_sql(sort),
            params![at.stored(), low, high, limit, offset],
        )
        .await?;
    rows.iter().map(ranked).collect()
}

fn ranked(row: &Row) -> Result<Ranked, ApiError> {
    let count =
        |c: &str| -> Result<u32, ApiError> { Ok(u32::try_from(row.get::<i64>(c)?).unwrap_or(0)) };
    let activity = MonthActivity {
        checkin_days: count("checkin_days")?,
        working_days: count("working_days")?,
        ..MonthActivity::default()
    };
    Ok(Ranked {
        position: row.get("position")?,
        code: row.get("staff_code")?,
        name: row.get("name")?,
        unit_path: row.get("unit_path")?,
        unit_name: row.get("unit_name")?,
        rank: rank(&row.get::<String>("rank")?)?,
        score: score_of(row.get("score_centi")?),
        net_commission: Money::from_fen(row.get("net_commission")?),
        volume: Money::from_fen(row.get("volume")?),
        new_effective: row.get("new_effective")?,
        tasks_done: row.get("tasks_done")?,
        contacts: row.get("contacts")?,
        checkin_rate: activity.checkin_rate(),
        pay_total: Money::from_fen(row.get("pay_total")?),
    })
}

/// The kinds of org units (ORG-1), from the top: the org's own vocabulary.
pub use zhanye_staff::vocab::UnitKind;

/// An org unit.
#[derive(Debug, Clone)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub path: String,
}

fn unit(row: &Row) -> Result<Unit, ApiError> {
    let kind: String = row.get("kind")?;
    Ok(Unit {
        id: row.get("id")?,
        code: row.get("code")?,
        name: row.get("name")?,
        kind: UnitKind::parse(&kind)
            .ok_or_else(|| ApiError::internal(format!("unit kind {kind:?}")))?,
        path: row.get("path")?,
    })
}

pub async fn unit_by_id(db: &Db, id: i64) -> Result<Option<Unit>, ApiError> {
    db.query_row(UNIT_BY_ID, params![id])
        .await?
        .map(|row| unit(&row))
        .transpose()
}

pub async fn unit_by_path(db: &Db, path: &str) -> Result<Option<Unit>, ApiError> {
    db.query_row(UNIT_BY_PATH, params![path])
        .await?
        .map(|row| unit(&row))
        .transpose()
}

/// One unit's month.
#[derive(Debug, Clone)]
pub struct UnitTotals {
    pub unit: Unit,
    pub staff: i64,
    /// Σ scores / staff, rounded to two places; `None` without staff.
    pub average_score: Option<Decimal>,
    pub top_score: Option<Decimal>,
    pub bottom_score: Option<Decimal>,
    pub net_commission: Money,
    pub volume: Money,
    pub pay_total: Money,
}

/// The units of `kind` under `root` (itself included), each with the month's totals of
/// everyone assessed in its subtree, by path.
pub async fn rollup(
    db: &Db,
    at: Month,
    root: &str,
    kind: UnitKind,
) -> Result<Vec<UnitTotals>, ApiError> {
    let (low, high) = unit_range(root);
    let rows = db
        .query(ROLLUP, params![at.stored(), low, high, kind.as_str()])
        .await?;
    rows.iter()
        .map(|row| {
            let staff: i64 = row.get("staff")?;
            let sum: Option<i64> = row.get("score_sum")?;
            let average = match (sum, staff) {
                (Some(sum), n) if n > 0 => {
                    Some(crate::round_score(score_of(sum) / Decimal::from(n)))
                }
                _ => None,
            };
            Ok(UnitTotals {
                unit: unit(row)?,
                staff,
                average_score: average,
                top_score: row.get::<Option<i64>>("top")?.map(score_of),
                bottom_score: row.get::<Option<i64>>("bottom")?.map(score_of),
                net_commission: Money::from_fen(row.get("net_commission")?),
                volume: Money::from_fen(row.get("volume")?),
                pay_total: Money::from_fen(row.get("pay_total")?),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_platform::Value;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn every_view_reads_through_an_index() {
        let db = zhanye_query_plans::analyzed_schema();
        let month = Value::Integer(202610);
        let (low, high) = (text("/1/2/4/"), text("/1/2/40"));
        let page = [Value::Integer(20), Value::Integer(0)];
        let mut cases: Vec<(&str, Vec<Value>, &str)> = vec![
            (RESULT, vec![month.clone(), text("A0001")], "PRIMARY KEY"),
            (REVIEW, vec![month.clone(), text("A0001")], "PRIMARY KEY"),
            (
                TREND,
                vec![
                    text("A0001"),
                    Value::Integer(202601),
                    Value::Integer(202612),
                ],
                "assessment_results_staff",
            ),
            (
                RECENT,
                vec![text("A0001"), Value::Integer(12)],
                "assessment_results_staff",
            ),
            (
                TEAM_COUNT,
                vec![month.clone(), low.clone(), high.clone()],
                "assessment_results_unit",
            ),
            (
                ROLLUP,
                vec![month.clone(), text("/1/"), text("/10"), text("branch")],
                "assessment_results_unit",
            ),
        ];
        for sort in Sort::ALL {
            let mut params = vec![month.clone(), low.clone(), high.clone()];
            params.extend(page.iter().cloned());
            cases.push((team_sql(sort), params, "assessment_results_unit"));
        }
        for (sql, params, index) in cases {
            let steps = zhanye_query_plans::plan(&db, sql, &params);
            assert!(steps.iter().any(|s| s.contains(index)), "{sql}\n{steps:#?}");
            assert!(
                !steps.iter().any(|s| s.starts_with("SCAN ")
                    && !s.contains("INDEX")
                    && s != "SCAN t"
                    && !s.starts_with("SCAN (subquery")),
                "a full scan in {sql}\n{steps:#?}"
            );
        }
        // The roll-up walks the units of the range by their path, never every unit.
        let steps = zhanye_query_plans::plan(
            &db,
            ROLLUP,
            &[month, text("/1/"), text("/10"), text("branch")],
        );
        assert!(
            steps
                .iter()
                .any(|s| s.contains("org_units") && s.contains("INDEX")),
            "{steps:#?}"
        );
    }

    #[test]
    fn unit_ranges_cover_the_subtree() {
        assert_eq!(
            unit_range("/1/2/4/"),
            ("/1/2/4/".to_owned(), "/1/2/40".to_owned())
        );
        assert_eq!(unit_range("/1/"), ("/1/".to_owned(), "/10".to_owned()));
        for sort in Sort::ALL {
            assert_eq!(Sort::parse(sort.key()), Some(sort));
        }
        assert_eq!(Sort::parse("name"), None);
        assert_eq!(score_of(9614).to_string(), "96.14");
        assert_eq!(score_of(-250).to_string(), "-2.50");
        assert_eq!(score_of(10000).to_string(), "100.00");
    }

    #[test]
    fn stored_details_read_back() {
        use crate::TargetSource;
        use crate::assess::assess;
        let rules: crate::SchemeRules = serde_json::from_str(
            r#"{"indicators":[{"indicator":"net_commission","weight":"0.6","cap":"1.5","target":"20000"},
                {"indicator":"checkin_rate","weight":"0.4","cap":"1","target":"1"}],
                "deductions":[{"kind":"missed_checkins","points_each":"1","cap":"5"}],
                "rank_review":{"promote":"90","demote":"60"},
                "pay":{"base":"3000.00","commission_share":"0.2","bonus_per_new_effective":"200.00","per_deduction_point":"20.00"}}"#,
        )
        .unwrap();
        let figures = MonthFigures {
            stock_net_profit: Money::parse("12000.00").unwrap(),
            ..MonthFigures::default()
        };
        let activity = MonthActivity {
            checkin_days: 18,
            working_days: 20,
            ..MonthActivity::default()
        };
        let assessed = assess(&rules, &figures, &activity, |i| {
            let rule = rules.indicators.iter().find(|r| r.indicator == i).unwrap();
            (rule.target, TargetSource::Scheme)
        });
        let stored = serde_json::json!({
            "figures": figures, "activity": activity, "assessment": assessed,
        })
        .to_string();
        let back: StoredDetail = serde_json::from_str(&stored).unwrap();
        assert_eq!(back.figures, figures);
        assert_eq!(back.activity, activity);
        // The whole sheet and statement read back as they were written.
        assert_eq!(back.assessment, assessed);
    }
}
