//! What one attempt found: [`Attempt`], its [`Verdict`], and why it failed ([`AttemptError`]).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

use crate::timestamp::Timestamp;

/// What an attempt's answer means for the message.
///
/// | answer | verdict |
/// |---|---|
/// | 2xx | [`Delivered`](Verdict::Delivered) |
/// | `410 Gone` | [`Gone`](Verdict::Gone): the endpoint asks to be disabled |
/// | a status in the stop list ([`AttemptOptions::stop_on`](super::AttemptOptions::stop_on)) | [`Stopped`](Verdict::Stopped) |
/// | any other status: 3xx, 4xx (`409`, `422`, `429`, ...), 5xx | [`Retry`](Verdict::Retry), at least `Retry-After` later |
/// | no response: timeout, refused, reset, DNS | [`NoResponse`](Verdict::NoResponse): retry |
/// | the request could not be signed or built | [`Failed`](Verdict::Failed): a retry would fail the same way |
///
/// Every non-2xx answer except `410` is retried by default, as Standard Webhooks, Svix and
/// Stripe do: a receiver answers `409` while it is handling the same message, `422` when it
/// does not know the event type yet, `401` while its secret is being rotated.
///
/// ```
/// use hookwire::sender::Verdict;
///
/// assert!(Verdict::Retry.retries());
/// assert!(Verdict::NoResponse.retries());
/// assert!(!Verdict::Gone.retries());
/// assert!(Verdict::Delivered.is_delivered());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// The endpoint answered 2xx: it has the message.
    Delivered,
    /// The endpoint answered a status to retry (anything but 2xx, `410` and the stop list).
    Retry,
    /// The endpoint answered `410 Gone`: it asks not to be sent anything again. Disable it.
    Gone,
    /// The endpoint answered a status of the stop list: the message ends without a retry.
    Stopped,
    /// No complete response: timeout, connection refused or reset, DNS failure, a TLS
    /// handshake refused (an untrusted or expired certificate, a wrong host name: the
    /// customer can fix it). Retry.
    NoResponse,
    /// The request could not be signed or built (a URL reqwest cannot send to, for
    /// instance): retrying cannot help.
    Failed,
}

impl Verdict {
    /// Whether a later attempt might succeed: [`Retry`](Verdict::Retry) and
    /// [`NoResponse`](Verdict::NoResponse).
    ///
    /// ```
    /// # use hookwire::sender::Verdict;
    /// assert!(!Verdict::Stopped.retries());
    /// ```
    pub fn retries(self) -> bool {
        matches!(self, Verdict::Retry | Verdict::NoResponse)
    }

    /// Whether the endpoint accepted the message.
    ///
    /// ```
    /// # use hookwire::sender::Verdict;
    /// assert!(!Verdict::Retry.is_delivered());
    /// ```
    pub fn is_delivered(self) -> bool {
        self == Verdict::Delivered
    }

    /// The verdict on a response `status`, given the statuses that stop the message.
    ///
    /// 2xx and `410` keep their meaning even when listed in `stop_on`.
    ///
    /// ```
    /// use http::StatusCode;
    /// use hookwire::sender::Verdict;
    ///
    /// assert_eq!(Verdict::of(StatusCode::CONFLICT, &[]), Verdict::Retry);
    /// assert_eq!(Verdict::of(StatusCode::GONE, &[]), Verdict::Gone);
    /// assert_eq!(Verdict::of(StatusCode::BAD_REQUEST, &[StatusCode::BAD_REQUEST]), Verdict::Stopped);
    /// ```
    pub fn of(status: StatusCode, stop_on: &[StatusCode]) -> Verdict {
        if status.is_success() {
            Verdict::Delivered
        } else if status == StatusCode::GONE {
            Verdict::Gone
        } else if stop_on.contains(&status) {
            Verdict::Stopped
        } else {
            Verdict::Retry
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Delivered => "delivered",
            Verdict::Retry => "retry",
            Verdict::Gone => "gone",
            Verdict::Stopped => "stopped",
            Verdict::NoResponse => "no response",
            Verdict::Failed => "failed",
        })
    }
}

/// One HTTP attempt of a message: what [`attempt`](super::attempt) returns, and what a
/// [`DeliveryReport`](super::DeliveryReport) lists.
///
/// ```
/// use hookwire::sender::{Attempt, ErrorKind, Verdict};
///
/// fn log(attempt: &Attempt) {
///     match attempt.verdict {
///         Verdict::Delivered => println!("{:?} in {:?}", attempt.status, attempt.duration),
///         Verdict::NoResponse => println!("no answer: {:?}", attempt.error),
///         other => println!("{other}: {}", String::from_utf8_lossy(&attempt.response_body)),
///     }
/// }
///
/// fn was_timeout(attempt: &Attempt) -> bool {
///     attempt.error.as_ref().is_some_and(|e| e.kind == ErrorKind::Timeout)
/// }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Attempt {
    /// The timestamp signed for this attempt.
    pub timestamp: Timestamp,
    /// What the answer means for the message.
    pub verdict: Verdict,
    /// The response status, when a response came back.
    pub status: Option<StatusCode>,
    /// Why the attempt failed, when it did: no response, or a status that is not 2xx.
    pub error: Option<AttemptError>,
    /// From the start of the request to the end of reading the response.
    pub duration: Duration,
    /// The start of the response body, at most
    /// [`max_response_body`](super::AttemptOptions::max_response_body) bytes (1 KiB by
    /// default).
    pub response_body: Bytes,
    /// The response's `Retry-After` (seconds or an HTTP date, relative to
    /// [`timestamp`](Attempt::timestamp)), when it had a valid one. Not capped: a
    /// [`RetryPolicy`](super::RetryPolicy) caps what it honours.
    pub retry_after: Option<Duration>,
    /// The wait a [`Sender`](super::Sender) scheduled after this attempt, when it scheduled one;
    /// always `None` from [`attempt`](super::attempt), which schedules nothing.
    pub next_delay: Option<Duration>,
}

impl Attempt {
    pub(crate) fn new(timestamp: Timestamp) -> Self {
        Self {
            timestamp,
            verdict: Verdict::Failed,
            status: None,
            error: None,
            duration: Duration::ZERO,
            response_body: Bytes::new(),
            retry_after: None,
            next_delay: None,
        }
    }
}

/// Why an attempt failed. The message never contains the URL or a secret.
///
/// ```
/// use hookwire::sender::{AttemptError, ErrorKind};
///
/// fn describe(error: &AttemptError) -> String {
///     format!("{error}")
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
#[non_exhaustive]
pub struct AttemptError {
    /// The kind of failure.
    pub kind: ErrorKind,
    /// A description from the HTTP stack, without the URL.
    pub message: String,
}

impl AttemptError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// The kind of an attempt's failure.
///
/// ```
/// use hookwire::sender::ErrorKind;
///
/// assert_eq!(ErrorKind::Timeout.to_string(), "timed out");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The endpoint answered with a status that is not 2xx (redirects included).
    Status,
    /// No complete response within the per-attempt timeout.
    Timeout,
    /// The connection could not be made (refused, DNS, TLS).
    Connect,
    /// The connection failed after it was made: closed or reset before a complete response.
    Connection,
    /// The HTTP client followed a redirect; the sender treats redirects as failures. Build
    /// the client with `reqwest::redirect::Policy::none()`.
    Redirected,
    /// The scheme could not sign the request.
    Sign,
    /// The client could not build the request (an `https` URL with a client built without
    /// TLS support, for instance).
    Request,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Status => "unsuccessful status",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Connect => "could not connect",
            ErrorKind::Connection => "connection failed",
            ErrorKind::Redirected => "redirected",
            ErrorKind::Sign => "could not sign",
            ErrorKind::Request => "could not build the request",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let v = |c| Verdict::of(StatusCode::from_u16(c).unwrap(), &[]);
        assert_eq!(v(200), Verdict::Delivered);
        assert_eq!(v(204), Verdict::Delivered);
        for retried in [
            301, 307, 400, 401, 404, 408, 409, 413, 415, 422, 429, 500, 503, 999,
        ] {
            assert_eq!(v(retried), Verdict::Retry, "{retried}");
        }
        assert_eq!(v(410), Verdict::Gone);
    }

    #[test]
    fn stop_list_stops_but_never_overrides_success_or_gone() {
        let stop = [StatusCode::BAD_REQUEST, StatusCode::OK, StatusCode::GONE];
        let v = |c| Verdict::of(StatusCode::from_u16(c).unwrap(), &stop);
        assert_eq!(v(400), Verdict::Stopped);
        assert_eq!(v(200), Verdict::Delivered);
        assert_eq!(v(410), Verdict::Gone);
        assert_eq!(v(401), Verdict::Retry);
    }
}
