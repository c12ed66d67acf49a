//! Limits that stop guessing: the sign-in lock-out (AUTH-6) and the SMS reset code's
//! validity, tries and send limits (AUTH-4). Times are Unix seconds.

/// Wrong passwords in a row that lock a code (AUTH-6).
pub const MAX_FAILED_SIGN_INS: i64 = 5;
/// How long a lock lasts.
pub const LOCK_SECONDS: i64 = 15 * 60;

/// How long an SMS code is valid (AUTH-4).
pub const OTP_TTL_SECONDS: i64 = 5 * 60;
/// Wrong tries that burn a code.
pub const OTP_MAX_ATTEMPTS: i64 = 5;
/// The least time between two sends to one code.
pub const OTP_RESEND_GAP_SECONDS: i64 = 60;
/// Sends per staff code and China-time day.
pub const OTP_SENDS_PER_DAY: i64 = 10;
/// Digits in an SMS code.
pub const OTP_DIGITS: usize = 6;

/// Seconds a code stays locked, if it is locked now.
pub fn lock_remaining(locked_until: Option<i64>, now: i64) -> Option<u64> {
    match locked_until {
        Some(until) if until > now => u64::try_from(until - now).ok(),
        _ => None,
    }
}

/// The send record of one staff code, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRecord {
    pub last_sent_at: i64,
    /// The China-time day (`YYYY-MM-DD`) `sends_on_day` counts.
    pub send_day: String,
    pub sends_on_day: i64,
}

/// Whether another code may be sent now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendDecision {
    /// Yes; this send is number `sends_on_day` of `today`.
    Allowed { sends_on_day: i64 },
    /// The 60 s gap has not passed.
    TooSoon { retry_after: u64 },
    /// Ten sends today already; try after China-time midnight.
    DailyLimitReached { retry_after: u64 },
}

/// Decides a send at `now` on China-time day `today`, `seconds_to_midnight` before the
/// next China-time day starts.
pub fn send_decision(
    record: Option<&SendRecord>,
    now: i64,
    today: &str,
    seconds_to_midnight: u64,
) -> SendDecision {
    let Some(record) = record else {
        return SendDecision::Allowed { sends_on_day: 1 };
    };
    let since = now - record.last_sent_at;
    if since < OTP_RESEND_GAP_SECONDS {
        let wait = OTP_RESEND_GAP_SECONDS - since.max(0);
        return SendDecision::TooSoon {
            retry_after: u64::try_from(wait).unwrap_or(1),
        };
    }
    let sent_today = if record.send_day == today {
        record.sends_on_day
    } else {
        0
    };
    if sent_today >= OTP_SENDS_PER_DAY {
        return SendDecision::DailyLimitReached {
            retry_after: seconds_to_midnight.max(1),
        };
    }
    SendDecision::Allowed {
        sends_on_day: sent_today + 1,
    }
}

/// A uniformly drawn 6-digit code from 8 random bytes.
pub fn otp_from_random(random: [u8; 8]) -> String {
    // 2^64 is so much larger than 10^6 that the modulo bias is below 1e-13.
    let value = u64::from_le_bytes(random) % 1_000_000;
    format!("{value:06}")
}

/// Whether `text` has the shape of an SMS code (exactly 6 ASCII digits).
pub fn is_otp_shaped(text: &str) -> bool {
    text.len() == OTP_DIGITS && text.bytes().all(|b| b.is_ascii_digit())
}

/// The SMS text carrying a reset code.
pub fn reset_sms_text(otp: &str) -> String {
    format!(
        "【展业】您的密码重置验证码为 {otp}，{} 分钟内有效，请勿告诉他人。如非本人操作请忽略。",
        OTP_TTL_SECONDS / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks() {
        assert_eq!(lock_remaining(None, 1000), None);
        assert_eq!(lock_remaining(Some(999), 1000), None);
        assert_eq!(lock_remaining(Some(1000), 1000), None);
        assert_eq!(lock_remaining(Some(1900), 1000), Some(900));
    }

    #[test]
    fn send_limits() {
        let today = "2026-11-22";
        let record = |last_sent_at, day: &str, sends| SendRecord {
            last_sent_at,
            send_day: day.into(),
            sends_on_day: sends,
        };
        let cases: &[(Option<SendRecord>, i64, SendDecision)] = &[
            (None, 1000, SendDecision::Allowed { sends_on_day: 1 }),
            (
                Some(record(1000, today, 1)),
                1000,
                SendDecision::TooSoon { retry_after: 60 },
            ),
            (
                Some(record(1000, today, 1)),
                1059,
                SendDecision::TooSoon { retry_after: 1 },
            ),
            (
                Some(record(1000, today, 1)),
                1060,
                SendDecision::Allowed { sends_on_day: 2 },
            ),
            (
                Some(record(1000, today, 10)),
                5000,
                SendDecision::DailyLimitReached { retry_after: 3600 },
            ),
            (
                Some(record(1000, "2026-11-21", 10)),
                5000,
                SendDecision::Allowed { sends_on_day: 1 },
            ),
            (
                Some(record(1000, today, 9)),
                5000,
                SendDecision::Allowed { sends_on_day: 10 },
            ),
        ];
        for (record, now, expected) in cases {
            assert_eq!(
                send_decision(record.as_ref(), *now, today, 3600),
                *expected,
                "{record:?} at {now}"
            );
        }
    }

    #[test]
    fn codes() {
        assert_eq!(otp_from_random([0; 8]), "000000");
        assert_eq!(otp_from_random(999_999u64.to_le_bytes()), "999999");
        assert_eq!(otp_from_random(1_000_007u64.to_le_bytes()), "000007");
        assert!(is_otp_shaped("012345"));
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６", " 12345"] {
            assert!(!is_otp_shaped(bad), "{bad:?}");
        }
        let text = reset_sms_text("123456");
        assert!(text.contains("123456") && text.contains("5 分钟"), "{text}");
    }
}
