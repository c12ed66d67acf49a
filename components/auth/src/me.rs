//! `GET /api/auth/me`: the signed-in staff member's profile card (HOME-2's fields),
//! roles, org placement, today's check-in and where the second factor stands (open
//! while the role requires one not yet set up, so the client can say so). The mobile is
//! masked.

use chrono::NaiveDate;
use serde::Serialize;
use zhanye_accounts::checkins::{self, Checkin};
use zhanye_accounts::staff;
use zhanye_platform::Request;
use zhanye_platform::json;
use zhanye_platform::{ApiError, ApiResult, Reply, RequestContext};
use zhanye_staff::Roles;
use zhanye_staff::identity::{age_on, mask_mobile};
use zhanye_staff::vocab::UnitKind;

#[derive(Serialize)]
struct Profile {
    code: String,
    name: String,
    kind: String,
    position: String,
    roles: Roles,
    status: String,
    gender: Option<String>,
    age: i32,
    mobile: String,
    email: Option<String>,
    unit: Unit,
    /// The units above, root first: 总部, 地区, 营业部, 团队.
    org: Vec<Unit>,
    branch: Option<String>,
    must_change_password: bool,
    /// The role requires a second factor not set up yet: only setting one up is open.
    second_factor_enrolment_required: bool,
    second_factor: crate::second_factor::Standing,
    today: NaiveDate,
    checked_in_today: bool,
    checkin: Option<Checkin>,
}

#[derive(Serialize, Clone)]
struct Unit {
    id: i64,
    kind: String,
    name: String,
}

pub async fn profile(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::allowing_second_factor_enrolment(&request).await?;
    let (db, today) = (&ctx.db, ctx.today);
    let staff = staff::find(db, &ctx.principal().code)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let org: Vec<Unit> = staff::unit_names(db, &staff.unit_path)
        .await?
        .into_iter()
        .map(|(id, kind, name)| Unit { id, kind, name })
        .collect();
    let checkin = checkins::on_day(db, &staff.code, today).await?;
    let unit = org
        .iter()
        .find(|u| u.id == staff.unit_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::internal(format!("unit {} of {} missing", staff.unit_id, staff.code))
        })?;
    let second_factor = crate::second_factor::standing_of(&ctx).await?;
    json::ok(&Profile {
        second_factor_enrolment_required: second_factor.required
            && second_factor.state != "enabled",
        second_factor,
        age: age_on(staff.birth_date, today),
        branch: org
            .iter()
            .find(|u| u.kind == UnitKind::Branch.as_str())
            .map(|u| u.name.clone()),
        code: staff.code,
        name: staff.name,
        kind: staff.kind,
        position: staff.position,
        roles: staff.roles,
        status: staff.status,
        gender: staff.gender,
        mobile: mask_mobile(&staff.mobile),
        email: staff.email,
        unit,
        org,
        must_change_password: staff.must_change,
        today,
        checked_in_today: checkin.is_some(),
        checkin,
    })
}
