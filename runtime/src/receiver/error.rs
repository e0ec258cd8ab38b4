//! Why a delivery was not handled ([`ReceiveError`], [`HandlerError`]), and the RFC 9457
//! `application/problem+json` answer for it.

use std::borrow::Cow;
use std::fmt;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::dedup::DedupError;
use crate::inbox::InboxError;
use crate::problem::Problem;
use crate::signature::VerifyError;

/// Why the receiver did not run a handler for a request, and the status it answers with.
///
/// Every variant becomes an `application/problem+json` body (RFC 9457) with `type`
/// (`about:blank`), `title` (the status's reason phrase), `status`, `detail` (a short reason) and
/// `code` (a stable snake_case name for programs). The detail never contains a secret, a
/// signature, or a value taken from the payload: parse errors name the position and at most a
/// field name. A stale or future timestamp is answered without the offset (which would tell
/// an unauthenticated caller the server's clock); the log has it.
///
/// | variant | status |
/// |---|---|
/// | [`UnsupportedContentType`](Self::UnsupportedContentType) | 415 |
/// | [`PayloadTooLarge`](Self::PayloadTooLarge) | 413 |
/// | [`UnreadableBody`](Self::UnreadableBody), [`MissingEventType`](Self::MissingEventType), [`MalformedPayload`](Self::MalformedPayload) | 400 |
/// | [`Signature`](Self::Signature) (bad or missing signature, stale timestamp) | 401 |
/// | [`InFlight`](Self::InFlight) (the same delivery is being handled right now) | 409, `Retry-After: 5` |
/// | [`Duplicate`](Self::Duplicate) (already handled) | 200, empty body |
/// | [`UnknownEventType`](Self::UnknownEventType) (only when unknown types are rejected) | 422 |
/// | [`Handler`](Self::Handler) | 500 |
/// | [`HandlerTimeout`](Self::HandlerTimeout) (stopped before the duplicate claim's lease ended; the claim is released) | 503, `Retry-After: 5` |
/// | [`DedupUnavailable`](Self::DedupUnavailable) (unreachable, or full: nothing is evicted before its time) | 503, `Retry-After` |
/// | [`InboxUnavailable`](Self::InboxUnavailable) (the delivery could not be stored) | 503, `Retry-After: 5` |
///
/// Everything but `200` makes the sender retry later, which is what a `409`, `500` or `503`
/// is for.
///
/// ```
/// use axum::response::IntoResponse;
/// use hookwire::receiver::ReceiveError;
/// use hookwire::signature::VerifyError;
///
/// let error = ReceiveError::Signature(VerifyError::NoMatchingSignature);
/// assert_eq!(error.status().as_u16(), 401);
/// assert_eq!(error.code(), "invalid_signature");
/// let response = error.into_response();
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiveError {
    /// The request's `Content-Type` is one the scheme's senders never use.
    #[error("content type not accepted: expected {expected}")]
    UnsupportedContentType {
        /// The accepted content types, for the message.
        expected: &'static str,
    },
    /// The body is longer than the receiver's limit.
    #[error("the body is larger than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body could not be read (the connection failed mid-way).
    #[error("the request body could not be read")]
    UnreadableBody,
    /// Verification failed: a missing or malformed signature header, a signature that does not
    /// match, or a timestamp outside the tolerance (a replay).
    #[error("signature verification failed: {0}")]
    Signature(#[source] VerifyError),
    /// The event type is not where the payload format says it is; the reason names the header
    /// or the field (`X-GitHub-Event is missing`).
    #[error("no event type: {0}")]
    MissingEventType(Cow<'static, str>),
    /// The body is not the JSON the payload format and the event's type describe.
    #[error("malformed payload: {0}")]
    MalformedPayload(String),
    /// A copy of this delivery is being handled right now; retry later.
    #[error("this delivery is being handled by another request; retry later")]
    InFlight,
    /// This delivery was handled already; the request succeeds without running a handler.
    #[error("this delivery was handled already")]
    Duplicate,
    /// No handler for this event type and the receiver rejects unknown types.
    #[error("no handler for event type `{0}`")]
    UnknownEventType(String),
    /// The handler failed; the delivery was not marked handled, so a retry runs it again.
    #[error("the handler failed: {0}")]
    Handler(#[source] HandlerError),
    /// The handler ran longer than its time limit and was stopped (before the duplicate
    /// claim's lease ended, so no copy of the delivery ran beside it); the claim is released,
    /// so the sender's retry runs it again.
    #[error("the handler ran longer than its time limit of {limit:?} and was stopped")]
    HandlerTimeout {
        /// The limit ([`WebhookConfig::handler_timeout`](crate::receiver::WebhookConfig::handler_timeout)).
        limit: std::time::Duration,
    },
    /// The duplicate store could not be reached, or is full.
    #[error("{0}")]
    DedupUnavailable(#[source] DedupError),
    /// The receiver stores deliveries in an inbox, which could not be reached.
    #[error("{0}")]
    InboxUnavailable(#[source] InboxError),
}

impl ReceiveError {
    /// The status this error answers with.
    ///
    /// ```
    /// # use hookwire::receiver::ReceiveError;
    /// assert_eq!(ReceiveError::PayloadTooLarge { limit: 1 }.status().as_u16(), 413);
    /// ```
    pub fn status(&self) -> StatusCode {
        match self {
            ReceiveError::UnsupportedContentType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ReceiveError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ReceiveError::UnreadableBody
            | ReceiveError::MissingEventType(_)
            | ReceiveError::MalformedPayload(_) => StatusCode::BAD_REQUEST,
            ReceiveError::Signature(_) => StatusCode::UNAUTHORIZED,
            ReceiveError::InFlight => StatusCode::CONFLICT,
            ReceiveError::Duplicate => StatusCode::OK,
            ReceiveError::UnknownEventType(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ReceiveError::Handler(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ReceiveError::DedupUnavailable(_)
            | ReceiveError::InboxUnavailable(_)
            | ReceiveError::HandlerTimeout { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A stable snake_case name for the error, sent as the problem's `code` member.
    ///
    /// ```
    /// # use hookwire::receiver::ReceiveError;
    /// assert_eq!(ReceiveError::InFlight.code(), "delivery_in_progress");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ReceiveError::UnsupportedContentType { .. } => "unsupported_content_type",
            ReceiveError::PayloadTooLarge { .. } => "payload_too_large",
            ReceiveError::UnreadableBody => "unreadable_body",
            ReceiveError::Signature(_) => "invalid_signature",
            ReceiveError::MissingEventType(_) => "missing_event_type",
            ReceiveError::MalformedPayload(_) => "malformed_payload",
            ReceiveError::InFlight => "delivery_in_progress",
            ReceiveError::Duplicate => "duplicate",
            ReceiveError::UnknownEventType(_) => "unknown_event_type",
            ReceiveError::Handler(_) => "handler_failed",
            ReceiveError::HandlerTimeout { .. } => "handler_timeout",
            ReceiveError::DedupUnavailable(DedupError::Full { .. }) => "dedup_full",
            ReceiveError::DedupUnavailable(_) => "dedup_unavailable",
            ReceiveError::InboxUnavailable(_) => "inbox_unavailable",
        }
    }

    /// The detail sent to the sender: this error's message, except for handler and store
    /// failures, whose messages stay in the logs.
    fn detail(&self) -> String {
        match self {
            ReceiveError::Handler(_) => {
                "the handler failed; the delivery was not marked handled and a retry runs it again"
                    .to_owned()
            }
            ReceiveError::HandlerTimeout { .. } => {
                "the handler did not finish in time; the delivery was not marked handled, retry later"
                    .to_owned()
            }
            ReceiveError::DedupUnavailable(DedupError::Full { .. }) => {
                "the duplicate store is full; retry later".to_owned()
            }
            ReceiveError::DedupUnavailable(_) => {
                "the duplicate store is unavailable; retry later".to_owned()
            }
            ReceiveError::InboxUnavailable(_) => {
                "the delivery could not be stored; retry later".to_owned()
            }
            ReceiveError::Signature(VerifyError::TimestampOutsideTolerance { .. }) => {
                "signature verification failed: the signed timestamp is outside the accepted window"
                    .to_owned()
            }
            other => other.to_string(),
        }
    }

    /// A parse error, described by its position and at most a field name: serde_json's
    /// messages can quote payload values, which may be secrets.
    pub(crate) fn malformed(context: &str, error: &serde_json::Error) -> Self {
        let message = error.to_string();
        let field = ["missing field `", "unknown field `", "duplicate field `"]
            .iter()
            .find(|prefix| message.starts_with(*prefix))
            .and_then(|prefix| {
                let rest = &message[prefix.len()..];
                rest.find('`').map(|end| &message[..prefix.len() + end + 1])
            });
        let what = match (field, error.classify()) {
            (Some(field), _) => field,
            (None, serde_json::error::Category::Syntax) => "invalid json",
            (None, serde_json::error::Category::Eof) => "unexpected end of input",
            (None, serde_json::error::Category::Data) => "a value does not match its type",
            (None, serde_json::error::Category::Io) => "unreadable input",
        };
        ReceiveError::MalformedPayload(format!(
            "{context}: {what} at line {} column {}",
            error.line(),
            error.column()
        ))
    }
}

/// The failure a handler reported, kept for the logs (never sent to the sender).
///
/// ```
/// use hookwire::receiver::HandlerError;
///
/// let error = HandlerError::new("database unreachable");
/// assert_eq!(error.to_string(), "database unreachable");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerError(String);

impl HandlerError {
    /// A handler error with a message for the logs.
    ///
    /// ```
    /// # use hookwire::receiver::HandlerError;
    /// let _ = HandlerError::new(format!("order {} not found", 7));
    /// ```
    pub fn new(message: impl fmt::Display) -> Self {
        HandlerError(message.to_string())
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HandlerError {}

impl IntoResponse for ReceiveError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_success() {
            return status.into_response();
        }
        let problem = Problem::new(
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error"),
        )
        .with_detail(self.detail())
        .with_code(self.code());
        let mut response = problem.into_response();
        let retry_after = match &self {
            ReceiveError::InFlight => Some(5),
            ReceiveError::DedupUnavailable(DedupError::Full { retry_after, .. }) => {
                Some(retry_after.as_secs().max(1))
            }
            ReceiveError::DedupUnavailable(_)
            | ReceiveError::InboxUnavailable(_)
            | ReceiveError::HandlerTimeout { .. } => Some(5),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_never_quote_values() {
        let error = serde_json::from_str::<u32>(r#""sk_live_secret""#).unwrap_err();
        let detail = ReceiveError::malformed("data", &error).to_string();
        assert!(!detail.contains("sk_live_secret"), "{detail}");
        assert!(detail.contains("line 1 column"), "{detail}");

        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Needs {
            order_id: String,
        }
        let error = serde_json::from_str::<Needs>("{}").unwrap_err();
        let detail = ReceiveError::malformed("data", &error).to_string();
        assert!(detail.contains("missing field `order_id`"), "{detail}");
    }

    #[test]
    fn stale_timestamps_do_not_tell_the_clock_offset() {
        let error = ReceiveError::Signature(VerifyError::TimestampOutsideTolerance {
            offset: 4_321,
            direction: crate::signature::Skew::Past,
            tolerance: 300,
        });
        assert!(!error.detail().contains("4321"), "{}", error.detail());
        assert!(!error.detail().contains("300"), "{}", error.detail());
        assert!(
            error.to_string().contains("4321"),
            "the log keeps the offset"
        );
        assert_eq!(error.status(), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn a_full_store_answers_503_with_retry_after() {
        let error = ReceiveError::DedupUnavailable(DedupError::Full {
            capacity: 10,
            retry_after: std::time::Duration::from_secs(42),
        });
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "42");
    }

    #[test]
    fn handler_details_stay_private() {
        let error = ReceiveError::Handler(HandlerError::new("password=hunter2"));
        assert!(!error.detail().contains("hunter2"));
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
