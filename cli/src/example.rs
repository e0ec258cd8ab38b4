//! `hookwire example` and `hookwire trigger`: a payload made from an event's schema, printed,
//! or wrapped as the event, signed and sent (`--url`) or published to the outbox (`--db`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Args};
use hookwire::outbox::RawEvent;
use hookwire_codegen::Spec;
use serde_json::Value;

use crate::error::CliError;
use crate::scheme::SchemeName;
use crate::send::{self, Delivery};

pub(crate) const EXAMPLE_EXAMPLES: &str = "\
Examples:
  hookwire example --spec schemas/openapi.json order.created
  hookwire example --spec schemas/ order.created          # a folder written by Export::write_to
  hookwire example --spec asyncapi.yaml order.created
  hookwire example --spec webhook-example.yaml newPet
Prints the event's data: the description's own example when it validates against the schema,
otherwise one built from the schema.";

pub(crate) const TRIGGER_EXAMPLES: &str = "\
Examples:
  hookwire trigger --spec schemas/openapi.json order.created --url http://127.0.0.1:8080/ --secret \"$SECRET\"
  hookwire trigger --spec schemas/ order.created --db sqlite://outbox.db --set customer.email=a@example.com
  hookwire trigger --spec openapi.yaml order.created --url http://127.0.0.1:8080/ --secret \"$SECRET\" \\
      --set /items/0/quantity=3 --set 'customer={\"customer_id\": \"c_1\", \"email\": \"x@y.z\"}'
--set PATH=VALUE: PATH is a dotted path (items.0.quantity) or a JSON pointer (/items/0/quantity)
into the data; VALUE is JSON when it parses as JSON, else a string.";

/// The description and the event.
#[derive(Debug, Args)]
pub(crate) struct SpecArgs {
    /// An OpenAPI document (`webhooks` or `x-webhooks`), an AsyncAPI 3.0 document, a folder
    /// written by Export::write_to, or a folder of JSON Schemas; JSON or YAML
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// The event type
    #[arg(value_name = "TYPE")]
    event_type: String,
}

#[derive(Debug, Args)]
pub(crate) struct ExampleArgs {
    #[command(flatten)]
    spec: SpecArgs,
    /// Override a value of the payload: PATH=VALUE (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("target").required(true).args(["url", "db"])))]
pub(crate) struct TriggerArgs {
    #[command(flatten)]
    spec: SpecArgs,
    /// Override a value of the payload: PATH=VALUE (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Sign and POST the event to this http:// or https:// URL
    #[arg(long, requires = "secrets")]
    url: Option<String>,
    /// Publish the event to this outbox instead: sqlite://PATH or postgres://... (not read
    /// from HOOKWIRE_DB, so that variable never turns a --url trigger into a conflict)
    #[arg(long, value_name = "URL", conflicts_with = "url")]
    db: Option<String>,
    /// The signature scheme (with --url)
    #[arg(long, value_enum, default_value_t = SchemeName::Standard)]
    scheme: SchemeName,
    /// The secret to sign with (with --url); prefer HOOKWIRE_SECRET
    #[arg(
        long = "secret",
        value_name = "SECRET",
        env = "HOOKWIRE_SECRET",
        hide_env_values = true
    )]
    secrets: Vec<String>,
    /// Also trust the certificate authorities in this PEM file (with --url)
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// The delivery id [default: a new msg_... id]
    #[arg(long)]
    id: Option<String>,
    /// Attempts in all, the first one included (with --url)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    attempts: u32,
    /// Seconds each attempt may take (with --url)
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    timeout: u64,
    /// Print the delivery report as JSON (with --url)
    #[arg(long)]
    json: bool,
}

/// `hookwire example`: prints the payload, pretty.
pub(crate) fn example(args: ExampleArgs) -> Result<ExitCode, CliError> {
    let data = payload(&args.spec, &args.set)?;
    outln!("{data:#}");
    Ok(ExitCode::SUCCESS)
}

/// `hookwire trigger`: sends or publishes the payload as the event.
pub(crate) fn trigger(args: TriggerArgs) -> Result<ExitCode, CliError> {
    let data = payload(&args.spec, &args.set)?;
    let event_type = args.spec.event_type.clone();
    if let Some(db) = &args.db {
        let event = RawEvent::new(event_type, data).map_err(CliError::usage)?;
        for id in crate::durable::publish::publish_events(db, vec![event])? {
            outln!("{id}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let url = args.url.unwrap_or_default();
    let bytes = serde_json::to_vec(&data)
        .map_err(|e| CliError::failed(format!("cannot serialize the payload: {e}")))?;
    let (event_type, body) = send::payload(
        args.scheme,
        Some(event_type),
        args.id.as_deref(),
        bytes,
        &args.spec.spec,
    )?;
    send::deliver(
        args.scheme,
        args.secrets,
        event_type,
        body,
        Delivery {
            url,
            cacert: args.cacert,
            id: args.id,
            attempts: args.attempts,
            retry_delay: 1,
            timeout: args.timeout,
            stop_on: Vec::new(),
            json: args.json,
        },
    )
}

/// The event's payload with the `--set` overrides applied.
fn payload(args: &SpecArgs, set: &[String]) -> Result<Value, CliError> {
    let spec = Spec::read(&args.spec).map_err(CliError::usage)?;
    let event = args.event_type.as_str();
    let schema = spec.schema(event).map_err(CliError::usage)?;
    let mut data = match spec.authored(event).map_err(CliError::usage)? {
        Some(authored) => match first_error(&schema, &authored) {
            None => authored,
            Some(why) => {
                eprintln!(
                    "note: the description's example of `{event}` does not validate against its \
                     schema ({why}); using one built from the schema"
                );
                spec.generated(event).map_err(CliError::usage)?
            }
        },
        None => spec.generated(event).map_err(CliError::usage)?,
    };
    for assignment in set {
        crate::set::apply(&mut data, assignment)?;
    }
    Ok(data)
}

/// Why `value` does not validate against `schema`, if it does not (a schema the validator
/// cannot compile checks nothing).
fn first_error(schema: &Value, value: &Value) -> Option<String> {
    let validator = jsonschema::validator_for(schema).ok()?;
    let error = validator.iter_errors(value).next()?;
    Some(format!("{error} at `{}`", error.instance_path()))
}
