//! Acknowledge, then process: a [`Receiver`] with an inbox ([`Receiver::inbox`]) stores each
//! verified delivery and answers `200` (step 5 of the request path, instead of the duplicate
//! claim); [`InboxWorker`]s run its handlers from the store later (`worker.rs`, one run in
//! `job.rs`; see [`crate::inbox`]). Catching up from a feed (`catch_up.rs`) is here too: it
//! runs stored events, not requests.

use std::sync::Arc;

#[cfg(all(feature = "outbox", feature = "reqwest"))]
mod catch_up;
mod job;
mod measure;
mod worker;

#[cfg(all(feature = "outbox", feature = "reqwest"))]
pub use catch_up::CaughtUp;
pub use worker::InboxWorker;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use tokio::sync::Notify;

use crate::inbox::{InboxStore, NewItem, Pushed};
use crate::receiver::Receiver;
use crate::receiver::config::Inner;
use crate::receiver::error::ReceiveError;
use crate::receiver::head::Head;

/// A receiver's inbox: the store, the queue name its replicas share, and a wake-up for the
/// workers of this process.
#[derive(Clone)]
pub(crate) struct Queue {
    pub(crate) store: Arc<dyn InboxStore>,
    pub(crate) name: Arc<str>,
    pub(crate) wake: Arc<Notify>,
}

impl Queue {
    /// Stores a verified delivery: `Ok` once it is stored, [`ReceiveError::Duplicate`] (also
    /// `200`) when the queue holds its id already.
    pub(crate) async fn push(
        &self,
        inner: &Inner,
        headers: &HeaderMap,
        head: Head,
    ) -> Result<(), ReceiveError> {
        let id = match head.id {
            Some(id) => id,
            None => {
                tracing::warn!(
                    "the delivery has no id: stored under a random one, not deduplicated"
                );
                random_id()?
            }
        };
        let mut item = NewItem::new(&*self.name, id, head.event_type, head.body);
        item.signed_at = head.signed_at;
        item.headers = kept_headers(headers);
        match self.store.push(&item, inner.clock.now()).await {
            Ok(Pushed::New) => {
                self.wake.notify_one();
                Ok(())
            }
            Ok(Pushed::Duplicate) => Err(ReceiveError::Duplicate),
            Err(error) => Err(ReceiveError::InboxUnavailable(error)),
        }
    }
}

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

/// A random delivery id for a delivery without one: `rnd_` and 32 hex digits.
fn random_id() -> Result<String, ReceiveError> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| {
        ReceiveError::InboxUnavailable(crate::inbox::InboxError::new(format!(
            "no randomness for a delivery id: {error}"
        )))
    })?;
    let mut id = String::with_capacity(36);
    id.push_str("rnd_");
    for byte in bytes {
        id.push_str(&format!("{byte:02x}"));
    }
    Ok(id)
}

/// The headers a handler may read later: all but credentials and signatures, which the store
/// need not keep (the delivery was verified before it was stored).
fn kept_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| {
            let name = name.as_str();
            !(name.contains("signature")
                || name.contains("hmac")
                || matches!(name, "authorization" | "proxy-authorization" | "cookie"))
        })
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect()
}

/// The request parts a stored delivery's handler sees: `POST path` with the kept headers, so
/// extractors such as `HeaderMap` work as they did for the live request.
pub(crate) fn stored_parts(path: &str, headers: &[(String, String)]) -> axum::http::request::Parts {
    let mut request = Request::new(());
    *request.method_mut() = Method::POST;
    if let Ok(uri) = path.parse() {
        *request.uri_mut() = uri;
    }
    let map = request.headers_mut();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.append(name, value);
        }
    }
    request.into_parts().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_inbox_stores_the_request_body_without_a_copy() {
        use std::time::Duration;

        use bytes::Bytes;

        use crate::Timestamp;
        use crate::inbox::MemoryInbox;
        use crate::receiver::WebhookConfig;
        use crate::signature::GitHub;

        let store = Arc::new(MemoryInbox::new());
        let queue = Queue {
            store: Arc::clone(&store) as Arc<dyn InboxStore>,
            name: "q".into(),
            wake: Arc::new(Notify::new()),
        };
        let config = WebhookConfig::new(GitHub::new("s").unwrap());
        let body = Bytes::from_static(b"{}");
        let head = Head::stored(Some("d-1".into()), "push".into(), None, body.clone());
        queue
            .push(config.inner(), &HeaderMap::new(), head)
            .await
            .unwrap();
        let now = Timestamp::now().saturating_add_seconds(1);
        let claimed = store
            .claim("q", now, Duration::from_secs(60), 1, 5)
            .await
            .unwrap();
        // The same buffer: stored and handed back as the request's bytes.
        assert_eq!(claimed[0].item.body.as_ptr(), body.as_ptr());
    }

    #[test]
    fn signatures_and_credentials_are_not_kept() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("webhook-signature", "v1,abc"),
            ("x-hub-signature-256", "sha256=abc"),
            ("x-shopify-hmac-sha256", "abc"),
            ("authorization", "Bearer t"),
            ("cookie", "a=b"),
            ("x-github-event", "push"),
            ("webhook-id", "msg_1"),
        ] {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let kept = kept_headers(&headers);
        let names: Vec<_> = kept.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"x-github-event") && names.contains(&"webhook-id"));
        let parts = stored_parts("/hooks", &kept);
        assert_eq!(parts.headers["x-github-event"], "push");
        assert_eq!(parts.uri.path(), "/hooks");
        assert_eq!(parts.method, Method::POST);
    }

    #[test]
    fn random_ids_differ() {
        let (a, b) = (random_id().unwrap(), random_id().unwrap());
        assert_ne!(a, b);
        assert!(a.starts_with("rnd_") && a.len() == 36, "{a}");
    }
}
