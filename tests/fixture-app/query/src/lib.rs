//! Reading query strings in the fixture's components: both SDK lines (spin-sdk 7 and
//! 5.2) hand a component the raw query, and the tests send percent-encoded values.

/// The first query parameter called `name`, percent-decoded.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(key, true) == name).then(|| decode(value, true))
    })
}

/// Percent-decodes `text`; in a query string `+` also stands for a space.
pub fn decode(text: &str, plus_is_space: bool) -> String {
    fn hex(digit: u8) -> Option<u8> {
        char::from(digit).to_digit(16).map(|d| d as u8)
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push((hi << 4) | lo);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_found_and_decoded() {
        let query = "a=1&value=caf%C3%A9+au+lait&flag&bad=%4";
        assert_eq!(query_param(query, "value").as_deref(), Some("café au lait"));
        assert_eq!(query_param(query, "flag").as_deref(), Some(""));
        assert_eq!(query_param(query, "bad").as_deref(), Some("%4"));
        assert_eq!(query_param(query, "missing"), None);
        assert_eq!(decode("a+b%2Fc", false), "a+b/c");
    }
}
