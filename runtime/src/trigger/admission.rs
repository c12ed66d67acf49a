//! Who gets an instance: each component has its own share of the pool and a short,
//! bounded queue in front of it; the pool as a whole is counted too, so the allocator
//! is never asked for more than it holds. A request that cannot be admitted in time
//! is [`Busy`] (503 with `Retry-After`), never a 500 from an exhausted pool.

use super::limits::ServeLimits;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The instance gates of an app's HTTP components.
pub(crate) struct Admission {
    pool: Arc<Semaphore>,
    components: HashMap<String, Gate>,
    queue_timeout: Duration,
    max_queued: u32,
}

/// One component's share.
struct Gate {
    permits: Arc<Semaphore>,
    queued: AtomicU32,
}

/// A request's right to an instance, held until the instance is done (its answer
/// streamed out or its time up).
pub(crate) struct Admitted {
    _component: OwnedSemaphorePermit,
    _pool: OwnedSemaphorePermit,
}

/// No instance could be had within the queue's bounds.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Busy {
    /// The component's queue was full: refused without waiting.
    QueueFull,
    /// Waited the queue's time limit without an instance coming free.
    TimedOut,
}

impl Admission {
    /// Gates for `components` within a pool of `pool_size` instances.
    pub(crate) fn new<'a>(
        components: impl IntoIterator<Item = &'a str>,
        pool_size: u32,
        limits: &ServeLimits,
    ) -> Self {
        let per_component = limits
            .max_instances_per_component
            .clamp(1, pool_size.max(1));
        Self {
            pool: Arc::new(Semaphore::new(pool_size.max(1) as usize)),
            components: components
                .into_iter()
                .map(|id| {
                    let gate = Gate {
                        permits: Arc::new(Semaphore::new(per_component as usize)),
                        queued: AtomicU32::new(0),
                    };
                    (id.to_string(), gate)
                })
                .collect(),
            queue_timeout: limits.queue_timeout,
            max_queued: limits.max_queued_per_component,
        }
    }

    /// Waits (within the queue's bounds) for an instance of `component`; a component
    /// without a gate of its own (none is unknown here) shares the pool only.
    pub(crate) async fn admit(&self, component: &str) -> Result<Admitted, Busy> {
        let deadline = Instant::now() + self.queue_timeout;
        let gate = self
            .components
            .get(component)
            .map(|g| (g.permits.clone(), &g.queued));
        let (component_permit, queued) = match gate {
            Some((permits, queued)) => (permits, Some(queued)),
            // Every HTTP component has a gate; an unknown id gets a throwaway one.
            None => (Arc::new(Semaphore::new(1)), None),
        };
        let component_permit = self.acquire(component_permit, queued, deadline).await?;
        let pool_permit = self.acquire(self.pool.clone(), None, deadline).await?;
        Ok(Admitted {
            _component: component_permit,
            _pool: pool_permit,
        })
    }

    async fn acquire(
        &self,
        permits: Arc<Semaphore>,
        queued: Option<&AtomicU32>,
        deadline: Instant,
    ) -> Result<OwnedSemaphorePermit, Busy> {
        if let Ok(permit) = permits.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let _place = match queued {
            Some(queued) => Some(QueuePlace::take(queued, self.max_queued)?),
            None => None,
        };
        match tokio::time::timeout_at(deadline, permits.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // The semaphores are never closed; treat it as a time-out all the same.
            Ok(Err(_)) | Err(_) => Err(Busy::TimedOut),
        }
    }
}

/// A place in a component's queue, given back when the wait ends either way.
struct QueuePlace<'a>(&'a AtomicU32);

impl<'a> QueuePlace<'a> {
    fn take(queued: &'a AtomicU32, max: u32) -> Result<Self, Busy> {
        queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .map(|_| Self(queued))
            .map_err(|_| Busy::QueueFull)
    }
}

impl Drop for QueuePlace<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_component: u32, queued: u32, wait_ms: u64) -> ServeLimits {
        ServeLimits {
            max_instances_per_component: per_component,
            max_queued_per_component: queued,
            queue_timeout: Duration::from_millis(wait_ms),
            ..ServeLimits::for_pool(16)
        }
    }

    #[tokio::test]
    async fn a_full_component_queues_then_times_out_and_others_still_get_in() {
        let gates = Admission::new(["busy", "other"], 8, &limits(2, 4, 100));
        let _a = gates.admit("busy").await.unwrap();
        let _b = gates.admit("busy").await.unwrap();
        assert_eq!(gates.admit("busy").await.err(), Some(Busy::TimedOut));
        assert!(gates.admit("other").await.is_ok());
    }

    #[tokio::test]
    async fn a_queued_request_gets_the_instance_given_back() {
        let gates = Arc::new(Admission::new(["c"], 8, &limits(1, 4, 1000)));
        let held = gates.admit("c").await.unwrap();
        let waiting = tokio::spawn({
            let gates = gates.clone();
            async move { gates.admit("c").await.is_ok() }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(held);
        assert!(waiting.await.unwrap());
    }

    #[tokio::test]
    async fn beyond_the_queue_a_request_is_refused_at_once() {
        let gates = Arc::new(Admission::new(["c"], 8, &limits(1, 1, 300)));
        let _held = gates.admit("c").await.unwrap();
        let first = tokio::spawn({
            let gates = gates.clone();
            async move { gates.admit("c").await.err() }
        });
        tokio::task::yield_now().await;
        let started = Instant::now();
        assert_eq!(gates.admit("c").await.err(), Some(Busy::QueueFull));
        assert!(started.elapsed() < Duration::from_millis(100));
        assert_eq!(first.await.unwrap(), Some(Busy::TimedOut));
        // The queue's places were given back.
        assert_eq!(gates.components["c"].queued.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn the_pool_bounds_all_components_together() {
        let gates = Admission::new(["a", "b"], 3, &limits(2, 4, 50));
        let _a1 = gates.admit("a").await.unwrap();
        let _a2 = gates.admit("a").await.unwrap();
        let _b1 = gates.admit("b").await.unwrap();
        assert_eq!(gates.admit("b").await.err(), Some(Busy::TimedOut));
    }
}
