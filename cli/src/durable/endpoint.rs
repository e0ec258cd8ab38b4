//! `hookwire endpoint add|list`.

use std::process::ExitCode;

use hookwire::Timestamp;
use hookwire::outbox::{NewEndpoint, OutboxStore, Secrets, TypeFilter, WebhookEndpoint};
use hookwire::ssrf::SsrfError;

use super::db::{self, OnStore};
use super::{EndpointAddArgs, EndpointListArgs, operate, print};
use crate::error::CliError;

struct Add(NewEndpoint);

impl OnStore for Add {
    type Output = hookwire::outbox::EndpointId;

    async fn run<S: OutboxStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        store.add_endpoint(&self.0).await.map_err(db::failed)
    }
}

/// Adds the endpoint and prints its id.
pub(crate) fn add(args: EndpointAddArgs) -> Result<ExitCode, CliError> {
    let first = args.secrets.first().cloned().unwrap_or_default();
    let mut endpoint = NewEndpoint::new(args.url, first).allow_private(args.allow_private);
    // Newest first: the worker signs with each during a rotation.
    endpoint.secrets = Secrets::new(args.secrets);
    let types = args
        .types
        .iter()
        .map(|text| text.trim().parse::<TypeFilter>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::usage(format!("--types: {e}")))?;
    endpoint = endpoint.types(types);
    if let Some(limit) = args.max_in_flight {
        endpoint = endpoint.max_in_flight(limit);
    }
    if let Some(rate) = args.rate {
        endpoint = endpoint.rate_per_second(rate);
    }
    endpoint.validate().map_err(db::failed)?;
    if !endpoint.allow_private {
        refuse_private_literal(&endpoint.url)?;
    }
    let id = db::run(&args.db.db, 0, Add(endpoint))?;
    print(&format!("{id}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// An IP-literal URL the worker would refuse: say so now, with the flag that allows it.
fn refuse_private_literal(url: &str) -> Result<(), CliError> {
    let Ok(parsed) = url.parse::<reqwest::Url>() else {
        return Ok(());
    };
    match hookwire::ssrf::check_url(&parsed) {
        Err(SsrfError::Refused { address, class, .. }) => Err(CliError::usage(format!(
            "{address} is a {class} address, which workers refuse to deliver to; pass \
             --allow-private to allow it (tests, internal endpoints)"
        ))),
        _ => Ok(()),
    }
}

struct List;

impl OnStore for List {
    type Output = Vec<WebhookEndpoint>;

    async fn run<S: OutboxStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let mut all = Vec::new();
        loop {
            let page = store
                .endpoints(all.last().map(|e: &WebhookEndpoint| e.id), 1000)
                .await
                .map_err(db::failed)?;
            let full = page.len() == 1000;
            all.extend(page);
            if !full {
                return Ok(all);
            }
        }
    }
}

/// Lists the endpoints: one line each (a fifth field `paused until ...` while it is paused), or
/// a JSON array with `--json`.
pub(crate) fn list(args: EndpointListArgs) -> Result<ExitCode, CliError> {
    let endpoints = db::run(&args.db.db, 0, List)?;
    let now = Timestamp::now().unix_seconds();
    if args.json {
        let text = serde_json::to_string_pretty(&endpoints)
            .map_err(|e| CliError::failed(format!("cannot print the endpoints: {e}")))?;
        print(&format!("{text}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for endpoint in &endpoints {
        let types = if endpoint.types.is_empty() {
            "*".to_owned()
        } else {
            endpoint
                .types
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        let state = endpoint.disabled.map_or("enabled".to_owned(), |reason| {
            format!("disabled ({})", reason.as_str())
        });
        text.push_str(&format!(
            "{}\t{}\t{}\t{}",
            endpoint.id, endpoint.url, types, state
        ));
        if endpoint.paused(now) {
            text.push('\t');
            text.push_str(&operate::pause_note(
                endpoint.paused_until,
                endpoint.breaker(now),
            ));
        }
        text.push('\n');
    }
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
