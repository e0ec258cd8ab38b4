//! `Idempotency-Key` on `POST`s, as Svix: the first request with a key runs, and its answer
//! is kept for 24 hours; a repeat (same caller, path, body and key) gets that answer again
//! without running, and a repeat while the first still runs gets `409`. Only successes are
//! kept, so a retry after a refusal or a failure runs again. Keys are kept as keyed records
//! (space `idempotency`), so servers sharing a database share them.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::errors::OperatorError;
use super::state::Platform;
use crate::outbox::ApplicationStore;

const SPACE: &str = "idempotency";
const RUNNING: &str = "running";
/// How long an answer is kept.
const KEEP_SECONDS: i64 = 24 * 3600;
/// The largest answer kept.
const ANSWER_LIMIT: usize = 1024 * 1024;

/// A kept answer.
#[derive(Serialize, Deserialize)]
struct Kept {
    status: u16,
    body: String,
}

/// Requests seen, to purge old keys now and then.
static SEEN: AtomicU64 = AtomicU64::new(0);

/// The record key of a request: a digest of the caller's credentials, the path, the body and
/// the key (so one caller's key never answers another's request, and no token is stored).
fn record_key(parts: &axum::http::request::Parts, body: &[u8], key: &str) -> String {
    let mut hasher = Sha256::new();
    if let Some(authorization) = parts.headers.get(header::AUTHORIZATION) {
        hasher.update(authorization.as_bytes());
    }
    for part in [parts.uri.path().as_bytes(), body, key.as_bytes()] {
        hasher.update(b"\0");
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Middleware: answers repeated `POST`s with the first answer.
pub(crate) async fn idempotency<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    request: Request,
    next: Next,
) -> Response {
    let key = match request.headers().get("idempotency-key") {
        Some(value) if request.method() == Method::POST => match value.to_str() {
            Ok(key) if super::IdempotencyKey::valid(key) => key.to_owned(),
            _ => {
                return OperatorError::invalid(
                    ["header", "idempotency-key"],
                    "1 to 256 visible ASCII characters",
                )
                .into_response();
            }
        },
        _ => return next.run(request).await,
    };
    let store = platform.store();
    if SEEN.fetch_add(1, Ordering::Relaxed).is_multiple_of(256)
        && let Err(error) = store
            .delete_records(SPACE, None, store.now() - KEEP_SECONDS)
            .await
    {
        tracing::warn!(%error, "could not purge old idempotency keys");
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, ANSWER_LIMIT).await else {
        return OperatorError::invalid(["body"], "the body is over 1 MiB or was cut off")
            .into_response();
    };
    let record = record_key(&parts, &body, &key);
    let request = Request::from_parts(parts, Body::from(body));
    match store.insert_record(SPACE, &record, RUNNING).await {
        Err(error) => OperatorError::from(error).into_response(),
        Ok(Some(existing)) if existing.value == RUNNING => OperatorError::Conflict(
            "a request with this Idempotency-Key is still running".to_owned(),
        )
        .into_response(),
        Ok(Some(existing)) => match serde_json::from_str::<Kept>(&existing.value) {
            Ok(kept) => replay(kept),
            Err(error) => OperatorError::Internal(format!("a kept answer is unreadable: {error}"))
                .into_response(),
        },
        Ok(None) => {
            let response = next.run(request).await;
            keep(store, &record, response).await
        }
    }
}

/// Keeps `response` under `record` (or forgets the key unless it is a success) and answers it.
async fn keep<S: ApplicationStore>(store: &S, record: &str, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, ANSWER_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let _ = store.delete_records(SPACE, Some(record), i64::MAX).await;
            return OperatorError::Internal("an answer over 1 MiB".to_owned()).into_response();
        }
    };
    let outcome = if !parts.status.is_success() {
        store
            .delete_records(SPACE, Some(record), i64::MAX)
            .await
            .map(|_| ())
    } else {
        let kept = Kept {
            status: parts.status.as_u16(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
        let text = serde_json::to_string(&kept).unwrap_or_default();
        store.put_record(SPACE, record, &text).await
    };
    if let Err(error) = outcome {
        tracing::warn!(%error, "could not keep an idempotent answer");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(kept: Kept) -> Response {
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
    let empty = kept.body.is_empty();
    let mut response = (status, kept.body).into_response();
    if !empty {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        );
    }
    response
}
