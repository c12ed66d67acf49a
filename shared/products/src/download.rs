//! How a document download is named: `Content-Disposition` with an ASCII `filename`
//! every client understands and the real (often Chinese) name as RFC 8187 / 6266
//! `filename*=UTF-8''…`.

/// The `Content-Disposition` of a document `file_name` of product `code` and `kind`.
/// The ASCII fallback is the name itself when it is plain ASCII, else
/// `<code>-<kind>.pdf`.
pub fn content_disposition(code: &str, kind: &str, file_name: &str) -> String {
    let plain = !file_name.is_empty()
        && file_name
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' && b != b';');
    let ascii = if plain {
        file_name.to_owned()
    } else {
        format!("{code}-{kind}.pdf")
    };
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(file_name)
    )
}

/// RFC 8187 `value-chars`: every byte but the `attr-char`s percent-encoded.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        let attr_char = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if attr_char {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions() {
        let cases: &[(&str, &str)] = &[
            (
                "产品合同.pdf",
                "attachment; filename=\"OTC452-contract.pdf\"; filename*=UTF-8''%E4%BA%A7%E5%93%81%E5%90%88%E5%90%8C.pdf",
            ),
            (
                "contract v2.pdf",
                "attachment; filename=\"contract v2.pdf\"; filename*=UTF-8''contract%20v2.pdf",
            ),
            (
                "a\"b.pdf",
                "attachment; filename=\"OTC452-contract.pdf\"; filename*=UTF-8''a%22b.pdf",
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(content_disposition("OTC452", "contract", name), *expected);
        }
        assert_eq!(percent_encode("a;b%"), "a%3Bb%25");
    }
}
