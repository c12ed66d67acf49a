//! The rules of staff, org and sign-in, with no I/O: everything here is plain Rust,
//! unit-tested natively, and called by the components and the other domain crates
//! (every access rule takes a [`Principal`]).
//!
//! | module | what |
//! |---|---|
//! | [`code`] | [`StaffCode`] (人员代码): parsing and normalising what people type (AUTH-1) |
//! | [`role`] | [`Role`] (ORG-3) and [`role::Roles`]; who may read which part of the org (ORG-4) |
//! | [`org`] | org-unit paths and their subtree ranges (ORG-1) |
//! | [`principal`] | [`Principal`]: who is asking (人员代码, roles, unit) and which units they read (ORG-4) |
//! | [`password`] | password rules (AUTH-3) and argon2id hashing |
//! | [`guard`] | lock-out (AUTH-6) and SMS-code limits (AUTH-4) |
//! | [`identity`] | ID-card numbers: normalising, masking; mobiles masked |
//! | [`checkin`] | [`checkin::Channel`] and the month view (CHECKIN-2/3) |

pub mod checkin;
pub mod code;
pub mod guard;
pub mod identity;
pub mod org;
pub mod password;
pub mod principal;
pub mod role;
pub mod vocab;

pub use code::{StaffCode, StaffKind};
pub use principal::Principal;
pub use role::{Role, Roles};
