//! The named SQL over migration 0006. Every statement reads through an index: by id,
//! by the responsible staff member and a time, by unit range, by co-worker and a time.

pub mod activity;
pub mod lists;
pub mod lookups;
pub mod records;
pub mod todo;
pub mod writes;

pub use zhanye_customers::store::scope::Sql;
