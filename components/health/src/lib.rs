//! `GET /api/health`: the app is up, which build it is, and which schema it has.
//!
//! ```json
//! {"status":"ok","app":"zhanye","version":"0.1.0","schema_version":1}
//! ```
//!
//! `schema_version` is the highest version in `schema_migrations` of the `default`
//! database (0 when the table does not exist yet). Any other method is 405.

use serde::Serialize;
use zhanye_platform::Request;
use zhanye_platform::{ApiError, ApiResult, Db, Reply, json};

zhanye_platform::http_component!(health);

async fn health(request: Request) -> ApiResult<Reply> {
    if request.method() != http::Method::GET {
        return Err(ApiError::method_not_allowed("GET"));
    }
    let db = Db::open_default().await?;
    let schema_version = db.schema_version().await?;
    json::ok(&Health {
        status: "ok",
        app: "zhanye",
        version: env!("CARGO_PKG_VERSION"),
        schema_version,
    })
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    app: &'static str,
    version: &'static str,
    schema_version: u32,
}
