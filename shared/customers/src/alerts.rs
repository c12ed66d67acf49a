//! ALERT-1 预警 as the owner handles them: which kinds exist (the list filters by
//! them) and the note an acknowledgement (已读确认) may carry. Plain Rust; the SQL is in
//! [`crate::store::alerts`].

use zhanye_platform::FieldError;
use zhanye_platform::problem::reason;

use crate::rules::optional_text;

/// 实际流失: the customer's account closed, transferred away or shut
/// (`store::ingest::account_events` raises it).
pub const ACTUAL_CHURN: &str = "actual_churn";
/// 权益事件: a dividend, rights issue or IPO allotment on the customer's account.
pub const EQUITY_EVENT: &str = "equity_event";
/// 客户移出: the customer left the owner's book (transferred, given another owner,
/// deleted); `store::left_book` raises it.
pub const LEFT_BOOK: &str = "left_book";
/// Every kind raised today; a later issue adds more.
pub const KINDS: &[&str] = &[ACTUAL_CHURN, EQUITY_EVENT, LEFT_BOOK];
/// 确认备注, characters.
pub const NOTE_MAX_CHARS: usize = 200;

/// The list's `kind` filter: absent or empty is every kind, an unknown kind is refused
/// (a typo would otherwise look like an empty inbox).
pub fn kind_filter(kind: Option<&str>) -> Result<Option<&'static str>, FieldError> {
    match kind.map(str::trim) {
        None | Some("") => Ok(None),
        Some(kind) => KINDS
            .iter()
            .find(|k| **k == kind)
            .map(|k| Some(*k))
            .ok_or_else(|| FieldError::new("kind", reason::INVALID)),
    }
}

/// The acknowledgement's note: trimmed, at most [`NOTE_MAX_CHARS`]; none when empty, so
/// "acknowledged without a note" is one stored value.
pub fn note(note: Option<&str>) -> Result<Option<String>, FieldError> {
    let text = optional_text("note", note, NOTE_MAX_CHARS)?;
    Ok((!text.is_empty()).then_some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_filter_takes_only_known_kinds() {
        assert_eq!(kind_filter(None), Ok(None));
        assert_eq!(kind_filter(Some(" ")), Ok(None));
        assert_eq!(kind_filter(Some("actual_churn")), Ok(Some(ACTUAL_CHURN)));
        assert_eq!(kind_filter(Some("equity_event")), Ok(Some(EQUITY_EVENT)));
        assert_eq!(
            kind_filter(Some("churn")),
            Err(FieldError::new("kind", reason::INVALID))
        );
    }

    #[test]
    fn a_note_is_optional_short_and_plain() {
        assert_eq!(note(None), Ok(None));
        assert_eq!(note(Some("  ")), Ok(None));
        assert_eq!(
            note(Some(" 已电话联系 ")),
            Ok(Some("已电话联系".to_owned()))
        );
        assert_eq!(note(Some(&"字".repeat(200))), Ok(Some("字".repeat(200))));
        assert_eq!(
            note(Some(&"字".repeat(201))),
            Err(FieldError::new("note", reason::TOO_LONG))
        );
        assert_eq!(
            note(Some("ok\u{202e}txt")),
            Err(FieldError::new("note", reason::MISLEADING_CHARACTER))
        );
    }
}
