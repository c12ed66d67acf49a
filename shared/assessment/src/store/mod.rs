//! The named SQL over migration 0008: schemes, goals, ranks, the month's run in chunks
//! and its results. Every statement reads through an index: a staff-code range, a
//! month and a unit range, a staff member and a month.

pub mod figures;
pub mod goals;
pub mod ranks;
pub mod run;
pub mod schemes;
pub mod views;

use zhanye_customers::month::Month;
use zhanye_platform::{ApiError, Localized};

/// A refusal because the month is published (frozen, ASSESS-1).
pub fn published(month: Month) -> ApiError {
    ApiError::conflict().with_detail(Localized::new(
        format!("{month} 的考核结果已发布，不能再修改。"),
        format!("The assessment of {month} is published and can no longer change."),
    ))
}
