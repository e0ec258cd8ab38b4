//! The events feed: reading the outbox's published events in order, from a cursor, so a
//! receiver that was down longer than the senders' retry schedule can catch up by polling.
//!
//! The contract is [`FeedStore`]: one method, [`read`](FeedStore::read), a page after a
//! cursor. It is a view of an outbox's published events, so each outbox has its feed:
//! [`MemoryFeed`] over a [`MemoryOutbox`](crate::outbox::MemoryOutbox),
//! [`SqliteStore::feed`](crate::sqlite::SqliteStore::feed) and
//! [`PgStore::feed`](crate::postgres::PgStore::feed) over the outbox in that database. Redis
//! hosts no outbox, so it has no feed. Every store passes the [`conformance`] suite.
//!
//! A [`FeedPage`] holds events in the order readers must see them and the [`Cursor`] to ask
//! from next. No reader ever skips an event, even when the transactions that published them
//! commit out of order:
//!
//! - On PostgreSQL ([`PgFeed`](crate::postgres::PgFeed)) an event's row id is taken before
//!   its transaction commits, so `id > cursor` would pass over a row that commits after a
//!   higher one was read. The feed orders by the publishing transaction's id (`xid8`,
//!   recorded with each event) and then the row id, and serves only rows of transactions
//!   below `pg_snapshot_xmin(pg_current_snapshot())`, which every later transaction's id
//!   exceeds. A row appears in the feed once every earlier transaction has finished: a long
//!   open transaction anywhere in the cluster holds the feed back (never loses events).
//! - On SQLite ([`SqliteFeed`](crate::sqlite::SqliteFeed)) writers are serialized, so ids
//!   commit in order and the cursor is the row id; in memory the outbox stores under one
//!   lock, and the cursor is the row number.
//!
//! A read filtered by type scans at most [`FeedQuery::scan_window`] events and its page's
//! `next` moves past all it scanned, matching or not: a filter that matches nothing moves on
//! instead of scanning the table again on every poll. A cursor is therefore a position in the
//! whole feed (see [`FeedPage::next`]).
//!
//! Events stay readable for the outbox's retention (its `purge`).
//!
//! # A closed feed
//!
//! The feed holds every published event, so it is served only to consumers you name
//! ([`router`] with [`FeedConsumers`]), and what it serves is signed for the consumer reading
//! it ([`SignedEvent`]):
//!
//! - **Who may read: a bearer token per consumer** (`Authorization: Bearer <token>`, RFC
//!   6750). Tokens are configured in code, each with the consumer's name; the router keeps
//!   only their SHA-256 digests and compares digests in constant time; no token is logged or
//!   echoed. A request without a token, or with one no consumer holds, gets `401` with a
//!   problem body and `WWW-Authenticate: Bearer` (`error="invalid_token"` for a wrong one).
//!   A router with no consumers refuses everyone. A consumer may be limited to some event
//!   types ([`FeedConsumer::types`]): its reads are narrowed to them, and asking only for
//!   others is `403`. Bearer tokens because every HTTP client
//!   and proxy can send them, they rotate by listing the new token beside the old, and the
//!   feed is read by services, not people. Serve it over TLS only: a bearer token is as good
//!   as whoever holds it.
//! - **What to trust: each item signed like a webhook**, Standard Webhooks over the
//!   envelope's exact bytes with the consumer's own secret (`webhook-id` = the event id,
//!   `webhook-timestamp` = when it was served). The consumer's [`FeedClient`] verifies each
//!   item before anything reaches a handler, so a forged feed, a DNS or proxy mix-up, or a
//!   stolen token cannot make a handler run an event the shop did not publish: the token
//!   travels with every request and may leak, the signing secret never leaves either side.
//!   Give each consumer the secret of its webhook endpoint (`whsec_`, and its receiver
//!   checks feed items with the key it checks webhooks with), or an Ed25519 key (`whsk_` on
//!   the shop, `whpk_` on the consumer: a consumer then cannot sign for anyone).
//! - **How it is read: [`FeedClient`]** follows redirects only within the feed's own origin
//!   (scheme, host and port), bounds the connection and every page in time
//!   ([`FeedClientBuilder::connect_timeout`], [`FeedClientBuilder::timeout`]) and a page in
//!   size ([`FeedClientBuilder::max_page_bytes`]), each refusal a typed [`FeedReadError`].
//!
//! ```
//! use hookwire::feed::{Cursor, FeedQuery};
//!
//! let query = FeedQuery::after(Cursor::parse("42")?).types(["order.created", "invoice.*"]).limit(100);
//! assert_eq!(query.limit_or_default(), 100);
//! # Ok::<(), hookwire::feed::FeedError>(())
//! ```

mod access;
#[cfg(feature = "reqwest")]
mod client;
pub mod conformance;
mod endpoint;
#[cfg(feature = "reqwest")]
mod fetch;
mod memory;
mod page;
#[cfg(feature = "axum")]
mod scope;
#[cfg(feature = "axum")]
mod serve;
mod signed;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
pub(crate) mod sql;

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use access::{AccessError, FeedConsumer, FeedConsumers, FeedToken};
#[cfg(feature = "reqwest")]
pub use client::{CatchUpError, FeedClient, FeedClientBuilder};
pub use endpoint::ListEvents;
#[cfg(feature = "reqwest")]
pub use fetch::FeedReadError;
pub use memory::MemoryFeed;
pub use page::{FeedEvent, FeedPage, RawEnvelope};
pub(crate) use page::{envelope, message_envelope};
#[cfg(feature = "axum")]
pub use serve::router;
pub use signed::{ItemRejected, SignedEvent, SignedPage};

use crate::BoxFuture;

/// Where a reader stands in the feed: opaque to readers, who store it and send it back.
///
/// ```
/// use hookwire::feed::Cursor;
/// let cursor = Cursor::parse("1234-56")?;
/// assert_eq!(cursor.as_str(), "1234-56");
/// assert!(Cursor::parse("not a cursor").is_err());
/// # Ok::<(), hookwire::feed::FeedError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Cursor(String);

impl Cursor {
    /// Checks a cursor's shape (digits, optionally two groups joined by `-`).
    ///
    /// # Errors
    /// [`FeedError::InvalidCursor`] for anything a feed never hands out.
    ///
    /// ```
    /// # use hookwire::feed::Cursor;
    /// assert!(Cursor::parse("7").is_ok());
    /// ```
    pub fn parse(text: &str) -> Result<Self, FeedError> {
        let valid = !text.is_empty()
            && text.len() <= 41
            && text.split('-').count() <= 2
            && text
                .split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        if valid {
            Ok(Cursor(text.to_owned()))
        } else {
            Err(FeedError::InvalidCursor(text.to_owned()))
        }
    }

    /// The cursor as sent in `?after=`.
    ///
    /// ```
    /// # use hookwire::feed::Cursor;
    /// assert_eq!(Cursor::parse("7")?.as_str(), "7");
    /// # Ok::<(), hookwire::feed::FeedError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The cursor's numbers (one on SQLite and in memory, two on PostgreSQL).
    fn parts(&self) -> Result<(u64, Option<u64>), FeedError> {
        let invalid = || FeedError::InvalidCursor(self.0.clone());
        let mut parts = self.0.split('-');
        let first = parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(invalid)?;
        let second = match parts.next() {
            Some(p) => Some(p.parse().map_err(|_| invalid())?),
            None => None,
        };
        Ok((first, second))
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What to read: after which cursor, which types, how many.
///
/// ```
/// use hookwire::feed::FeedQuery;
/// let query = FeedQuery::from_start().types(["order.*"]);
/// assert_eq!(query.limit_or_default(), FeedQuery::DEFAULT_LIMIT);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedQuery {
    after: Option<Cursor>,
    types: Vec<String>,
    limit: Option<u32>,
    app: Option<crate::outbox::AppId>,
}

impl FeedQuery {
    /// Events per page unless asked otherwise.
    pub const DEFAULT_LIMIT: u32 = 100;
    /// The most events per page.
    pub const MAX_LIMIT: u32 = 1_000;
    /// How many events a read filtered by type looks at, at most, when its `limit` is
    /// smaller (it answers sooner once it has `limit` matches): see
    /// [`scan_window`](Self::scan_window).
    pub const SCAN_WINDOW: u32 = 1_000;

    /// From the oldest event kept.
    ///
    /// ```
    /// # use hookwire::feed::FeedQuery;
    /// assert!(FeedQuery::from_start().cursor().is_none());
    /// ```
    pub fn from_start() -> Self {
        Self::default()
    }

    /// After `cursor` (a page's [`next`](FeedPage::next)).
    ///
    /// ```
    /// # use hookwire::feed::{Cursor, FeedQuery};
    /// let query = FeedQuery::after(Cursor::parse("9")?);
    /// # Ok::<(), hookwire::feed::FeedError>(())
    /// ```
    pub fn after(cursor: Cursor) -> Self {
        FeedQuery {
            after: Some(cursor),
            ..Self::default()
        }
    }

    /// Only these types: exact names, or `prefix.*` for a family.
    ///
    /// ```
    /// # use hookwire::feed::FeedQuery;
    /// let query = FeedQuery::from_start().types(["order.created", "invoice.*"]);
    /// ```
    #[must_use]
    pub fn types<T: Into<String>>(mut self, types: impl IntoIterator<Item = T>) -> Self {
        self.types = types.into_iter().map(Into::into).collect();
        self
    }

    /// The feed of application `app`: only the events published for it. Without it, the feed
    /// holds the events published for no application, so one customer's feed never shows
    /// another's events.
    ///
    /// ```
    /// # use hookwire::feed::FeedQuery;
    /// use hookwire::outbox::AppId;
    /// let query = FeedQuery::from_start().app(AppId(3));
    /// assert_eq!(query.application(), Some(AppId(3)));
    /// ```
    #[must_use]
    pub fn app(mut self, app: crate::outbox::AppId) -> Self {
        self.app = Some(app);
        self
    }

    /// The application whose feed this reads (`None`: events of no application).
    ///
    /// ```
    /// # use hookwire::feed::FeedQuery;
    /// assert_eq!(FeedQuery::from_start().application(), None);
    /// ```
    pub fn application(&self) -> Option<crate::outbox::AppId> {
        self.app
    }

    /// At most `limit` events (1 to [`MAX_LIMIT`](Self::MAX_LIMIT)).
    ///
    /// ```
    /// # use hookwire::feed::FeedQuery;
    /// assert_eq!(FeedQuery::from_start().limit(5_000).limit_or_default(), 1_000);
    /// ```
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The cursor asked from, if any.
    ///
    /// ```
    /// # use hookwire::feed::FeedQuery;
    /// assert!(FeedQuery::from_start().cursor().is_none());
    /// ```
    pub fn cursor(&self) -> Option<&Cursor> {
        self.after.as_ref()
    }

    /// The page size this query reads, within 1 ..= [`MAX_LIMIT`](Self::MAX_LIMIT).
    ///
    /// ```
    /// # use hookwire::feed::FeedQuery;
    /// assert_eq!(FeedQuery::from_start().limit(0).limit_or_default(), 1);
    /// ```
    pub fn limit_or_default(&self) -> u32 {
        self.limit
            .unwrap_or(Self::DEFAULT_LIMIT)
            .clamp(1, Self::MAX_LIMIT)
    }

    /// How many events a read looks at, at most: `limit` without a type filter; with one,
    /// [`SCAN_WINDOW`](Self::SCAN_WINDOW) (or `limit` when larger), so a page that finds
    /// few matches still moves the cursor that far, and no read scans without bound.
    ///
    /// ```
    /// # use hookwire::feed::FeedQuery;
    /// assert_eq!(FeedQuery::from_start().limit(10).scan_window(), 10);
    /// assert_eq!(FeedQuery::from_start().limit(10).types(["nope"]).scan_window(), 1_000);
    /// ```
    pub fn scan_window(&self) -> u32 {
        let limit = self.limit_or_default();
        if self.filtered() {
            limit.max(Self::SCAN_WINDOW)
        } else {
            limit
        }
    }

    /// Exact names and prefixes (`order.*` becomes `order.`), as the queries bind them.
    #[cfg_attr(not(any(feature = "postgres", feature = "sqlite")), allow(dead_code))]
    pub(crate) fn type_filters(&self) -> (Vec<String>, Vec<String>) {
        let mut exact = Vec::new();
        let mut prefixes = Vec::new();
        for name in &self.types {
            match name.strip_suffix('*') {
                Some(prefix) => prefixes.push(prefix.to_owned()),
                None => exact.push(name.clone()),
            }
        }
        (exact, prefixes)
    }

    pub(crate) fn filtered(&self) -> bool {
        !self.types.is_empty()
    }

    /// Whether an event of `event_type` is one this query asks for.
    pub(crate) fn matches(&self, event_type: &str) -> bool {
        !self.filtered()
            || self.types.iter().any(|name| match name.strip_suffix('*') {
                Some(prefix) => event_type.starts_with(prefix),
                None => name == event_type,
            })
    }

    /// The row after which a feed whose cursors are row ids (SQLite, memory) reads: 0 from
    /// the start.
    ///
    /// # Errors
    /// [`FeedError::InvalidCursor`] for a cursor of two numbers (PostgreSQL's) or one too
    /// large.
    pub(crate) fn after_row(&self) -> Result<i64, FeedError> {
        let Some(cursor) = self.cursor() else {
            return Ok(0);
        };
        match cursor.parts()? {
            (row, None) => {
                i64::try_from(row).map_err(|_| FeedError::InvalidCursor(cursor.to_string()))
            }
            (_, Some(_)) => Err(FeedError::InvalidCursor(cursor.to_string())),
        }
    }

    /// The (transaction, row) after which a feed whose cursors are two numbers (PostgreSQL)
    /// reads: (0, 0) from the start.
    ///
    /// # Errors
    /// [`FeedError::InvalidCursor`] for a cursor of one number (SQLite's) or one too large.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn after_transaction_row(&self) -> Result<(u64, i64), FeedError> {
        let Some(cursor) = self.cursor() else {
            return Ok((0, 0));
        };
        match cursor.parts()? {
            (transaction, Some(row)) => i64::try_from(row)
                .map(|row| (transaction, row))
                .map_err(|_| FeedError::InvalidCursor(cursor.to_string())),
            (_, None) => Err(FeedError::InvalidCursor(cursor.to_string())),
        }
    }
}

/// The events feed's store contract: reading pages of an outbox's published events.
///
/// [`MemoryFeed`], [`SqliteFeed`](crate::sqlite::SqliteFeed) and
/// [`PgFeed`](crate::postgres::PgFeed) implement it, each passing the [`conformance`] suite;
/// so can your own (a cache, a test double). [`router`] serves any of them.
///
/// The rules, checked by the suite: events come in the order they must be read, each once,
/// after the query's cursor; a page holds at most the query's limit; `next` is past
/// everything the read looked at, matching or not (see [`FeedPage::next`]), and `done` says
/// the read reached the end; a filtered read looks at no more than the
/// [scan window](FeedQuery::scan_window); a cursor this feed did not hand out is
/// [`FeedError::InvalidCursor`].
///
/// ```
/// use hookwire::BoxFuture;
/// use hookwire::feed::{FeedError, FeedPage, FeedQuery, FeedStore};
///
/// /// A feed with nothing in it.
/// #[derive(Clone)]
/// struct Empty;
///
/// impl FeedStore for Empty {
///     fn read<'a>(&'a self, query: &'a FeedQuery) -> BoxFuture<'a, Result<FeedPage, FeedError>> {
///         Box::pin(async move { Ok(FeedPage { data: vec![], next: query.cursor().cloned(), done: true }) })
///     }
/// }
/// ```
pub trait FeedStore: Send + Sync + 'static {
    /// One page of events after the query's cursor.
    ///
    /// # Errors
    /// [`FeedError::InvalidCursor`] for a cursor this feed did not hand out, or a database
    /// error.
    ///
    /// ```
    /// use hookwire::feed::{FeedQuery, FeedStore, MemoryFeed};
    /// use hookwire::outbox::MemoryOutbox;
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let feed = MemoryFeed::new(&MemoryOutbox::new());
    /// let mut query = FeedQuery::from_start();
    /// loop {
    ///     let page = feed.read(&query).await?;
    ///     // handle page.data ...
    ///     let (Some(next), false) = (page.next, page.done) else { break };
    ///     query = FeedQuery::after(next);
    /// }
    /// # Ok::<(), hookwire::feed::FeedError>(())
    /// # }).unwrap();
    /// ```
    fn read<'a>(&'a self, query: &'a FeedQuery) -> BoxFuture<'a, Result<FeedPage, FeedError>>;
}

impl<F: FeedStore + ?Sized> FeedStore for Arc<F> {
    fn read<'a>(&'a self, query: &'a FeedQuery) -> BoxFuture<'a, Result<FeedPage, FeedError>> {
        (**self).read(query)
    }
}

/// A feed read failed.
///
/// ```
/// use hookwire::feed::FeedError;
/// assert!(FeedError::InvalidCursor("x".into()).to_string().contains("`x`"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    /// The `after` value is not a cursor this feed hands out.
    #[error("`{0}` is not a feed cursor: pass back a page's `next` or an event's `cursor`")]
    InvalidCursor(String),
    /// The database failed.
    #[error("events feed database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A stored event does not have the shape the outbox writes.
    #[error("unexpected data in the events table: {0}")]
    Corrupt(String),
}
