//! The records of each webhook topic, checked field by field before anything is
//! applied. What needs the store (references to existing rows) is checked when the
//! batch is applied, into the same report.

pub mod org_units;
pub mod staff;
