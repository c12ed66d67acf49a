//! The `approvals` component.

use spin_sdk::http::Request;
use spin_sdk::http_service;
use zhanye_platform::respond::handle;
use zhanye_platform::{ApiError, ApiResult, Outgoing, Reply};

#[http_service]
async fn serve(request: Request) -> Outgoing {
    handle(request, route).await
}

async fn route(_request: Request) -> ApiResult<Reply> {
    Err(ApiError::not_found())
}
