//! The request path of a [`Receiver`], in the order a request takes it:
//!
//! 1. **limit**: the content type, then the body read under the size limit ([`read_body`]);
//! 2. **verify**: the scheme checks the signature and the timestamp, giving a [`Verified`];
//! 3. **locate**: the event type and the delivery id, where the payload format puts them, in
//!    one scan of the body ([`PayloadFormat::locate`](crate::receiver::PayloadFormat)), which
//!    the parse does not repeat;
//! 4. **route**: the handler registered for the type (an unknown type is counted, then
//!    acknowledged, rejected or given to the unknown-type handler);
//! 5. **dedupe or inbox**: with an inbox, the delivery is stored (the body shared, not copied)
//!    and answered `200`; otherwise its id is claimed in the duplicate store ([`claim`]);
//! 6. **parse**: the event, into the route's type, in one pass ([`dispatch`]);
//! 7. **dispatch**: the handler runs within its time limit, then the claim is settled.
//!
//! [`Receiver`]: crate::receiver::Receiver

use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CONTENT_LENGTH;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tracing::Instrument;
use tracing::field::Empty;

use crate::BoxFuture;
use crate::receiver::Receiver;
use crate::receiver::claim;
use crate::receiver::config::Inner;
use crate::receiver::dispatch::dispatch;
use crate::receiver::error::ReceiveError;
use crate::receiver::head::Head;
use crate::signature::Verified;

impl<S: Clone + Send + Sync + 'static> Receiver<S> {
    /// The response to one request, in a `webhook` span.
    fn receive(
        self: Arc<Self>,
        request: Request,
        state: S,
    ) -> impl Future<Output = Response> + Send {
        let span = tracing::info_span!(
            "webhook",
            scheme = self.config.scheme().name(),
            delivery_id = Empty,
            event_type = Empty,
        );
        let (parts, body) = request.into_parts();
        // With `otel`, the span (the handler's, when it runs now) continues the sender's trace.
        #[cfg(feature = "otel")]
        continue_trace(&span, &parts.headers);
        // Boxed on its own: the outer future holds a pointer (awaiting a future the block
        // captured would hold it twice).
        let handled = Box::pin(self.handle(parts, body, state));
        async move {
            match handled.await {
                Ok(()) => StatusCode::OK.into_response(),
                Err(error) => {
                    log_rejection(&error);
                    error.into_response()
                }
            }
        }
        .instrument(span)
    }

    /// The request path, step by step.
    async fn handle(
        self: Arc<Self>,
        parts: Parts,
        body: Body,
        state: S,
    ) -> Result<(), ReceiveError> {
        let inner = self.config.inner();
        // 1. limit
        let body = read_body(inner, &parts.headers, body).await?;
        // 2. verify
        let verified = verify(inner, &parts.headers, &body)?;
        // 3. locate
        let located = inner.format.locate(&parts.headers, verified.body())?;
        // The delivery shares the body's buffer (a `Bytes` is a counted reference).
        let head = Head::new(verified, located, body.clone());
        drop(body);
        let span = tracing::Span::current();
        if let Some(id) = &head.id {
            span.record("delivery_id", id.as_str());
        }
        span.record("event_type", head.event_type.as_str());
        // 4. route
        let Some(route) = self.lookup(&head.event_type)? else {
            return Ok(());
        };
        // 5. inbox, or dedupe. The inbox's and the handler's futures are boxed: inline, they
        // made this future (boxed per request) larger than the allocator's fast sizes.
        if let Some(queue) = &self.inbox {
            return Box::pin(queue.push(inner, &parts.headers, head)).await;
        }
        let namespace = || claim::namespace(inner, &parts);
        let claim = claim::claim(inner, namespace, head.id.as_deref()).await?;
        // 6. parse and 7. dispatch
        let shape = inner.format.shape();
        Box::pin(dispatch(inner, &*route, shape, head, parts, state, claim)).await
    }
}

/// Makes the request's `traceparent` (if valid) the parent of `span`.
#[cfg(feature = "otel")]
fn continue_trace(span: &tracing::Span, headers: &axum::http::HeaderMap) {
    let pairs = headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
    if let Some(context) = crate::trace::TraceContext::from_headers(pairs) {
        context.parent_of(span);
    }
}

/// The receiver as an axum handler, so it receives the router's state.
pub(crate) struct ReceiverHandler<S>(pub(crate) Arc<Receiver<S>>);

impl<S> Clone for ReceiverHandler<S> {
    fn clone(&self) -> Self {
        ReceiverHandler(Arc::clone(&self.0))
    }
}

impl<S: Clone + Send + Sync + 'static> axum::handler::Handler<(), S> for ReceiverHandler<S> {
    type Future = BoxFuture<'static, Response>;

    fn call(self, request: Request, state: S) -> Self::Future {
        Box::pin(self.0.receive(request, state))
    }
}

/// Step 1: checks the content type and reads the body under the limit.
pub(crate) async fn read_body(
    inner: &Inner,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, ReceiveError> {
    inner.content_types.check(headers)?;
    let limit = inner.body_limit;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ReceiveError::PayloadTooLarge { limit });
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => {
            Err(ReceiveError::PayloadTooLarge { limit })
        }
        Err(_) => Err(ReceiveError::UnreadableBody),
    }
}

/// Step 2: verifies `body` with the configured scheme at the receiver's clock's time.
pub(crate) fn verify<'b>(
    inner: &Inner,
    headers: &HeaderMap,
    body: &'b [u8],
) -> Result<Verified<'b>, ReceiveError> {
    inner
        .scheme
        .verify(headers, body, inner.clock.now())
        .map_err(ReceiveError::Signature)
}

/// Logs a rejected delivery at a level that matches who is at fault.
pub(crate) fn log_rejection(error: &ReceiveError) {
    #[cfg(feature = "metrics")]
    {
        metrics::counter!(crate::metrics::RECEIVER_REJECTED, "reason" => error.code()).increment(1);
        if matches!(error, ReceiveError::Duplicate) {
            metrics::counter!(crate::metrics::RECEIVER_DUPLICATES).increment(1);
        }
    }
    match error {
        ReceiveError::Duplicate => tracing::debug!("duplicate delivery skipped"),
        ReceiveError::InFlight => tracing::info!("delivery in flight elsewhere; asked to retry"),
        ReceiveError::Handler(source) => tracing::error!(error = %source, "handler failed"),
        ReceiveError::HandlerTimeout { limit } => {
            tracing::error!(
                ?limit,
                "handler stopped at its time limit; the claim is released"
            );
        }
        ReceiveError::DedupUnavailable(source) => {
            tracing::error!(error = %source, "duplicate store unavailable");
        }
        ReceiveError::InboxUnavailable(source) => {
            tracing::error!(error = %source, "could not store the delivery in the inbox");
        }
        other => {
            tracing::info!(error = %other, status = other.status().as_u16(), "delivery rejected")
        }
    }
}
