//! `POST /api/tasks`: 营销任务发起 (TASK-1, 工作设置).
//!
//! - `account_no` is optional ("如果是现有团队客户, 请输入资金账号, 否则留空"); when given it
//!   must be a customer the caller reads (ORG-4), and the task takes that customer's
//!   name. An account out of scope is refused exactly like an unknown one (422), so
//!   the answer never tells whether it exists. Without it, `customer_name` is required.
//! - the responsible (负责营销人员) is the caller unless a lead, branch manager or HQ names a
//!   normal-status member of their unit's subtree; a rep naming anyone else is 403.

use serde::Deserialize;
use zhanye_customers::scope::may_read;
use zhanye_customers::store::detail as customer_detail;
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::{ApiError, ApiResult, Reply, RequestContext};
use zhanye_tasks::access::{assignee_refusal, assigns, may_not_assign};
use zhanye_tasks::fields::why;
use zhanye_tasks::plan::{self, Plan, PlanInput};
use zhanye_tasks::store::lookups;
use zhanye_tasks::store::records;
use zhanye_tasks::store::writes::{self, NewTask};

use crate::access::{BODY_LIMIT, TaskAccess};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTaskBody {
    #[serde(default)]
    account_no: Option<String>,
    #[serde(default)]
    customer_name: Option<String>,
    planned_address: String,
    planned_at: String,
    #[serde(default)]
    responsible_code: Option<String>,
    content: String,
}

/// Who the task is for: their code and unit path.
struct Responsible {
    code: String,
    unit_path: String,
}

/// The customer the task names: its id and account number when it is an existing one.
struct Customer {
    id: Option<i64>,
    account_no: Option<String>,
    name: String,
}

pub async fn create(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let body: NewTaskBody = read_json(request, BODY_LIMIT).await?;
    let plan = plan::plan(
        &PlanInput {
            account_no: body.account_no.as_deref(),
            customer_name: body.customer_name.as_deref(),
            planned_address: &body.planned_address,
            planned_at: &body.planned_at,
            responsible_code: body.responsible_code.as_deref(),
            content: &body.content,
        },
        ctx.now,
    )
    .map_err(ApiError::validation)?;
    let responsible = responsible(&ctx, &plan).await?;
    let customer = customer(&ctx, &plan).await?;
    let now = ctx.stamp();
    let task_id = ctx
        .db
        .transaction(async |tx| {
            let task_id = writes::create(
                tx,
                &NewTask {
                    customer_id: customer.id,
                    account_no: customer.account_no.as_deref(),
                    customer_name: &customer.name,
                    planned_address: &plan.planned_address,
                    planned_at: &plan.planned_at,
                    responsible_code: &responsible.code,
                    unit_path: &responsible.unit_path,
                    content: &plan.content,
                    created_by: &ctx.principal().code,
                },
                &now,
            )
            .await?;
            let detail = serde_json::json!({
                "responsible_code": responsible.code,
                "customer_id": customer.id,
                "account_no": customer.account_no,
                "planned_at": plan.planned_at,
            });
            tx.audit(
                &ctx.principal().code,
                "task.create",
                Some(&task_id.to_string()),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(task_id)
        })
        .await?;
    let task = records::find(&ctx.db, task_id)
        .await?
        .ok_or_else(|| ApiError::internal("a new task is not found"))?;
    json::created(&ctx.view(&task).await?)
}

async fn responsible(ctx: &RequestContext, plan: &Plan) -> ApiResult<Responsible> {
    let caller = ctx.principal();
    let code = match plan.responsible_code.as_deref() {
        None => None,
        Some(code) if code == caller.code => None,
        Some(code) => Some(code),
    };
    let Some(code) = code else {
        return Ok(Responsible {
            code: caller.code.clone(),
            unit_path: caller.unit_path.clone(),
        });
    };
    if !assigns(caller) {
        return Err(may_not_assign());
    }
    let staff = lookups::staff(&ctx.db, code).await?;
    match (assignee_refusal(caller, staff.as_ref()), staff) {
        (None, Some(staff)) => Ok(Responsible {
            code: staff.code,
            unit_path: staff.unit_path,
        }),
        (why, _) => Err(ApiError::invalid_field(
            "responsible_code",
            why.unwrap_or(why::UNKNOWN_REFERENCE),
        )),
    }
}

async fn customer(ctx: &RequestContext, plan: &Plan) -> ApiResult<Customer> {
    let Some(account_no) = plan.account_no.as_deref() else {
        return Ok(Customer {
            id: None,
            account_no: None,
            name: plan.customer_name.clone().unwrap_or_default(),
        });
    };
    let unknown = || ApiError::invalid_field("account_no", why::UNKNOWN_REFERENCE);
    let id = lookups::customer_by_account(&ctx.db, account_no)
        .await?
        .ok_or_else(unknown)?;
    let record = customer_detail::find(&ctx.db, id, &ctx.principal().code, ctx.today)
        .await?
        .ok_or_else(unknown)?;
    if !may_read(ctx.principal(), record.holder()) {
        return Err(unknown());
    }
    Ok(Customer {
        id: Some(record.id),
        account_no: Some(record.account_no),
        name: record.name,
    })
}
