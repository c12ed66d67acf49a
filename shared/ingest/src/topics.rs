//! The records of each webhook topic, checked field by field before anything is
//! applied. What needs the store (references to existing rows) is checked when the
//! batch is applied, into the same report.

pub mod org_units;
pub mod staff;

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
