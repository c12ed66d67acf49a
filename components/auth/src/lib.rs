//! The `auth` component: sign-in and everything about passwords and sessions.
//!
//! | route | what |
//! |---|---|
//! | `POST /api/auth/login` | AUTH-1/6 sign in; records the day's check-in (CHECKIN-1); with a second factor on, answers a challenge instead of tokens |
//! | `POST /api/auth/login/totp` | the second step: the challenge and a TOTP code → tokens |
//! | `POST /api/auth/refresh` | AUTH-7 rotate the refresh token |
//! | `POST /api/auth/logout` | AUTH-7 revoke the session |
//! | `POST /api/auth/password` | AUTH-8 change password (open while a change is forced) |
//! | `GET /api/auth/me` | who am I: profile card, roles, today's check-in, second factor |
//! | `GET /api/auth/second-factor` | where one's own second factor (TOTP) stands |
//! | `POST /api/auth/second-factor/totp` | start setting one up: a secret and its `otpauth://` URI |
//! | `POST /api/auth/second-factor/totp/confirm` | turn it on with a current code |
//! | `POST /api/auth/second-factor/totp/disable` | turn it off with a current code |
//! | `GET /api/auth/sessions` | one's own live sessions |
//! | `DELETE /api/auth/sessions/{id}` | sign out one of them (退出此设备) |
//! | `POST /api/auth/sessions/sign-out-others` | sign out all but this one (退出其他所有设备) |
//! | `POST /api/auth/reset/request` | AUTH-4 send an SMS code |
//! | `POST /api/auth/reset/confirm` | AUTH-4 set a new password with the SMS code |
//! | `POST /api/auth/reset/manual` | AUTH-5 ask the branch for a manual reset |
//! | `GET /api/auth/admin/resets` | AUTH-5 pending manual-reset requests in scope |
//! | `GET /api/auth/admin/resets/export` | the same as CSV: 人员代码, 人员姓名, 手机号码 |
//! | `POST /api/auth/admin/resets` | AUTH-5 reset a password to a one-time temporary one |
//! | `GET /api/auth/admin/staff` | the staff of the admin's org subtree, searched by code or name, by status |
//! | `POST /api/auth/admin/status` | suspend, reinstate or record the leaving of a staff member (ends sessions, AUTH-7) |

mod admin;
mod input;
mod login;
mod me;
mod own_sessions;
mod password;
mod reset;
mod roster;
mod second_factor;
mod sms;

use zhanye_platform::Request;
use zhanye_platform::respond::route_path;
use zhanye_platform::{ApiError, ApiResult, Reply};

zhanye_platform::http_component!(route);

async fn route(request: Request) -> ApiResult<Reply> {
    let is = |method: http::Method| request.method() == method;
    let path = route_path(&request);
    if let Some(id) = path.strip_prefix("/api/auth/sessions/")
        && id != "sign-out-others"
    {
        if !is(http::Method::DELETE) {
            return Err(ApiError::method_not_allowed("DELETE"));
        }
        let id = id.to_owned();
        return own_sessions::sign_out_one(request, &id).await;
    }
    match path {
        "/api/auth/login" if is(http::Method::POST) => login::sign_in(request).await,
        "/api/auth/login/totp" if is(http::Method::POST) => login::sign_in_with_code(request).await,
        "/api/auth/second-factor" if is(http::Method::GET) => second_factor::status(request).await,
        "/api/auth/second-factor/totp" if is(http::Method::POST) => {
            second_factor::start(request).await
        }
        "/api/auth/second-factor/totp/confirm" if is(http::Method::POST) => {
            second_factor::confirm(request).await
        }
        "/api/auth/second-factor/totp/disable" if is(http::Method::POST) => {
            second_factor::disable(request).await
        }
        "/api/auth/sessions" if is(http::Method::GET) => own_sessions::list(request).await,
        "/api/auth/sessions/sign-out-others" if is(http::Method::POST) => {
            own_sessions::sign_out_others(request).await
        }
        "/api/auth/refresh" if is(http::Method::POST) => login::refresh(request).await,
        "/api/auth/logout" if is(http::Method::POST) => login::sign_out(request).await,
        "/api/auth/password" if is(http::Method::POST) => password::change(request).await,
        "/api/auth/me" if is(http::Method::GET) => me::profile(request).await,
        "/api/auth/reset/request" if is(http::Method::POST) => reset::request_code(request).await,
        "/api/auth/reset/confirm" if is(http::Method::POST) => reset::confirm(request).await,
        "/api/auth/reset/manual" if is(http::Method::POST) => reset::request_manual(request).await,
        "/api/auth/admin/resets" if is(http::Method::GET) => admin::pending(request).await,
        "/api/auth/admin/resets" if is(http::Method::POST) => admin::reset(request).await,
        "/api/auth/admin/resets/export" if is(http::Method::GET) => admin::export(request).await,
        "/api/auth/admin/status" if is(http::Method::POST) => admin::set_status(request).await,
        "/api/auth/admin/staff" if is(http::Method::GET) => roster::list(request).await,
        "/api/auth/me"
        | "/api/auth/admin/resets/export"
        | "/api/auth/admin/staff"
        | "/api/auth/second-factor"
        | "/api/auth/sessions" => Err(ApiError::method_not_allowed("GET")),
        "/api/auth/admin/resets" => Err(ApiError::method_not_allowed("GET, POST")),
        "/api/auth/login"
        | "/api/auth/login/totp"
        | "/api/auth/second-factor/totp"
        | "/api/auth/second-factor/totp/confirm"
        | "/api/auth/second-factor/totp/disable"
        | "/api/auth/sessions/sign-out-others"
        | "/api/auth/refresh"
        | "/api/auth/logout"
        | "/api/auth/password"
        | "/api/auth/reset/request"
        | "/api/auth/reset/confirm"
        | "/api/auth/reset/manual"
        | "/api/auth/admin/status" => Err(ApiError::method_not_allowed("POST")),
        _ => Err(ApiError::not_found()),
    }
}
