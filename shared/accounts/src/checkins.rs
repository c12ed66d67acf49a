//! 每日签到 as stored: at most one row per staff member and China-time day, and every
//! query the `checkin` component and sign-in make of it. Each statement is valid on
//! SQLite and PostgreSQL alike: numbered parameters, dates computed in Rust and bound
//! as text, `ON CONFLICT` instead of `INSERT OR …`.
//!
//! | module | what |
//! |---|---|
//! | [`own`] | recording the day's check-in, one person's days ([`record`], [`on_day`], [`between`]) |
//! | [`scope`] | the units and paths the views check the caller's scope against |
//! | [`team`] | a unit's day: who has checked in, with each member's month so far |
//! | [`days`] | month starts and workday lists, plain Rust |

pub mod days;
pub mod own;
pub mod scope;
pub mod team;

pub use days::{month_start, workdays};
pub use own::{Checkin, Location, between, on_day, record};
pub use scope::{OrgUnit, org_unit, staff_unit_path};
pub use team::{TeamCounts, TeamMember, team_counts, team_members, workday_counts};
