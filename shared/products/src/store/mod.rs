//! The named SQL over migration 0005 that the `products`, `home` and `hooks` components
//! share. Every statement reads by a primary key or an index range (see each module).
//!
//! | module | what |
//! |---|---|
//! | [`catalog`] | PROD-1/2 list, search, count, detail, export pages |
//! | [`documents`] | PROD-1 the PDFs |
//! | [`favorites`] | PROD-3 收藏夹, and HOME's [`favorites::for_home`] |
//! | [`recommendations`] | PROD-4 产品推介 |
//! | [`suitable`] | PROD-4 the caller's customers a product suits |
//! | [`issuer`] | PROD-5 the issuer's `products` topic |

pub mod catalog;
pub mod documents;
pub mod favorites;
pub mod issuer;
pub mod recommendations;
pub mod suitable;
