//! Personal identifiers (ORG-2): ID-card numbers (身份证号) and mobiles, normalised for
//! checking and masked for showing; age from the birth date.
//!
//! An ID number is stored only as a verifier: HMAC-SHA-256 of the normalised number
//! under the secret Spin variable `pii_key`. Unlike a plain hash it cannot be reversed
//! by trying the few million numbers of a birth date and region without the key, and
//! unlike argon2 it is cheap enough to write for 10,000 staff in one batch.

use chrono::{Datelike, NaiveDate};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const VERIFIER_PREFIX: &str = "hmac-sha256:";

fn mac(key: &[u8], id_number: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(id_number.as_bytes());
    mac
}

/// The stored verifier of a normalised ID number.
pub fn id_verifier(key: &[u8], id_number: &str) -> String {
    let digest = mac(key, id_number).finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{VERIFIER_PREFIX}{hex}")
}

/// Whether a normalised ID number matches a stored verifier (in constant time).
pub fn verify_id(key: &[u8], id_number: &str, verifier: &str) -> bool {
    let Some(hex) = verifier
        .strip_prefix(VERIFIER_PREFIX)
        .filter(|h| h.len() == 64)
    else {
        return false;
    };
    let mut expected = [0u8; 32];
    for (i, byte) in expected.iter_mut().enumerate() {
        match u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16) {
            Ok(value) => *byte = value,
            Err(_) => return false,
        }
    }
    mac(key, id_number).verify_slice(&expected).is_ok()
}

/// The ID number as it is hashed and compared: trimmed, with a lower-case check letter
/// `x` raised. `None` unless it has the shape of a mainland ID number (18 characters:
/// 17 digits and a digit or `X`; or the old 15 digits).
pub fn normalise_id_number(input: &str) -> Option<String> {
    let text = input.trim().to_ascii_uppercase();
    let bytes = text.as_bytes();
    let shaped = match bytes.len() {
        18 => {
            bytes[..17].iter().all(u8::is_ascii_digit)
                && (bytes[17].is_ascii_digit() || bytes[17] == b'X')
        }
        15 => bytes.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    shaped.then_some(text)
}

/// `310101********0011`: the region and the last four kept.
pub fn mask_id_number(id_number: &str) -> String {
    mask_middle(id_number, 6, 4)
}

/// `138****0001`.
pub fn mask_mobile(mobile: &str) -> String {
    mask_middle(mobile, 3, 4)
}

/// Whole years from `birth` to `today` (HOME-2's age).
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

fn mask_middle(text: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - keep_start - keep_end;
    chars[..keep_start]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(chars[chars.len() - keep_end..].iter())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers() {
        let cases: &[(&str, Option<&str>)] = &[
            ("310101198207180011", Some("310101198207180011")),
            (" 31010119820718001x ", Some("31010119820718001X")),
            ("310101820718001", Some("310101820718001")),
            ("31010119820718001", None),
            ("3101011982071800111", None),
            ("31010119820718001Y", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalise_id_number(input).as_deref(),
                *expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn verifiers() {
        let verifier = id_verifier(b"key", "310101198207180011");
        assert!(verifier.starts_with("hmac-sha256:") && verifier.len() == 12 + 64);
        assert!(verify_id(b"key", "310101198207180011", &verifier));
        assert!(!verify_id(b"other", "310101198207180011", &verifier));
        assert!(!verify_id(b"key", "310101198207180012", &verifier));
        assert!(!verify_id(b"key", "310101198207180011", "hmac-sha256:zz"));
        assert!(!verify_id(b"key", "310101198207180011", "$argon2id$..."));
    }

    #[test]
    fn ages() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(age_on(d("1982-07-18"), d("2026-07-17")), 43);
        assert_eq!(age_on(d("1982-07-18"), d("2026-07-18")), 44);
        assert_eq!(age_on(d("2000-02-29"), d("2026-02-28")), 25);
    }

    #[test]
    fn masking() {
        assert_eq!(mask_id_number("310101198207180011"), "310101********0011");
        assert_eq!(mask_mobile("13800000001"), "138****0001");
        assert_eq!(mask_mobile("1234567"), "*******");
        assert_eq!(mask_mobile(""), "");
    }
}
