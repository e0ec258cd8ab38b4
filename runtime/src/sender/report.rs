//! What happened to a message: every attempt and the final outcome.

use http::StatusCode;
use std::fmt;

use super::message::Message;
use super::verdict::Attempt;

/// The record of one message: the message itself (id, URL, type and body, so that an
/// undelivered one can be stored and sent again), each attempt, and how it ended.
///
/// ```
/// use hookwire::sender::{DeliveryReport, Outcome};
///
/// fn log(report: &DeliveryReport) {
///     for (number, attempt) in report.attempts.iter().enumerate() {
///         println!("#{} {:?} in {:?}", number + 1, attempt.status, attempt.duration);
///     }
///     match &report.outcome {
///         Outcome::Delivered => println!("{} delivered", report.message.id()),
///         Outcome::Gone => println!("disable this endpoint"),
///         Outcome::ShutDown => println!("store {} and resend later", report.message.id()),
///         other => println!("failed: {other}"),
///     }
/// }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeliveryReport {
    /// The message, returned to the caller.
    pub message: Message,
    /// The attempts made, in order; empty when the sender was shut down before the first.
    pub attempts: Vec<Attempt>,
    /// How the message ended.
    pub outcome: Outcome,
}

impl DeliveryReport {
    pub(crate) fn new(message: Message, attempts: Vec<Attempt>, outcome: Outcome) -> Self {
        Self {
            message,
            attempts,
            outcome,
        }
    }

    /// Whether the endpoint accepted the message (answered 2xx).
    ///
    /// ```
    /// # use hookwire::sender::DeliveryReport;
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
    /// # use hookwire::sender::DeliveryReport;
    /// fn last_status(report: &DeliveryReport) -> Option<http::StatusCode> {
    ///     report.last_attempt()?.status
    /// }
    /// ```
    pub fn last_attempt(&self) -> Option<&Attempt> {
        self.attempts.last()
    }
}

/// How a message ended.
///
/// ```
/// use hookwire::sender::Outcome;
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
    /// The endpoint answered a status of the stop list
    /// ([`SenderBuilder::stop_on`](super::SenderBuilder::stop_on)); empty by default.
    Stopped(StatusCode),
    /// Every attempt of the retry schedule failed; the last attempt says how.
    Exhausted,
    /// The sender was shut down before the message finished. It may be sent again later
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
            Outcome::Stopped(status) => {
                write!(f, "the endpoint answered {status}, which stops the message")
            }
            Outcome::Exhausted => f.write_str("every attempt of the retry schedule failed"),
            Outcome::ShutDown => f.write_str("the sender shut down before the message finished"),
            Outcome::Failed => f.write_str("the request could not be signed or built"),
        }
    }
}
