//! `hookwire`: sign, verify, send and receive webhooks locally, for every scheme hookwire knows.
//!
//! This file holds only the command-line definitions and the dispatch; each command lives in
//! its own module. Exit codes: 0 success, 1 a signature that does not verify, a delivery that
//! failed or a breaking schema change (`diff`), 2 a usage error (bad arguments, an unreadable file, a malformed secret).

/// `print!` to standard output that never panics: a reader that went away (`hookwire ... |
/// head -1`) ends the output quietly, as in other command-line tools; any other write error is
/// reported on standard error.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::write_out(format_args!($($arg)*), false)
    };
}

/// `println!` to standard output that never panics (see `out!`).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::write_out(format_args!($($arg)*), true)
    };
}

mod diff;
mod durable;
mod error;
mod example;
mod generate;
mod inbox;
mod input;
mod listen;
mod migrate;
mod random;
mod scheme;
mod secret;
mod send;
mod set;
mod sign;
mod tls;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::error::CliError;
use crate::scheme::SchemeName;

/// Sign, verify, send and receive webhooks locally: Standard Webhooks, Stripe, GitHub, Shopify
/// and Slack signatures, offline.
#[derive(Debug, Parser)]
#[command(name = "hookwire", version, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 success, 1 invalid signature, failed delivery or breaking \
                        schema change (diff), 2 usage error.\n\nRun `hookwire <command> --help` for examples."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign a body and print the signature headers
    #[command(after_help = SIGN_EXAMPLES)]
    Sign(SignArgs),
    /// Verify a body against its signature headers (exit 0 valid, 1 invalid)
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Sign a file and POST it, with retries, then print the delivery report
    #[command(after_help = SEND_EXAMPLES)]
    Send(SendArgs),
    /// Receive webhooks on 127.0.0.1, verify each one and print it
    #[command(after_help = LISTEN_EXAMPLES)]
    Listen(ListenArgs),
    /// Generate a new secret (or an Ed25519 key pair) in the scheme's format
    #[command(after_help = SECRET_EXAMPLES)]
    Secret(SecretArgs),
    /// Generate Rust types with hookwire's derives from a provider's OpenAPI or JSON Schemas
    #[command(after_help = generate::EXAMPLES)]
    Generate(generate::GenerateArgs),
    /// Add or list applications: your customers, each with its own endpoints and events
    #[command(after_help = durable::app::APP_EXAMPLES)]
    App(durable::app::AppArgs),
    /// Run the Svix-compatible operator API, the customer portal and outbox workers
    #[command(after_help = durable::server::SERVER_EXAMPLES)]
    Server(durable::server::ServerArgs),
    /// Add or list the durable outbox's endpoints
    #[command(after_help = durable::ENDPOINT_EXAMPLES)]
    Endpoint(durable::EndpointArgs),
    /// Publish events to the durable outbox (fanned out to subscribed endpoints)
    #[command(after_help = durable::PUBLISH_EXAMPLES)]
    Publish(durable::PublishArgs),
    /// Deliver the outbox's deliveries until SIGINT or SIGTERM
    #[command(after_help = durable::WORKER_EXAMPLES)]
    Worker(durable::WorkerArgs),
    /// Inspect the durable outbox
    #[command(after_help = durable::OUTBOX_EXAMPLES)]
    Outbox(durable::OutboxArgs),
    /// Print an example payload (the event's data) from a description's schema
    #[command(after_help = example::EXAMPLE_EXAMPLES)]
    Example(example::ExampleArgs),
    /// Make an event's payload from its schema and send it (--url) or publish it (--db)
    #[command(after_help = example::TRIGGER_EXAMPLES)]
    Trigger(example::TriggerArgs),
    /// The changes between two versions of the event schemas, with who each one breaks
    /// (exit 0 compatible, 1 breaking)
    #[command(after_help = diff::EXAMPLES)]
    Diff(diff::DiffArgs),
    /// Inspect a receiver's durable inbox: counts, dead letters, and retrying them
    #[command(after_help = inbox::INBOX_EXAMPLES)]
    Inbox(inbox::InboxArgs),
    /// Bring a SQLite or PostgreSQL database to this build's schema, or list its migrations
    /// (exit 1 with --status while some are pending)
    #[command(after_help = migrate::MIGRATE_EXAMPLES)]
    Migrate(migrate::MigrateArgs),
}

const SIGN_EXAMPLES: &str = "\
Examples:
  hookwire sign --scheme standard --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw event.json
  echo -n 'Hello, World!' | hookwire sign --scheme github --secret \"It's a Secret to Everybody\"
  hookwire sign --scheme stripe --secret whsec_test --timestamp 1700000000 --json event.json";

const VERIFY_EXAMPLES: &str = "\
Examples:
  hookwire verify --scheme github --secret \"It's a Secret to Everybody\" \\
      --header 'X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' \\
      hello.txt
  hookwire sign --secret \"$SECRET\" event.json > headers.txt
  hookwire verify --secret \"$SECRET\" --headers headers.txt event.json
  hookwire verify --secret \"$NEW\" --secret \"$OLD\" --headers headers.txt --json event.json";

const SEND_EXAMPLES: &str = "\
Examples:
  hookwire send --secret \"$SECRET\" --url http://127.0.0.1:8080/webhooks --type order.shipped order.json
  hookwire send --scheme github --secret \"$SECRET\" --type push --url http://127.0.0.1:8080/ push.json
  hookwire send --secret \"$SECRET\" --url http://127.0.0.1:8080/ --attempts 1 --json envelope.json
  hookwire send --secret \"$SECRET\" --url http://127.0.0.1:8080/ --stop-on 404,422 --type a.b event.json";

const LISTEN_EXAMPLES: &str = "\
Examples:
  hookwire listen --port 8080 --secret \"$SECRET\"
  hookwire listen --port 0 --scheme stripe --secret whsec_test --count 1 --json
The first line printed is `listening on http://127.0.0.1:<port>`. Stop with Ctrl-C.";

const SECRET_EXAMPLES: &str = "\
Examples:
  hookwire secret                       # whsec_... for Standard Webhooks (v1, HMAC-SHA256)
  hookwire secret --scheme standard --ed25519   # whsk_... then its whpk_... public key (v1a)
  hookwire secret --scheme slack --json";

/// The scheme and its secrets, shared by the commands that sign or verify.
#[derive(Debug, Args)]
struct KeyArgs {
    /// The signature scheme
    #[arg(long, value_enum, default_value_t = SchemeName::Standard)]
    scheme: SchemeName,
    /// The secret; repeat it to verify with any of several (rotation) or to sign with each
    /// (Standard Webhooks). Prefer HOOKWIRE_SECRET: command lines are visible to other users
    #[arg(
        long = "secret",
        value_name = "SECRET",
        env = "HOOKWIRE_SECRET",
        hide_env_values = true,
        required = true
    )]
    secrets: Vec<String>,
}

/// How far a signed timestamp may be from the clock.
#[derive(Debug, Args)]
struct ToleranceArgs {
    /// Accept timestamps up to SECS away from now [default: the scheme's, 300]
    #[arg(long, value_name = "SECS")]
    tolerance: Option<u64>,
    /// Check the signature but not its timestamp (replaying stored deliveries)
    #[arg(long, conflicts_with = "tolerance")]
    no_timestamp_check: bool,
}

#[derive(Debug, Args)]
struct SignArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// The delivery id, for schemes that send one [default: a new random id]
    #[arg(long)]
    id: Option<String>,
    /// The signed timestamp, in seconds since the Unix epoch [default: now]
    #[arg(long, value_name = "UNIX_SECONDS")]
    timestamp: Option<i64>,
    /// Print a JSON object instead of `Name: value` lines
    #[arg(long)]
    json: bool,
    /// The body to sign, read as raw bytes; `-` or nothing reads standard input
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// A request header, `Name: value`; repeat for each header
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// A file of `Name: value` lines (the output of `hookwire sign`, or a header dump)
    #[arg(long = "headers", value_name = "FILE")]
    headers_file: Option<PathBuf>,
    /// Verify as if the time were this, in seconds since the Unix epoch [default: now]
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<i64>,
    #[command(flatten)]
    tolerance: ToleranceArgs,
    /// Print the verdict as JSON on standard output
    #[arg(long)]
    json: bool,
    /// The body, read as raw bytes; `-` or nothing reads standard input
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct SendArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// The endpoint, an http:// or https:// URL
    #[arg(long)]
    url: String,
    /// Also trust the certificate authorities in this PEM file (beside the system's roots,
    /// which SSL_CERT_FILE replaces)
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// Wrap the file as the event of this type: the Standard Webhooks envelope
    /// {type, timestamp, data} or a Stripe event; for github and shopify, the event header.
    /// Without it the file is sent as is
    #[arg(long = "type", value_name = "EVENT")]
    event_type: Option<String>,
    /// The delivery id [default: a new msg_... id]
    #[arg(long)]
    id: Option<String>,
    /// Attempts in all, the first one included
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    attempts: u32,
    /// Seconds before the first retry; each next one waits twice as long (at most 60)
    #[arg(long, value_name = "SECS", default_value_t = 1)]
    retry_delay: u64,
    /// Seconds each attempt may take
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    timeout: u64,
    /// Statuses (300 to 599) that end the delivery at once instead of being retried, e.g.
    /// `--stop-on 404,422`; repeatable. `410` always stops
    #[arg(
        long,
        value_name = "STATUS",
        value_delimiter = ',',
        value_parser = clap::value_parser!(u16).range(300..=599)
    )]
    stop_on: Vec<u16>,
    /// Print the delivery report as JSON
    #[arg(long)]
    json: bool,
    /// The body to send; `-` reads standard input
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

#[derive(Debug, Args)]
struct ListenArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// The port on 127.0.0.1; 0 picks a free one
    #[arg(long, short, default_value_t = 8080)]
    port: u16,
    /// The largest body accepted, in bytes (larger ones get 413)
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    max_body: usize,
    #[command(flatten)]
    tolerance: ToleranceArgs,
    /// Exit after this many requests
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Print one JSON object per request instead of text
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SecretArgs {
    /// The scheme whose secret format to use
    #[arg(long, value_enum, default_value_t = SchemeName::Standard)]
    scheme: SchemeName,
    /// An Ed25519 signing key (whsk_) and its public key (whpk_), for Standard Webhooks v1a
    #[arg(long)]
    ed25519: bool,
    /// Print a JSON object
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(args) => sign::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Send(args) => send::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Secret(args) => secret::run(args),
        Command::Generate(args) => generate::run(args),
        Command::App(args) => durable::app::run(args),
        Command::Server(args) => durable::server::run(args),
        Command::Endpoint(args) => durable::endpoint(args),
        Command::Publish(args) => durable::publish(args),
        Command::Worker(args) => durable::worker(args),
        Command::Outbox(args) => durable::outbox(args),
        Command::Inbox(args) => inbox::run(args),
        Command::Migrate(args) => migrate::run(args),
        Command::Example(args) => example::example(args),
        Command::Trigger(args) => example::trigger(args),
        Command::Diff(args) => diff::run(args),
    };
    result.unwrap_or_else(CliError::report)
}

/// Writes to standard output for `out!` and `outln!`, ignoring a closed pipe.
fn write_out(text: std::fmt::Arguments<'_>, newline: bool) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_fmt(text)
        .and_then(|()| {
            if newline {
                stdout.write_all(b"\n")
            } else {
                Ok(())
            }
        })
        .and_then(|()| stdout.flush());
    if let Err(error) = written
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write to standard output: {error}");
    }
}
