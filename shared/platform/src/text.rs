//! Characters refused in names and free text: the ones that change how text is shown
//! without being seen themselves. A bidi override makes `abc\u{202e}gpj.exe` display as
//! "abcexe.jpg"; zero-width characters make two names look the same that are not, or
//! hide a word from a search; line and paragraph separators break a line where nobody
//! typed one.

/// Whether `c` changes how the text around it is shown without being seen: the bidi
/// embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069), the
/// zero-width space, joiners and direction marks (U+200B–U+200F), the line and
/// paragraph separators (U+2028, U+2029) and the zero-width no-break space / byte-order
/// mark (U+FEFF).
pub fn is_misleading(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{FEFF}'
    )
}

/// Whether `text` holds any character [`is_misleading`] refuses.
pub fn has_misleading_character(text: &str) -> bool {
    text.chars().any(is_misleading)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misleading_characters_are_found() {
        for text in [
            "abc\u{202e}gpj.exe",
            "\u{202a}x",
            "x\u{202d}",
            "\u{2066}张三\u{2069}",
            "\u{2068}x",
            "张\u{200b}三",
            "a\u{200c}b",
            "a\u{200d}b",
            "a\u{200e}",
            "\u{200f}a",
            "a\u{2028}b",
            "a\u{2029}b",
            "\u{feff}name",
        ] {
            assert!(has_misleading_character(text), "{text:?}");
        }
    }

    #[test]
    fn ordinary_text_passes() {
        for text in [
            "张三",
            "Zhang San",
            "O'Brien-Smith",
            "第一行\n第二行\t制表",
            "مرحبا",
            "emoji 👍🏽",
            "a\u{2010}b",
            "",
        ] {
            assert!(!has_misleading_character(text), "{text:?}");
        }
        // The neighbours of each refused range stay allowed.
        for c in [
            '\u{200A}', '\u{2010}', '\u{2027}', '\u{202F}', '\u{2065}', '\u{206A}', '\u{FEFE}',
        ] {
            assert!(!is_misleading(c), "{:?}", c);
        }
    }
}
