//! The records of each webhook topic, checked field by field before anything is
//! applied. What needs the store (references to existing rows) is checked when the
//! batch is applied, into the same report.

pub mod account_events;
pub mod customer_relations;
pub mod customers;
pub mod daily_assets;
pub mod fund_transfers;
pub mod monthly_performance;
pub mod org_units;
pub mod products;
pub mod staff;
pub mod trades;

/// The records of a JSON array, for tests.
#[cfg(test)]
pub(crate) fn records(value: serde_json::Value) -> Vec<serde_json::Map<String, serde_json::Value>> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_object().expect("an object").clone())
        .collect()
}
