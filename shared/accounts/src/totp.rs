//! 动态验证码 (TOTP, RFC 6238): the second factor of leads, branch managers and HQ, as
//! plain rules. A code is the RFC 4226 HOTP value (HMAC-SHA-1, dynamic truncation) of
//! the number of 30-second steps since the Unix epoch, 6 digits. A code of the step
//! before or after is accepted too (phone clocks drift), but never a step at or before
//! the last one accepted, so a code seen over a shoulder or in a log cannot be used
//! again.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use zhanye_staff::{Role, Roles};

/// Seconds per step (RFC 6238's default, what every authenticator app uses).
pub const STEP_SECONDS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Bytes of a secret: 160 bits, the HMAC-SHA-1 block RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
/// Steps either side of now whose codes are accepted.
pub const DRIFT_STEPS: i64 = 1;
/// The issuer authenticator apps show beside the account.
pub const ISSUER: &str = "Zhanye";

/// RFC 4226 HOTP of `counter` under `secret`, `digits` long.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> String {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // Dynamic truncation: the low nibble of the last byte picks 4 bytes; the top bit
    // is dropped so the number reads the same signed or unsigned.
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let number = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    let value = u64::from(number) % 10u64.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

/// The step a Unix time falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The 6-digit code of a step.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    hotp(secret, u64::try_from(step).unwrap_or(0), DIGITS)
}

/// Whether `code` looks like a code at all (6 ASCII digits), before any secret is read.
pub fn is_code_shaped(code: &str) -> bool {
    code.len() == DIGITS as usize && code.bytes().all(|b| b.is_ascii_digit())
}

/// The step `code` is the code of, among now's and its neighbours, if it is later than
/// `last_accepted` (the replay guard). Every candidate is computed and compared in
/// constant time, so the answer's timing tells nothing about which one matched.
pub fn accepted_step(
    secret: &[u8],
    code: &str,
    now: i64,
    last_accepted: Option<i64>,
) -> Option<i64> {
    if !is_code_shaped(code) {
        return None;
    }
    let current = step_at(now);
    let mut found = None;
    for step in current - DRIFT_STEPS..=current + DRIFT_STEPS {
        let expected = code_at_step(secret, step);
        let matches = zhanye_platform::auth::constant_time_eq(expected.as_bytes(), code.as_bytes());
        let fresh = last_accepted.is_none_or(|last| step > last);
        if matches && fresh && found.is_none() {
            found = Some(step);
        }
    }
    found
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding: how authenticator apps take a secret typed in.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The `otpauth://` URI an authenticator app reads from a QR code (the de facto Key
/// URI format): issuer and staff code as the label, the secret in base32.
pub fn otpauth_uri(staff_code: &str, secret: &[u8]) -> String {
    // Staff codes are ASCII letters and digits (AUTH-1): nothing to escape.
    format!(
        "otpauth://totp/{ISSUER}:{staff_code}?secret={}&issuer={ISSUER}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        base32(secret)
    )
}

/// Whether a staff member may set up a second factor: leads, branch managers, HQ (and
/// system administrators, whose accounts reach furthest). Reps sign in with a password.
pub fn may_enrol(roles: &Roles) -> bool {
    [
        Role::Lead,
        Role::BranchManager,
        Role::HqAdmin,
        Role::Sysadmin,
    ]
    .into_iter()
    .any(|role| roles.has(role))
}

/// The roles that must sign in with a second factor (the Spin variable
/// `totp_required_roles`, a comma list such as `branch_manager,hq_admin`). Only roles
/// that may set one up count: requiring it of a rep would lock them out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequiredRoles(Vec<Role>);

impl RequiredRoles {
    /// Reads the comma list; unknown names and roles that cannot set one up are
    /// skipped.
    pub fn parse(text: &str) -> RequiredRoles {
        let roles = Roles::from_stored(text);
        RequiredRoles(
            [
                Role::Lead,
                Role::BranchManager,
                Role::HqAdmin,
                Role::Sysadmin,
            ]
            .into_iter()
            .filter(|role| roles.has(*role))
            .collect(),
        )
    }

    /// Whether someone holding `roles` must have a second factor.
    pub fn apply_to(&self, roles: &Roles) -> bool {
        self.0.iter().any(|role| roles.has(*role))
    }
}

/// Whether an initial or reset password set at `set_at` (Unix seconds) has expired at
/// `now` under a lifetime of `ttl_hours`. A lifetime of 0 turns expiry off.
pub fn initial_password_expired(set_at: i64, now: i64, ttl_hours: u64) -> bool {
    if ttl_hours == 0 {
        return false;
    }
    let ttl = i64::try_from(ttl_hours.saturating_mul(3600)).unwrap_or(i64::MAX);
    now.saturating_sub(set_at) >= ttl
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 seed: "12345678901234567890" as ASCII.
    const SEED: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        let vectors: &[(i64, &str)] = &[
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, expected) in vectors {
            let step = u64::try_from(step_at(*time)).unwrap();
            assert_eq!(hotp(SEED, step, 8), *expected, "T = {time}");
            // The 6-digit code is the same number's last six digits.
            assert_eq!(
                code_at_step(SEED, step_at(*time)),
                expected[2..],
                "T = {time}"
            );
        }
    }

    #[test]
    fn rfc_4226_appendix_d_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(hotp(SEED, counter as u64, 6), *code, "counter {counter}");
        }
    }

    #[test]
    fn steps() {
        assert_eq!(step_at(0), 0);
        assert_eq!(step_at(29), 0);
        assert_eq!(step_at(30), 1);
        assert_eq!(step_at(59), 1);
        assert_eq!(step_at(1_111_111_109), 37_037_036);
    }

    #[test]
    fn accepts_now_and_one_step_either_side_only() {
        let now = 1_234_567_890;
        let step = step_at(now);
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = code_at_step(SEED, step + offset);
            let answer = accepted_step(SEED, &code, now, None);
            assert_eq!(answer.is_some(), accepted, "offset {offset}");
            if accepted {
                assert_eq!(answer, Some(step + offset));
            }
        }
        assert_eq!(accepted_step(b"another secret", "000000", now, None), None);
    }

    #[test]
    fn a_used_step_is_refused() {
        let now = 1_234_567_890;
        let step = step_at(now);
        let code = code_at_step(SEED, step);
        assert_eq!(accepted_step(SEED, &code, now, Some(step - 1)), Some(step));
        assert_eq!(accepted_step(SEED, &code, now, Some(step)), None);
        // A later step's code still passes once the current one is spent.
        let next = code_at_step(SEED, step + 1);
        assert_eq!(accepted_step(SEED, &next, now, Some(step)), Some(step + 1));
        // An older code never does, even inside the drift window.
        let before = code_at_step(SEED, step - 1);
        assert_eq!(accepted_step(SEED, &before, now, Some(step)), None);
    }

    #[test]
    fn only_six_digits_are_codes() {
        for junk in ["", "12345", "1234567", "12345a", " 123456", "１２３４５６"] {
            assert!(!is_code_shaped(junk), "{junk:?}");
            assert_eq!(accepted_step(SEED, junk, 59, None), None);
        }
        assert!(is_code_shaped("012345"));
    }

    #[test]
    fn base32_as_rfc_4648() {
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"f", "MY"),
            (b"fo", "MZXQ"),
            (b"foo", "MZXW6"),
            (b"foob", "MZXW6YQ"),
            (b"fooba", "MZXW6YTB"),
            (b"foobar", "MZXW6YTBOI"),
            (SEED, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        ];
        for (bytes, text) in cases {
            assert_eq!(base32(bytes), *text);
        }
    }

    #[test]
    fn key_uri() {
        assert_eq!(
            otpauth_uri("0010002", SEED),
            "otpauth://totp/Zhanye:0010002?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Zhanye&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn who_may_and_who_must() {
        let cases: &[(&str, bool)] = &[
            ("rep", false),
            ("broker_admin", false),
            ("lead,rep", true),
            ("branch_manager,broker_admin", true),
            ("hq_admin", true),
            ("sysadmin", true),
            ("", false),
        ];
        for (stored, may) in cases {
            assert_eq!(may_enrol(&Roles::from_stored(stored)), *may, "{stored}");
        }
        let required = RequiredRoles::parse(" branch_manager, hq_admin ,rep,nonsense");
        assert!(required.apply_to(&Roles::from_stored("branch_manager,broker_admin")));
        assert!(required.apply_to(&Roles::from_stored("hq_admin")));
        assert!(!required.apply_to(&Roles::from_stored("lead,rep")));
        assert!(!required.apply_to(&Roles::from_stored("rep")));
        assert_eq!(RequiredRoles::parse(""), RequiredRoles::default());
        assert!(!RequiredRoles::parse("").apply_to(&Roles::from_stored("hq_admin")));
    }

    #[test]
    fn initial_passwords_expire_after_their_lifetime() {
        let week = 168;
        let set = 1_800_000_000;
        assert!(!initial_password_expired(set, set, week));
        assert!(!initial_password_expired(set, set + 168 * 3600 - 1, week));
        assert!(initial_password_expired(set, set + 168 * 3600, week));
        assert!(!initial_password_expired(set, set + 10 * 365 * 86_400, 0));
        // A clock gone back does not expire anything.
        assert!(!initial_password_expired(set, set - 3600, 1));
    }
}
