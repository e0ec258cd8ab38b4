//! `hookwire endpoint update|enable|disable|delete|rotate-secret`: what the operator API does to
//! an endpoint, from the command line. Each prints the endpoint as `endpoint list` does (one
//! line, or a JSON object with `--json`); a missing endpoint exits 1.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use hookwire::outbox::{
    ApplicationStore, EndpointId, NewEndpoint, OutboxStore, Secrets, WebhookEndpoint,
};
use hookwire::signature::StandardKey;

use super::db::{self, OnStore};
use super::endpoint::{endpoint_line, parse_types, refuse_private_literal};
use super::operate::span_seconds;
use super::{DbArgs, print};
use crate::error::CliError;

#[derive(Debug, Args)]
pub(super) struct EndpointUpdateArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The endpoint's id
    id: i64,
    /// A new URL
    #[arg(long)]
    url: Option<String>,
    /// Replace the signing secrets (repeat for several, newest first)
    #[arg(long = "secret", value_name = "SECRET")]
    secrets: Vec<String>,
    /// Replace the subscribed event types: exact names or prefixes such as 'order.*'
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    types: Option<Vec<String>>,
    /// Subscribe to every event type
    #[arg(long)]
    all_types: bool,
    /// Allow loopback, private and link-local destinations
    #[arg(long)]
    allow_private: bool,
    /// Refuse loopback, private and link-local destinations again
    #[arg(long)]
    deny_private: bool,
    /// Attempts to this endpoint in flight at once, across all workers
    #[arg(long, value_name = "N")]
    max_in_flight: Option<u32>,
    /// Attempts started per second at most, across all workers
    #[arg(long, value_name = "N", conflicts_with = "no_rate")]
    rate: Option<u32>,
    /// No rate limit
    #[arg(long)]
    no_rate: bool,
    /// A description
    #[arg(long)]
    description: Option<String>,
    /// Print the endpoint as a JSON object
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(super) struct EndpointIdArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The endpoint's id
    id: i64,
    /// Print JSON: the endpoint as an object ({"id": N, "deleted": true} for delete)
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(super) struct RotateSecretArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The endpoint's id
    id: i64,
    /// The new secret (whsec_...) [default: a new random one]
    #[arg(long)]
    secret: Option<String>,
    /// How long the previous secrets keep signing beside the new one, so receivers can switch
    /// without losing a delivery: `24h`, `90m`, `7d`; `0s` drops them at once
    #[arg(long, value_name = "SPAN", default_value = "24h")]
    overlap: String,
    /// Print {"id": N, "secret": "...", "signing_secrets": N, "previous_until": TIME or null}
    #[arg(long)]
    json: bool,
}

/// How an endpoint's settings change; `None` keeps the stored value.
#[derive(Debug, Default)]
struct Change {
    url: Option<String>,
    secrets: Option<Vec<String>>,
    types: Option<Vec<hookwire::outbox::TypeFilter>>,
    allow_private: Option<bool>,
    max_in_flight: Option<u32>,
    rate: Option<Option<u32>>,
    description: Option<String>,
}

/// The stored endpoint with `change` applied, as the store takes it.
fn changed(stored: &WebhookEndpoint, change: Change) -> NewEndpoint {
    let mut new = stored.settings();
    if let Some(url) = change.url {
        new.url = url;
    }
    if let Some(secrets) = change.secrets {
        new.secrets = Secrets::new(secrets);
    }
    new.types = change.types.unwrap_or_else(|| stored.types.clone());
    new.allow_private = change.allow_private.unwrap_or(stored.allow_private);
    new.max_in_flight = change.max_in_flight.unwrap_or(stored.max_in_flight);
    new.rate_per_second = change.rate.unwrap_or(stored.rate_per_second);
    new.description = change
        .description
        .unwrap_or_else(|| stored.description.clone());
    new
}

fn not_found(id: EndpointId) -> CliError {
    CliError::failed(format!("no endpoint {id}"))
}

/// Reads endpoint `id`, or says there is none.
async fn stored<S: OutboxStore>(store: &S, id: EndpointId) -> Result<WebhookEndpoint, CliError> {
    store
        .endpoint(id)
        .await
        .map_err(db::failed)?
        .ok_or_else(|| not_found(id))
}

/// What one command does to the endpoint.
enum Action {
    Update(Change),
    Enable(bool),
    Rotate { secret: String, overlap: Duration },
}

struct Apply(EndpointId, Action);

impl OnStore for Apply {
    type Output = WebhookEndpoint;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let Apply(id, action) = self;
        let before = stored(&store, id).await?;
        match action {
            Action::Update(change) => {
                let new = changed(&before, change);
                new.validate().map_err(db::failed)?;
                store.update_endpoint(id, &new).await.map_err(db::failed)?;
            }
            Action::Enable(enabled) => store.set_enabled(id, enabled).await.map_err(db::failed)?,
            Action::Rotate { secret, overlap } => {
                let mut new = changed(&before, Change::default());
                new.secrets = before.secrets.rotate(secret, store.now(), overlap);
                new.validate().map_err(db::failed)?;
                store.update_endpoint(id, &new).await.map_err(db::failed)?;
            }
        }
        stored(&store, id).await
    }
}

/// Prints `endpoint` as `endpoint list` does, or as a JSON object.
fn show(endpoint: &WebhookEndpoint, json: bool) -> Result<ExitCode, CliError> {
    let text = if json {
        serde_json::to_string_pretty(endpoint)
            .map_err(|e| CliError::failed(format!("cannot print the endpoint: {e}")))?
    } else {
        endpoint_line(endpoint, hookwire::Timestamp::now().unix_seconds())
    };
    print(&format!("{text}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// `hookwire endpoint update ID ...`: changes only what is given.
pub(crate) fn update(args: EndpointUpdateArgs) -> Result<ExitCode, CliError> {
    let types = match (&args.types, args.all_types) {
        (Some(_), true) => {
            return Err(CliError::usage(
                "--types and --all-types exclude each other",
            ));
        }
        (Some(types), false) => Some(parse_types(types)?),
        (None, true) => Some(Vec::new()),
        (None, false) => None,
    };
    let allow_private = match (args.allow_private, args.deny_private) {
        (true, true) => {
            return Err(CliError::usage(
                "--allow-private and --deny-private exclude each other",
            ));
        }
        (true, false) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    };
    if let Some(url) = &args.url
        && allow_private != Some(true)
    {
        refuse_private_literal(url)?;
    }
    let change = Change {
        url: args.url,
        secrets: (!args.secrets.is_empty()).then_some(args.secrets),
        types,
        allow_private,
        max_in_flight: args.max_in_flight,
        rate: if args.no_rate {
            Some(None)
        } else {
            args.rate.map(Some)
        },
        description: args.description,
    };
    let endpoint = db::run(
        &args.db.db,
        0,
        Apply(EndpointId(args.id), Action::Update(change)),
    )?;
    show(&endpoint, args.json)
}

/// `hookwire endpoint enable|disable ID`.
pub(crate) fn set_enabled(args: EndpointIdArgs, enabled: bool) -> Result<ExitCode, CliError> {
    let endpoint = db::run(
        &args.db.db,
        0,
        Apply(EndpointId(args.id), Action::Enable(enabled)),
    )?;
    show(&endpoint, args.json)
}

/// `hookwire endpoint rotate-secret ID`: a new secret first, the previous ones signing beside it
/// for `--overlap` (24 hours, as Svix does), and prints the new secret: the receiver's new
/// configuration.
pub(crate) fn rotate_secret(args: RotateSecretArgs) -> Result<ExitCode, CliError> {
    let secret = match args.secret {
        Some(secret) => secret,
        None => {
            let generated =
                StandardKey::generate_hmac_secret().map_err(crate::secret::no_random)?;
            crate::secret::text(&generated)?
        }
    };
    let overlap = span_seconds(&args.overlap).ok_or_else(|| {
        CliError::usage(format!(
            "--overlap takes a span such as 24h, 90m or 7d, not `{}`",
            args.overlap
        ))
    })?;
    let action = Action::Rotate {
        secret: secret.clone(),
        overlap: Duration::from_secs(overlap.unsigned_abs()),
    };
    let endpoint = db::run(&args.db.db, 0, Apply(EndpointId(args.id), action))?;
    let previous_until = endpoint.secrets.expires_at().iter().skip(1).flatten().max();
    let text = if args.json {
        serde_json::json!({
            "id": endpoint.id,
            "secret": secret,
            "signing_secrets": endpoint.secrets.expose().len(),
            "previous_until": previous_until.map(|&at| hookwire::Timestamp::from_unix(at).to_string()),
        })
        .to_string()
    } else {
        secret
    };
    print(&format!("{text}\n"))?;
    Ok(ExitCode::SUCCESS)
}

struct Delete(EndpointId);

impl OnStore for Delete {
    type Output = bool;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        store.delete_endpoint(self.0).await.map_err(db::failed)
    }
}

/// `hookwire endpoint delete ID`: the endpoint, its deliveries and their attempt log.
pub(crate) fn delete(args: EndpointIdArgs) -> Result<ExitCode, CliError> {
    let id = EndpointId(args.id);
    if !db::run(&args.db.db, 0, Delete(id))? {
        return Err(not_found(id));
    }
    let text = if args.json {
        serde_json::json!({ "id": id, "deleted": true }).to_string()
    } else {
        format!("deleted endpoint {id}")
    };
    print(&format!("{text}\n"))?;
    Ok(ExitCode::SUCCESS)
}
