//! `hookwire sign`: the signature headers of a body.

use hookwire::Timestamp;
use std::process::ExitCode;

use hookwire::clock::{Clock, SystemClock};
use serde_json::{Map, Value, json};

use crate::error::CliError;
use crate::scheme::{self, SchemeName};
use crate::{SignArgs, input, random};

pub(crate) fn run(args: SignArgs) -> Result<ExitCode, CliError> {
    let name = args.key.scheme;
    let scheme = scheme::build(name, args.key.secrets, None)?;
    let id = match args.id {
        Some(id) => {
            if scheme.id_header().is_none() {
                eprintln!(
                    "note: --scheme {} sends no delivery id header; --id is ignored",
                    name.flag()
                );
            }
            id
        }
        None => default_id(name)?,
    };
    if args.timestamp.is_some() && !name.has_timestamp() {
        eprintln!(
            "note: --scheme {} signs no timestamp; --timestamp is ignored",
            name.flag()
        );
    }
    let timestamp = args
        .timestamp
        .map_or_else(|| SystemClock.now(), Timestamp::from_unix);
    let body = input::read_body(args.file.as_deref())?;
    let headers = scheme
        .sign(&id, timestamp, &body)
        .map_err(|err| CliError::usage(format!("cannot sign: {err}")))?;

    if args.json {
        let mut map = Map::new();
        for (name, value) in headers.iter() {
            map.insert(name.to_owned(), Value::from(value));
        }
        let out = json!({
            "scheme": scheme.name(),
            "id": scheme.id_header().map(|_| id),
            "timestamp": name.has_timestamp().then_some(timestamp.unix_seconds()),
            "headers": map,
        });
        outln!("{out:#}");
    } else {
        for (name, value) in headers.iter() {
            outln!("{}: {value}", display_name(name));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A new id in the form the provider uses: `msg_...` for Standard Webhooks, a UUID for
/// GitHub and Shopify; schemes without an id header get one they ignore.
fn default_id(name: SchemeName) -> Result<String, CliError> {
    match name {
        SchemeName::Github | SchemeName::Shopify => random::uuid(),
        _ => random::message_id(),
    }
}

/// The header name as providers spell it in their documentation (names are case-insensitive;
/// this is for people reading the output).
pub(crate) fn display_name(name: &str) -> String {
    match name {
        "webhook-id" | "webhook-timestamp" | "webhook-signature" => name.to_owned(),
        "x-github-delivery" => "X-GitHub-Delivery".to_owned(),
        "x-github-event" => "X-GitHub-Event".to_owned(),
        other => other
            .split('-')
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect::<Vec<_>>()
            .join("-"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(display_name("x-hub-signature-256"), "X-Hub-Signature-256");
        assert_eq!(display_name("stripe-signature"), "Stripe-Signature");
        assert_eq!(
            display_name("x-shopify-hmac-sha256"),
            "X-Shopify-Hmac-Sha256"
        );
        assert_eq!(display_name("webhook-id"), "webhook-id");
        assert_eq!(display_name("x-github-delivery"), "X-GitHub-Delivery");
    }
}
