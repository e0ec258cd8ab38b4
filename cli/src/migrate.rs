//! `hookwire migrate --db URL [--status] [--json]`: bring a database to this build's schema
//! ahead of a deployment, or list which migrations it has. The stores migrate on first use
//! anyway; this runs the same line (`runtime/src/{sqlite,postgres}/migrations/`) on its own.

use std::process::ExitCode;

use clap::Args;
use hookwire::{BackendError, Migration};

use crate::durable::print;
use crate::error::CliError;

pub(crate) const MIGRATE_EXAMPLES: &str = "\
Examples:
  hookwire migrate --db sqlite://app.db --status
  hookwire migrate --db postgres://postgres@127.0.0.1/app
  hookwire migrate --db 'postgres://app@db/app?options=-csearch_path%3Dhooks' --json
The outbox, the inbox and the duplicate store share one line per database; each runs it when
opened, so this is for migrating before the new version starts (or checking what it would do).";

/// `hookwire migrate ...`
#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    /// The database: sqlite://PATH or postgres://USER@HOST/DB (Redis has no schema)
    #[arg(long, value_name = "URL", env = "HOOKWIRE_DB")]
    db: String,
    /// List every migration, applied (when) or pending, and change nothing
    #[arg(long)]
    status: bool,
    /// One JSON object per migration: version, name, applied_at (null while pending) and
    /// state (`applied`, `applied now` or `pending`)
    #[arg(long)]
    json: bool,
}

/// An opened database: its line, listed or applied.
enum Database {
    Sqlite(hookwire::sqlite::SqliteStore),
    Postgres(hookwire::postgres::PgStore),
}

impl Database {
    async fn open(url: &str) -> Result<Self, CliError> {
        let opened = if url.starts_with("sqlite:") {
            hookwire::sqlite::SqliteStore::open_unmigrated(url)
                .await
                .map(Database::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            hookwire::postgres::PgStore::open_unmigrated(url)
                .await
                .map(Database::Postgres)
        } else {
            return Err(CliError::usage(format!(
                "--db must be sqlite://PATH or postgres://..., not `{}`",
                hookwire::redact_url(url)
            )));
        };
        opened.map_err(|e| CliError::failed(format!("cannot open the database: {e}")))
    }

    async fn migrations(&self) -> Result<Vec<Migration>, BackendError> {
        match self {
            Database::Sqlite(db) => db.migrations().await,
            Database::Postgres(db) => db.migrations().await,
        }
    }

    async fn migrate(&self) -> Result<Vec<Migration>, BackendError> {
        match self {
            Database::Sqlite(db) => db.migrate().await,
            Database::Postgres(db) => db.migrate().await,
        }
    }
}

/// Runs `hookwire migrate`: exit 0 when the database is (or, with `--status`, already was)
/// at this build's latest version; `--status` exits 1 while migrations are pending.
pub(crate) fn run(args: MigrateArgs) -> Result<ExitCode, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failed(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let db = Database::open(&args.db).await?;
        let failed = |e: BackendError| CliError::failed(format!("migration: {e}"));
        let applied_now = if args.status {
            Vec::new()
        } else {
            db.migrate().await.map_err(failed)?
        };
        let line = db.migrations().await.map_err(failed)?;
        print(&render(&line, &applied_now, args.json))?;
        let pending = line.iter().any(|m| m.applied_at.is_none());
        Ok(if pending {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
}

/// The line as text (one migration a line) or JSON (one object a line).
fn render(line: &[Migration], applied_now: &[Migration], json: bool) -> String {
    let mut text = String::new();
    for migration in line {
        let now = applied_now.iter().any(|m| m.version == migration.version);
        let state = match (&migration.applied_at, now) {
            (None, _) => "pending",
            (Some(_), true) => "applied now",
            (Some(_), false) => "applied",
        };
        let at = migration.applied_at.map(|at| at.to_string());
        if json {
            let object = serde_json::json!({
                "version": migration.version,
                "name": migration.name,
                "applied_at": at,
                "state": state,
            });
            text.push_str(&format!("{object}\n"));
        } else {
            let at = at.map(|at| format!(" ({at})")).unwrap_or_default();
            text.push_str(&format!(
                "{:04} {:<16} {state}{at}\n",
                migration.version, migration.name
            ));
        }
    }
    text
}
