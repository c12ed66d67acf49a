//! Work a route leaves for after its answer has gone out: the answer neither waits for
//! it nor tells by its timing whether there was any (a reset code's SMS is sent only when
//! the staff code and ID number matched, and the answer must not show which).
//!
//! The work runs in the same instance once the answer is finished (the runtime keeps
//! the instance until the entry point returns, within the request time-out); a route
//! that must not lose the work records it durably before answering.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

type Work = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    // A component instance serves one request on one thread.
    static LEFT_FOR_LATER: RefCell<Vec<Work>> = const { RefCell::new(Vec::new()) };
}

/// Runs `work` after the answer is sent, in the order deferred.
pub fn defer(work: impl Future<Output = ()> + 'static) {
    LEFT_FOR_LATER.with(|queue| queue.borrow_mut().push(Box::pin(work)));
}

/// Runs every deferred piece of work, including any deferred while running; what the
/// entry point does once the answer is out.
pub async fn run_deferred() {
    loop {
        let next = LEFT_FOR_LATER.with(|queue| {
            let mut queue = queue.borrow_mut();
            (!queue.is_empty()).then(|| queue.remove(0))
        });
        match next {
            Some(work) => work.await,
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::block_on;
    use std::rc::Rc;

    #[test]
    fn deferred_work_waits_for_the_answer_and_runs_in_order() {
        let done = Rc::new(RefCell::new(Vec::new()));
        let first = done.clone();
        defer(async move {
            first.borrow_mut().push(1);
            let third = first.clone();
            defer(async move { third.borrow_mut().push(3) });
        });
        let second = done.clone();
        defer(async move { second.borrow_mut().push(2) });
        assert!(done.borrow().is_empty(), "nothing runs before the answer");
        block_on(run_deferred());
        assert_eq!(*done.borrow(), vec![1, 2, 3]);
        block_on(run_deferred());
        assert_eq!(done.borrow().len(), 3, "each piece runs once");
    }
}
