//! `fermyon:spin/redis@2.0.0` (outbound Redis). The runtime has no Redis client, so no
//! connection ever opens: an address outside the component's `allowed_outbound_hosts`
//! is refused as Spin refuses it (`invalid-address`), an allowed one fails as `other`.

use super::bindings::fermyon::spin::redis::{
    Error, Host, HostConnection, RedisParameter, RedisResult,
};
use super::{CapView, NoConnection, no_connection};
use wasmtime::component::Resource;

impl Host for CapView<'_> {}

impl HostConnection for CapView<'_> {
    fn open(&mut self, address: String) -> wasmtime::Result<Result<Resource<NoConnection>, Error>> {
        if !self.allows_address(&address, "redis") {
            return Ok(Err(Error::InvalidAddress));
        }
        Ok(Err(Error::Other(format!(
            "cannot connect to {address}: this runtime has no Redis client"
        ))))
    }

    fn publish(
        &mut self,
        self_: Resource<NoConnection>,
        _channel: String,
        _payload: Vec<u8>,
    ) -> wasmtime::Result<Result<(), Error>> {
        no_connection(self_)
    }

    fn get(
        &mut self,
        self_: Resource<NoConnection>,
        _key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, Error>> {
        no_connection(self_)
    }

    fn set(
        &mut self,
        self_: Resource<NoConnection>,
        _key: String,
        _value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), Error>> {
        no_connection(self_)
    }

    fn incr(
        &mut self,
        self_: Resource<NoConnection>,
        _key: String,
    ) -> wasmtime::Result<Result<i64, Error>> {
        no_connection(self_)
    }

    fn del(
        &mut self,
        self_: Resource<NoConnection>,
        _keys: Vec<String>,
    ) -> wasmtime::Result<Result<u32, Error>> {
        no_connection(self_)
    }

    fn sadd(
        &mut self,
        self_: Resource<NoConnection>,
        _key: String,
        _values: Vec<String>,
    ) -> wasmtime::Result<Result<u32, Error>> {
        no_connection(self_)
    }

    fn smembers(
        &mut self,
        self_: Resource<NoConnection>,
        _key: String,
    ) -> wasmtime::Result<Result<Vec<String>, Error>> {
        no_connection(self_)
    }

    fn srem(
        &mut self,
        self_: Resource<NoConnection>,
        _key: String,
        _values: Vec<String>,
    ) -> wasmtime::Result<Result<u32, Error>> {
        no_connection(self_)
    }

    fn execute(
        &mut self,
        self_: Resource<NoConnection>,
        _command: String,
        _arguments: Vec<RedisParameter>,
    ) -> wasmtime::Result<Result<Vec<RedisResult>, Error>> {
        no_connection(self_)
    }

    fn drop(&mut self, rep: Resource<NoConnection>) -> wasmtime::Result<()> {
        no_connection(rep)
    }
}
