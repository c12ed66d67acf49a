//! What the HTTP server grants one client before a component sees its request: how
//! long a request head, a body and an idle connection may take, how many connections
//! one address may hold, how large a body may be, and how many instances each
//! component may run at once (with a short, bounded queue in front of them).
//!
//! A slow or idle client costs a connection and a small buffer, never an instance:
//! the head and the whole body are read under these time limits before a component is
//! instantiated, so a trickled body is answered 408 by the server, and at capacity a
//! request waits briefly and is then answered 503 with `Retry-After`.

use std::time::Duration;

/// The HTTP server's limits (see the module documentation).
#[derive(Debug, Clone)]
pub struct ServeLimits {
    /// From a request's first byte to the end of its head.
    pub header_timeout: Duration,
    /// A kept-alive connection with no request on it is closed after this long.
    pub idle_timeout: Duration,
    /// From the end of the head to the end of the body, plus one second for every
    /// [`BODY_MIN_RATE`] bytes the body is long.
    pub body_timeout: Duration,
    /// The largest request body read (413 above it).
    pub max_body_bytes: usize,
    /// Connections one client address may hold open at once; 0: no cap. Behind a
    /// proxy every client has the proxy's address: raise or lift it there.
    pub max_connections_per_address: u32,
    /// Instances of one component alive at once, so that one busy (or attacked)
    /// component cannot take the whole pool from the others.
    pub max_instances_per_component: u32,
    /// Requests of one component waiting for an instance; beyond it, 503 at once.
    pub max_queued_per_component: u32,
    /// How long a request waits for an instance before it is answered 503.
    pub queue_timeout: Duration,
}

/// The slowest body transfer allowed once its grace time is over: 64 KiB a second.
pub const BODY_MIN_RATE: u64 = 64 << 10;

/// The `Retry-After` of a 503 at capacity, in seconds.
pub const RETRY_AFTER_SECONDS: u32 = 1;

impl ServeLimits {
    /// The defaults for a pool of `max_instances`: 10 s for a head or a body's grace
    /// time, 60 s idle, 16 MiB bodies, 256 connections per address, a quarter of the
    /// pool per component (at least one), as many waiting, for at most 2 s.
    pub fn for_pool(max_instances: u32) -> Self {
        let per_component = (max_instances / 4).max(1);
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(10),
            max_body_bytes: 16 << 20,
            max_connections_per_address: 256,
            max_instances_per_component: per_component,
            max_queued_per_component: per_component.max(16),
            queue_timeout: Duration::from_secs(2),
        }
    }

    /// How long a body of `length` bytes may take after the head.
    pub fn body_allowance(&self, length: u64) -> Duration {
        self.body_timeout + Duration::from_secs_f64(length as f64 / BODY_MIN_RATE as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_of_the_pool_per_component_and_never_none() {
        assert_eq!(ServeLimits::for_pool(1000).max_instances_per_component, 250);
        assert_eq!(ServeLimits::for_pool(16).max_instances_per_component, 4);
        assert_eq!(ServeLimits::for_pool(2).max_instances_per_component, 1);
        assert_eq!(ServeLimits::for_pool(2).max_queued_per_component, 16);
    }

    #[test]
    fn a_longer_body_is_given_more_time() {
        let limits = ServeLimits::for_pool(8);
        assert_eq!(limits.body_allowance(0), Duration::from_secs(10));
        assert_eq!(
            limits.body_allowance(100),
            limits.body_timeout + Duration::from_secs_f64(100.0 / 65536.0)
        );
        assert_eq!(
            limits.body_allowance(8 << 20),
            Duration::from_secs(10 + 128)
        );
    }
}
