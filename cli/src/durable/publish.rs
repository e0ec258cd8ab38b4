//! `hookwire publish`: one event from a JSON file, or many from JSON lines in one transaction.

use std::process::ExitCode;

use hookwire::outbox::{ApplicationStore, RawEvent, StoreError, check_ordering_key};
use serde::Deserialize;

use super::db::{self, OnStore};
use super::{PublishArgs, print};
use crate::error::CliError;
use crate::input::read_body;

struct Publish(Vec<RawEvent>, Option<String>);

impl OnStore for Publish {
    type Output = Vec<String>;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let Publish(mut events, app) = self;
        if let Some(app) = app {
            let app = super::app::resolve(&store, &app).await?;
            events = events.into_iter().map(|event| event.app(app)).collect();
        }
        store.publish_raw(&events).await.map_err(db::failed)
    }
}

/// One line of `--jsonl` input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(rename = "type")]
    event_type: String,
    data: serde_json::Value,
    #[serde(default)]
    ordering_key: Option<String>,
}

/// `event` with `key`, checked (a bad key is a usage error before anything is published).
fn ordered(event: RawEvent, key: Option<String>) -> Result<RawEvent, StoreError> {
    let Some(key) = key else {
        return Ok(event);
    };
    check_ordering_key(&key)?;
    Ok(event.ordering_key(key))
}

/// Publishes and prints the id of each event, one per line.
pub(crate) fn run(args: PublishArgs) -> Result<ExitCode, CliError> {
    let events = if args.jsonl {
        read_lines(std::io::stdin().lock(), args.ordering_key.as_deref())?
    } else {
        let event_type = args.event_type.unwrap_or_default();
        let body = read_body(args.file.as_deref())?;
        let data: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| CliError::usage(format!("the event's data is not JSON: {e}")))?;
        let event = RawEvent::new(event_type, data).map_err(db::failed)?;
        vec![ordered(event, args.ordering_key).map_err(db::failed)?]
    };
    if events.is_empty() {
        return Err(CliError::usage("no events on standard input"));
    }
    let ids = db::run(&args.db.db, 0, Publish(events, args.app))?;
    let mut out = String::with_capacity(ids.len() * 32);
    for id in ids {
        out.push_str(&id);
        out.push('\n');
    }
    print(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// Publishes `events` to the outbox at `db` in one transaction; their ids, in order. Shared by
/// `hookwire publish` and `hookwire trigger --db`.
pub(crate) fn publish_events(db: &str, events: Vec<RawEvent>) -> Result<Vec<String>, CliError> {
    db::run(db, 0, Publish(events, None))
}

/// Reads `{"type": ..., "data": ..., "ordering_key": ...}` lines (the key optional, `key` when
/// a line has none; blank lines skipped); the first bad line stops everything, so nothing is
/// published from malformed input.
fn read_lines(input: impl std::io::BufRead, key: Option<&str>) -> Result<Vec<RawEvent>, CliError> {
    let mut events = Vec::new();
    for (number, line) in input.lines().enumerate() {
        let line = line.map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let at = |reason: String| CliError::usage(format!("line {}: {reason}", number + 1));
        let parsed: Line = serde_json::from_str(&line)
            .map_err(|e| at(format!("expected {{\"type\": ..., \"data\": ...}}: {e}")))?;
        let event = RawEvent::new(parsed.event_type, parsed.data).map_err(|e| at(e.to_string()))?;
        let key = parsed.ordering_key.or_else(|| key.map(str::to_owned));
        events.push(ordered(event, key).map_err(|e| at(e.to_string()))?);
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_events_and_a_bad_line_names_its_number() {
        let input = b"{\"type\":\"order.created\",\"data\":{\"id\":1}}\n\n{\"type\":\"a.b\",\"data\":null}\n";
        let events = read_lines(&input[..], None).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].event_type(), "a.b");
        assert_eq!(events[1].ordering(), None);

        let bad = b"{\"type\":\"ok\",\"data\":1}\n{\"data\":1}\n";
        let Err(CliError::Usage(message)) = read_lines(&bad[..], None) else {
            panic!("expected a usage error");
        };
        assert!(message.starts_with("line 2:"), "{message}");
        let Err(CliError::Usage(message)) =
            read_lines(&b"{\"type\":\"bad type\",\"data\":1}"[..], None)
        else {
            panic!("expected a usage error");
        };
        assert!(message.contains("bad type"), "{message}");
    }

    #[test]
    fn lines_carry_their_ordering_key_or_take_the_flags() {
        let input = b"{\"type\":\"a.b\",\"data\":1,\"ordering_key\":\"order-1\"}\n{\"type\":\"a.b\",\"data\":2}\n";
        let events = read_lines(&input[..], Some("default")).unwrap();
        assert_eq!(events[0].ordering(), Some("order-1"));
        assert_eq!(events[1].ordering(), Some("default"));
        let bad = b"{\"type\":\"a.b\",\"data\":1,\"ordering_key\":\"\"}\n";
        let Err(CliError::Usage(message)) = read_lines(&bad[..], None) else {
            panic!("expected a usage error");
        };
        assert!(message.starts_with("line 1:"), "{message}");
    }
}
