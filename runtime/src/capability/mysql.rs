//! `fermyon:spin/mysql@2.0.0` (outbound MySQL). The runtime has no MySQL client, so no
//! connection ever opens: an address outside the component's `allowed_outbound_hosts`
//! is refused as Spin refuses it (`connection-failed`, "not permitted"), and an allowed
//! one fails as `connection-failed` too.

use super::bindings::fermyon::spin::mysql::{Host, HostConnection};
use super::bindings::fermyon::spin::rdbms_types::{Error, ParameterValue, RowSet};
use super::{CapView, NoConnection, no_connection};
use wasmtime::component::Resource;

impl Host for CapView<'_> {}

impl HostConnection for CapView<'_> {
    fn open(&mut self, address: String) -> wasmtime::Result<Result<Resource<NoConnection>, Error>> {
        if !self.allows_address(&address, "mysql") {
            return Ok(Err(Error::ConnectionFailed(format!(
                "address {address} is not permitted by the component's allowed_outbound_hosts"
            ))));
        }
        Ok(Err(Error::ConnectionFailed(format!(
            "cannot connect to {address}: this runtime has no MySQL client"
        ))))
    }

    fn query(
        &mut self,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<ParameterValue>,
    ) -> wasmtime::Result<Result<RowSet, Error>> {
        no_connection(self_)
    }

    fn execute(
        &mut self,
        self_: Resource<NoConnection>,
        _statement: String,
        _params: Vec<ParameterValue>,
    ) -> wasmtime::Result<Result<(), Error>> {
        no_connection(self_)
    }

    fn drop(&mut self, rep: Resource<NoConnection>) -> wasmtime::Result<()> {
        no_connection(rep)
    }
}
