//! Staff, sessions and check-ins as stored (migration 0002): every query the `auth`
//! and `checkin` components run is a named function here, its parameters bound.
//!
//! | module | what |
//! |---|---|
//! | [`staff`] | a staff member with credentials, looked up by code |
//! | [`sessions`] | signing in: sessions, refresh-token rotation, revocation |
//! | [`checkins`] | recording a day's check-in and reading them back |
//! | [`guard`] | the sign-in lock-out (AUTH-6) and the exact per-minute sign-in limits |
//! | [`org`] | org units written by the partner webhook |
//! | [`passwords`] | replacing a password and everything that goes with it |
//! | [`roster`] | the staff of an org subtree, paged and searched, for the branch admins' screens |
//! | [`resets`] | SMS reset codes and manual reset requests (AUTH-4, AUTH-5) |
//! | [`sms_outbox`] | the record of each SMS sent |
//! | [`sms_queue`] | SMS that must not be lost, queued sealed before the answer (migration 0013) |
//! | [`totp`] | the TOTP second factor's rules (RFC 6238), who may and who must use it |
//! | [`second_factor`] | second factors and sign-in challenges as stored (migration 0012) |
//! | [`sealed`] | secrets the app reads back, sealed at rest under `pii_key` |

pub mod checkins;
pub mod guard;
pub mod org;
pub mod passwords;
pub mod resets;
pub mod roster;
pub mod sealed;
pub mod second_factor;
pub mod sessions;
pub mod sms_outbox;
pub mod sms_queue;
pub mod sms_sink;
pub mod staff;
pub mod totp;
