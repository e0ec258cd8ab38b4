//! `hookwire inbox stats|dead|retry`: a receiver's durable inbox from the command line, for
//! operators looking at what waits, what failed for good, and putting dead letters back.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use hookwire::Timestamp;
use hookwire::inbox::{DeadLetter, InboxStore};

use crate::durable::print;
use crate::error::CliError;

pub(crate) const INBOX_EXAMPLES: &str = "\
Examples:
  hookwire inbox stats --inbox sqlite://receiver.db --queue shop --json
  hookwire inbox dead --inbox postgres://postgres@127.0.0.1/app --queue shop
  hookwire inbox retry --inbox redis://127.0.0.1:6379 --queue shop msg_2mT4kXrN
  hookwire inbox retry --inbox sqlite://receiver.db --queue shop --all
The queue is the name the receiver was given (`Receiver::inbox(store, \"shop\")`).";

/// `hookwire inbox ...`
#[derive(Debug, Args)]
pub(crate) struct InboxArgs {
    #[command(subcommand)]
    command: InboxCommand,
}

#[derive(Debug, Subcommand)]
enum InboxCommand {
    /// Count the queue's deliveries by state: waiting, running, done, dead
    Stats(StatsArgs),
    /// List the dead letters: deliveries whose handler kept failing, or whose runs never
    /// recorded a result as often as their schedule allows (with the reason)
    Dead(DeadArgs),
    /// Put dead letters back, due now as a first attempt
    Retry(RetryArgs),
}

/// Which inbox and queue.
#[derive(Debug, Args)]
struct Target {
    /// The inbox: sqlite://PATH, postgres://USER@HOST/DB or redis://HOST:PORT
    #[arg(long, value_name = "URL", env = "HOOKWIRE_INBOX")]
    inbox: String,
    /// The receiver's queue name
    #[arg(long)]
    queue: String,
}

#[derive(Debug, Args)]
struct StatsArgs {
    #[command(flatten)]
    target: Target,
    /// Print `{"waiting": N, "running": N, "done": N, "dead": N}`
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct DeadArgs {
    #[command(flatten)]
    target: Target,
    /// At most this many, oldest failure first
    #[arg(long, default_value_t = 100)]
    limit: usize,
    /// One JSON object per line: id, type, attempts, error, received_at, failed_at
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct RetryArgs {
    #[command(flatten)]
    target: Target,
    /// Every dead letter of the queue
    #[arg(long, conflicts_with = "ids")]
    all: bool,
    /// The delivery ids to put back
    #[arg(value_name = "ID", required_unless_present = "all")]
    ids: Vec<String>,
}

/// Runs `hookwire inbox ...`.
pub(crate) fn run(args: InboxArgs) -> Result<ExitCode, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failed(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        match args.command {
            InboxCommand::Stats(args) => stats(args).await,
            InboxCommand::Dead(args) => dead(args).await,
            InboxCommand::Retry(args) => retry(args).await,
        }
    })
}

async fn open(target: &Target) -> Result<std::sync::Arc<dyn InboxStore>, CliError> {
    hookwire::open::inbox(&target.inbox)
        .await
        .map_err(|e| CliError::usage(format!("cannot open the inbox: {e}")))
}

fn failed(error: hookwire::inbox::InboxError) -> CliError {
    CliError::failed(error)
}

async fn stats(args: StatsArgs) -> Result<ExitCode, CliError> {
    let store = open(&args.target).await?;
    let stats = store.stats(&args.target.queue).await.map_err(failed)?;
    let text = if args.json {
        format!(
            "{}\n",
            serde_json::json!({
                "waiting": stats.waiting,
                "running": stats.running,
                "done": stats.done,
                "dead": stats.dead,
            })
        )
    } else {
        format!(
            "{:>9} {:>9} {:>9} {:>9}\n{:>9} {:>9} {:>9} {:>9}\n",
            "waiting",
            "running",
            "done",
            "dead",
            stats.waiting,
            stats.running,
            stats.done,
            stats.dead
        )
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn letter_json(letter: &DeadLetter) -> serde_json::Value {
    serde_json::json!({
        "id": letter.id,
        "type": letter.event_type,
        "attempts": letter.attempts,
        "error": letter.error,
        "received_at": letter.received_at.to_string(),
        "failed_at": letter.failed_at.to_string(),
    })
}

async fn dead(args: DeadArgs) -> Result<ExitCode, CliError> {
    let store = open(&args.target).await?;
    let letters = store
        .dead(&args.target.queue, args.limit)
        .await
        .map_err(failed)?;
    let mut text = String::new();
    if args.json {
        for letter in &letters {
            text.push_str(&format!("{}\n", letter_json(letter)));
        }
    } else if letters.is_empty() {
        text.push_str("no dead letters\n");
    } else {
        for letter in &letters {
            text.push_str(&format!(
                "{}  {}  {} attempts  failed {}: {}\n",
                letter.id, letter.event_type, letter.attempts, letter.failed_at, letter.error
            ));
        }
    }
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints each id put back; exits 1 when an id named was not a dead letter.
async fn retry(args: RetryArgs) -> Result<ExitCode, CliError> {
    let store = open(&args.target).await?;
    let queue = &args.target.queue;
    let ids = if args.all {
        let mut ids = Vec::new();
        loop {
            let letters = store.dead(queue, 1_000).await.map_err(failed)?;
            if letters.is_empty() {
                break;
            }
            for letter in letters {
                if store
                    .revive(queue, &letter.id, Timestamp::now())
                    .await
                    .map_err(failed)?
                {
                    ids.push(letter.id);
                }
            }
        }
        print(&ids.iter().map(|id| format!("{id}\n")).collect::<String>())?;
        return Ok(ExitCode::SUCCESS);
    } else {
        args.ids
    };
    let mut missing = Vec::new();
    let mut text = String::new();
    for id in ids {
        if store
            .revive(queue, &id, Timestamp::now())
            .await
            .map_err(failed)?
        {
            text.push_str(&format!("{id}\n"));
        } else {
            missing.push(id);
        }
    }
    print(&text)?;
    if missing.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::failed(format!(
            "not dead letters of queue `{queue}`: {}",
            missing.join(", ")
        )))
    }
}
