//! A shared store is a store: `Arc<S>` forwards every [`InboxStore`] call, so a receiver and
//! its workers can hold one inbox between them.

use std::time::Duration;

use crate::inbox::{
    ClaimedDelivery, DeadLetter, Failure, InboxError, InboxStats, InboxStore, NewItem, Pushed,
};
use crate::{BoxFuture, ClaimToken, Settled, Timestamp};

impl<T: InboxStore + ?Sized> InboxStore for std::sync::Arc<T> {
    fn push<'a>(
        &'a self,
        item: &'a NewItem,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<Pushed, InboxError>> {
        (**self).push(item, now)
    }

    fn claim<'a>(
        &'a self,
        queue: &'a str,
        now: Timestamp,
        lease: Duration,
        limit: usize,
        max_attempts: u32,
    ) -> BoxFuture<'a, Result<Vec<ClaimedDelivery>, InboxError>> {
        (**self).claim(queue, now, lease, limit, max_attempts)
    }

    fn complete<'a>(
        &'a self,
        queue: &'a str,
        id: &'a str,
        token: ClaimToken,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'a, Result<Settled, InboxError>> {
        (**self).complete(queue, id, token, now, keep)
    }

    fn fail<'a>(
        &'a self,
        queue: &'a str,
        id: &'a str,
        token: ClaimToken,
        failure: &'a Failure,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<Settled, InboxError>> {
        (**self).fail(queue, id, token, failure, now)
    }

    fn dead<'a>(
        &'a self,
        queue: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<DeadLetter>, InboxError>> {
        (**self).dead(queue, limit)
    }

    fn revive<'a>(
        &'a self,
        queue: &'a str,
        id: &'a str,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<bool, InboxError>> {
        (**self).revive(queue, id, now)
    }

    fn stats<'a>(&'a self, queue: &'a str) -> BoxFuture<'a, Result<InboxStats, InboxError>> {
        (**self).stats(queue)
    }

    fn purge<'a>(&'a self, now: Timestamp) -> BoxFuture<'a, Result<u64, InboxError>> {
        (**self).purge(now)
    }
}
