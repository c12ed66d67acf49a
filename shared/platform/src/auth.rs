//! Small security helpers shared by every route that checks a credential.

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive,
/// surrounding spaces ignored); `None` when absent, another scheme or empty.
pub fn bearer_token(headers: &http::HeaderMap) -> Option<&str> {
    let value = headers
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then_some(token)
}

/// Compares two secrets in time that depends only on their lengths, never on where
/// they first differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut difference = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        difference |= std::hint::black_box(x ^ y);
    }
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens() {
        let cases: &[(Option<&str>, Option<&str>)] = &[
            (None, None),
            (Some("Bearer abc"), Some("abc")),
            (Some("bearer   abc  "), Some("abc")),
            (Some("BEARER a.b.c"), Some("a.b.c")),
            (Some("Bearer"), None),
            (Some("Bearer "), None),
            (Some("Basic YTpi"), None),
            (Some("Bearerabc"), None),
        ];
        for (header, expected) in cases {
            let mut headers = http::HeaderMap::new();
            if let Some(header) = header {
                headers.insert(http::header::AUTHORIZATION, header.parse().unwrap());
            }
            assert_eq!(bearer_token(&headers), *expected, "{header:?}");
        }
    }

    #[test]
    fn constant_time_comparison() {
        let cases: &[(&[u8], &[u8], bool)] = &[
            (b"", b"", true),
            (b"secret", b"secret", true),
            (b"secret", b"secreT", false),
            (b"secret", b"secret ", false),
            (b"secret", b"", false),
            (b"", b"x", false),
            (b"a\0", b"a", false),
        ];
        for (a, b, expected) in cases {
            assert_eq!(constant_time_eq(a, b), *expected, "{a:?} {b:?}");
            assert_eq!(constant_time_eq(b, a), *expected, "{b:?} {a:?}");
        }
    }
}
