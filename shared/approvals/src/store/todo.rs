//! HOME-3 待办事项: the requests waiting for the signed-in approver, as the home page
//! lists them (the todo box's first page, oldest first).

use zhanye_platform::{ApiError, Db, PageQuery};
use zhanye_staff::Principal;

use crate::store::lists::{self, Inbox, Narrowing};
use crate::view::TodoApproval;

/// The first `limit` (1–200) requests whose current step `approver` may decide, and how
/// many there are in all.
pub async fn for_approver(
    db: &Db,
    approver: &Principal,
    limit: u32,
) -> Result<(Vec<TodoApproval>, i64), ApiError> {
    let first = PageQuery {
        page: 1,
        page_size: limit.clamp(1, PageQuery::MAX_PAGE_SIZE),
    };
    let page = lists::list(db, Inbox::Todo, approver, Narrowing::default(), first).await?;
    let total = i64::try_from(page.total).unwrap_or(i64::MAX);
    Ok((
        page.items.into_iter().map(TodoApproval::from).collect(),
        total,
    ))
}
