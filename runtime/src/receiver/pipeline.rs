//! The steps every delivery goes through before its handler: content type, size-limited
//! body, verification, and the duplicate claim.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::receiver::config::Inner;
use crate::receiver::dedup::{Begin, DedupError, DedupStore};
use crate::receiver::problem::ReceiveError;

/// A request that passed verification, owning its headers and body.
pub(crate) struct Checked {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) id: Option<String>,
    pub(crate) timestamp: Option<crate::Timestamp>,
}

/// The headers and the body of a request; the rest is dropped before anything is awaited,
/// which keeps the futures that hold them small.
pub(crate) fn split(request: Request) -> (HeaderMap, Body) {
    let (parts, body) = request.into_parts();
    (parts.headers, body)
}

/// Checks the content type, reads the body under the limit and verifies it.
pub(crate) async fn read_and_verify(
    inner: &Inner,
    headers: HeaderMap,
    body: Body,
) -> Result<Checked, ReceiveError> {
    let body = read_body(inner, &headers, body).await?;
    verify(inner, headers, body)
}

/// Checks the content type and reads the body under the limit.
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

/// Verifies a body read by [`read_body`].
pub(crate) fn verify(
    inner: &Inner,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Checked, ReceiveError> {
    let verified = inner
        .scheme
        .verify(&headers, &body, inner.clock.now())
        .map_err(ReceiveError::Signature)?;
    let timestamp = verified.timestamp();
    let id = verified.into_id();
    Ok(Checked {
        headers,
        body,
        id,
        timestamp,
    })
}

/// A delivery id claimed in the duplicate store: [`complete`](Claim::complete) it after the
/// handler succeeded, [`abandon`](Claim::abandon) it otherwise. Dropped unsettled (a panic, a
/// cancelled request), it is abandoned in the background.
pub(crate) struct Claim {
    store: Arc<dyn DedupStore>,
    key: String,
    settled: bool,
}

impl Claim {
    pub(crate) async fn complete(mut self) -> Result<(), DedupError> {
        self.settled = true;
        self.store.complete(&self.key).await
    }

    pub(crate) async fn abandon(mut self) {
        self.settled = true;
        if let Err(error) = self.store.abandon(&self.key).await {
            tracing::warn!(%error, "could not release the delivery id; it stays claimed until its lease ends");
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let store = Arc::clone(&self.store);
        let key = std::mem::take(&mut self.key);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = store.abandon(&key).await {
                    tracing::warn!(%error, "could not release an abandoned delivery id");
                }
            });
        }
    }
}

/// Claims delivery `id` when there is a store and an id: `Duplicate` and `InFlight` come back
/// as errors, answered `200` and `409`.
pub(crate) async fn claim(inner: &Inner, id: Option<&str>) -> Result<Option<Claim>, ReceiveError> {
    let (Some(store), Some(id)) = (&inner.dedup, id) else {
        return Ok(None);
    };
    let scheme = inner.scheme.name();
    let mut key = String::with_capacity(scheme.len() + 1 + id.len());
    key.push_str(scheme);
    key.push(':');
    key.push_str(id);
    match store.begin(&key).await {
        Ok(Begin::New) => Ok(Some(Claim {
            store: Arc::clone(store),
            key,
            settled: false,
        })),
        Ok(Begin::InFlight) => Err(ReceiveError::InFlight),
        Ok(Begin::Done) => Err(ReceiveError::Duplicate),
        Err(error) => Err(ReceiveError::DedupUnavailable(error)),
    }
}

/// Logs a rejected delivery at a level that matches who is at fault.
pub(crate) fn log_rejection(error: &ReceiveError) {
    match error {
        ReceiveError::Duplicate => tracing::debug!("duplicate delivery skipped"),
        ReceiveError::InFlight => tracing::info!("delivery in flight elsewhere; asked to retry"),
        ReceiveError::Handler(source) => tracing::error!(error = %source, "handler failed"),
        ReceiveError::DedupUnavailable(source) => {
            tracing::error!(error = %source, "duplicate store unavailable");
        }
        other => {
            tracing::info!(error = %other, status = other.status().as_u16(), "delivery rejected")
        }
    }
}
