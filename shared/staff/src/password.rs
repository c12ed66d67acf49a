//! AUTH-2/3 passwords: the rules a new password must pass and argon2id hashing.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::NaiveDate;

/// At least this many characters (AUTH-3).
pub const MIN_LEN: usize = 8;
/// At most this many characters: bounds the hashing work one request can ask for.
pub const MAX_LEN: usize = 64;
/// The well-known reset password of the old platform, never allowed again.
pub const WELL_KNOWN: &str = "888888";

/// argon2id cost: 19 MiB, 2 passes, 1 lane (the OWASP minimum for argon2id).
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// The hash of a random secret that was thrown away, at the cost of real hashes: unknown staff codes are
/// verified against it so they take as long as known ones.
pub const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$emhhbnllLWRlbW8tc2FsYQ$vYFXw5wFb9kYBCi+78fN9WxJuOCzgmfr7y7Hj73raDo";

/// One broken rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    /// Needs at least one letter and one digit.
    NeedsLettersAndDigits,
    /// Contains the 8-digit birth date (the initial password, AUTH-2).
    ContainsBirthDate,
    /// `888888`, or one character repeated.
    TooCommon,
    /// Control characters are not allowed.
    InvalidCharacters,
    /// One of the last 3 passwords.
    Reused,
}

impl PasswordProblem {
    /// The machine reason reported for the `new_password` field.
    pub fn reason(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "too_short",
            PasswordProblem::TooLong => "too_long",
            PasswordProblem::NeedsLettersAndDigits => "needs_letters_and_digits",
            PasswordProblem::ContainsBirthDate => "contains_birth_date",
            PasswordProblem::TooCommon => "too_common",
            PasswordProblem::InvalidCharacters => "invalid_characters",
            PasswordProblem::Reused => "reused",
        }
    }
}

/// The initial password of a staff member: the 8-digit birth date (AUTH-2).
pub fn initial_password(birth_date: NaiveDate) -> String {
    birth_date.format("%Y%m%d").to_string()
}

/// Checks AUTH-3's rules that need no stored hashes; [`matches_any`] checks reuse.
/// Answers every broken rule, in a stable order.
pub fn check(password: &str, birth_date: NaiveDate) -> Vec<PasswordProblem> {
    let mut problems = Vec::new();
    let length = password.chars().count();
    if length < MIN_LEN {
        problems.push(PasswordProblem::TooShort);
    }
    if length > MAX_LEN {
        problems.push(PasswordProblem::TooLong);
    }
    if password.chars().any(char::is_control) {
        problems.push(PasswordProblem::InvalidCharacters);
    }
    let has_letter = password.chars().any(|c| c.is_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !(has_letter && has_digit) {
        problems.push(PasswordProblem::NeedsLettersAndDigits);
    }
    if password.contains(&initial_password(birth_date)) {
        problems.push(PasswordProblem::ContainsBirthDate);
    }
    let mut chars = password.chars();
    let repeated = chars.next().is_some_and(|first| chars.all(|c| c == first));
    if password.contains(WELL_KNOWN) || repeated {
        problems.push(PasswordProblem::TooCommon);
    }
    problems
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (or any secret) with argon2id into a PHC string; `salt` comes from
/// the caller's random source.
pub fn hash(secret: &str, salt: &[u8; 16]) -> String {
    let salt = SaltString::encode_b64(salt).expect("16 bytes is a valid salt");
    hasher()
        .hash_password(secret.as_bytes(), &salt)
        .expect("argon2id hashing of a bounded input")
        .to_string()
}

/// Whether `secret` matches the PHC string `stored` (false for a malformed one).
pub fn verify(secret: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher().verify_password(secret.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Whether `secret` matches any of `hashes`; every hash is checked, so the time does
/// not tell which one matched.
pub fn matches_any<'a>(secret: &str, hashes: impl IntoIterator<Item = &'a str>) -> bool {
    hashes
        .into_iter()
        .fold(false, |found, stored| verify(secret, stored) | found)
}

/// The previous-hash list after a change: the outgoing hash first, then the older ones,
/// keeping the two that with the new current hash make "the last 3" (AUTH-3).
pub fn rotate_history(outgoing: &str, previous: &[String]) -> Vec<String> {
    std::iter::once(outgoing.to_owned())
        .chain(previous.iter().cloned())
        .take(2)
        .collect()
}

/// Letters and digits people do not confuse on paper (no 0/O, 1/l/I).
const TEMPORARY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A one-time temporary password (AUTH-5) of 10 characters drawn from `random` bytes,
/// always with letters and digits.
pub fn temporary_password(random: &[u8; 16]) -> String {
    let mut chars: Vec<u8> = random[..10]
        .iter()
        .map(|b| TEMPORARY_ALPHABET[usize::from(*b) % TEMPORARY_ALPHABET.len()])
        .collect();
    // Fix the kind of two positions chosen by the remaining bytes, so both kinds occur.
    let letters = &TEMPORARY_ALPHABET[..47];
    let digits = &TEMPORARY_ALPHABET[47..];
    let letter_at = usize::from(random[10]) % 5;
    let digit_at = 5 + usize::from(random[11]) % 5;
    chars[letter_at] = letters[usize::from(random[12]) % letters.len()];
    chars[digit_at] = digits[usize::from(random[13]) % digits.len()];
    String::from_utf8(chars).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn rules() {
        use PasswordProblem::*;
        let birth = date("1982-07-18");
        let cases: &[(&str, &[PasswordProblem])] = &[
            ("abc12345", &[]),
            ("Zhanye2026", &[]),
            ("展业密码2026abc", &[]),
            ("abc1234", &[TooShort]),
            ("", &[TooShort, NeedsLettersAndDigits]),
            ("abcdefgh", &[NeedsLettersAndDigits]),
            ("12345678", &[NeedsLettersAndDigits]),
            ("19820718", &[NeedsLettersAndDigits, ContainsBirthDate]),
            ("x19820718", &[ContainsBirthDate]),
            ("888888", &[TooShort, NeedsLettersAndDigits, TooCommon]),
            ("a888888b", &[TooCommon]),
            ("abc\n12345", &[InvalidCharacters]),
            ("aaaaaaaa", &[NeedsLettersAndDigits, TooCommon]),
        ];
        for (password, expected) in cases {
            assert_eq!(check(password, birth), *expected, "{password:?}");
        }
        let long = format!("a1{}", "x".repeat(MAX_LEN));
        assert_eq!(check(&long, birth), vec![TooLong]);
        assert_eq!(check(&"a1".repeat(32), birth), Vec::new());
    }

    #[test]
    fn initial_password_is_the_birth_date() {
        assert_eq!(initial_password(date("1982-07-18")), "19820718");
        assert_eq!(initial_password(date("1970-01-01")), "19700101");
    }

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let first = hash("abc12345", &[1; 16]);
        let second = hash("abc12345", &[2; 16]);
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, second);
        assert!(verify("abc12345", &first) && verify("abc12345", &second));
        assert!(!verify("abc12346", &first));
        assert!(!verify("abc12345", "not a hash"));
        assert!(matches_any("abc12345", [second.as_str(), "x"]));
        assert!(!matches_any("nope1234", [first.as_str(), second.as_str()]));
    }

    #[test]
    fn the_decoy_hash_is_a_real_hash_of_the_same_cost() {
        let parsed = PasswordHash::new(DECOY_HASH).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert!(DECOY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!verify("", DECOY_HASH) && !verify("19820718", DECOY_HASH));
    }

    #[test]
    fn history_keeps_two_before_the_current() {
        let none: Vec<String> = Vec::new();
        assert_eq!(rotate_history("h1", &none), vec!["h1"]);
        assert_eq!(rotate_history("h2", &["h1".into()]), vec!["h2", "h1"]);
        assert_eq!(
            rotate_history("h3", &["h2".into(), "h1".into()]),
            vec!["h3", "h2"]
        );
    }

    #[test]
    fn temporary_passwords_pass_the_rules() {
        for seed in 0..=255u8 {
            let random: [u8; 16] =
                std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 17));
            let password = temporary_password(&random);
            assert_eq!(password.len(), 10);
            assert_eq!(
                check(&password, date("1990-01-15")),
                Vec::new(),
                "{password}"
            );
        }
    }
}
