//! End-to-end suite (filled in with the feature).

mod common;
