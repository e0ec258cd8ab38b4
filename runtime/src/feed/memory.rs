//! [`MemoryFeed`]: the events feed of a [`MemoryOutbox`].

use crate::BoxFuture;
use crate::feed::{
    Cursor, FeedError, FeedEvent, FeedPage, FeedQuery, FeedStore, envelope, message_envelope,
};
use crate::outbox::MemoryOutbox;

/// The events feed of a [`MemoryOutbox`] (for tests and single-process tools): the events it
/// holds, read as the SQL feeds read theirs, passing the same
/// [conformance suite](crate::feed::conformance). Its cursors are row numbers (one number, as
/// on SQLite). Cheap to clone: clones read the same outbox.
///
/// ```
/// use hookwire::feed::{FeedQuery, FeedStore, MemoryFeed};
/// use hookwire::outbox::{MemoryOutbox, OutboxStore, RawEvent};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let outbox = MemoryOutbox::new();
/// let feed = MemoryFeed::new(&outbox);
/// outbox.publish_raw(&[RawEvent::new("order.created", serde_json::json!({"id": 1}))?]).await?;
/// let page = feed.read(&FeedQuery::from_start().types(["order.*"])).await?;
/// assert_eq!(page.data[0].event_type, "order.created");
/// assert!(page.done);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct MemoryFeed {
    outbox: MemoryOutbox,
}

impl MemoryFeed {
    /// The feed of `outbox`'s events (it shares them: later publishes are read too).
    ///
    /// ```
    /// let outbox = hookwire::outbox::MemoryOutbox::new();
    /// let feed = hookwire::feed::MemoryFeed::new(&outbox);
    /// # let _ = feed;
    /// ```
    pub fn new(outbox: &MemoryOutbox) -> Self {
        MemoryFeed {
            outbox: outbox.clone(),
        }
    }

    async fn page(&self, query: &FeedQuery) -> Result<FeedPage, FeedError> {
        let after = query.after_row()?;
        let window = query.scan_window() as usize;
        let limit = query.limit_or_default() as usize;
        let events = self
            .outbox
            .published_after(after, window, query.application())
            .await;
        let mut data = Vec::new();
        let mut last = None;
        let mut scanned = 0;
        for event in events {
            // Up to the `limit`-th match, as the SQL feeds read.
            if data.len() >= limit {
                break;
            }
            scanned += 1;
            let cursor = Cursor::parse(&event.row.to_string())?;
            if query.matches(&event.event_type) {
                let body = if event.is_message {
                    message_envelope(&event.event_type, event.created_at, &event.payload)?
                } else {
                    event.payload
                };
                data.push(FeedEvent {
                    cursor: cursor.clone(),
                    id: event.event_id,
                    event_type: event.event_type,
                    created_at: event.created_at,
                    envelope: envelope(body)?,
                });
            }
            last = Some(cursor);
        }
        Ok(FeedPage::scanned(data, last, scanned, query))
    }
}

impl FeedStore for MemoryFeed {
    fn read<'a>(&'a self, query: &'a FeedQuery) -> BoxFuture<'a, Result<FeedPage, FeedError>> {
        Box::pin(self.page(query))
    }
}
