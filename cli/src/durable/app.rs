//! `hookwire app add|list`, and `--app ID_OR_UID` as the other commands resolve it.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use hookwire::outbox::{AppId, Application, ApplicationStore, NewApplication};
use hookwire::platform::{app_id_of, parse_app_id};

use super::db::{self, OnStore};
use super::{DbArgs, print};
use crate::error::CliError;

pub(crate) const APP_EXAMPLES: &str = "\
Examples:
  hookwire app add --db sqlite://outbox.db --name 'Acme Shoes' --uid merchant-42
  hookwire app list --db sqlite://outbox.db --json
  hookwire endpoint add --db sqlite://outbox.db --app merchant-42 --url https://acme.example/hooks --secret \"$SECRET\"
  hookwire publish --db sqlite://outbox.db --app merchant-42 --type order.created order.json
An application is one customer of yours: its endpoints receive only the events published for it.
--app takes its id (as the API writes it, app_..., or the number) or its uid.";

/// `hookwire app ...`
#[derive(Debug, Args)]
pub(crate) struct AppArgs {
    #[command(subcommand)]
    command: AppCommand,
}

#[derive(Debug, Subcommand)]
enum AppCommand {
    /// Add an application (a customer: its endpoints receive only its events); prints its id
    /// (app_..., as the operator API and Svix's clients name it)
    Add(AppAddArgs),
    /// List the applications: id, uid (or -), name
    List(AppListArgs),
}

#[derive(Debug, Args)]
struct AppAddArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Its name, for people
    #[arg(long)]
    name: String,
    /// Your id for it (a merchant id): 1 to 256 of A-Z a-z 0-9 - _ .
    #[arg(long)]
    uid: Option<String>,
    /// Print the application as a JSON object
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct AppListArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Print a JSON array
    #[arg(long)]
    json: bool,
}

/// Runs `hookwire app ...`.
pub(crate) fn run(args: AppArgs) -> Result<ExitCode, CliError> {
    match args.command {
        AppCommand::Add(args) => add(args),
        AppCommand::List(args) => list(args),
    }
}

struct Add(NewApplication);

impl OnStore for Add {
    type Output = Application;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        store.add_application(&self.0).await.map_err(db::failed)
    }
}

fn add(args: AppAddArgs) -> Result<ExitCode, CliError> {
    let mut new = NewApplication::new(args.name);
    new.uid = args.uid;
    new.validate().map_err(db::failed)?;
    let app = db::run(&args.db.db, 0, Add(new))?;
    if args.json {
        print(&format!("{}\n", json(&public(&app))?))?;
    } else {
        print(&format!("{}\n", app_id_of(app.id)))?;
    }
    Ok(ExitCode::SUCCESS)
}

struct List;

impl OnStore for List {
    type Output = Vec<Application>;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let mut all = Vec::new();
        loop {
            let after = all.last().map(|app: &Application| app.id);
            let page = store.applications(after, 1000).await.map_err(db::failed)?;
            let full = page.len() == 1000;
            all.extend(page);
            if !full {
                return Ok(all);
            }
        }
    }
}

fn list(args: AppListArgs) -> Result<ExitCode, CliError> {
    let apps = db::run(&args.db.db, 0, List)?;
    if args.json {
        let apps: Vec<serde_json::Value> = apps.iter().map(public).collect();
        print(&format!("{}\n", json(&apps)?))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for app in &apps {
        let uid = app.uid.as_deref().unwrap_or("-");
        text.push_str(&format!("{}\t{uid}\t{}\n", app_id_of(app.id), app.name));
    }
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// An application as printed: its fields, with the id the operator API uses.
fn public(app: &Application) -> serde_json::Value {
    let mut value = serde_json::to_value(app).unwrap_or_default();
    value["id"] = serde_json::Value::String(app_id_of(app.id));
    value
}

fn json(value: &impl serde::Serialize) -> Result<String, CliError> {
    serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failed(format!("cannot print the applications: {e}")))
}

/// The application `--app` names: its id (`app_...` as the API writes it, or the number) or its
/// uid. A missing one fails the command (exit 1) before anything is written.
pub(crate) async fn resolve<S: ApplicationStore>(store: &S, text: &str) -> Result<AppId, CliError> {
    let id = parse_app_id(text)
        .map(|id| id.0)
        .or_else(|| text.parse::<i64>().ok());
    let found = match id {
        Some(id) => store.application(AppId(id)).await,
        None => store.application_by_uid(text).await,
    }
    .map_err(db::failed)?;
    match found {
        Some(app) => Ok(app.id),
        None => Err(CliError::failed(format!(
            "no application `{}` (by id or uid); `hookwire app list` shows them",
            text.escape_default()
        ))),
    }
}
