//! Test-only cron component of the fixture app, written without spin-sdk against
//! the `fermyon:spin-cron@2.0.0` world (see `wit/tick.wit`). On every cron event it
//! reads the `tick_url` variable through `wasi:config/store` and makes ONE outbound
//! `POST` to it with `wasi:http/outgoing-handler` (WASI 0.2). The event succeeds when
//! the answer is 2xx and fails with `error::other` otherwise, so the same Wasm serves
//! both the `tick` and the `tick-fail` components, which differ only in `tick_url`.

mod bindings {
    wit_bindgen::generate!({
        world: "tick",
        path: "wit",
        generate_all,
    });
}

use ::wasi::http::outgoing_handler;
use ::wasi::http::types::{Fields, Method, OutgoingBody, OutgoingRequest, Scheme};
use bindings::fermyon::spin_cron::cron_types::{Error, Metadata};
use bindings::wasi::config::store;

struct Tick;

bindings::export!(Tick with_types_in bindings);

impl bindings::Guest for Tick {
    fn handle_cron_event(metadata: Metadata) -> Result<(), Error> {
        let url = tick_url().map_err(Error::Other)?;
        let target = Target::parse(&url).map_err(Error::Other)?;
        let body = format!("{{\"timestamp\":{}}}", metadata.timestamp);
        let status = post(&target, body.as_bytes())
            .map_err(|e| Error::Other(format!("POST {url} failed: {e}")))?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(Error::Other(format!("POST {url} answered {status}")))
        }
    }
}

fn tick_url() -> Result<String, String> {
    match store::get("tick_url") {
        Ok(Some(url)) => Ok(url),
        Ok(None) => Err("the tick_url variable is not defined for this component".into()),
        Err(store::Error::Upstream(message) | store::Error::Io(message)) => {
            Err(format!("cannot read the tick_url variable: {message}"))
        }
    }
}

/// An absolute `http(s)://authority/path?query` URL, split the way WASI HTTP wants it.
struct Target {
    scheme: Scheme,
    authority: String,
    path_with_query: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("tick_url {url:?} is not an absolute URL"))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            other => Scheme::Other(other.to_owned()),
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(format!("tick_url {url:?} has no host"));
        }
        let path_with_query = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        Ok(Target {
            scheme,
            authority: authority.to_owned(),
            path_with_query,
        })
    }
}

/// Sends `body` as a JSON `POST` and waits for the response status.
fn post(target: &Target, body: &[u8]) -> Result<u16, String> {
    let headers = Fields::from_list(&[
        ("content-type".to_owned(), b"application/json".to_vec()),
        (
            "content-length".to_owned(),
            body.len().to_string().into_bytes(),
        ),
    ])
    .map_err(|e| format!("invalid request headers: {e:?}"))?;
    let request = OutgoingRequest::new(headers);
    request
        .set_method(&Method::Post)
        .map_err(|()| "invalid method")?;
    request
        .set_scheme(Some(&target.scheme))
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
        (Ok(response), _) => Ok(response.status()),
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
