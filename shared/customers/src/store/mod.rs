//! The named SQL over migration 0004. Bulk statements take their rows as one JSON
//! array parameter (`json_each`), so a batch of thousands is a handful of calls
//! across the component boundary, not thousands.

pub mod alerts;
pub mod contacts;
pub mod delegations;
pub mod detail;
pub mod follows;
pub mod home;
pub mod ingest;
pub mod left_book;
pub mod notes;
pub mod owners;
pub mod people;
pub mod scope;
pub mod search;
pub mod stats;
pub mod transfers;
