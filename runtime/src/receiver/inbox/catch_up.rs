//! Catching up by polling: a [`Receiver`] feeds the events a hookwire events feed served it
//! through the same handlers and the same duplicate check as its webhooks, so an event seen
//! both ways runs once. The [`FeedClient`] verifies every item with the consumer's secret
//! before it gets here, and hands over the envelope's exact bytes: handlers see the bytes a
//! webhook would have carried.

use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;

use crate::feed::{CatchUpError, FeedClient, FeedEvent};
use crate::inbox::{NewItem, Pushed};
use crate::receiver::Receiver;
use crate::receiver::claim;
use crate::receiver::dispatch::dispatch;
use crate::receiver::error::ReceiveError;
use crate::receiver::head::Head;
use crate::receiver::inbox::stored_parts;
use crate::signature::BodyShape;

/// What [`Receiver::catch_up`] did.
///
/// ```
/// use hookwire::receiver::CaughtUp;
/// let report = CaughtUp::default();
/// assert_eq!(report.handled + report.duplicates + report.ignored, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CaughtUp {
    /// Events whose handler ran (or, with an inbox, that were stored for the workers).
    pub handled: usize,
    /// Events handled already (by a webhook or an earlier catch-up): skipped.
    pub duplicates: usize,
    /// Events of a type without a handler, ignored as the receiver ignores them.
    pub ignored: usize,
}

#[derive(Default)]
struct Counts {
    handled: AtomicUsize,
    duplicates: AtomicUsize,
    ignored: AtomicUsize,
}

impl<S: Clone + Send + Sync + 'static> Receiver<S> {
    /// Reads `feed` from its cursor to the end and runs each event through this receiver as
    /// if it had arrived at route `path` by webhook: the same handlers, the same duplicate
    /// key (the feed's event id is the `webhook-id` hookwire's outbox sends, and the
    /// namespace is the one the route uses), so an event delivered both ways runs once.
    /// With an [inbox](Self::inbox), the events are stored there for the workers instead.
    ///
    /// Handlers get the envelope's bytes exactly as stored (as [`Delivery::body`](crate::receiver::Delivery::body)),
    /// parsed as the webhook's would be; only items that verified with the feed client's
    /// secret get here (a page with one that does not stops the catch-up with
    /// [`FeedReadError::Rejected`](crate::feed::FeedReadError::Rejected) before any of it runs).
    ///
    /// Store [`FeedClient::cursor`] afterwards: it stays before the first event that could
    /// not be handled (a handler failed, or its webhook copy is running right now), so the
    /// next catch-up starts there.
    ///
    /// # Errors
    /// The feed could not be read or did not verify ([`CatchUpError::Feed`]), or an event
    /// could not be handled ([`CatchUpError::Handler`] with the [`ReceiveError`]).
    ///
    /// ```no_run
    /// use hookwire::feed::{FeedClient, FeedToken};
    /// use hookwire::receiver::{Receiver, WebhookConfig};
    /// use hookwire::signature::StandardWebhooks;
    ///
    /// # async fn demo(receiver: Receiver) -> Result<(), Box<dyn std::error::Error>> {
    /// let token = FeedToken::new(std::env::var("SHOP_FEED_TOKEN")?)?;
    /// let secret = StandardWebhooks::new(std::env::var("SHOP_WEBHOOK_SECRET")?)?;
    /// let mut feed = FeedClient::new("http://127.0.0.1:8080", token, secret)?;
    /// let report = receiver.catch_up(&mut feed, "/webhooks/shop", ()).await?;
    /// println!("{} handled, {} seen already", report.handled, report.duplicates);
    /// let store_me = feed.cursor().cloned();
    /// # Ok(()) }
    /// ```
    pub async fn catch_up(
        &self,
        feed: &mut FeedClient,
        path: &str,
        state: S,
    ) -> Result<CaughtUp, CatchUpError<ReceiveError>> {
        let counts = Counts::default();
        let (counts_ref, state_ref) = (&counts, &state);
        feed.catch_up(|event| async move {
            self.catch_up_one(event, path, state_ref.clone(), counts_ref)
                .await
        })
        .await?;
        Ok(CaughtUp {
            handled: counts.handled.into_inner(),
            duplicates: counts.duplicates.into_inner(),
            ignored: counts.ignored.into_inner(),
        })
    }

    async fn catch_up_one(
        &self,
        event: FeedEvent,
        path: &str,
        state: S,
        counts: &Counts,
    ) -> Result<(), ReceiveError> {
        let inner = self.config.inner();
        let body = event.envelope.into_bytes();
        let Some(route) = self.lookup(&event.event_type)? else {
            counts.ignored.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        };
        if let Some(queue) = &self.inbox {
            let item = NewItem::new(&*queue.name, event.id, event.event_type, body);
            let pushed = queue.store.push(&item, inner.clock.now()).await;
            return match pushed.map_err(ReceiveError::InboxUnavailable)? {
                Pushed::New => {
                    queue.wake.notify_one();
                    counts.handled.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                }
                Pushed::Duplicate => {
                    counts.duplicates.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                }
            };
        }
        let namespace = || claim::namespace_of(inner, path);
        let claim = match claim::claim(inner, namespace, Some(&event.id)).await {
            Ok(claim) => claim,
            Err(ReceiveError::Duplicate) => {
                counts.duplicates.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        let head = Head::stored(Some(event.id), event.event_type, None, Bytes::from(body));
        let parts = stored_parts(path, &[]);
        // The feed serves hookwire's envelopes, whatever the route's payload format.
        dispatch(
            inner,
            &*route,
            BodyShape::Envelope,
            head,
            parts,
            state,
            claim,
        )
        .await?;
        counts.handled.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
