//! Query strings (`a=1&b=x%20y`), decoded as `application/x-www-form-urlencoded`.

use crate::problem::{FieldError, reason};

/// The decoded parameters of a query string, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Parses the part after `?` (a leading `?` is tolerated). `+` is a space, `%XX`
    /// sequences are decoded (invalid ones and invalid UTF-8 are kept as they came),
    /// empty pieces (`a=1&&b=2`) are skipped, and a name without `=` has the value `""`.
    pub fn parse(query: Option<&str>) -> Self {
        let query = query.unwrap_or_default();
        let query = query.strip_prefix('?').unwrap_or(query);
        let pairs = query
            .split('&')
            .filter(|piece| !piece.is_empty())
            .map(|piece| {
                let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
                (decode(name), decode(value))
            })
            .collect();
        QueryParams { pairs }
    }

    /// The query of a request URI.
    pub fn from_uri(uri: &http::Uri) -> Self {
        Self::parse(uri.query())
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, `None` when absent or empty (`?q=`), as the API's
    /// `allowEmptyValue` says. A value of spaces or control characters is a value, kept
    /// as it came: a closed list or a number refuses it rather than reading it as absent;
    /// free-text searches trim it themselves ([`QueryParams::get_text`]).
    pub fn get_non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// A free-text search of `name`: at most `max_chars` characters as sent (what the
    /// document's `maxLength` counts), else `too_long`; then the white space around it
    /// dropped, `None` when absent or only white space (`?q=+`).
    pub fn get_text(&self, name: &str, max_chars: usize) -> Result<Option<&str>, FieldError> {
        match self.get_non_empty(name) {
            Some(sent) if sent.chars().count() > max_chars => {
                Err(FieldError::new(name, reason::TOO_LONG))
            }
            sent => Ok(sent.map(str::trim).filter(|v| !v.is_empty())),
        }
    }

    /// Every value of `name` (`?status=open&status=done`).
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(high), Some(low)) => {
                    out.push((high << 4) | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(decoded) => decoded,
        Err(_) => text.to_owned(),
    }
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Pairs = &'static [(&'static str, &'static str)];

    #[test]
    fn parses_and_decodes() {
        let cases: &[(Option<&str>, Pairs)] = &[
            (None, &[]),
            (Some(""), &[]),
            (Some("?"), &[]),
            (Some("a=1"), &[("a", "1")]),
            (Some("?a=1&b=2"), &[("a", "1"), ("b", "2")]),
            (Some("a=1&&b=2&"), &[("a", "1"), ("b", "2")]),
            (Some("flag"), &[("flag", "")]),
            (Some("q="), &[("q", "")]),
            (Some("q=a+b%20c"), &[("q", "a b c")]),
            (Some("q=%E5%B1%95%E4%B8%9A"), &[("q", "展业")]),
            (Some("q=a%3Db%26c"), &[("q", "a=b&c")]),
            (Some("q=100%"), &[("q", "100%")]),
            (Some("q=%zz"), &[("q", "%zz")]),
            (Some("q=%4"), &[("q", "%4")]),
            (Some("q=%FF"), &[("q", "%FF")]),
            (Some("x=1=2"), &[("x", "1=2")]),
        ];
        for (query, expected) in cases {
            let params = QueryParams::parse(*query);
            let got: Vec<(&str, &str)> = params
                .pairs()
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            assert_eq!(got, *expected, "{query:?}");
        }
    }

    #[test]
    fn lookups() {
        let params = QueryParams::parse(Some("status=open&q=+&status=done&page=2"));
        assert_eq!(params.get("status"), Some("open"));
        assert_eq!(
            params.get_all("status").collect::<Vec<_>>(),
            ["open", "done"]
        );
        assert_eq!(params.get("missing"), None);
        assert_eq!(params.get("q"), Some(" "));
        assert_eq!(params.get_non_empty("q"), Some(" "));
        assert_eq!(params.get_text("q", 64), Ok(None));
        let blank = QueryParams::parse(Some("sort=%0D&month=&q=+%E5%AF%8C%E5%9B%BD+"));
        assert_eq!(blank.get_non_empty("sort"), Some("\r"));
        assert_eq!(blank.get_non_empty("month"), None);
        assert_eq!(blank.get_text("q", 4), Ok(Some("富国")));
        // The length counts as sent, spaces included.
        assert_eq!(
            blank.get_text("q", 3),
            Err(FieldError::new("q", reason::TOO_LONG))
        );
        assert_eq!(params.get_non_empty("page"), Some("2"));

        let uri: http::Uri = "/api/x?page=3".parse().unwrap();
        assert_eq!(QueryParams::from_uri(&uri).get("page"), Some("3"));
    }
}
