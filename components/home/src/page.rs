//! `GET /api/home?month=YYYY-MM`. `month` defaults to the current China-time month and
//! may not lie in the future.

use serde::Serialize;
use zhanye_approvals::store::todo;
use zhanye_approvals::view::TodoApproval;
use zhanye_customers::Month;
use zhanye_customers::home::HomeFigures;
use zhanye_customers::masking::mask_mobile;
use zhanye_customers::store::follows;
use zhanye_customers::store::home::{self, RecentWork};
use zhanye_customers::store::search::ListItem;
use zhanye_customers::store::stats;
use zhanye_platform::Request;
use zhanye_platform::lang::Lang;
use zhanye_platform::problem::reason;
use zhanye_platform::time::{parse_date, rfc3339};
use zhanye_platform::{ApiError, ApiResult, PageQuery, QueryParams, Reply, RequestContext, json};
use zhanye_products::store::catalog::ProductSummary;
use zhanye_products::store::favorites;
use zhanye_staff::identity::age_on;
use zhanye_tasks::store::todo::{self as tasks, FinishedTask, TodoTask};

/// How many followed customers, to-dos and recent items the page shows.
const SHOWN: u32 = 10;

#[derive(Serialize)]
struct HomePage {
    month: String,
    /// "现在是2014年08月，以下为当前名下客户基本情况。"
    heading: String,
    #[serde(flatten)]
    figures: HomeFigures,
    profile: ProfileCard,
    /// 待办: the requests waiting for the caller's decision (approvals engine).
    todos: Listed<TodoApproval>,
    /// 营销任务待办列表 (TASK-2): the caller's open tasks, soonest first, overdue flagged.
    task_todos: TaskTodos,
    recent_work: Listed<RecentWork>,
    /// 历史任务 (TASK-4): the caller's latest done or cancelled tasks.
    recent_tasks: Listed<FinishedTask>,
    followed_customers: Listed<ListItem>,
    /// 收藏夹 (PROD-3): the newest favourite products.
    favorite_products: Listed<ProductSummary>,
    unread_alerts: i64,
}

/// A short list with its total and what to show when it is empty.
#[derive(Serialize)]
struct Listed<T> {
    items: Vec<T>,
    total: i64,
    empty_text: Option<&'static str>,
}

impl<T> Listed<T> {
    fn new(items: Vec<T>, total: i64, lang: Lang, zh: &'static str, en: &'static str) -> Self {
        let empty_text = (total == 0).then(|| lang.pick(zh, en));
        Listed {
            items,
            total,
            empty_text,
        }
    }
}

/// The open tasks shown, how many are open in all, and how many of those are overdue.
#[derive(Serialize)]
struct TaskTodos {
    #[serde(flatten)]
    listed: Listed<TodoTask>,
    overdue: i64,
}

/// HOME-2 个人信息.
#[derive(Serialize)]
struct ProfileCard {
    code: String,
    name: String,
    /// 所属.
    branch: String,
    unit: String,
    /// 职务.
    position: String,
    /// 状态.
    status: String,
    age: i32,
    gender: Option<String>,
    /// Masked: the page is often on a shared screen.
    mobile: String,
    email: Option<String>,
}

pub async fn view(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let (caller, db, lang) = (ctx.principal(), &ctx.db, ctx.lang);
    let query = QueryParams::from_uri(request.uri());
    let (now, today) = (ctx.now, ctx.today);
    let current = Month::of(today);
    let month = match query.get_non_empty("month") {
        None => current,
        Some(text) => Month::parse(text)
            .ok_or_else(|| ApiError::invalid_field("month", reason::INVALID_FORMAT))?,
    };
    if month > current {
        return Err(ApiError::invalid_field("month", reason::OUT_OF_RANGE));
    }

    let profile = home::profile(db, &caller.code)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let figures = HomeFigures::from(&stats::for_month(db, &caller.code, month).await?);
    // The same list as `GET /api/customers/followed`: followed customers still in scope.
    let first = PageQuery {
        page: 1,
        page_size: SHOWN,
    };
    let followed = follows::followed(db, caller, today, first).await?;
    let (todos, todo_total) = todo::for_approver(db, caller, SHOWN).await?;
    let recent = home::recent_contacts(db, &caller.code, SHOWN.into()).await?;
    let unread_alerts = home::unread_alerts(db, &caller.code).await?;
    let open_tasks = tasks::open_for(db, &caller.code, &rfc3339(now), SHOWN).await?;
    let finished_tasks = tasks::recent_finished(db, &caller.code, SHOWN).await?;
    let favorites = favorites::list(db, &caller.code, first).await?;

    let age = parse_date(&profile.birth_date).map_or(0, |birth| age_on(birth, today));
    let page = HomePage {
        month: month.to_string(),
        heading: match lang {
            Lang::En => {
                format!("It is now {month}; below are the customers currently under your name.")
            }
            _ => format!("现在是{}，以下为当前名下客户基本情况。", month.chinese()),
        },
        figures,
        profile: ProfileCard {
            code: profile.code,
            name: profile.name,
            branch: profile.branch_name,
            unit: profile.unit_name,
            position: profile.position,
            status: profile.status,
            age,
            gender: profile.gender,
            mobile: mask_mobile(&profile.mobile),
            email: profile.email,
        },
        todos: Listed::new(
            todos,
            todo_total,
            lang,
            "目前没有待办事项",
            "Nothing to do right now",
        ),
        task_todos: TaskTodos {
            listed: Listed::new(
                open_tasks.items,
                open_tasks.total,
                lang,
                "没有待办的营销任务 (可以新建工作)",
                "No open tasks (set up new work)",
            ),
            overdue: open_tasks.overdue,
        },
        recent_work: {
            let total = recent.len() as i64;
            Listed::new(recent, total, lang, "无", "None")
        },
        recent_tasks: {
            let total = finished_tasks.len() as i64;
            Listed::new(
                finished_tasks,
                total,
                lang,
                "没有历史任务",
                "No finished tasks",
            )
        },
        followed_customers: Listed::new(
            followed.items,
            i64::try_from(followed.total).unwrap_or(i64::MAX),
            lang,
            "没有记录 (可以在客户明细中添加关注)",
            "No records (follow customers from their detail page)",
        ),
        favorite_products: Listed::new(
            favorites.items,
            i64::try_from(favorites.total).unwrap_or(i64::MAX),
            lang,
            "没有收藏的产品",
            "No favourite products",
        ),
        unread_alerts,
    };
    json::ok(&page)
}
