//! `hookwire outbox deliveries|attempts`: which deliveries are in which state, and what each
//! attempt of one led to (the reason a delivery failed, an abandoned one among them).

use std::process::ExitCode;

use hookwire::Timestamp;
use hookwire::outbox::{
    ApplicationStore, AttemptLog, DeliveryId, DeliveryInfo, DeliveryQuery, DeliveryState,
    EndpointId,
};

use super::db::{self, OnStore};
use super::{AttemptsArgs, DeliveriesArgs, print};
use crate::error::CliError;

struct Deliveries(DeliveryQuery);

impl OnStore for Deliveries {
    type Output = Vec<DeliveryInfo>;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        store.deliveries(&self.0).await.map_err(db::failed)
    }
}

/// Lists deliveries, one line each (`id event type endpoint state attempts next key`, the
/// ordering key `-` when it has none), or a JSON array with `--json`.
pub(crate) fn deliveries(args: DeliveriesArgs) -> Result<ExitCode, CliError> {
    let mut query = DeliveryQuery::new(args.limit);
    if let Some(name) = &args.state {
        let state = DeliveryState::parse(name).ok_or_else(|| {
            CliError::usage(format!(
                "--state: `{name}` is not one of pending, in_flight, delivered, failed, disabled"
            ))
        })?;
        query = query.state(state);
    }
    if let Some(endpoint) = args.endpoint {
        query = query.endpoint(EndpointId(endpoint));
    }
    if let Some(event) = args.event {
        query = query.event(event);
    }
    if let Some(after) = args.after {
        query = query.after(DeliveryId(after));
    }
    let listed = db::run(&args.db.db, 0, Deliveries(query))?;
    if args.json {
        return print_json(&listed);
    }
    let mut text = String::new();
    for d in &listed {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            d.id,
            d.event_id,
            d.event_type,
            d.endpoint,
            d.state.as_str(),
            d.attempts,
            Timestamp::from_unix(d.next_attempt_at),
            d.ordering_key.as_deref().unwrap_or("-")
        ));
    }
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

struct Attempts(i64);

impl OnStore for Attempts {
    type Output = Vec<AttemptLog>;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        store.attempts(DeliveryId(self.0)).await.map_err(db::failed)
    }
}

/// Prints a delivery's attempt log, oldest first: `#N time outcome status ms excerpt`, or a
/// JSON array with `--json`.
pub(crate) fn attempts(args: AttemptsArgs) -> Result<ExitCode, CliError> {
    let log = db::run(&args.db.db, 0, Attempts(args.id))?;
    if args.json {
        return print_json(&log);
    }
    let mut text = String::new();
    for a in &log {
        text.push_str(&format!(
            "#{}\t{}\t{}\t{}\t{} ms\t{}\n",
            a.attempt,
            Timestamp::from_unix(a.at),
            a.outcome,
            a.status.map_or("-".to_owned(), |s| s.to_string()),
            a.duration_ms,
            one_line(&a.excerpt)
        ));
    }
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The excerpt on one line of a tab-separated table: line breaks and tabs written as `\n`,
/// `\r`, `\t` (the store already escaped every other control character).
fn one_line(excerpt: &str) -> String {
    excerpt
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t")
}

fn print_json(value: &impl serde::Serialize) -> Result<ExitCode, CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failed(format!("cannot print the result: {e}")))?;
    print(&format!("{text}\n"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_stay_on_their_line() {
        assert_eq!(one_line("a\tb\r\nc"), "a\\tb\\r\\nc");
    }
}
