//! The named SQL over migration 0004. Bulk statements take their rows as one JSON
//! array parameter (`json_each`), so a batch of thousands is a handful of calls
//! across the component boundary, not thousands.

pub mod home;
pub mod ingest;
pub mod owners;
pub mod stats;
