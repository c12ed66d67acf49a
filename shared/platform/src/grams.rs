//! Search by any part of a text (a customer's given name, a word in the middle of a
//! product's name) through an index: a text is stored once per character and once per
//! pair of neighbouring characters (its *grams*), so a query is one index lookup of
//! its first gram, checked against the whole text with `LIKE`.
//!
//! Chinese names are two to four characters and product names rarely over forty, so a
//! text yields a few dozen grams at most. Grams are case-folded as SQLite's `lower()`
//! folds (ASCII only), so the SQL that fills them from stored rows and the Rust that
//! writes them for new ones agree, and so does `lower(column) LIKE` on both databases.

/// Texts are indexed up to this many characters; a search longer than the
/// texts it finds is a residual check, so nothing past it needs a gram.
pub const INDEXED_CHARS: usize = 100;

/// How search text and indexed text are folded: ASCII letters to lower case, exactly
/// SQLite's `lower()` (PostgreSQL's folds more; the migrations spell the ASCII-only
/// fold out there).
pub fn fold(text: &str) -> String {
    text.to_ascii_lowercase()
}

/// The distinct grams of `text` (folded): each character and each pair of
/// neighbouring characters of its first [`INDEXED_CHARS`], none holding a space (as
/// migration 0015 fills them), in first-seen order.
pub fn grams(text: &str) -> Vec<String> {
    let chars: Vec<char> = fold(text).chars().take(INDEXED_CHARS).collect();
    let mut out: Vec<String> = Vec::new();
    let mut push = |gram: String| {
        if !out.contains(&gram) {
            out.push(gram);
        }
    };
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            continue;
        }
        push(c.to_string());
        if let Some(next) = chars.get(i + 1).filter(|n| **n != ' ') {
            push(format!("{c}{next}"));
        }
    }
    out
}

/// The gram a search for `query` looks up: its first pair of characters (far more
/// selective than one), or its one character. `None` for a query of only spaces.
pub fn lookup_gram(query: &str) -> Option<String> {
    grams(query)
        .into_iter()
        .find(|g| g.chars().count() == 2)
        .or_else(|| grams(query).into_iter().next())
}

/// The `LIKE` pattern (escape character `\`) that holds `query` anywhere, folded.
pub fn contains_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in fold(query).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_yields_its_characters_and_pairs() {
        assert_eq!(grams("王建国"), ["王", "王建", "建", "建国", "国"]);
        assert_eq!(grams("欧阳欧"), ["欧", "欧阳", "阳", "阳欧"]);
        assert_eq!(
            grams("OTC 富国"),
            ["o", "ot", "t", "tc", "c", "富", "富国", "国"]
        );
        assert!(grams("").is_empty());
    }

    #[test]
    fn every_part_of_a_text_contains_its_lookup_gram() {
        let name = "海通OTC富国天惠成长混合";
        let indexed = grams(name);
        let chars: Vec<char> = name.chars().collect();
        for start in 0..chars.len() {
            for end in start + 1..=chars.len() {
                let part: String = chars[start..end].iter().collect();
                let gram = lookup_gram(&part).expect("a gram");
                assert!(indexed.contains(&gram), "{part} → {gram}");
            }
        }
        assert_eq!(lookup_gram("建国"), Some("建国".into()));
        assert_eq!(lookup_gram("伟"), Some("伟".into()));
        assert_eq!(lookup_gram("Otc"), Some("ot".into()));
        assert_eq!(lookup_gram("  "), None);
    }

    #[test]
    fn patterns_escape_like_wildcards() {
        assert_eq!(contains_pattern("富国"), "%富国%");
        assert_eq!(contains_pattern("5%_a\\B"), "%5\\%\\_a\\\\b%");
    }
}
