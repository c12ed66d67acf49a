//! `GET /api/auth/admin/staff`: the staff a branch admin or HQ oversees, paged and
//! searched (人员名单), so the reset and status screens pick a person rather than take a
//! typed code. The scope is the caller's org subtree, as for everything under `admin`.

use serde::Serialize;
use zhanye_accounts::roster::{self, RosterEntry, RosterFilter, TEXT_MAX_CHARS};
use zhanye_platform::problem::reason;
use zhanye_platform::{
    ApiError, ApiResult, FieldError, Lang, Page, PageQuery, QueryParams, Reply, Request, json,
};
use zhanye_staff::Roles;
use zhanye_staff::vocab::StaffStatus;

#[derive(Serialize)]
struct Unit {
    id: i64,
    name: String,
}

#[derive(Serialize)]
struct Listed {
    code: String,
    name: String,
    roles: Roles,
    position: String,
    unit: Unit,
    status: StaffStatus,
    status_label: &'static str,
}

fn listed(entry: RosterEntry, lang: Lang) -> Listed {
    Listed {
        status_label: match lang {
            Lang::ZhCn => entry.status.label_zh(),
            Lang::En => entry.status.label_en(),
        },
        code: entry.code,
        name: entry.name,
        roles: entry.roles,
        position: entry.position,
        unit: Unit {
            id: entry.unit_id,
            name: entry.unit_name,
        },
        status: entry.status,
    }
}

/// `q` (the start of a code or any part of a name) and `status`; 422 naming each
/// wrong one.
fn filter_of(params: &QueryParams) -> Result<RosterFilter, ApiError> {
    let mut errors = Vec::new();
    let text = match params.get_text("q", TEXT_MAX_CHARS) {
        Ok(text) => text.map(str::to_owned),
        Err(error) => {
            errors.push(error);
            None
        }
    };
    let status = params.get_non_empty("status").and_then(|s| {
        let parsed = StaffStatus::parse(s);
        if parsed.is_none() {
            errors.push(FieldError::new("status", reason::INVALID));
        }
        parsed
    });
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(RosterFilter { text, status })
}

/// `GET /api/auth/admin/staff?q=&status=&page=&page_size=`.
pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = crate::admin::admin(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let page = PageQuery::from_params(&params)?;
    let filter = filter_of(&params)?;
    let unit_path = &ctx.principal().unit_path;
    let total = roster::count(&ctx.db, unit_path, &filter).await?;
    let items = roster::page(&ctx.db, unit_path, &filter, page.limit(), page.offset())
        .await?
        .into_iter()
        .map(|entry| listed(entry, ctx.lang))
        .collect();
    json::ok(&Page::new(items, total, page)?)
}
