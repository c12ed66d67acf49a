//! HOME-3 待办事项: the requests waiting for the signed-in approver, as the home page
//! lists them (the todo box's first page, oldest first).

use zhanye_platform::{ApiError, Caller, Db, PageQuery};

use crate::chain::Actor;
use crate::store::lists::{self, Inbox, Narrowing};
use crate::view::TodoApproval;

/// The first `limit` (1–200) requests whose current step `caller` may decide, and how
/// many there are in all.
pub async fn for_approver(
    db: &Db,
    caller: &Caller,
    limit: u32,
) -> Result<(Vec<TodoApproval>, i64), ApiError> {
    let actor = Actor::new(&caller.code, caller.roles.clone(), &caller.unit_path);
    let first = PageQuery {
        page: 1,
        page_size: limit.clamp(1, PageQuery::MAX_PAGE_SIZE),
    };
    let page = lists::list(db, Inbox::Todo, &actor, Narrowing::default(), first).await?;
    let total = i64::try_from(page.total).unwrap_or(i64::MAX);
    Ok((
        page.items.into_iter().map(TodoApproval::from).collect(),
        total,
    ))
}
