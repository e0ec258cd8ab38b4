//! [`FeedClient`]: reads a hookwire events feed from a stored cursor, verifying every item.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::feed::fetch::{Transport, same_origin_redirects};
use crate::feed::{Cursor, FeedEvent, FeedPage, FeedReadError, FeedToken, ListEvents};
use crate::signature::StandardWebhooks;

/// Iterates a remote `GET /events` feed from a cursor you stored, page by page, as one
/// consumer: it sends the consumer's bearer token and verifies every item with the consumer's
/// secret before handing it on, so nothing the shop did not sign reaches your code.
///
/// `https://` feeds work as they are (rustls, the system's roots and `SSL_CERT_FILE`; a private
/// CA with [`root_certificates`](FeedClientBuilder::root_certificates)). Redirects are followed
/// only within the feed's scheme, host and port; each page is bounded in time and size (see
/// [`FeedClientBuilder`]). Items are signed when served and checked within the secret's
/// tolerance (5 minutes by default, [`StandardWebhooks::tolerance`]): keep the clocks of shop
/// and consumer in sync.
///
/// Store [`cursor`](Self::cursor) after handling what a page held; start again from it after
/// a restart with [`after`](Self::after).
///
/// ```no_run
/// use hookwire::feed::{FeedClient, FeedToken};
/// use hookwire::signature::StandardWebhooks;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let token = FeedToken::new(std::env::var("SHOP_FEED_TOKEN")?)?;
/// let secret = StandardWebhooks::new(std::env::var("SHOP_WEBHOOK_SECRET")?)?;
/// let mut feed = FeedClient::new("https://shop.example", token, secret)?.types(["order.*"]);
/// let handled = feed
///     .catch_up(|event| async move {
///         println!("{} {}", event.id, event.event_type);
///         Ok::<(), std::io::Error>(())
///     })
///     .await?;
/// let store_me = feed.cursor().cloned();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct FeedClient {
    transport: Transport,
    scheme: StandardWebhooks,
    clock: Arc<dyn Clock>,
    request: ListEvents,
}

impl std::fmt::Debug for FeedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedClient")
            .field("base", &self.transport.base)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

/// Builds a [`FeedClient`]: its timeouts, its page size cap, your own reqwest client
/// settings (proxies, trusted certificates), its clock.
///
/// ```
/// use std::time::Duration;
/// use hookwire::feed::{FeedClient, FeedToken};
/// use hookwire::signature::StandardWebhooks;
///
/// let feed = FeedClient::builder(
///     "http://127.0.0.1:8080",
///     FeedToken::generate()?,
///     StandardWebhooks::new("whsec_c2VjcmV0")?,
/// )
/// .connect_timeout(Duration::from_secs(5))
/// .timeout(Duration::from_secs(20))
/// .max_page_bytes(4 << 20)
/// .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub struct FeedClientBuilder {
    base: String,
    token: FeedToken,
    scheme: StandardWebhooks,
    http: reqwest::ClientBuilder,
    roots: Vec<reqwest::Certificate>,
    connect_timeout: Duration,
    timeout: Duration,
    max_page_bytes: usize,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for FeedClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedClientBuilder")
            .field("base", &self.base)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_page_bytes", &self.max_page_bytes)
            .finish_non_exhaustive()
    }
}

impl FeedClientBuilder {
    /// Uses your reqwest client settings (a proxy, an extra trusted certificate). The builder
    /// then sets its own redirect policy and timeouts on them.
    ///
    /// ```
    /// # use hookwire::feed::{FeedClient, FeedToken};
    /// # use hookwire::signature::StandardWebhooks;
    /// let builder = FeedClient::builder("http://127.0.0.1:8080", FeedToken::generate()?, StandardWebhooks::new("whsec_c2VjcmV0")?)
    ///     .http(reqwest::Client::builder().user_agent("acme-catch-up/1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = builder;
        self
    }

    /// Certificate authorities trusted beside the system's roots (and `SSL_CERT_FILE`): for a
    /// feed whose certificate a private CA signed.
    ///
    /// ```
    /// # use hookwire::feed::{FeedClient, FeedToken};
    /// # use hookwire::signature::StandardWebhooks;
    /// # let ca = hookwire_test_tls::TestCa::new("a private CA");
    /// # let pem = ca.pem().as_bytes();
    /// let roots = reqwest::Certificate::from_pem_bundle(pem)?;
    /// let feed = FeedClient::builder("https://shop.internal", FeedToken::generate()?, StandardWebhooks::new("whsec_c2VjcmV0")?)
    ///     .root_certificates(roots)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn root_certificates(
        mut self,
        roots: impl IntoIterator<Item = reqwest::Certificate>,
    ) -> Self {
        self.roots.extend(roots);
        self
    }

    /// How long connecting may take (default [`FeedClient::DEFAULT_CONNECT_TIMEOUT`]).
    ///
    /// See [`FeedClientBuilder`] for an example.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one page may take, from connecting to its last byte (default
    /// [`FeedClient::DEFAULT_TIMEOUT`]).
    ///
    /// See [`FeedClientBuilder`] for an example.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest page accepted, in bytes (default [`FeedClient::DEFAULT_MAX_PAGE_BYTES`]);
    /// a larger one is [`FeedReadError::TooLarge`].
    ///
    /// See [`FeedClientBuilder`] for an example.
    pub fn max_page_bytes(mut self, bytes: usize) -> Self {
        self.max_page_bytes = bytes;
        self
    }

    /// The clock signatures are checked against (default: the system's).
    ///
    /// ```
    /// # use hookwire::feed::{FeedClient, FeedToken};
    /// # use hookwire::signature::StandardWebhooks;
    /// let builder = FeedClient::builder("http://127.0.0.1:8080", FeedToken::generate()?, StandardWebhooks::new("whsec_c2VjcmV0")?)
    ///     .clock(hookwire::clock::FixedClock::new(1_700_000_000));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The client, reading from the oldest event the feed keeps.
    ///
    /// # Errors
    /// [`FeedReadError::BaseUrl`] for a URL that is not http(s) without a query;
    /// [`FeedReadError::Client`] when reqwest cannot build the client.
    ///
    /// See [`FeedClientBuilder`] for an example.
    pub fn build(self) -> Result<FeedClient, FeedReadError> {
        let base = Transport::base(self.base)?;
        let http = self
            .http
            .tls_certs_merge(self.roots)
            .redirect(same_origin_redirects())
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .build()
            .map_err(FeedReadError::Client)?;
        Ok(FeedClient {
            transport: Transport {
                http,
                base,
                token: self.token,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
                max_page_bytes: self.max_page_bytes,
            },
            scheme: self.scheme,
            clock: self.clock,
            request: ListEvents::default(),
        })
    }
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
    /// A page could not be read, or held an item that did not verify
    /// ([`FeedReadError::Rejected`]): nothing of that page was handled, the cursor stays
    /// before it.
    #[error("could not read the events feed: {0}")]
    Feed(#[from] FeedReadError),
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
    /// How long connecting may take unless set: 10 seconds.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// How long one page may take unless set: 30 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The largest page accepted unless set: 16 MiB (a full page of 1,000 events of 16 KiB).
    pub const DEFAULT_MAX_PAGE_BYTES: usize = 16 << 20;

    /// A client with the default timeouts and page cap, reading the feed at `base_url` (the
    /// part before `/events`) as the consumer holding `token`, verifying items with `secret`
    /// (the consumer's webhook secret, or the shop's `whpk_` public key).
    ///
    /// # Errors
    /// As [`FeedClientBuilder::build`].
    ///
    /// ```
    /// use hookwire::feed::{FeedClient, FeedToken};
    /// use hookwire::signature::StandardWebhooks;
    /// let feed = FeedClient::new("http://127.0.0.1:8080", FeedToken::generate()?, StandardWebhooks::new("whsec_c2VjcmV0")?)?;
    /// assert!(feed.cursor().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        base_url: impl Into<String>,
        token: FeedToken,
        secret: StandardWebhooks,
    ) -> Result<Self, FeedReadError> {
        Self::builder(base_url, token, secret).build()
    }

    /// A [`FeedClientBuilder`] with the defaults.
    ///
    /// See [`FeedClientBuilder`] for an example.
    pub fn builder(
        base_url: impl Into<String>,
        token: FeedToken,
        secret: StandardWebhooks,
    ) -> FeedClientBuilder {
        FeedClientBuilder {
            base: base_url.into(),
            token,
            scheme: secret,
            http: reqwest::Client::builder(),
            roots: Vec::new(),
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            timeout: Self::DEFAULT_TIMEOUT,
            max_page_bytes: Self::DEFAULT_MAX_PAGE_BYTES,
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads after `cursor` (one you stored).
    ///
    /// ```
    /// # use hookwire::feed::{Cursor, FeedClient, FeedToken};
    /// # use hookwire::signature::StandardWebhooks;
    /// let feed = FeedClient::new("http://127.0.0.1:8080", FeedToken::generate()?, StandardWebhooks::new("whsec_c2VjcmV0")?)?
    ///     .after(Cursor::parse("812-77")?);
    /// assert_eq!(feed.cursor().map(Cursor::as_str), Some("812-77"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn after(mut self, cursor: Cursor) -> Self {
        self.request.after = Some(cursor);
        self
    }

    /// Only these types (exact, or `prefix.*`). Keep the same types for a stored cursor (see
    /// [`FeedPage::next`]).
    ///
    /// ```
    /// # use hookwire::feed::{FeedClient, FeedToken};
    /// # use hookwire::signature::StandardWebhooks;
    /// let feed = FeedClient::new("http://127.0.0.1:8080", FeedToken::generate()?, StandardWebhooks::new("whsec_c2VjcmV0")?)?
    ///     .types(["order.created"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn types<T: Into<String>>(mut self, types: impl IntoIterator<Item = T>) -> Self {
        self.request.types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Events per page (default 100, at most 1000).
    ///
    /// ```
    /// # use hookwire::feed::{FeedClient, FeedToken};
    /// # use hookwire::signature::StandardWebhooks;
    /// let feed = FeedClient::new("http://127.0.0.1:8080", FeedToken::generate()?, StandardWebhooks::new("whsec_c2VjcmV0")?)?
    ///     .page_size(500);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn page_size(mut self, limit: u32) -> Self {
        self.request.limit = Some(limit);
        self
    }

    /// Where the client stands: store it once the events before it are handled.
    ///
    /// See [`after`](Self::after) for an example.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.request.after.as_ref()
    }

    /// Fetches the next page, verifies every item in it, and moves the cursor past it.
    ///
    /// # Errors
    /// [`FeedReadError`]: the request failed, the feed answered an error, the page was too
    /// large, or an item did not verify (the cursor then stays where it was).
    ///
    /// ```no_run
    /// # async fn demo(mut feed: hookwire::feed::FeedClient) -> Result<(), hookwire::feed::FeedReadError> {
    /// let page = feed.next_page().await?;
    /// # Ok(()) }
    /// ```
    pub async fn next_page(&mut self) -> Result<FeedPage, FeedReadError> {
        let page = self.read().await?;
        if let Some(next) = &page.next {
            self.request.after = Some(next.clone());
        }
        Ok(page)
    }

    async fn read(&self) -> Result<FeedPage, FeedReadError> {
        let page = self.transport.get(&self.request).await?;
        let page = page
            .verify(&self.scheme, self.clock.now())
            .inspect_err(|error| {
                tracing::warn!(%error, "events feed item refused");
            })?;
        Ok(page)
    }

    /// Hands every event after the cursor to `handle`, in order, until the feed has no more;
    /// the cursor moves past each event once its handler succeeded, and past what a filtered
    /// page scanned once the page is handled. Returns how many were handled.
    ///
    /// Each page is verified whole before any of it is handled: a page holding an item that
    /// does not verify stops the catch-up with [`FeedReadError::Rejected`] and the cursor
    /// stays before that page.
    ///
    /// # Errors
    /// The feed could not be read or did not verify, or a handler failed (the cursor then
    /// stays before its event).
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
            let asked = self.request.after.clone();
            let page = self.read().await?;
            for event in page.data {
                let cursor = event.cursor.clone();
                let event_id = event.id.clone();
                handle(event)
                    .await
                    .map_err(|error| CatchUpError::Handler { event_id, error })?;
                self.request.after = Some(cursor);
                handled += 1;
            }
            if page.next.is_some() {
                self.request.after = page.next;
            }
            // A feed that does not move on has nothing more to give now.
            if page.done || self.request.after == asked {
                return Ok(handled);
            }
        }
    }
}
