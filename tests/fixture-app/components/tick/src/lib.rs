//! Test-only cron component of the fixture app, on the `fermyon:spin-cron@2.0.0`
//! world (through `zhanye-cron-client`). On every cron event it reads the `tick_url`
//! variable (`fermyon:spin/variables@2.0.0`) and makes ONE outbound `POST` to it with
//! `wasi:http/outgoing-handler` (WASI 0.2). The event
//! succeeds when the answer is 2xx and fails with `error::other` otherwise, so the same
//! Wasm serves both the `tick` and the `tick-fail` components, which differ only in
//! `tick_url`.

use zhanye_cron_client::{Error, Guest, Metadata, post_json, variable};

struct Tick;

zhanye_cron_client::export!(Tick);

impl Guest for Tick {
    fn handle_cron_event(metadata: Metadata) -> Result<(), Error> {
        let url = variable("tick_url").map_err(Error::Other)?;
        let body = format!("{{\"timestamp\":{}}}", metadata.timestamp);
        let answer = post_json(&url, &[], body.as_bytes())
            .map_err(|e| Error::Other(format!("POST {url} failed: {e}")))?;
        if answer.is_success() {
            Ok(())
        } else {
            Err(Error::Other(format!(
                "POST {url} answered {}",
                answer.status
            )))
        }
    }
}
