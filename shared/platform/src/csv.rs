//! CSV exports: UTF-8 with a byte-order mark (so spreadsheet programs read Chinese
//! headers), CRLF line ends, RFC 4180 quoting, and formula-looking cells defused.

use bytes::Bytes;

use crate::problem::ApiError;
use crate::respond::Reply;

/// A CSV document being built.
pub struct Csv {
    text: String,
}

impl Csv {
    /// Starts a document with its header row.
    pub fn new(headers: &[&str]) -> Csv {
        let mut csv = Csv {
            text: String::from("\u{feff}"),
        };
        csv.row(headers.iter().copied());
        csv
    }

    /// Appends one row.
    pub fn row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) {
        let line: Vec<String> = fields.into_iter().map(field).collect();
        self.text.push_str(&line.join(","));
        self.text.push_str("\r\n");
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The download: `text/csv`, attachment named `filename`, not cached.
    pub fn into_reply(self, filename: &str) -> Result<Reply, ApiError> {
        http::Response::builder()
            .header(http::header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .header(
                http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            )
            .header(http::header::CACHE_CONTROL, "no-store")
            .body(Bytes::from(self.text).into())
            .map_err(|e| ApiError::internal(format!("building a CSV download: {e}")))
    }
}

/// One CSV field: quoted when it holds a separator, quote or line break; a leading
/// `=`, `+`, `-` or `@` gets a `'` in front so spreadsheets do not run it as a formula.
pub fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(field("A0001"), "A0001");
        assert_eq!(field("李,明"), "\"李,明\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
        assert_eq!(field("a\nb"), "\"a\nb\"");
    }

    #[test]
    fn documents() {
        let mut csv = Csv::new(&["人员代码", "人员姓名"]);
        csv.row(["A0001", "李明"]);
        assert_eq!(csv.as_str(), "\u{feff}人员代码,人员姓名\r\nA0001,李明\r\n");
        let reply = csv.into_reply("x.csv").unwrap();
        assert_eq!(reply.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(
            reply.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("x.csv")
        );
    }
}
