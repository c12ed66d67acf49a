//! 人员代码: the staff code people sign in with (AUTH-1, ORG-2).
//!
//! Codes are canonical upper case: brokers (经纪人) are `A` + digits (`A1234`), employees
//! are `00` + digits (`0012345`). Input is trimmed and a lower-case leading `a` is taken
//! as `A`; nothing else is guessed.

use std::fmt;

/// The longest code accepted, in characters.
pub const MAX_LEN: usize = 16;

/// Which kind of staff a code names (ORG-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffKind {
    /// 经纪人: `A` + digits.
    Broker,
    /// 员工: `00` + digits.
    Employee,
}

impl StaffKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffKind::Broker => "broker",
            StaffKind::Employee => "employee",
        }
    }
}

/// A well-formed staff code in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StaffCode(String);

/// Why typed text is not a staff code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    Empty,
    Malformed,
}

impl StaffCode {
    /// Parses what a person typed.
    pub fn parse(input: &str) -> Result<StaffCode, CodeError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(CodeError::Empty);
        }
        let canonical = match trimmed.strip_prefix('a') {
            Some(rest) => format!("A{rest}"),
            None => trimmed.to_owned(),
        };
        if canonical.len() > MAX_LEN {
            return Err(CodeError::Malformed);
        }
        let digits = if let Some(rest) = canonical.strip_prefix('A') {
            rest
        } else if let Some(rest) = canonical.strip_prefix("00") {
            rest
        } else {
            return Err(CodeError::Malformed);
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::Malformed);
        }
        Ok(StaffCode(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> StaffKind {
        if self.0.starts_with('A') {
            StaffKind::Broker
        } else {
            StaffKind::Employee
        }
    }

    /// The key under which sign-in failures and reset codes are counted for typed
    /// text: the canonical code when it is one, otherwise the trimmed text in upper
    /// case (cut to [`MAX_LEN`] characters). Keying attempts on the text, not on a
    /// found staff row, makes unknown codes behave exactly like real ones. Control
    /// characters are left out: no code has one, and PostgreSQL text cannot hold NUL.
    pub fn attempt_key(input: &str) -> String {
        match StaffCode::parse(input) {
            Ok(code) => code.0,
            Err(_) => input
                .trim()
                .to_uppercase()
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_LEN)
                .collect(),
        }
    }
}

impl fmt::Display for StaffCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised() {
        let cases: &[(&str, Result<&str, CodeError>)] = &[
            ("A1234", Ok("A1234")),
            ("a1234", Ok("A1234")),
            ("  a0001 ", Ok("A0001")),
            ("\tA0001\n", Ok("A0001")),
            ("0012345", Ok("0012345")),
            (" 0010001", Ok("0010001")),
            ("", Err(CodeError::Empty)),
            ("   ", Err(CodeError::Empty)),
            ("A", Err(CodeError::Malformed)),
            ("00", Err(CodeError::Malformed)),
            ("B1234", Err(CodeError::Malformed)),
            ("b1234", Err(CodeError::Malformed)),
            ("A12x4", Err(CodeError::Malformed)),
            ("aa1234", Err(CodeError::Malformed)),
            ("012345", Err(CodeError::Malformed)),
            ("A 1234", Err(CodeError::Malformed)),
            ("A１２３４", Err(CodeError::Malformed)),
            ("A12345678901234567", Err(CodeError::Malformed)),
            ("' OR 1=1 --", Err(CodeError::Malformed)),
        ];
        for (input, expected) in cases {
            let got = StaffCode::parse(input);
            assert_eq!(
                got.as_ref().map(StaffCode::as_str).map_err(|e| *e),
                *expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(StaffCode::parse("a1").unwrap().kind(), StaffKind::Broker);
        assert_eq!(
            StaffCode::parse("0010003").unwrap().kind(),
            StaffKind::Employee
        );
        assert_eq!(StaffKind::Broker.as_str(), "broker");
    }

    #[test]
    fn attempt_keys_merge_spellings_of_one_code() {
        assert_eq!(StaffCode::attempt_key(" a0001"), "A0001");
        assert_eq!(StaffCode::attempt_key("A0001"), "A0001");
        assert_eq!(StaffCode::attempt_key(" nobody "), "NOBODY");
        assert_eq!(StaffCode::attempt_key(&"x".repeat(100)).len(), MAX_LEN);
        assert_eq!(StaffCode::attempt_key("中文\u{0}\u{202e}"), "中文\u{202e}");
    }
}
