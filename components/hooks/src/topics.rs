//! Each topic's batch: read the records (field checks), then apply them to the store,
//! reporting unresolved references into the same report.

use serde::Serialize;
use serde_json::{Map, Value};
use zhanye_customers::store::ingest as customer_ingest;
use zhanye_ingest::Report;
use zhanye_ingest::topics::{
    account_events, customer_relations, customers, daily_assets, fund_transfers,
    monthly_performance, org_units, products, staff, trades,
};
use zhanye_platform::caller::pii_key;
use zhanye_platform::kv::Cache;
use zhanye_platform::time::{now_rfc3339, now_unix};
use zhanye_platform::{ApiError, Db};

/// What an apply did, as the answer's `outcome`.
fn outcome<T: Serialize>(applied: T) -> Value {
    serde_json::to_value(applied).unwrap_or_default()
}

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
                let cache = Cache::open_default().await?;
                let applied =
                    zhanye_accounts::org::upsert_units(db, &cache, &units, report, now_unix())
                        .await?;
                // The customers under a moved unit move with it.
                for (old, new) in &applied.moved {
                    zhanye_customers::store::owners::follow_moved_unit(db, old, new).await?;
                }
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
                // Each member's customers follow them into their unit.
                for placed in &applied.placed {
                    zhanye_customers::store::owners::follow_owner_unit(
                        db,
                        &placed.code,
                        &placed.unit_path,
                    )
                    .await?;
                }
                Ok(serde_json::to_value(applied).unwrap_or_default())
            }
            Err(found) => {
                *report = found;
                Ok(Value::Null)
            }
        },
        "customers" => match customers::parse(records) {
            Ok(rows) => {
                let key = pii_key().await?;
                let applied =
                    customer_ingest::customers::apply(db, &rows, &key, &now_rfc3339(), report)
                        .await?;
                Ok(outcome(applied))
            }
            Err(found) => refused(report, found),
        },
        "customer-relations" => match customer_relations::parse(records) {
            Ok(rows) => Ok(outcome(
                customer_ingest::customer_relations::apply(db, &rows, &now_rfc3339(), report)
                    .await?,
            )),
            Err(found) => refused(report, found),
        },
        "monthly-performance" => match monthly_performance::parse(records) {
            Ok(rows) => Ok(outcome(
                customer_ingest::monthly_performance::apply(db, &rows, report).await?,
            )),
            Err(found) => refused(report, found),
        },
        "daily-assets" => match daily_assets::parse(records) {
            Ok(rows) => Ok(outcome(
                customer_ingest::daily_assets::apply(db, &rows, &now_rfc3339(), report).await?,
            )),
            Err(found) => refused(report, found),
        },
        "trades" => match trades::parse(records) {
            Ok(rows) => Ok(outcome(
                customer_ingest::trades::apply(db, &rows, report).await?,
            )),
            Err(found) => refused(report, found),
        },
        "fund-transfers" => match fund_transfers::parse(records) {
            Ok(rows) => Ok(outcome(
                customer_ingest::fund_transfers::apply(db, &rows, report).await?,
            )),
            Err(found) => refused(report, found),
        },
        "account-events" => match account_events::parse(records) {
            Ok(rows) => Ok(outcome(
                customer_ingest::account_events::apply(db, &rows, &now_rfc3339(), report).await?,
            )),
            Err(found) => refused(report, found),
        },
        "products" => match products::parse(records) {
            Ok(rows) => Ok(outcome(
                zhanye_products::store::issuer::apply(db, &rows, &now_rfc3339(), report).await?,
            )),
            Err(found) => refused(report, found),
        },
        _ => Err(ApiError::not_found()),
    }
}

/// The field checks refused the batch: their report is the batch's.
fn refused(report: &mut Report, found: Report) -> Result<Value, ApiError> {
    *report = found;
    Ok(Value::Null)
}
