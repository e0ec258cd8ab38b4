//! [`FeedClient`]: reads a hookwire events feed from a stored cursor.

use std::future::Future;

use crate::client::{ApiClient, ApiError};
use crate::feed::{Cursor, FeedEvent, FeedPage, ListEvents};

/// Iterates a remote `GET /events` feed from a cursor you stored, page by page.
///
/// Store [`cursor`](Self::cursor) after handling what a page held; start again from it after
/// a restart with [`from_cursor`](Self::from_cursor).
///
/// ```no_run
/// use hookwire::client::ApiClient;
/// use hookwire::feed::FeedClient;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let api = ApiClient::new("http://127.0.0.1:8080")?;
/// let mut feed = FeedClient::new(api).types(["order.*"]);
/// let handled = feed
///     .catch_up(|event| async move {
///         println!("{} {}", event.id, event.event_type);
///         Ok::<(), std::io::Error>(())
///     })
///     .await?;
/// let store_me = feed.cursor().cloned();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FeedClient {
    api: ApiClient,
    request: ListEvents,
}

/// Why a [`FeedClient::catch_up`] stopped early.
///
/// ```
/// use hookwire::feed::CatchUpError;
/// let error: CatchUpError<std::io::Error> = CatchUpError::Handler { event_id: "evt_1".into(), error: std::io::Error::other("db down") };
/// assert!(error.to_string().contains("evt_1"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatchUpError<E: std::error::Error + 'static> {
    /// The feed could not be read.
    #[error("could not read the events feed: {0}")]
    Feed(#[from] ApiError),
    /// A handler failed; the cursor stays before that event, so the next catch-up retries it.
    #[error("the handler of event {event_id} failed: {error}")]
    Handler {
        /// The event whose handler failed.
        event_id: String,
        /// Its error.
        #[source]
        error: E,
    },
}

impl FeedClient {
    /// Reads from the oldest event the feed keeps.
    ///
    /// ```no_run
    /// # fn demo(api: hookwire::client::ApiClient) {
    /// let feed = hookwire::feed::FeedClient::new(api);
    /// # }
    /// ```
    pub fn new(api: ApiClient) -> Self {
        FeedClient {
            api,
            request: ListEvents::default(),
        }
    }

    /// Reads after `cursor` (one you stored).
    ///
    /// ```no_run
    /// # fn demo(api: hookwire::client::ApiClient) -> Result<(), hookwire::feed::FeedError> {
    /// use hookwire::feed::{Cursor, FeedClient};
    /// let feed = FeedClient::from_cursor(api, Cursor::parse("812-77")?);
    /// # Ok(()) }
    /// ```
    pub fn from_cursor(api: ApiClient, cursor: Cursor) -> Self {
        let mut client = Self::new(api);
        client.request.after = Some(cursor);
        client
    }

    /// Only these types (exact, or `prefix.*`).
    ///
    /// ```no_run
    /// # fn demo(api: hookwire::client::ApiClient) {
    /// let feed = hookwire::feed::FeedClient::new(api).types(["order.created"]);
    /// # }
    /// ```
    #[must_use]
    pub fn types<T: Into<String>>(mut self, types: impl IntoIterator<Item = T>) -> Self {
        self.request.types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Events per page (default 100, at most 1000).
    ///
    /// ```no_run
    /// # fn demo(api: hookwire::client::ApiClient) {
    /// let feed = hookwire::feed::FeedClient::new(api).page_size(500);
    /// # }
    /// ```
    #[must_use]
    pub fn page_size(mut self, limit: u32) -> Self {
        self.request.limit = Some(limit);
        self
    }

    /// Where the client stands: store it once the events before it are handled.
    ///
    /// ```no_run
    /// # fn demo(api: hookwire::client::ApiClient) {
    /// assert!(hookwire::feed::FeedClient::new(api).cursor().is_none());
    /// # }
    /// ```
    pub fn cursor(&self) -> Option<&Cursor> {
        self.request.after.as_ref()
    }

    /// Fetches the next page and moves the cursor past it.
    ///
    /// # Errors
    /// The request failed or the server answered an error.
    ///
    /// ```no_run
    /// # async fn demo(mut feed: hookwire::feed::FeedClient) -> Result<(), hookwire::client::ApiError> {
    /// let page = feed.next_page().await?;
    /// # Ok(()) }
    /// ```
    pub async fn next_page(&mut self) -> Result<FeedPage, ApiError> {
        let page = self.api.call(&self.request).await?;
        if let Some(next) = &page.next {
            self.request.after = Some(next.clone());
        }
        Ok(page)
    }

    /// Hands every event after the cursor to `handle`, in order, until the feed has no more;
    /// the cursor moves past each event once its handler succeeded. Returns how many were
    /// handled.
    ///
    /// # Errors
    /// The feed could not be read, or a handler failed (the cursor then stays before its
    /// event).
    ///
    /// ```no_run
    /// # async fn demo(mut feed: hookwire::feed::FeedClient) -> Result<(), Box<dyn std::error::Error>> {
    /// let handled = feed.catch_up(|event| async move { Ok::<(), std::io::Error>(()) }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn catch_up<E, F, Fut>(&mut self, mut handle: F) -> Result<usize, CatchUpError<E>>
    where
        E: std::error::Error + 'static,
        F: FnMut(FeedEvent) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let mut handled = 0;
        loop {
            let page = self.api.call(&self.request).await?;
            for event in page.data {
                let cursor = event.cursor.clone();
                let event_id = event.id.clone();
                handle(event)
                    .await
                    .map_err(|error| CatchUpError::Handler { event_id, error })?;
                self.request.after = Some(cursor);
                handled += 1;
            }
            if page.done {
                return Ok(handled);
            }
        }
    }
}
