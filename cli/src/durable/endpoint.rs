//! `hookwire endpoint add|list`.

use std::process::ExitCode;

use hookwire::Timestamp;
use hookwire::outbox::{ApplicationStore, NewEndpoint, Secrets, TypeFilter, WebhookEndpoint};
use hookwire::ssrf::SsrfError;

use super::db::{self, OnStore};
use super::{EndpointAddArgs, EndpointListArgs, operate, print};
use crate::error::CliError;

struct Add(NewEndpoint, Option<String>);

impl OnStore for Add {
    type Output = hookwire::outbox::EndpointId;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let Add(mut endpoint, app) = self;
        if let Some(app) = app {
            endpoint.app = Some(super::app::resolve(&store, &app).await?);
        }
        store.add_endpoint(&endpoint).await.map_err(db::failed)
    }
}

/// Adds the endpoint and prints its id.
pub(crate) fn add(args: EndpointAddArgs) -> Result<ExitCode, CliError> {
    let first = args.secrets.first().cloned().unwrap_or_default();
    let mut endpoint = NewEndpoint::new(args.url, first).allow_private(args.allow_private);
    // Newest first: the worker signs with each during a rotation.
    endpoint.secrets = Secrets::new(args.secrets);
    endpoint = endpoint.types(parse_types(&args.types)?);
    if let Some(limit) = args.max_in_flight {
        endpoint = endpoint.max_in_flight(limit);
    }
    if let Some(rate) = args.rate {
        endpoint = endpoint.rate_per_second(rate);
    }
    endpoint.validate().map_err(db::failed)?;
    if !endpoint.allow_private {
        refuse_private_literal(&endpoint.url)?;
        if let Some(warning) = private_name_warning(&endpoint.url) {
            eprintln!("{warning}");
        }
    }
    let id = db::run(&args.db.db, 0, Add(endpoint, args.app))?;
    print(&format!("{id}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// `--types`: exact names and prefixes.
pub(super) fn parse_types(types: &[String]) -> Result<Vec<TypeFilter>, CliError> {
    types
        .iter()
        .map(|text| text.trim().parse::<TypeFilter>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::usage(format!("--types: {e}")))
}

/// An IP-literal URL the worker would refuse: say so now, with the flag that allows it.
pub(super) fn refuse_private_literal(url: &str) -> Result<(), CliError> {
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

/// A host name that resolves, now, only to addresses the workers refuse (or does not resolve):
/// the endpoint is added, but its deliveries will fail until that changes. Warns rather than
/// refuses: DNS at delivery time is what counts.
fn private_name_warning(url: &str) -> Option<String> {
    use std::net::ToSocketAddrs as _;
    let parsed = url.parse::<reqwest::Url>().ok()?;
    let host = parsed.host_str()?;
    if host.starts_with('[') || host.parse::<std::net::IpAddr>().is_ok() {
        return None; // a literal: judged by refuse_private_literal
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<std::net::IpAddr> = match (host, port).to_socket_addrs() {
        Ok(found) => found.map(|a| a.ip()).collect(),
        Err(e) => {
            return Some(format!(
                "warning: {host} does not resolve here ({e}); deliveries fail until it does"
            ));
        }
    };
    let refused: Vec<_> = addresses
        .iter()
        .map(|&a| (a, hookwire::ssrf::classify(a)))
        .collect();
    match refused.iter().find(|(_, class)| class.is_none()) {
        Some(_) => None,
        None => {
            let (address, class) = refused.first()?;
            let class = class.map_or_else(String::new, |c| c.to_string());
            Some(format!(
                "warning: {host} resolves to {address}, a {class} address, which workers refuse \
                 to deliver to; deliveries fail unless it resolves to a public address then \
                 (add the endpoint with --allow-private if it is meant to be internal)"
            ))
        }
    }
}

struct List(Option<String>);

impl OnStore for List {
    type Output = Vec<WebhookEndpoint>;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let app = match &self.0 {
            Some(app) => Some(super::app::resolve(&store, app).await?),
            None => None,
        };
        let mut all = Vec::new();
        loop {
            let after = all.last().map(|e: &WebhookEndpoint| e.id);
            let page = match app {
                Some(app) => store.app_endpoints(app, after, 1000).await,
                None => store.endpoints(after, 1000).await,
            }
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
    let endpoints = db::run(&args.db.db, 0, List(args.app))?;
    let now = Timestamp::now().unix_seconds();
    if args.json {
        let text = serde_json::to_string_pretty(&endpoints)
            .map_err(|e| CliError::failed(format!("cannot print the endpoints: {e}")))?;
        print(&format!("{text}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for endpoint in &endpoints {
        text.push_str(&endpoint_line(endpoint, now));
        text.push('\n');
    }
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// One endpoint as `endpoint list` prints it: id, URL, types (`*` for all), state, and a fifth
/// field `paused until ...` while it is paused.
pub(super) fn endpoint_line(endpoint: &WebhookEndpoint, now: i64) -> String {
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
    let mut line = format!("{}\t{}\t{}\t{}", endpoint.id, endpoint.url, types, state);
    if endpoint.paused(now) {
        line.push('\t');
        line.push_str(&operate::pause_note(
            endpoint.paused_until,
            endpoint.breaker(now),
        ));
    }
    line
}
