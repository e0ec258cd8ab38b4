//! Skipping duplicate deliveries: the [`DedupStore`] trait.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future, as the [`DedupStore`] methods return (the trait stays
/// dyn-compatible, so a receiver holds an `Arc<dyn DedupStore>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What [`DedupStore::begin`] found for a delivery id.
///
/// ```
/// use hookwire::receiver::Begin;
/// assert_ne!(Begin::New, Begin::Done);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Begin {
    /// Never seen (or forgotten): the id is now claimed, in flight, and the caller must
    /// [`complete`](DedupStore::complete) or [`abandon`](DedupStore::abandon) it.
    New,
    /// Another request claimed the id and has not finished: the receiver answers `409` so the
    /// sender retries later.
    InFlight,
    /// Handled already: the receiver answers `200` without running a handler.
    Done,
}

/// A store of delivery ids that makes each delivery run its handler once.
///
/// The receiver calls [`begin`](Self::begin) before parsing; on [`Begin::New`] it runs the
/// handler, then calls [`complete`](Self::complete) when the handler succeeded or
/// [`abandon`](Self::abandon) when it failed, so the sender's retry runs it again. `begin`
/// must be atomic: of two concurrent calls for one id, one gets `New`.
///
/// Keys are `"{scheme}:{delivery id}"` (`github:72d3162e-...`), so one store can serve several
/// receivers. A shared store (Redis, a database) implements the three calls with, for example,
/// `SET key in-flight NX EX <lease>` for `begin` (then `GET` when the key exists),
/// `SET key done EX <ttl>` for `complete` and `DEL key` for `abandon`. An in-flight claim
/// should expire (a lease) so a crashed handler does not block its delivery forever.
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use hookwire::receiver::{Begin, BoxFuture, DedupError, DedupStore};
///
/// /// Never forgets, never bounded: for illustration only.
/// #[derive(Default)]
/// struct Naive(Mutex<HashMap<String, bool>>);
///
/// impl DedupStore for Naive {
///     fn begin<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Begin, DedupError>> {
///         Box::pin(async move {
///             let mut map = self.0.lock().map_err(|_| DedupError::new("poisoned"))?;
///             Ok(match map.get(key) {
///                 Some(true) => Begin::Done,
///                 Some(false) => Begin::InFlight,
///                 None => {
///                     map.insert(key.to_owned(), false);
///                     Begin::New
///                 }
///             })
///         })
///     }
///     fn complete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), DedupError>> {
///         Box::pin(async move {
///             self.0.lock().map_err(|_| DedupError::new("poisoned"))?.insert(key.to_owned(), true);
///             Ok(())
///         })
///     }
///     fn abandon<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), DedupError>> {
///         Box::pin(async move {
///             self.0.lock().map_err(|_| DedupError::new("poisoned"))?.remove(key);
///             Ok(())
///         })
///     }
/// }
/// ```
pub trait DedupStore: Send + Sync + 'static {
    /// Claims `key` if it is new; reports it in flight or done otherwise.
    ///
    /// # Errors
    /// The store could not be reached; the receiver answers `503`.
    fn begin<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Begin, DedupError>>;

    /// Marks `key` handled: later copies get `200` without running a handler.
    ///
    /// # Errors
    /// The store could not be reached; the handler already ran, so the receiver still answers
    /// success and logs the error.
    fn complete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), DedupError>>;

    /// Releases a claimed `key` without marking it handled, so a retry runs the handler.
    ///
    /// # Errors
    /// The store could not be reached; the claim then lasts until its lease expires.
    fn abandon<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), DedupError>>;
}

/// A [`DedupStore`] failure: the store is unreachable or answered nonsense.
///
/// ```
/// use hookwire::receiver::DedupError;
/// assert_eq!(DedupError::new("redis timed out").to_string(), "redis timed out");
/// ```
#[derive(Debug)]
pub struct DedupError(Box<dyn std::error::Error + Send + Sync>);

impl DedupError {
    /// Wraps the store's error (or a message).
    ///
    /// ```
    /// # use hookwire::receiver::DedupError;
    /// let io = std::io::Error::other("connection reset");
    /// let _ = DedupError::new(io);
    /// ```
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        DedupError(error.into())
    }
}

impl fmt::Display for DedupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for DedupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}
