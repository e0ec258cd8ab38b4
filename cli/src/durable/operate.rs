//! `hookwire outbox retry|recover`: schedule deliveries again, now. Both lift the endpoint's
//! pause and close its circuit breaker (the store does), so "now" holds; how a pause is shown
//! by `endpoint list` and `outbox stats`; and `hookwire outbox purge`, retention on demand.

use std::process::ExitCode;

use hookwire::Timestamp;
use hookwire::outbox::{ApplicationStore, BreakerState, DeliveryId, EndpointId, Purged};

use super::db::{self, OnStore};
use super::{PurgeArgs, RecoverArgs, RetryArgs, print};
use crate::error::CliError;

/// `paused until 2026-12-07T12:03:00Z (circuit breaker open)`: how `endpoint list` and
/// `outbox stats` show a paused endpoint.
pub(crate) fn pause_note(paused_until: i64, breaker: BreakerState) -> String {
    let why = match breaker {
        BreakerState::Open => "circuit breaker open",
        _ => "throttled: 429 or Retry-After",
    };
    format!(
        "paused until {} ({why})",
        Timestamp::from_unix(paused_until)
    )
}

struct Retry(Vec<i64>);

impl OnStore for Retry {
    type Output = (Vec<i64>, Vec<i64>);

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let (mut done, mut refused) = (Vec::new(), Vec::new());
        for id in self.0 {
            if store.retry(DeliveryId(id)).await.map_err(db::failed)? {
                done.push(id);
            } else {
                refused.push(id);
            }
        }
        Ok((done, refused))
    }
}

/// Prints each delivery id scheduled again (or, with `--json`, `{"retried": [...], "refused":
/// [...]}`); exits 1 naming those that were not (in flight, or no such delivery).
pub(crate) fn retry(args: RetryArgs) -> Result<ExitCode, CliError> {
    let (done, refused) = db::run(&args.db.db, 0, Retry(args.ids))?;
    if args.json {
        let value = serde_json::json!({ "retried": done, "refused": refused });
        print(&format!("{value}\n"))?;
    } else {
        print(&done.iter().map(|id| format!("{id}\n")).collect::<String>())?;
    }
    if !refused.is_empty() {
        let ids: Vec<String> = refused.iter().map(ToString::to_string).collect();
        return Err(CliError::failed(format!(
            "not scheduled again (in flight, or no such delivery): {}",
            ids.join(", ")
        )));
    }
    Ok(ExitCode::SUCCESS)
}

struct Recover {
    endpoint: i64,
    since: i64,
}

impl OnStore for Recover {
    type Output = Option<u64>;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let id = EndpointId(self.endpoint);
        if store.endpoint(id).await.map_err(db::failed)?.is_none() {
            return Ok(None);
        }
        store
            .recover(id, self.since)
            .await
            .map_err(db::failed)
            .map(Some)
    }
}

/// The `--since` value: RFC 3339 or Unix seconds.
fn since(text: &str) -> Result<i64, CliError> {
    time("--since", text)
}

/// A `flag`'s time: RFC 3339 or Unix seconds.
fn time(flag: &str, text: &str) -> Result<i64, CliError> {
    if let Ok(seconds) = text.parse::<i64>() {
        return Ok(seconds);
    }
    text.parse::<Timestamp>()
        .map(Timestamp::unix_seconds)
        .map_err(|e| {
            CliError::usage(format!(
                "{flag} takes RFC 3339 (2026-12-07T00:00:00Z) or Unix seconds: {e}"
            ))
        })
}

/// A span such as `30d`, `12h`, `90m` or `45s`, in seconds; `None` for anything else.
pub(super) fn span_seconds(text: &str) -> Option<i64> {
    let unit = match text.chars().last()? {
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        's' => 1,
        _ => return None,
    };
    let count = text[..text.len() - 1].parse::<u32>().ok()?;
    Some(i64::from(count) * unit)
}

/// The `--before` value: a time, or an age before `now` (`30d`, `12h`, `90m`, `45s`).
fn before(text: &str, now: i64) -> Result<i64, CliError> {
    match span_seconds(text) {
        Some(age) => Ok(now.saturating_sub(age)),
        None => time("--before", text),
    }
}

struct Purge(i64);

impl OnStore for Purge {
    type Output = Purged;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        store.purge(self.0).await.map_err(db::failed)
    }
}

/// Removes what ended before `--before`; prints what was removed.
pub(crate) fn purge(args: PurgeArgs) -> Result<ExitCode, CliError> {
    let now = Timestamp::now().unix_seconds();
    let cutoff = match (&args.before, &args.older_than) {
        (Some(time), _) => before(time, now)?,
        (None, Some(age)) => now.saturating_sub(span_seconds(age).ok_or_else(|| {
            CliError::usage(format!(
                "--older-than takes a duration such as 30d, 12h or 90m, not `{age}`"
            ))
        })?),
        (None, None) => return Err(CliError::usage("give --older-than or --before")),
    };
    let purged = db::run(&args.db.db, 0, Purge(cutoff))?;
    if args.json {
        print(&format!(
            "{{\"deliveries\":{},\"events\":{}}}\n",
            purged.deliveries, purged.events
        ))?;
    } else {
        print(&format!(
            "purged {} deliveries and {} events that ended before {}\n",
            purged.deliveries,
            purged.events,
            Timestamp::from_unix(cutoff)
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints how many failed deliveries of the endpoint were scheduled again (with `--json`,
/// `{"endpoint": ID, "recovered": N}`).
pub(crate) fn recover(args: RecoverArgs) -> Result<ExitCode, CliError> {
    let since = args.since.as_deref().map_or(Ok(0), since)?;
    let command = Recover {
        endpoint: args.endpoint,
        since,
    };
    match db::run(&args.db.db, 0, command)? {
        Some(count) if args.json => {
            let value = serde_json::json!({ "endpoint": args.endpoint, "recovered": count });
            print(&format!("{value}\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(count) => {
            print(&format!("{count}\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        None => Err(CliError::failed(format!(
            "no endpoint {}: `hookwire endpoint list` shows the ids",
            args.endpoint
        ))),
    }
}
