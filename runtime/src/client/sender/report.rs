//! What happened to a delivery: every attempt and the final outcome.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

use super::delivery::Delivery;

/// The record of one delivery: the delivery itself (id, URL, type and body, so that an
/// undelivered one can be stored and sent again), each attempt, and how it ended.
///
/// ```
/// use hookwire::client::sender::{DeliveryReport, Outcome};
///
/// fn log(report: &DeliveryReport) {
///     for attempt in &report.attempts {
///         println!("#{} {:?} in {:?}", attempt.number, attempt.status, attempt.duration);
///     }
///     match &report.outcome {
///         Outcome::Delivered => println!("{} delivered", report.delivery.id()),
///         Outcome::Gone => println!("disable this endpoint"),
///         Outcome::ShutDown => println!("store {} and resend later", report.delivery.id()),
///         other => println!("failed: {other}"),
///     }
/// }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeliveryReport {
    /// The delivery, returned to the caller.
    pub delivery: Delivery,
    /// The attempts made, in order; empty when the sender was shut down before the first.
    pub attempts: Vec<Attempt>,
    /// How the delivery ended.
    pub outcome: Outcome,
}

impl DeliveryReport {
    pub(crate) fn new(delivery: Delivery, attempts: Vec<Attempt>, outcome: Outcome) -> Self {
        Self {
            delivery,
            attempts,
            outcome,
        }
    }

    /// Whether the endpoint accepted the delivery (answered 2xx).
    ///
    /// ```
    /// # use hookwire::client::sender::DeliveryReport;
    /// fn ok(report: &DeliveryReport) -> bool {
    ///     report.is_delivered()
    /// }
    /// ```
    pub fn is_delivered(&self) -> bool {
        matches!(self.outcome, Outcome::Delivered)
    }

    /// The last attempt, if any: its status or error explains a failed outcome.
    ///
    /// ```
    /// # use hookwire::client::sender::DeliveryReport;
    /// fn last_status(report: &DeliveryReport) -> Option<http::StatusCode> {
    ///     report.last_attempt()?.status
    /// }
    /// ```
    pub fn last_attempt(&self) -> Option<&Attempt> {
        self.attempts.last()
    }
}

/// How a delivery ended.
///
/// ```
/// use hookwire::client::sender::Outcome;
///
/// assert_eq!(Outcome::Gone.to_string(), "the endpoint answered 410 gone and asks to be disabled");
/// assert!(Outcome::Exhausted.to_string().contains("every attempt"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The endpoint answered 2xx.
    Delivered,
    /// The endpoint answered `410 Gone`: it asks not to be sent anything again. Disable it.
    Gone,
    /// The endpoint answered a 4xx other than 408, 410 and 429; retrying the same request
    /// would not help.
    Rejected(StatusCode),
    /// Every attempt of the retry schedule failed; the last attempt says how.
    Exhausted,
    /// The sender was shut down before the delivery finished. It may be sent again later
    /// with the same id; the receiver drops duplicates by id.
    ShutDown,
    /// A local error that retrying cannot fix kept the request from being sent (the scheme
    /// could not sign, or the client could not build the request); the last attempt's error
    /// says which.
    Failed,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Delivered => f.write_str("delivered"),
            Outcome::Gone => f.write_str("the endpoint answered 410 gone and asks to be disabled"),
            Outcome::Rejected(status) => write!(f, "the endpoint rejected the delivery: {status}"),
            Outcome::Exhausted => f.write_str("every attempt of the retry schedule failed"),
            Outcome::ShutDown => f.write_str("the sender shut down before the delivery finished"),
            Outcome::Failed => f.write_str("the request could not be signed or built"),
        }
    }
}

/// One HTTP attempt of a delivery.
///
/// ```
/// use hookwire::client::sender::{Attempt, ErrorKind};
///
/// fn was_timeout(attempt: &Attempt) -> bool {
///     attempt.error.as_ref().is_some_and(|e| e.kind == ErrorKind::Timeout)
/// }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// The timestamp signed for this attempt, in seconds since the Unix epoch.
    pub timestamp: i64,
    /// The response status, when a response came back.
    pub status: Option<StatusCode>,
    /// Why the attempt failed, when it did: no response, or a status that is not 2xx.
    pub error: Option<AttemptError>,
    /// From the start of the request to the end of reading the response.
    pub duration: Duration,
    /// The start of the response body, up to the sender's limit (1 KiB by default).
    pub response_body: Bytes,
    /// The response's `Retry-After`, when it had a valid one.
    pub retry_after: Option<Duration>,
    /// The wait before the next attempt, when one was scheduled.
    pub next_delay: Option<Duration>,
}

/// Why an attempt failed. The message never contains the URL or a secret.
///
/// ```
/// use hookwire::client::sender::{AttemptError, ErrorKind};
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
/// use hookwire::client::sender::ErrorKind;
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
