//! Handler time limits that sit below a lease: the inbox worker's claim and the direct
//! receiver's duplicate claim. A limit is measured from the claim, on the receiver's
//! [`Clock`] (the clock the lease's end was computed with), so a handler is stopped, and its
//! outcome recorded, before anyone else may take the delivery over.

use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use tokio::time::{Sleep, sleep};

use crate::Timestamp;
use crate::clock::Clock;

/// The largest margin kept between a handler's limit and its lease's end: time to record the
/// outcome and for the replicas' clocks to disagree (the outbox keeps the same 15 s).
pub(crate) const MAX_MARGIN: Duration = Duration::from_secs(15);

/// How often a running handler's deadline is compared with the clock: a clock that jumps (or
/// a test's clock moved by hand) is noticed within this time.
const CHECK_EVERY: Duration = Duration::from_millis(250);

/// The default handler limit under `lease`: the lease minus a margin of a quarter of it, at
/// most [`MAX_MARGIN`] (5 min -> 4 min 45 s, 60 s -> 45 s, 2 s -> 1.5 s).
pub(crate) fn below(lease: Duration) -> Duration {
    lease.saturating_sub((lease / 4).min(MAX_MARGIN))
}

/// `from` plus `limit`, in the clock's terms.
pub(crate) fn after(from: Timestamp, limit: Duration) -> Timestamp {
    let millis = crate::plumbing::time::millis(from)
        .saturating_add(i64::try_from(limit.as_millis()).unwrap_or(i64::MAX));
    crate::plumbing::time::from_millis(millis)
}

/// What is left until `deadline` on `clock`, zero once it passed.
fn left(clock: &dyn Clock, deadline: Timestamp) -> Duration {
    let left = crate::plumbing::time::millis(deadline)
        .saturating_sub(crate::plumbing::time::millis(clock.now()));
    Duration::from_millis(u64::try_from(left).unwrap_or(0))
}

/// Whether `deadline` passed on `clock`.
pub(crate) fn passed(clock: &dyn Clock, deadline: Timestamp) -> bool {
    left(clock, deadline).is_zero()
}

/// Runs `future` until `deadline` on `clock`: `None` when the deadline came first (the future
/// is dropped, cancelling it at its next await).
///
/// The timer is made only once the future waits: a handler done in its first poll (most are)
/// costs no timer, and the timer (boxed) adds nothing to the size of the caller's future.
pub(crate) async fn within<F: Future>(
    clock: &dyn Clock,
    deadline: Timestamp,
    future: F,
) -> Option<F::Output> {
    if left(clock, deadline).is_zero() {
        return None;
    }
    let mut future = pin!(future);
    let mut timer: Option<Pin<Box<Sleep>>> = None;
    poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        loop {
            let left = left(clock, deadline);
            if left.is_zero() {
                return Poll::Ready(None);
            }
            let sleep = timer.get_or_insert_with(|| Box::pin(sleep(left.min(CHECK_EVERY))));
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            // Woken by the timer: look at the clock again, with a new timer.
            timer = None;
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    #[test]
    fn limits_sit_below_their_lease() {
        assert_eq!(below(Duration::from_secs(300)), Duration::from_secs(285));
        assert_eq!(below(Duration::from_secs(60)), Duration::from_secs(45));
        assert_eq!(below(Duration::from_secs(2)), Duration::from_millis(1_500));
        assert_eq!(below(Duration::ZERO), Duration::ZERO);
    }

    #[tokio::test]
    async fn the_clock_decides_not_the_timer() {
        let clock = FixedClock::new(1_000);
        let deadline = after(clock.now(), Duration::from_secs(10));
        assert_eq!(deadline, Timestamp::from_unix(1_010));
        let quick = within(&clock, deadline, async { 7 }).await;
        assert_eq!(quick, Some(7));
        clock.advance(10);
        let late = within(&clock, deadline, std::future::pending::<()>()).await;
        assert_eq!(late, None, "a passed deadline stops at once");
    }
}
