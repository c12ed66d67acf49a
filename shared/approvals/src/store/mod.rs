//! The named SQL over migration 0007 (and what it reads of the org, staff and
//! customers). Every statement is a primary-key lookup or a range of one index; a
//! request is read whole in three statements (request, chain, history), a list page in
//! two (count, page).

pub mod lists;
pub mod org;
pub mod prospects;
pub mod requests;
pub mod subjects;
pub mod todo;
