//! What makes a [`Receiver`] acknowledge first and handle later: [`Receiver::inbox`] and
//! [`Receiver::inbox_worker`]. Kept apart from `inbox.rs` (storing) and `worker.rs` (running),
//! which it joins, so neither of those depends on the other.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::inbox::InboxStore;
use crate::receiver::Receiver;
use crate::receiver::inbox::Queue;
use crate::receiver::worker::InboxWorker;

impl<S: Clone + Send + Sync + 'static> Receiver<S> {
    /// Acknowledges each delivery once it is stored in `store` under `queue`, and runs its
    /// handler later, in an [`InboxWorker`](crate::receiver::InboxWorker) (see [`inbox_worker`](Self::inbox_worker)).
    ///
    /// The request is verified and its type looked up as before (an unknown type that is
    /// ignored is not stored; a rejected one is answered `422`); then the delivery (id, type,
    /// body, and the headers but signatures and credentials) is stored and answered `200`. The
    /// inbox is the duplicate check: an id the queue holds is answered `200` and not stored
    /// again, so the config's [`DedupStore`](crate::dedup::DedupStore) is not used. A store
    /// that cannot be reached is answered `503` with `Retry-After`, so the sender retries.
    ///
    /// `queue` names this receiver's deliveries in the store: the same on every replica,
    /// different for each receiver sharing the store.
    ///
    /// ```
    /// use hookwire::inbox::MemoryInbox;
    /// use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
    /// use hookwire::signature::GitHub;
    ///
    /// let receiver: Receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?))
    ///     .unknown(|delivery: Delivery<Box<serde_json::value::RawValue>>| async move {
    ///         println!("{}", delivery.event_type);
    ///     })
    ///     .inbox(MemoryInbox::new(), "github");
    /// let worker = receiver.inbox_worker(());
    /// let app: axum::Router = receiver.into_router();
    /// # drop(worker);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn inbox(mut self, store: impl InboxStore, queue: impl Into<Arc<str>>) -> Self {
        self.inbox = Some(Queue {
            store: Arc::new(store),
            name: queue.into(),
            wake: Arc::new(Notify::new()),
        });
        self
    }

    /// A worker that runs this receiver's handlers for the deliveries its inbox holds, with
    /// `state` for their `State` extractors. Run any number, in any number of processes.
    ///
    /// A receiver without an inbox gives a worker with nothing to do: its
    /// [`run`](InboxWorker::run) returns at once with an error.
    ///
    /// ```
    /// use hookwire::inbox::MemoryInbox;
    /// use hookwire::receiver::{Receiver, WebhookConfig};
    /// use hookwire::signature::GitHub;
    ///
    /// let receiver: Receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?)).inbox(MemoryInbox::new(), "github");
    /// let worker = receiver.inbox_worker(()).concurrency(16);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn inbox_worker(&self, state: S) -> InboxWorker<S> {
        InboxWorker::new(Arc::new(self.clone()), state)
    }
}
