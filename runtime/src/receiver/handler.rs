//! What a [`Receiver`](crate::receiver::Receiver) handler is: an async function of a
//! [`Delivery`] returning `()` or `Result<(), impl Display>`.

use std::fmt;
use std::future::Future;

use crate::receiver::Delivery;
use crate::receiver::dedup::BoxFuture;
use crate::receiver::problem::HandlerError;

/// A handler for deliveries of `T`: implemented for every `Fn(Delivery<T>) -> impl Future`
/// whose output is a [`HandlerResult`] (`()` or `Result<(), E: Display>`), async functions and
/// closures alike. State goes in the closure (an `Arc`, a pool handle).
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use hookwire::receiver::{Delivery, Handler};
///
/// async fn plain(_: Delivery<u32>) {}
/// async fn fallible(delivery: Delivery<u32>) -> Result<(), String> {
///     if delivery.event > 10 { Err("too big".into()) } else { Ok(()) }
/// }
/// fn assert_handler<H: Handler<u32>>(_: H) {}
///
/// let count = Arc::new(AtomicUsize::new(0));
/// assert_handler(plain);
/// assert_handler(fallible);
/// assert_handler(move |_: Delivery<u32>| {
///     let count = count.clone();
///     async move { count.fetch_add(1, Ordering::Relaxed); }
/// });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a webhook handler for `{T}`",
    note = "a handler is an `async fn(Delivery<{T}>)` returning `()` or `Result<(), E>` where `E: Display`"
)]
pub trait Handler<T>: Send + Sync + 'static {
    /// Runs the handler.
    fn call(&self, delivery: Delivery<T>) -> BoxFuture<'static, Result<(), HandlerError>>;
}

impl<T, F, Fut> Handler<T> for F
where
    F: Fn(Delivery<T>) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: HandlerResult,
{
    fn call(&self, delivery: Delivery<T>) -> BoxFuture<'static, Result<(), HandlerError>> {
        let future = self(delivery);
        Box::pin(async move { future.await.into_result() })
    }
}

/// What a handler returns: `()` (always succeeds) or `Result<(), E>` with `E: Display`
/// (`anyhow::Error`, `std::io::Error`, `String`, ...).
///
/// ```
/// use hookwire::receiver::HandlerResult;
/// assert!(().into_result().is_ok());
/// assert!(Err::<(), _>("no").into_result().is_err());
/// ```
pub trait HandlerResult {
    /// The outcome, the error kept as a message for the logs.
    fn into_result(self) -> Result<(), HandlerError>;
}

impl HandlerResult for () {
    fn into_result(self) -> Result<(), HandlerError> {
        Ok(())
    }
}

impl<E: fmt::Display> HandlerResult for Result<(), E> {
    fn into_result(self) -> Result<(), HandlerError> {
        self.map_err(HandlerError::new)
    }
}
