//! What a worker tells its caller after each recorded attempt: [`FinishedAttempt`], given to
//! the hook set with [`WorkerBuilder::on_attempt`](crate::outbox::WorkerBuilder::on_attempt).

use std::sync::Arc;
use std::time::Duration;

use crate::outbox::{AttemptOutcome, Claimed, DeliveryId, EndpointId, Recorded};

/// One attempt a worker made, with what the store made of it: for logs, alerts and dashboards.
///
/// ```
/// # fn demo(finished: &hookwire::outbox::FinishedAttempt) {
/// if !finished.outcome.is_success() {
///     eprintln!(
///         "attempt {} of delivery {} to {} failed: {}",
///         finished.attempt, finished.delivery, finished.url, finished.outcome_text()
///     );
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FinishedAttempt {
    /// The delivery attempted.
    pub delivery: DeliveryId,
    /// Its endpoint.
    pub endpoint: EndpointId,
    /// The endpoint's URL, as configured (it may carry credentials: redact before logging,
    /// for example with [`redact_url`](crate::redact_url)).
    pub url: String,
    /// The event's type.
    pub event_type: String,
    /// The attempt's number, from 1, as the attempt log shows it.
    pub attempt: u32,
    /// What happened on the wire.
    pub outcome: AttemptOutcome,
    /// How long the attempt took.
    pub duration: Duration,
    /// The response body's start, or why there was no answer.
    pub excerpt: String,
    /// What the store made of it: the delivery's state, its next attempt, whether the endpoint
    /// was disabled.
    pub recorded: Recorded,
}

impl FinishedAttempt {
    /// The outcome in a few words: `HTTP 503`, `no response: <why>` or `refused: <why>`.
    ///
    /// ```
    /// # fn demo(finished: &hookwire::outbox::FinishedAttempt) {
    /// println!("{}", finished.outcome_text());
    /// # }
    /// ```
    #[must_use]
    pub fn outcome_text(&self) -> String {
        match &self.outcome {
            AttemptOutcome::Response { status, .. } => format!("HTTP {status}"),
            AttemptOutcome::NoResponse => format!("no response: {}", self.excerpt),
            AttemptOutcome::Refused => format!("refused: {}", self.excerpt),
        }
    }
}

/// The hook a worker calls after recording each attempt.
pub(crate) type AttemptHook = Arc<dyn Fn(&FinishedAttempt) + Send + Sync>;

/// What the worker keeps of a claimed delivery while it is attempted, to tell the hook.
#[derive(Debug)]
pub(crate) struct Context {
    pub(crate) endpoint: EndpointId,
    pub(crate) url: String,
    pub(crate) event_type: String,
    pub(crate) attempt: u32,
}

impl Context {
    /// The context of `claimed`, when there is a hook to tell.
    pub(crate) fn of(claimed: &Claimed, hook: Option<&AttemptHook>) -> Option<Self> {
        hook.map(|_| Self {
            endpoint: claimed.target.id,
            url: claimed.target.url.clone(),
            event_type: claimed.event_type.clone(),
            attempt: claimed.attempt,
        })
    }
}
