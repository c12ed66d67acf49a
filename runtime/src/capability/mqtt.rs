//! `fermyon:spin/mqtt@2.0.0` (outbound MQTT). The runtime has no MQTT client, so no
//! connection ever opens: an address outside the component's `allowed_outbound_hosts`
//! is refused as Spin refuses it (`connection-failed`, "not permitted"), and an allowed
//! one fails as `connection-failed` too.

use super::bindings::fermyon::spin::mqtt::{Error, Host, HostConnection, Qos};
use super::{CapView, NoConnection, no_connection};
use wasmtime::component::Resource;

impl Host for CapView<'_> {}

impl HostConnection for CapView<'_> {
    fn open(
        &mut self,
        address: String,
        _username: String,
        _password: String,
        _keep_alive_interval_in_secs: u64,
    ) -> wasmtime::Result<Result<Resource<NoConnection>, Error>> {
        if !self.allows_address(&address, "mqtt") {
            return Ok(Err(Error::ConnectionFailed(format!(
                "address {address} is not permitted by the component's allowed_outbound_hosts"
            ))));
        }
        Ok(Err(Error::ConnectionFailed(format!(
            "cannot connect to {address}: this runtime has no MQTT client"
        ))))
    }

    fn publish(
        &mut self,
        self_: Resource<NoConnection>,
        _topic: String,
        _payload: Vec<u8>,
        _qos: Qos,
    ) -> wasmtime::Result<Result<(), Error>> {
        no_connection(self_)
    }

    fn drop(&mut self, rep: Resource<NoConnection>) -> wasmtime::Result<()> {
        no_connection(rep)
    }
}
