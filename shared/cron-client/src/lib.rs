//! The one way a cron component of this repo is written, without spin-sdk: the
//! trigger-cron plugin runs Spin 3.5 (WASI 0.2), so a cron component implements the
//! `fermyon:spin-cron@2.0.0` world (see `wit/cron.wit`), reads its variables through
//! `wasi:config/store` and reaches the HTTP component that does the work with one
//! `wasi:http/outgoing-handler` (WASI 0.2) request per call.
//!
//! A component implements [`Guest`] and names its type with [`export!`]:
//!
//! ```ignore
//! struct Job;
//! zhanye_cron_client::export!(Job);
//! impl zhanye_cron_client::Guest for Job {
//!     fn handle_cron_event(metadata: Metadata) -> Result<(), Error> { … }
//! }
//! ```

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "cron-component",
        path: "wit",
        generate_all,
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "::zhanye_cron_client::bindings",
    });
}

pub use bindings::Guest;
pub use bindings::export;
pub use bindings::fermyon::spin_cron::cron_types::{Error, Metadata};

use ::wasi::http::outgoing_handler;
use ::wasi::http::types::{Fields, IncomingBody, Method, OutgoingBody, OutgoingRequest, Scheme};
use ::wasi::io::streams::StreamError;
use bindings::wasi::config::store;

/// The value of the component variable `name` (Spin's `[component.x.variables]`).
pub fn variable(name: &str) -> Result<String, String> {
    match store::get(name) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(format!(
            "the {name} variable is not defined for this component"
        )),
        Err(store::Error::Upstream(message) | store::Error::Io(message)) => {
            Err(format!("cannot read the {name} variable: {message}"))
        }
    }
}

/// An absolute `http(s)://authority/path?query` URL, split the way WASI HTTP wants it.
#[derive(Debug, PartialEq)]
pub struct Target {
    pub scheme: String,
    pub authority: String,
    pub path_with_query: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Self, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("{url:?} is not an absolute URL"))?;
        let (authority, path) = match rest.find(['/', '?']) {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(format!("{url:?} has no host"));
        }
        let path_with_query = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        Ok(Target {
            scheme: scheme.to_ascii_lowercase(),
            authority: authority.to_owned(),
            path_with_query,
        })
    }

    fn wasi_scheme(&self) -> Scheme {
        match self.scheme.as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            other => Scheme::Other(other.to_owned()),
        }
    }
}

/// What a server answered: its status and (up to [`MAX_ANSWER_BYTES`] of) its body.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first `max` bytes of the body as text, for error messages.
    pub fn body_start(&self, max: usize) -> String {
        String::from_utf8_lossy(&self.body[..self.body.len().min(max)]).into_owned()
    }
}

/// How much of an answer's body is kept; the rest is read and dropped.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Sends `body` as a JSON `POST` to `url` with the extra `headers` and waits for the
/// answer.
pub fn post_json(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Answer, String> {
    let target = Target::parse(url)?;
    let mut fields = vec![
        ("content-type".to_owned(), b"application/json".to_vec()),
        (
            "content-length".to_owned(),
            body.len().to_string().into_bytes(),
        ),
    ];
    fields.extend(
        headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec())),
    );
    let headers =
        Fields::from_list(&fields).map_err(|e| format!("invalid request headers: {e:?}"))?;
    let request = OutgoingRequest::new(headers);
    request
        .set_method(&Method::Post)
        .map_err(|()| "invalid method")?;
    request
        .set_scheme(Some(&target.wasi_scheme()))
        .map_err(|()| "invalid scheme")?;
    request
        .set_authority(Some(&target.authority))
        .map_err(|()| "invalid authority")?;
    request
        .set_path_with_query(Some(&target.path_with_query))
        .map_err(|()| "invalid path")?;
    let outgoing_body = request.body().map_err(|()| "request body already taken")?;

    let pending = outgoing_handler::handle(request, None).map_err(|e| format!("{e:?}"))?;

    // A server may answer without reading the body (a 404 does), closing the stream
    // under us: a failed write only matters if no response comes either.
    let written = write_body(&outgoing_body, body);
    let finished = OutgoingBody::finish(outgoing_body, None).map_err(|e| format!("{e:?}"));

    let response = loop {
        match pending.get() {
            Some(response) => break response,
            None => pending.subscribe().block(),
        }
    };
    let response = response
        .map_err(|()| "response already taken".to_owned())
        .and_then(|r| r.map_err(|e| format!("{e:?}")));
    match (response, written.and(finished)) {
        (Ok(response), _) => {
            let status = response.status();
            let body = response
                .consume()
                .map_err(|()| "response body already taken".to_owned())
                .and_then(read_body)
                .map_err(|e| format!("reading the answer ({status}): {e}"))?;
            Ok(Answer { status, body })
        }
        (Err(error), Ok(())) => Err(error),
        (Err(error), Err(body_error)) => Err(format!("{error} (sending the body: {body_error})")),
    }
}

fn write_body(outgoing_body: &OutgoingBody, body: &[u8]) -> Result<(), String> {
    let stream = outgoing_body
        .write()
        .map_err(|()| "request body stream already taken")?;
    // `stream` is dropped on return, before the body is finished, as WASI requires.
    stream
        .blocking_write_and_flush(body)
        .map_err(|e| format!("{e:?}"))
}

fn read_body(body: IncomingBody) -> Result<Vec<u8>, String> {
    let mut kept = Vec::new();
    {
        // The stream is a child of `body`: it goes before `body` does.
        let stream = body
            .stream()
            .map_err(|()| "response body stream already taken")?;
        loop {
            match stream.blocking_read(16 * 1024) {
                Ok(chunk) => {
                    let room = MAX_ANSWER_BYTES - kept.len();
                    kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => return Err(e.to_debug_string()),
            }
        }
    }
    drop(IncomingBody::finish(body));
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Target {
        Target::parse(url).unwrap()
    }

    #[test]
    fn urls_split_into_scheme_authority_and_path() {
        assert_eq!(
            target("http://assessment.spin.internal/api/runs?x=1"),
            Target {
                scheme: "http".into(),
                authority: "assessment.spin.internal".into(),
                path_with_query: "/api/runs?x=1".into(),
            }
        );
        let bare = target("HTTPS://example.com:8443");
        assert_eq!(bare.scheme, "https");
        assert_eq!(bare.authority, "example.com:8443");
        assert_eq!(bare.path_with_query, "/");
        assert_eq!(target("http://self?q").path_with_query, "/?q");
    }

    #[test]
    fn relative_or_hostless_urls_are_refused() {
        assert!(Target::parse("/api/runs").is_err());
        assert!(Target::parse("http:///api/runs").is_err());
    }

    #[test]
    fn body_start_cuts_at_the_byte_limit() {
        let answer = Answer {
            status: 500,
            body: b"abcdef".to_vec(),
        };
        assert!(!answer.is_success());
        assert_eq!(answer.body_start(3), "abc");
        assert_eq!(answer.body_start(300), "abcdef");
    }
}
