//! Each topic's batch: read the records (field checks), then apply them to the store,
//! reporting unresolved references into the same report.

use serde_json::{Map, Value};
use zhanye_ingest::Report;
use zhanye_ingest::topics::{org_units, staff};
use zhanye_platform::caller::pii_key;
use zhanye_platform::kv::Cache;
use zhanye_platform::time::now_unix;
use zhanye_platform::{ApiError, Db};

/// Applies a batch of `topic`; answers what was done. Problems go into `report`, and
/// the caller rolls back when there are any.
pub async fn apply(
    db: &Db,
    topic: &str,
    records: &[Map<String, Value>],
    report: &mut Report,
) -> Result<Value, ApiError> {
    match topic {
        "org-units" => match org_units::parse(records) {
            Ok(units) => {
                let applied = zhanye_accounts::org::upsert_units(db, &units, report).await?;
                Ok(serde_json::to_value(applied).unwrap_or_default())
            }
            Err(found) => {
                *report = found;
                Ok(Value::Null)
            }
        },
        "staff" => match staff::parse(records) {
            Ok(members) => {
                let key = pii_key().await?;
                let cache = Cache::open_default().await?;
                let applied = zhanye_accounts::staff::upsert_from_partner(
                    db,
                    &cache,
                    &members,
                    &key,
                    report,
                    now_unix(),
                )
                .await?;
                Ok(serde_json::to_value(applied).unwrap_or_default())
            }
            Err(found) => {
                *report = found;
                Ok(Value::Null)
            }
        },
        _ => Err(ApiError::not_found()),
    }
}
