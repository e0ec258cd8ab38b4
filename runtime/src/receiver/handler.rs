//! What a [`Receiver`](crate::receiver::Receiver) handler is: an async function taking axum
//! extractors (`State`, `HeaderMap`, ...) and then the [`Delivery`], returning `()` or
//! `Result<(), impl Display>`.

use std::any::type_name;
use std::fmt;
use std::future::Future;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::IntoResponse;

use crate::BoxFuture;
use crate::receiver::Delivery;
use crate::receiver::error::HandlerError;

/// A handler for deliveries of `T` in a receiver with state `S`: implemented for every async
/// function (or closure) whose last argument is a [`Delivery<T>`](Delivery), whose other
/// arguments (up to four) are axum [`FromRequestParts`] extractors such as
/// [`State`](axum::extract::State) or [`HeaderMap`](axum::http::HeaderMap), and whose output is
/// a [`HandlerResult`] (`()` or `Result<(), E: Display>`). `Args` is the tuple of extractor
/// types; you never name it. Handlers with extractors must be `Clone` (functions are).
///
/// ```
/// use axum::extract::State;
/// use axum::http::HeaderMap;
/// use hookwire::receiver::{Delivery, Handler};
///
/// #[derive(Clone)]
/// struct App {
///     limit: u32,
/// }
///
/// async fn plain(_: Delivery<u32>) {}
/// async fn fallible(State(app): State<App>, delivery: Delivery<u32>) -> Result<(), String> {
///     if delivery.event > app.limit { Err("too big".into()) } else { Ok(()) }
/// }
/// async fn with_headers(headers: HeaderMap, _: Delivery<u32>) {
///     println!("{:?}", headers.get("user-agent"));
/// }
/// fn assert_handler<Args, H: Handler<u32, App, Args>>(_: H) {}
///
/// assert_handler(plain);
/// assert_handler(fallible);
/// assert_handler(with_headers);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a webhook handler for `{T}`",
    note = "a handler is an `async fn` taking up to four extractors (`State<_>`, `HeaderMap`, ...) and then `Delivery<{T}>`, returning `()` or `Result<(), E>` where `E: Display`"
)]
pub trait Handler<T, S, Args>: Send + Sync + 'static {
    /// Runs the extractors on the request's `parts` and `state`, then the handler.
    fn call(
        &self,
        delivery: Delivery<T>,
        parts: Parts,
        state: S,
    ) -> BoxFuture<'static, Result<(), HandlerError>>;
}

impl<T, S, F, Fut> Handler<T, S, ()> for F
where
    F: Fn(Delivery<T>) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: HandlerResult,
{
    fn call(
        &self,
        delivery: Delivery<T>,
        _: Parts,
        _: S,
    ) -> BoxFuture<'static, Result<(), HandlerError>> {
        let future = self(delivery);
        Box::pin(async move { future.await.into_result() })
    }
}

/// Runs extractor `E`, turning its rejection into a handler error (a server-side mistake,
/// such as state the router does not have, answered `500`).
async fn extract<E, S>(parts: &mut Parts, state: &S) -> Result<E, HandlerError>
where
    E: FromRequestParts<S>,
    S: Send + Sync,
{
    E::from_request_parts(parts, state)
        .await
        .map_err(|rejection| {
            HandlerError::new(format!(
                "the extractor `{}` rejected the request ({})",
                type_name::<E>(),
                rejection.into_response().status()
            ))
        })
}

macro_rules! handler_with_extractors {
    ($($extractor:ident),+) => {
        impl<T, S, F, Fut, $($extractor,)+> Handler<T, S, ($($extractor,)+)> for F
        where
            F: Fn($($extractor,)+ Delivery<T>) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            Fut::Output: HandlerResult,
            T: Send + 'static,
            S: Send + Sync + 'static,
            $($extractor: FromRequestParts<S> + Send + 'static,)+
        {
            #[allow(non_snake_case)]
            fn call(
                &self,
                delivery: Delivery<T>,
                mut parts: Parts,
                state: S,
            ) -> BoxFuture<'static, Result<(), HandlerError>> {
                let handler = self.clone();
                Box::pin(async move {
                    $(let $extractor = extract::<$extractor, S>(&mut parts, &state).await?;)+
                    handler($($extractor,)+ delivery).await.into_result()
                })
            }
        }
    };
}

handler_with_extractors!(E1);
handler_with_extractors!(E1, E2);
handler_with_extractors!(E1, E2, E3);
handler_with_extractors!(E1, E2, E3, E4);

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
