//! The life of one message: attempt, wait, attempt again, until it ends.

use tracing::Instrument as _;

use super::Sender;
use super::attempt::attempt;
use super::id;
use super::message::{Message, Redacted};
use super::report::{DeliveryReport, Outcome};
use super::verdict::{Attempt, Verdict};

impl Sender {
    /// Runs a message to its end; the caller holds its [`Active`](pool::Active) registration.
    pub(super) async fn run(&self, message: Message) -> DeliveryReport {
        let span = tracing::info_span!(
            "hookwire.deliver",
            id = %message.id(),
            event_type = %message.event_type(),
            endpoint = %Redacted(message.url()),
        );
        self.attempts(message).instrument(span).await
    }

    async fn attempts(&self, message: Message) -> DeliveryReport {
        let config = &self.inner.config;
        let pool = &self.inner.pool;
        // Most deliveries succeed at the first attempt.
        let mut attempts = Vec::with_capacity(1);
        let mut retry = 0usize;
        loop {
            let Ok(permit) = pool.permit().await else {
                return shut_down(message, attempts);
            };
            let now = config.clock.now();
            let mut record = attempt(
                &config.client,
                &*config.scheme,
                &message,
                now,
                &config.options,
            )
            .await;
            drop(permit);
            log_attempt(retry + 1, &record);
            let outcome = match record.verdict {
                Verdict::Delivered => Some(Outcome::Delivered),
                Verdict::Gone => Some(Outcome::Gone),
                Verdict::Stopped => record.status.map(Outcome::Stopped),
                Verdict::Failed => Some(Outcome::Failed),
                Verdict::Retry | Verdict::NoResponse => None,
            };
            if let Some(outcome) = outcome {
                attempts.push(record);
                log_outcome(&outcome);
                return DeliveryReport::new(message, attempts, outcome);
            }
            let delay = config.retry.delay(retry, id::unit(), record.retry_after);
            record.next_delay = delay;
            attempts.push(record);
            let Some(delay) = delay else {
                log_outcome(&Outcome::Exhausted);
                return DeliveryReport::new(message, attempts, Outcome::Exhausted);
            };
            tracing::debug!(delay_ms = delay.as_millis() as u64, "retry scheduled");
            if pool.wait(config.sleeper.sleep(delay)).await.is_err() {
                return shut_down(message, attempts);
            }
            retry += 1;
        }
    }
}

fn shut_down(message: Message, attempts: Vec<Attempt>) -> DeliveryReport {
    tracing::info!("sender shut down; message handed back");
    DeliveryReport::new(message, attempts, Outcome::ShutDown)
}

fn log_attempt(number: usize, attempt: &Attempt) {
    let status = attempt.status.map(|s| s.as_u16());
    let duration_ms = attempt.duration.as_millis() as u64;
    match &attempt.error {
        None => tracing::debug!(attempt = number, status, duration_ms, "attempt succeeded"),
        Some(error) => tracing::debug!(
            attempt = number,
            status,
            duration_ms,
            error = %error,
            "attempt failed"
        ),
    }
}

fn log_outcome(outcome: &Outcome) {
    match outcome {
        Outcome::Delivered => tracing::debug!("delivered"),
        other => tracing::warn!(outcome = %other, "not delivered"),
    }
}
