//! The one way a cron component of this repo is written: the trigger-cron plugin runs
//! Spin 3.5 (WASI 0.2), so a cron component implements the `fermyon:spin-cron@2.0.0`
//! world (see `wit/cron.wit`) and, like the plugin's own guests, reads its variables
//! (`fermyon:spin/variables@2.0.0`) and reaches the HTTP component that does the work
//! (`wasi:http/outgoing-handler@0.2`) through spin-sdk 5.2.
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

/// The value of the component variable `name` (Spin's `[component.x.variables]`).
pub fn variable(name: &str) -> Result<String, String> {
    spin_sdk::variables::get(name).map_err(|error| match error {
        spin_sdk::variables::Error::Undefined(_) => {
            format!("the {name} variable is not defined for this component")
        }
        other => format!("cannot read the {name} variable: {other:?}"),
    })
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

/// How much of an answer's body is kept.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Sends `body` as a JSON `POST` to `url` with the extra `headers` and waits for the
/// answer. `url` is absolute, or a path (served by the app itself, as Spin does for
/// relative URLs).
pub fn post_json(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Answer, String> {
    let mut request = http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::CONTENT_LENGTH, body.len());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(body.to_vec())
        .map_err(|e| format!("{url:?} is not a valid request: {e}"))?;
    // The cron export is synchronous: drive the SDK's async send to completion here.
    let response = spin_sdk::http::run(spin_sdk::http::send::<_, http::Response<Vec<u8>>>(request))
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let mut body = response.into_body();
    body.truncate(MAX_ANSWER_BYTES);
    Ok(Answer { status, body })
}

#[cfg(test)]
mod tests {
    use super::*;

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
