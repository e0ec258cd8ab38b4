//! The life of one delivery: attempt, wait, attempt again, until it ends.

use tracing::Instrument as _;

use super::Sender;
use super::attempt::{self, Next};
use super::delivery::{Delivery, Redacted};
use super::id;
use super::report::{Attempt, DeliveryReport, Outcome};

impl Sender {
    /// Runs a delivery to its end; the caller holds its [`Active`](pool::Active) registration.
    pub(super) async fn run(&self, delivery: Delivery) -> DeliveryReport {
        let span = tracing::info_span!(
            "hookwire.deliver",
            id = %delivery.id(),
            event_type = %delivery.event_type(),
            endpoint = %Redacted(delivery.url()),
        );
        self.attempts(delivery).instrument(span).await
    }

    async fn attempts(&self, delivery: Delivery) -> DeliveryReport {
        let config = &self.inner.config;
        let pool = &self.inner.pool;
        // Most deliveries succeed at the first attempt.
        let mut attempts = Vec::with_capacity(1);
        let mut retry = 0usize;
        loop {
            let number = u32::try_from(retry.saturating_add(1)).unwrap_or(u32::MAX);
            let Ok(permit) = pool.permit().await else {
                return shut_down(delivery, attempts);
            };
            let (mut record, next) = attempt::attempt(config, &delivery, number).await;
            drop(permit);
            log_attempt(&record);
            if let Next::Done(outcome) = next {
                attempts.push(record);
                log_outcome(&outcome);
                return DeliveryReport::new(delivery, attempts, outcome);
            }
            let delay = config.retry.delay(retry, id::unit(), record.retry_after);
            record.next_delay = delay;
            attempts.push(record);
            let Some(delay) = delay else {
                log_outcome(&Outcome::Exhausted);
                return DeliveryReport::new(delivery, attempts, Outcome::Exhausted);
            };
            tracing::debug!(delay_ms = delay.as_millis() as u64, "retry scheduled");
            if pool.wait(config.sleeper.sleep(delay)).await.is_err() {
                return shut_down(delivery, attempts);
            }
            retry += 1;
        }
    }
}

fn shut_down(delivery: Delivery, attempts: Vec<Attempt>) -> DeliveryReport {
    tracing::info!("sender shut down; delivery handed back");
    DeliveryReport::new(delivery, attempts, Outcome::ShutDown)
}

fn log_attempt(attempt: &Attempt) {
    let status = attempt.status.map(|s| s.as_u16());
    let duration_ms = attempt.duration.as_millis() as u64;
    match &attempt.error {
        None => tracing::debug!(
            attempt = attempt.number,
            status,
            duration_ms,
            "attempt succeeded"
        ),
        Some(error) => tracing::debug!(
            attempt = attempt.number,
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
