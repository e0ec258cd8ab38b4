//! The durable outbox from the command line: `endpoint add|list|update|enable|disable|delete|
//! rotate-secret`, `publish`, `worker` and `outbox stats|deliveries|attempts|retry|recover|purge`. Scripts depend on exactly these names, flags and output shapes.
//!
//! `--db` is `sqlite://PATH` or `postgres://...`; the schema is created or migrated on first use.

pub(crate) mod app;
mod db;
mod endpoint;
mod inspect;
mod manage;
mod operate;
pub(crate) mod publish;
pub(crate) mod server;
mod stats;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::error::CliError;

pub(crate) const ENDPOINT_EXAMPLES: &str = "\
Examples:
  hookwire endpoint add --db sqlite://outbox.db --url https://example.com/hooks --secret \"$SECRET\" --types 'order.*'
  hookwire endpoint add --db sqlite://outbox.db --url http://127.0.0.1:8080/ --secret \"$SECRET\" --allow-private
  hookwire endpoint list --db postgres://postgres@127.0.0.1/app --json
  hookwire endpoint update --db sqlite://outbox.db 1 --types 'order.*,invoice.paid' --rate 50
  hookwire endpoint disable --db sqlite://outbox.db 1
  hookwire endpoint rotate-secret --db sqlite://outbox.db 1
  hookwire endpoint delete --db sqlite://outbox.db 1 --json";

pub(crate) const PUBLISH_EXAMPLES: &str = "\
Examples:
  hookwire publish --db sqlite://outbox.db --type order.created order.json
  hookwire publish --db sqlite://outbox.db --app merchant-42 --type order.created order.json
  echo '{\"order_id\": \"1\"}' | hookwire publish --db sqlite://outbox.db --type order.created -
  printf '%s\\n' '{\"type\": \"order.created\", \"data\": {}}' | hookwire publish --db sqlite://outbox.db --jsonl
Prints the id of each event published, one per line.";

pub(crate) const WORKER_EXAMPLES: &str = "\
Examples:
  hookwire worker --db sqlite://outbox.db
  hookwire worker --db postgres://postgres@127.0.0.1/app --concurrency 64
  hookwire worker --db sqlite://outbox.db --metrics 127.0.0.1:9464
Stops on SIGINT or SIGTERM after finishing the attempts in flight. Killed outright, it loses
nothing: its deliveries are attempted again once their lease (--lease) runs out.";

pub(crate) const OUTBOX_EXAMPLES: &str = "\
Examples:
  hookwire outbox stats --db sqlite://outbox.db --json
  hookwire outbox deliveries --db sqlite://outbox.db --state failed
  hookwire outbox attempts --db sqlite://outbox.db 42
  hookwire outbox retry --db sqlite://outbox.db 42 43
  hookwire outbox recover --db sqlite://outbox.db --endpoint 1 --since 2026-12-07T00:00:00Z
  hookwire outbox purge --db sqlite://outbox.db --older-than 30d
retry and recover schedule deliveries again now: they lift the endpoint's pause and close its
circuit breaker.";

/// `hookwire endpoint ...`
#[derive(Debug, Args)]
pub(crate) struct EndpointArgs {
    #[command(subcommand)]
    command: EndpointCommand,
}

#[derive(Debug, Subcommand)]
enum EndpointCommand {
    /// Add an endpoint and print its id
    Add(EndpointAddArgs),
    /// List the endpoints
    List(EndpointListArgs),
    /// Change an endpoint's URL, secrets, types, limits or description (only what is given)
    Update(manage::EndpointUpdateArgs),
    /// Enable an endpoint: its held deliveries are attempted now, its health reset
    Enable(manage::EndpointIdArgs),
    /// Disable an endpoint: its deliveries are held until it is enabled
    Disable(manage::EndpointIdArgs),
    /// Delete an endpoint with its deliveries and their attempt log
    Delete(manage::EndpointIdArgs),
    /// Sign with a new secret (printed), the previous ones signing beside it for --overlap
    RotateSecret(manage::RotateSecretArgs),
}

/// The outbox database.
#[derive(Debug, Args)]
pub(crate) struct DbArgs {
    /// The outbox database: sqlite://PATH or postgres://USER@HOST/DB
    #[arg(long, value_name = "URL", env = "HOOKWIRE_DB")]
    db: String,
}

#[derive(Debug, Args)]
struct EndpointAddArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Where deliveries are POSTed: an http:// or https:// URL
    #[arg(long)]
    url: String,
    /// The signing secret (whsec_...); repeat it to sign with several during a rotation,
    /// newest first
    #[arg(long = "secret", value_name = "SECRET", required = true)]
    secrets: Vec<String>,
    /// Event types to subscribe to: exact names or prefixes such as 'order.*', comma-separated
    /// or repeated [default: every type]
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    types: Vec<String>,
    /// Allow loopback, private and link-local destinations (tests, internal endpoints)
    #[arg(long)]
    allow_private: bool,
    /// The application (customer) it belongs to, by id or uid: it receives only that
    /// application's events [default: none, it receives events published without --app]
    #[arg(long, value_name = "ID_OR_UID")]
    app: Option<String>,
    /// Attempts to this endpoint in flight at once, across all workers
    #[arg(long, value_name = "N")]
    max_in_flight: Option<u32>,
    /// Attempts started per second at most, across all workers
    #[arg(long, value_name = "N")]
    rate: Option<u32>,
}

#[derive(Debug, Args)]
struct EndpointListArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Only this application's endpoints (by id or uid)
    #[arg(long, value_name = "ID_OR_UID")]
    app: Option<String>,
    /// Print a JSON array
    #[arg(long)]
    json: bool,
}

/// `hookwire publish ...`
#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The event's type
    #[arg(long = "type", value_name = "TYPE", required_unless_present = "jsonl")]
    event_type: Option<String>,
    /// Read one {"type": ..., "data": ...} object per line of standard input (optionally with
    /// "ordering_key": ...) and publish them all in one transaction
    #[arg(long, conflicts_with_all = ["event_type", "file"])]
    jsonl: bool,
    /// Publish for this application (by id or uid): only its endpoints receive the events
    /// [default: none, endpoints of no application receive them]
    #[arg(long, value_name = "ID_OR_UID")]
    app: Option<String>,
    /// Order the event with the others of this key (an order id): each endpoint gets the events
    /// of one key one at a time, in publish order. With --jsonl, the key of every line that
    /// carries no "ordering_key" of its own
    #[arg(long, value_name = "KEY")]
    ordering_key: Option<String>,
    /// The event's data, a JSON file; `-` or nothing reads standard input
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

/// `hookwire worker ...`
#[derive(Debug, Args)]
pub(crate) struct WorkerArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Attempts in flight at once in this worker
    #[arg(long, value_name = "N", default_value_t = 32,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    concurrency: u32,
    /// Seconds one attempt may take (connect, send, answer)
    #[arg(long, value_name = "SECS", default_value_t = 30, env = "HOOKWIRE_TIMEOUT",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// Seconds a claimed delivery stays this worker's; must exceed --timeout. A killed worker's
    /// deliveries are attempted again once it runs out [default: --timeout + 15]
    #[arg(long, value_name = "SECS", env = "HOOKWIRE_LEASE",
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    lease: Option<u64>,
    /// Milliseconds between looks for due work when nothing wakes the worker
    #[arg(long, value_name = "MS", default_value_t = 100, env = "HOOKWIRE_POLL_MS",
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    poll_ms: u64,
    /// Also trust the certificate authorities in this PEM file for https endpoints (beside the
    /// system's roots, which SSL_CERT_FILE replaces)
    #[arg(long, value_name = "FILE", env = "HOOKWIRE_CACERT")]
    cacert: Option<std::path::PathBuf>,
    /// Do not log failed attempts (each is logged to standard error by default: endpoint, status
    /// or error, next attempt)
    #[arg(long)]
    quiet: bool,
    /// Purge what was delivered or failed longer ago than this, every hour: `30d`, `12h`;
    /// `off` keeps everything
    #[arg(long, value_name = "DURATION", default_value = "30d")]
    retention: String,
    /// Serve Prometheus metrics at http://HOST:PORT/metrics (attempts by outcome, durations,
    /// pending deliveries and the oldest one's age per endpoint)
    #[arg(long, value_name = "HOST:PORT")]
    metrics: Option<std::net::SocketAddr>,
}

/// `hookwire outbox ...`
#[derive(Debug, Args)]
pub(crate) struct OutboxArgs {
    #[command(subcommand)]
    command: OutboxCommand,
}

#[derive(Debug, Subcommand)]
enum OutboxCommand {
    /// Deliveries by state and by endpoint
    Stats(StatsArgs),
    /// Schedule deliveries again now, with a fresh schedule; prints each id scheduled
    Retry(RetryArgs),
    /// Schedule an endpoint's failed deliveries again now; prints how many
    Recover(RecoverArgs),
    /// List deliveries (id, event, type, endpoint, state, attempts, next attempt or lease end)
    Deliveries(DeliveriesArgs),
    /// Print a delivery's attempt log: number, time, outcome, status, duration, excerpt
    Attempts(AttemptsArgs),
    /// Remove delivered and failed deliveries (and events left with none) older than a time;
    /// pending and held deliveries are never removed
    Purge(PurgeArgs),
}

/// `hookwire outbox purge`.
#[derive(Debug, Args)]
struct PurgeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Remove what ended before this time: RFC 3339, Unix seconds, or an age such as `30d`,
    /// `12h` or `90m`
    #[arg(
        long,
        value_name = "TIME",
        required_unless_present = "older_than",
        conflicts_with = "older_than"
    )]
    before: Option<String>,
    /// Remove what ended longer ago than this: `30d`, `12h`, `90m`, `45s`
    #[arg(long, value_name = "DURATION")]
    older_than: Option<String>,
    /// Print {"deliveries": N, "events": N}
    #[arg(long)]
    json: bool,
}

/// `hookwire outbox deliveries`: one page, in id order.
#[derive(Debug, Args)]
struct DeliveriesArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Only this state: pending, in_flight, delivered, failed or disabled
    #[arg(long, value_name = "STATE")]
    state: Option<String>,
    /// Only this endpoint's
    #[arg(long, value_name = "ID")]
    endpoint: Option<i64>,
    /// Only this event's
    #[arg(long, value_name = "EVENT_ID")]
    event: Option<String>,
    /// At most this many (1 to 1000)
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    limit: u32,
    /// The page after this delivery id (the last one printed)
    #[arg(long, value_name = "ID")]
    after: Option<i64>,
    /// Print a JSON array
    #[arg(long)]
    json: bool,
}

/// `hookwire outbox attempts`.
#[derive(Debug, Args)]
struct AttemptsArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The delivery's id
    #[arg(value_name = "ID")]
    id: i64,
    /// Print a JSON array
    #[arg(long)]
    json: bool,
}

/// `hookwire outbox retry`: also lifts each endpoint's pause and closes its circuit breaker.
#[derive(Debug, Args)]
struct RetryArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The delivery ids (not in flight)
    #[arg(value_name = "ID", required = true)]
    ids: Vec<i64>,
    /// Print {"retried": [ids], "refused": [ids]}
    #[arg(long)]
    json: bool,
}

/// `hookwire outbox recover`: also lifts the endpoint's pause and closes its circuit breaker.
#[derive(Debug, Args)]
struct RecoverArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The endpoint's id
    #[arg(long, value_name = "ID")]
    endpoint: i64,
    /// Only deliveries created at or after this time: RFC 3339 or Unix seconds [default: all]
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Print {"endpoint": ID, "recovered": N}
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct StatsArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Print {"states": {...}, "endpoints": [...]} as JSON
    #[arg(long)]
    json: bool,
}

/// Writes `text` to standard output; a closed pipe (`| head`) is not an error.
pub(crate) fn print(text: &str) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::failed(format!(
            "cannot write to standard output: {e}"
        ))),
        _ => Ok(()),
    }
}

/// Runs `hookwire endpoint ...`.
pub(crate) fn endpoint(args: EndpointArgs) -> Result<ExitCode, CliError> {
    match args.command {
        EndpointCommand::Add(args) => endpoint::add(args),
        EndpointCommand::List(args) => endpoint::list(args),
        EndpointCommand::Update(args) => manage::update(args),
        EndpointCommand::Enable(args) => manage::set_enabled(args, true),
        EndpointCommand::Disable(args) => manage::set_enabled(args, false),
        EndpointCommand::Delete(args) => manage::delete(args),
        EndpointCommand::RotateSecret(args) => manage::rotate_secret(args),
    }
}

/// Runs `hookwire publish ...`.
pub(crate) fn publish(args: PublishArgs) -> Result<ExitCode, CliError> {
    publish::run(args)
}

/// Runs `hookwire worker ...`.
pub(crate) fn worker(args: WorkerArgs) -> Result<ExitCode, CliError> {
    worker::run(args)
}

/// Runs `hookwire outbox ...`.
pub(crate) fn outbox(args: OutboxArgs) -> Result<ExitCode, CliError> {
    match args.command {
        OutboxCommand::Stats(args) => stats::run(args),
        OutboxCommand::Retry(args) => operate::retry(args),
        OutboxCommand::Recover(args) => operate::recover(args),
        OutboxCommand::Purge(args) => operate::purge(args),
        OutboxCommand::Deliveries(args) => inspect::deliveries(args),
        OutboxCommand::Attempts(args) => inspect::attempts(args),
    }
}
