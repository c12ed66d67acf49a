//! Whose months the one asking reads (ORG-4), as lookups on the request context, and
//! the parameters every route shares: the assessed month, the staff member, the
//! category.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use zhanye_assessment::Rank;
use zhanye_assessment::store::views::{self, StaffInfo};
use zhanye_customers::month::Month;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, ApiResult, Lang, Localized, RequestContext};
use zhanye_staff::{Role, StaffCode};

/// Request bodies of this component are small; a scheme is the largest.
pub const BODY_LIMIT: usize = 32 * 1024;

/// Whose months the request's caller reads, and what they may change.
pub(crate) trait AssessmentAccess {
    fn has(&self, role: Role) -> bool;

    /// 403 unless the caller is HQ (总部营销管理岗).
    fn require_hq(&self) -> ApiResult<()>;

    /// The unit subtree whose months the caller reads; 403 for a plain rep.
    fn subtree(&self) -> ApiResult<&str>;

    /// The staff member a read is about: `staff` when given, else the caller. Someone
    /// else must be in the caller's scope by their current unit, or by `unit_then` (the
    /// unit they were assessed in, when the route knows it); otherwise 403.
    async fn subject(&self, staff: Option<&str>) -> ApiResult<Subject>;

    /// 403 unless the subject is the caller, in their scope now, or was in it when
    /// assessed in a unit at `unit_then`.
    fn check_reads(&self, subject: &Subject, unit_then: Option<&str>) -> ApiResult<()>;
}

impl AssessmentAccess for RequestContext {
    fn has(&self, role: Role) -> bool {
        self.principal().has(role)
    }

    fn require_hq(&self) -> ApiResult<()> {
        if self.has(Role::HqAdmin) {
            Ok(())
        } else {
            Err(forbidden(
                "仅总部营销管理岗可以执行此操作。",
                "Only HQ marketing administrators may do this.",
            ))
        }
    }

    fn subtree(&self) -> ApiResult<&str> {
        self.principal().readable_subtree().ok_or_else(|| {
            forbidden(
                "只有团队长、营业部经理和总部可以查看团队的考核。",
                "Only team leads, branch managers and HQ see a team's assessment.",
            )
        })
    }

    async fn subject(&self, staff: Option<&str>) -> ApiResult<Subject> {
        let who = self.principal();
        let code = match staff {
            None => who.code.clone(),
            Some(text) => StaffCode::parse(text)
                .map_err(|_| ApiError::invalid_field("staff", reason::INVALID_FORMAT))?
                .to_string(),
        };
        let own = code == who.code;
        if !own && who.readable_subtree().is_none() {
            return Err(not_yours());
        }
        let info = views::staff(&self.db, &code)
            .await?
            .ok_or_else(unknown_staff)?;
        Ok(Subject {
            in_scope: own || who.reads_unit(&info.unit_path),
            info,
        })
    }

    fn check_reads(&self, subject: &Subject, unit_then: Option<&str>) -> ApiResult<()> {
        if subject.in_scope || unit_then.is_some_and(|path| self.principal().reads_unit(path)) {
            Ok(())
        } else {
            Err(not_yours())
        }
    }
}

/// The staff member a read is about, and whether the caller reads them by their
/// current unit.
pub struct Subject {
    pub info: StaffInfo,
    pub in_scope: bool,
}

pub fn forbidden(zh: &str, en: &str) -> ApiError {
    ApiError::forbidden().with_detail(Localized::new(zh, en))
}

/// ORG-4: another's score or pay, out of the caller's scope.
pub fn not_yours() -> ApiError {
    forbidden(
        "无权查看该人员的考核与收入：代表只能查看本人的，团队长只能查看本团队的。",
        "You may not see this staff member's assessment or pay: a rep sees only their own, a lead only their team's.",
    )
}

pub fn unknown_staff() -> ApiError {
    ApiError::not_found().with_detail(Localized::new("该人员不存在。", "No such staff member."))
}

/// A month as typed: `YYYY-MM`, or `YYYYMM` as the seed's drop-down shows it.
pub fn parse_month(text: &str) -> Option<Month> {
    if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        return Month::new(text[..4].parse().ok()?, text[4..].parse().ok()?);
    }
    Month::parse(text)
}

/// An assessed month (考核月份) from `field`: it must have ended in China time. Absent,
/// the month before the current one.
pub fn assessed_month(text: Option<&str>, field: &str, today: NaiveDate) -> ApiResult<Month> {
    let current = Month::of(today);
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(current.previous());
    };
    let month =
        parse_month(text).ok_or_else(|| ApiError::invalid_field(field, reason::INVALID_FORMAT))?;
    ended(month, field, today)?;
    Ok(month)
}

/// 422 on `field` unless `month` ended before `today`'s month.
pub fn ended(month: Month, field: &str, today: NaiveDate) -> ApiResult<()> {
    if month < Month::of(today) {
        return Ok(());
    }
    Err(
        ApiError::invalid_field(field, "not_ended").with_detail(Localized::new(
            format!("考核月份须为已结束的月份：{month} 尚未结束。"),
            format!("The assessment month must be one that has ended: {month} has not."),
        )),
    )
}

/// ASSESS-6's categories: which HOME-1 figures a query shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 净佣金: the net profits (净利润).
    Commission,
    /// 交易量: the volumes.
    Volume,
    /// 存量客户.
    Stock,
    /// 增量客户.
    Incremental,
}

impl Category {
    pub fn parse(text: Option<&str>) -> ApiResult<Option<Category>> {
        let Some(text) = text.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        match text {
            "commission" => Ok(Some(Category::Commission)),
            "volume" => Ok(Some(Category::Volume)),
            "stock" => Ok(Some(Category::Stock)),
            "incremental" => Ok(Some(Category::Incremental)),
            _ => Err(ApiError::invalid_field("category", reason::INVALID)),
        }
    }

    /// Whether a figure (by its name in the answer) belongs to the category.
    pub fn shows(self, figure: &str) -> bool {
        match self {
            Category::Commission => figure.contains("net_profit") || figure == "net_commission",
            Category::Volume => figure.ends_with("volume"),
            Category::Stock => figure.starts_with("stock_"),
            Category::Incremental => figure.starts_with("new_"),
        }
    }
}

/// A score or points with two places (`96.14`, `36.00`).
pub fn two_places(value: Decimal) -> String {
    let mut value = zhanye_assessment::round_score(value);
    value.rescale(2);
    value.to_string()
}

/// The staff member a sheet or statement is about, as assessed.
#[derive(Debug, Serialize)]
pub struct StaffCard {
    pub code: String,
    pub name: String,
    pub unit_name: Option<String>,
    pub rank: Rank,
    pub rank_label: &'static str,
}

impl StaffCard {
    pub fn of(result: &views::MonthResult, lang: Lang) -> StaffCard {
        let labels = result.rank.labels();
        StaffCard {
            code: result.staff_code.clone(),
            name: result.name.clone(),
            unit_name: result.unit_name.clone(),
            rank: result.rank,
            rank_label: lang.pick(labels.0, labels.1),
        }
    }
}

/// 404 for a staff member without a result in a month that ran.
pub fn no_result(code: &str, month: Month) -> ApiError {
    ApiError::not_found().with_detail(Localized::new(
        format!("{code} 在 {month} 没有考核结果。"),
        format!("{code} has no assessment result in {month}."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months_are_typed_two_ways_and_must_have_ended() {
        assert_eq!(parse_month("2014-09").unwrap().to_string(), "2014-09");
        assert_eq!(parse_month("201409").unwrap().to_string(), "2014-09");
        assert_eq!(
            parse_month(" 201409 "),
            None,
            "spaces are no part of a month"
        );
        for bad in [
            "201413",
            "2014-9",
            "20149",
            "abc",
            "",
            "2014-13",
            "１２３４５６",
        ] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
        let today = day("2026-11-01");
        assert_eq!(
            assessed_month(None, "month", today).unwrap().to_string(),
            "2026-10"
        );
        assert_eq!(
            assessed_month(Some("202610"), "month", today)
                .unwrap()
                .to_string(),
            "2026-10"
        );
        for (text, why) in [
            ("2026-11", "not_ended"),
            ("2027-01", "not_ended"),
            ("2026-1", "invalid_format"),
        ] {
            let error = assessed_month(Some(text), "month", today).unwrap_err();
            assert_eq!(error.status.as_u16(), 422);
            assert_eq!(error.field_errors[0].field, "month");
            assert_eq!(error.field_errors[0].reason, why, "{text}");
        }
        let error = assessed_month(Some("2026-11"), "month", today).unwrap_err();
        assert!(
            error
                .detail(Lang::ZhCn)
                .starts_with("考核月份须为已结束的月份")
        );
    }

    #[test]
    fn categories_pick_their_figures() {
        assert_eq!(Category::parse(None).unwrap(), None);
        assert_eq!(
            Category::parse(Some("stock")).unwrap(),
            Some(Category::Stock)
        );
        assert!(Category::parse(Some("lost")).is_err());
        assert!(Category::Commission.shows("new_effective_net_profit"));
        assert!(Category::Commission.shows("net_commission"));
        assert!(!Category::Commission.shows("stock_volume"));
        assert!(Category::Volume.shows("stock_volume") && Category::Volume.shows("volume"));
        assert!(Category::Stock.shows("stock_assets") && !Category::Stock.shows("new_assets"));
        assert!(Category::Incremental.shows("new_effective_count"));
        assert!(!Category::Incremental.shows("lost_count"));
    }

    #[test]
    fn scores_show_two_places() {
        for (value, shown) in [
            ("96.14", "96.14"),
            ("36", "36.00"),
            ("-2.5", "-2.50"),
            ("9.095", "9.10"),
        ] {
            assert_eq!(two_places(value.parse().unwrap()), shown);
        }
    }
}
