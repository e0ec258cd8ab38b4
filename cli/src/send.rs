//! `hookwire send`: sign a file and POST it with the sender's retries.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use hookwire::Timestamp;
use hookwire::clock::{Clock, SystemClock};
use hookwire::retry::RetryPolicy;
use hookwire::sender::{BuildError, DeliveryReport, Message, Outcome, SendError, SenderBuilder};
use hookwire::signature::Scheme;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::error::CliError;
use crate::scheme::{self, SchemeName};
use crate::{SendArgs, input, random};

/// The longest wait between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(60);

pub(crate) fn run(args: SendArgs) -> Result<ExitCode, CliError> {
    let name = args.key.scheme;
    let file = input::read_body(Some(&args.file))?;
    let (event_type, body) = payload(name, args.event_type, args.id.as_deref(), file, &args.file)?;
    deliver(
        args.key.scheme,
        args.key.secrets,
        event_type,
        body,
        Delivery {
            url: args.url,
            cacert: args.cacert,
            id: args.id,
            attempts: args.attempts,
            retry_delay: args.retry_delay,
            timeout: args.timeout,
            stop_on: args.stop_on,
            json: args.json,
        },
    )
}

/// Where and how `deliver` sends: `hookwire send`'s flags after the body.
pub(crate) struct Delivery {
    pub(crate) url: String,
    pub(crate) cacert: Option<std::path::PathBuf>,
    pub(crate) id: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) retry_delay: u64,
    pub(crate) timeout: u64,
    pub(crate) stop_on: Vec<u16>,
    pub(crate) json: bool,
}

/// Signs `body` with the scheme and POSTs it with retries, then prints the report; exit 1
/// when it was not delivered. Shared by `hookwire send` and `hookwire trigger`.
pub(crate) fn deliver(
    name: SchemeName,
    secrets: Vec<String>,
    event_type: String,
    body: Vec<u8>,
    args: Delivery,
) -> Result<ExitCode, CliError> {
    let scheme = scheme::build(name, secrets, None)?;
    let mut message = Message::new(&args.url, event_type, body).map_err(send_error)?;
    // Without --id: a `msg_` id, or a UUID for GitHub and Shopify, whose deliveries carry one.
    let id = match (args.id, name) {
        (Some(id), _) => Some(id),
        (None, SchemeName::Github | SchemeName::Shopify) => Some(random::uuid()?),
        (None, _) => None,
    };
    if let Some(id) = id {
        message = message.with_id(id).map_err(send_error)?;
    }
    let retries = usize::try_from(args.attempts.saturating_sub(1)).unwrap_or(0);
    let retry =
        RetryPolicy::exponential(Duration::from_secs(args.retry_delay), 2, MAX_DELAY, retries);
    let sender = SenderBuilder::from_arc(Arc::clone(&scheme))
        .timeout(Duration::from_secs(args.timeout.max(1)))
        .retry(retry)
        .stop_on(stop_on(&args.stop_on)?)
        .root_certificates(crate::tls::roots(args.cacert.as_deref())?)
        .build()
        .map_err(|err| match err {
            BuildError::CannotSign(err) => CliError::usage(format!("cannot sign: {err}")),
            other => CliError::failed(format!("cannot build the sender: {other}")),
        })?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| CliError::failed(format!("cannot start the runtime: {err}")))?;
    let report = runtime.block_on(sender.deliver(message));

    if args.json {
        outln!("{:#}", report_json(&report, &*scheme));
    } else {
        print_report(&report);
    }
    if report.is_delivered() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::failed(format!(
            "not delivered: {}",
            report.outcome
        )))
    }
}

/// The event type and the body to send: the file as is, or wrapped as the event of `--type`.
pub(crate) fn payload(
    name: SchemeName,
    event_type: Option<String>,
    id: Option<&str>,
    file: Vec<u8>,
    path: &Path,
) -> Result<(String, Vec<u8>), CliError> {
    let Some(event_type) = event_type else {
        return match name {
            SchemeName::Github | SchemeName::Shopify => Err(CliError::usage(format!(
                "--type is required with --scheme {}: it is sent in the {} header",
                name.flag(),
                if name == SchemeName::Github {
                    "X-GitHub-Event"
                } else {
                    "X-Shopify-Topic"
                }
            ))),
            // The report names the body's own `type`, when it has one.
            _ => Ok((
                body_type(&file).unwrap_or_else(|| "unknown".to_owned()),
                file,
            )),
        };
    };
    let data = || -> Result<Box<RawValue>, CliError> {
        serde_json::from_slice(&file).map_err(|err| {
            CliError::usage(format!(
                "`{}` is not JSON (line {}, column {}): --type sends it as the event's data",
                path.display(),
                err.line(),
                err.column()
            ))
        })
    };
    let body = match name {
        SchemeName::Standard => serde_json::to_vec(&Envelope {
            event_type: &event_type,
            timestamp: SystemClock.now(),
            data: &data()?,
        }),
        SchemeName::Stripe => serde_json::to_vec(&StripeEvent {
            id: match id {
                Some(id) => id.to_owned(),
                None => format!("evt_{}", random::alphanumeric(24)?),
            },
            object: "event",
            created: SystemClock.now().unix_seconds(),
            livemode: false,
            event_type: &event_type,
            data: StripeData { object: &data()? },
        }),
        // The type travels in X-GitHub-Event / X-Shopify-Topic; the body is the event itself.
        SchemeName::Github | SchemeName::Shopify => Ok(file),
        SchemeName::Slack => {
            return Err(CliError::usage(
                "--type is not supported with --scheme slack: Slack puts the type in the body; \
                 send the body as is",
            ));
        }
    }
    .map_err(|err| CliError::failed(format!("cannot serialize the event: {err}")))?;
    Ok((event_type, body))
}

/// The Standard Webhooks envelope, keys in the specification's order.
#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "type")]
    event_type: &'a str,
    timestamp: Timestamp,
    data: &'a RawValue,
}

/// A Stripe event object around the file as `data.object`.
#[derive(Serialize)]
struct StripeEvent<'a> {
    id: String,
    object: &'static str,
    created: i64,
    livemode: bool,
    #[serde(rename = "type")]
    event_type: &'a str,
    data: StripeData<'a>,
}

#[derive(Serialize)]
struct StripeData<'a> {
    object: &'a RawValue,
}

/// The top-level `type` of a JSON object body, if it has one.
fn body_type(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Typed {
        #[serde(rename = "type")]
        event_type: String,
    }
    serde_json::from_slice::<Typed>(body)
        .ok()
        .map(|typed| typed.event_type)
        .filter(|t| hookwire::check_event_type(t).is_ok())
}

/// The `--stop-on` statuses (clap has checked each is from 300 to 599).
fn stop_on(statuses: &[u16]) -> Result<Vec<StatusCode>, CliError> {
    statuses
        .iter()
        .map(|&status| {
            StatusCode::from_u16(status)
                .map_err(|err| CliError::usage(format!("--stop-on {status}: {err}")))
        })
        .collect()
}

fn send_error(err: SendError) -> CliError {
    CliError::usage(err)
}

fn print_report(report: &DeliveryReport) {
    let message = &report.message;
    let attempts = report.attempts.len();
    let plural = if attempts == 1 { "" } else { "s" };
    let head = format!(
        "{} ({}) to {}",
        message.id(),
        message.event_type(),
        target(message)
    );
    match &report.outcome {
        Outcome::Delivered => outln!("delivered {head} in {attempts} attempt{plural}"),
        other => outln!("not delivered {head} after {attempts} attempt{plural}: {other}"),
    }
    for (number, attempt) in (1..).zip(&report.attempts) {
        let mut line = format!("  attempt {number}: ");
        match (&attempt.status, &attempt.error) {
            (Some(status), _) => line.push_str(&status.to_string()),
            (None, Some(error)) => line.push_str(&error.to_string()),
            (None, None) => line.push_str("no response"),
        }
        line.push_str(&format!(" in {} ms", attempt.duration.as_millis()));
        if let Some(delay) = attempt.next_delay {
            line.push_str(&format!(", retry in {:.1} s", delay.as_secs_f64()));
        }
        outln!("{line}");
        if !attempt.response_body.is_empty() && !matches!(report.outcome, Outcome::Delivered) {
            outln!(
                "    {}",
                String::from_utf8_lossy(&attempt.response_body).trim_end()
            );
        }
    }
}

/// The endpoint without its query, which may carry tokens.
fn target(message: &Message) -> String {
    let url = message.url();
    format!("{}{}", url.origin().ascii_serialization(), url.path())
}

fn report_json(report: &DeliveryReport, scheme: &dyn Scheme) -> Value {
    let outcome = match &report.outcome {
        Outcome::Delivered => "delivered",
        Outcome::Gone => "gone",
        Outcome::Stopped(_) => "stopped",
        Outcome::Exhausted => "exhausted",
        Outcome::ShutDown => "shut_down",
        _ => "failed",
    };
    let attempts: Vec<Value> = report
        .attempts
        .iter()
        .zip(1..)
        .map(|(a, number)| {
            json!({
                "number": number,
                "timestamp": a.timestamp.unix_seconds(),
                "status": a.status.map(|s| s.as_u16()),
                "error": a.error.as_ref().map(ToString::to_string),
                "duration_ms": a.duration.as_millis(),
                "response_body": String::from_utf8_lossy(&a.response_body),
                "next_delay_ms": a.next_delay.map(|d| d.as_millis()),
            })
        })
        .collect();
    json!({
        "delivered": report.is_delivered(),
        "outcome": outcome,
        "message": report.outcome.to_string(),
        "scheme": scheme.name(),
        "id": report.message.id(),
        "event_type": report.message.event_type(),
        "url": target(&report.message),
        "attempts": attempts,
    })
}
