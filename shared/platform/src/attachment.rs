//! How a download is named: `Content-Disposition` with an ASCII `filename` every client
//! understands and the real (often Chinese) name as RFC 8187 / 6266 `filename*=UTF-8''…`.

/// The `Content-Disposition` of a download named `file_name`. The ASCII `filename` is the
/// name itself when it is plain ASCII, else `fallback` (with anything but letters,
/// digits, `-`, `.` and `_` made `_`).
pub fn content_disposition(file_name: &str, fallback: &str) -> String {
    let plain = !file_name.is_empty()
        && file_name
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' && b != b';');
    let ascii: String = if plain {
        file_name.to_owned()
    } else {
        fallback
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(file_name)
    )
}

/// RFC 8187 `value-chars`: every byte but the `attr-char`s percent-encoded.
pub fn percent_encode(text: &str) -> String {
    use std::fmt::Write;
    text.bytes()
        .fold(String::with_capacity(text.len() * 3), |mut out, byte| {
            let attr_char = byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte);
            if attr_char {
                out.push(char::from(byte));
            } else {
                let _ = write!(out, "%{byte:02X}");
            }
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "产品合同.pdf",
                "OTC452-contract.pdf",
                "attachment; filename=\"OTC452-contract.pdf\"; filename*=UTF-8''%E4%BA%A7%E5%93%81%E5%90%88%E5%90%8C.pdf",
            ),
            (
                "contract v2.pdf",
                "x.pdf",
                "attachment; filename=\"contract v2.pdf\"; filename*=UTF-8''contract%20v2.pdf",
            ),
            (
                "a\"b.pdf",
                "OTC452-contract.pdf",
                "attachment; filename=\"OTC452-contract.pdf\"; filename*=UTF-8''a%22b.pdf",
            ),
            (
                "考核排名-财富一组-2026-10.xlsx",
                "assessment-T 1/202610.xlsx",
                "attachment; filename=\"assessment-T_1_202610.xlsx\"; filename*=UTF-8''%E8%80%83%E6%A0%B8%E6%8E%92%E5%90%8D-%E8%B4%A2%E5%AF%8C%E4%B8%80%E7%BB%84-2026-10.xlsx",
            ),
        ];
        for (name, fallback, expected) in cases {
            assert_eq!(content_disposition(name, fallback), *expected);
        }
        assert_eq!(percent_encode("a;b%"), "a%3Bb%25");
        assert_eq!(percent_encode("a b-2014.xlsx"), "a%20b-2014.xlsx");
    }
}
