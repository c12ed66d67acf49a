//! The language of human-readable texts (problem details), negotiated from
//! `Accept-Language`.

/// A language the API writes messages in. Chinese (mainland) is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` value.
    ///
    /// Ranges are ranked by their `q` (1 when absent; ties keep the client's order);
    /// ranges with `q=0` or an unparsable `q` are ignored. The best-ranked range that we
    /// can serve decides: one starting with `en` gives English, `zh…` or `*` give
    /// Chinese. A header naming only languages we do not have, or no header, gives
    /// Chinese.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::default();
        };
        let mut best: Option<(u16, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let range = parts.next().unwrap_or_default().trim();
            let mut quality = Some(1000);
            for param in parts {
                if let Some((name, value)) = param.split_once('=')
                    && name.trim().eq_ignore_ascii_case("q")
                {
                    quality = parse_quality(value.trim());
                }
            }
            let Some(quality) = quality.filter(|&q| q > 0) else {
                continue;
            };
            let lang = if starts_with_ignore_case(range, "en") {
                Lang::En
            } else if starts_with_ignore_case(range, "zh") || range == "*" {
                Lang::ZhCn
            } else {
                continue;
            };
            if best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }

    /// The language of a request, from its `Accept-Language` header.
    pub fn from_headers(headers: &http::HeaderMap) -> Lang {
        Lang::from_accept_language(
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        )
    }

    /// The BCP 47 tag, for `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks the text in this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::ZhCn => zh,
            Lang::En => en,
        }
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// An RFC 9110 qvalue (`0`, `0.8`, `1.000`) in thousandths; `None` when malformed.
fn parse_quality(value: &str) -> Option<u16> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'));
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        let cases: &[(Option<&str>, Lang)] = &[
            (None, Lang::ZhCn),
            (Some(""), Lang::ZhCn),
            (Some("en"), Lang::En),
            (Some("EN-us"), Lang::En),
            (Some("en-GB,en;q=0.9"), Lang::En),
            (Some("zh-CN"), Lang::ZhCn),
            (Some("zh-CN,zh;q=0.9,en;q=0.8"), Lang::ZhCn),
            (Some("en;q=0.8, zh-CN"), Lang::ZhCn),
            (Some("zh-CN;q=0.5, en;q=0.9"), Lang::En),
            (Some("zh;q=0.9, en;q=0.9"), Lang::ZhCn),
            (Some("en;q=0.9, zh;q=0.9"), Lang::En),
            (Some("fr"), Lang::ZhCn),
            (Some("fr, en;q=0.5"), Lang::En),
            (Some("fr, *;q=0.5, en;q=0.4"), Lang::ZhCn),
            (Some("en;q=0"), Lang::ZhCn),
            (Some("en;q=0, zh;q=0"), Lang::ZhCn),
            (Some("en;q=0.000"), Lang::ZhCn),
            (Some("en;q=1.0"), Lang::En),
            (Some("en; q=0.001"), Lang::En),
            (Some("en;Q=0.7, zh;q=0.6"), Lang::En),
            (Some("en;q=2, zh;q=0.1"), Lang::ZhCn),
            (Some("en;q=abc"), Lang::ZhCn),
            (Some("en;q=0.1234"), Lang::ZhCn),
            (Some(" , ;q=1, en"), Lang::En),
            (Some("*"), Lang::ZhCn),
            (Some("e"), Lang::ZhCn),
        ];
        for (header, expected) in cases {
            assert_eq!(Lang::from_accept_language(*header), *expected, "{header:?}");
        }
    }

    #[test]
    fn from_headers_reads_accept_language() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(Lang::from_headers(&headers), Lang::ZhCn);
        headers.insert(http::header::ACCEPT_LANGUAGE, "en-US".parse().unwrap());
        assert_eq!(Lang::from_headers(&headers), Lang::En);
    }

    #[test]
    fn tags_and_pick() {
        assert_eq!(Lang::ZhCn.tag(), "zh-CN");
        assert_eq!(Lang::En.tag(), "en");
        assert_eq!(Lang::En.pick("中", "en"), "en");
        assert_eq!(Lang::ZhCn.pick("中", "en"), "中");
    }
}
