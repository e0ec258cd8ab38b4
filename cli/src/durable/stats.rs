//! `hookwire outbox stats`.

use std::process::ExitCode;

use hookwire::outbox::{ApplicationStore, OutboxStats, StateCounts};

use super::db::{self, OnStore};
use super::{StatsArgs, operate, print};
use crate::error::CliError;

struct Stats;

impl OnStore for Stats {
    type Output = OutboxStats;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        store.stats().await.map_err(db::failed)
    }
}

/// Prints deliveries by state and by endpoint: `{"states": {...}, "endpoints": [...]}` with
/// `--json`, a table otherwise (a paused endpoint's line ends with `(paused until ...)`).
pub(crate) fn run(args: StatsArgs) -> Result<ExitCode, CliError> {
    let stats = db::run(&args.db.db, 0, Stats)?;
    if args.json {
        let text = serde_json::to_string(&stats)
            .map_err(|e| CliError::failed(format!("cannot print the statistics: {e}")))?;
        print(&format!("{text}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = format!(
        "{:<10} {:>9} {:>9} {:>9} {:>9} {:>9}  url\n",
        "endpoint", "pending", "in_flight", "delivered", "failed", "disabled"
    );
    for endpoint in &stats.endpoints {
        text.push_str(&format!(
            "{:<10} {}  {}",
            endpoint.id,
            row(&endpoint.states),
            endpoint.url
        ));
        if let Some(until) = endpoint.paused_until {
            let note = operate::pause_note(until, endpoint.breaker);
            text.push_str(&format!("  ({note})"));
        }
        text.push('\n');
    }
    text.push_str(&format!("{:<10} {}\n", "all", row(&stats.states)));
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn row(states: &StateCounts) -> String {
    format!(
        "{:>9} {:>9} {:>9} {:>9} {:>9}",
        states.pending, states.in_flight, states.delivered, states.failed, states.disabled
    )
}
