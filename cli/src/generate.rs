//! `hookwire generate`: Rust types with hookwire's derives from a provider's OpenAPI document
//! or JSON Schemas, through `hookwire-codegen`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use hookwire_codegen::{GenerateError, Options};

use crate::error::CliError;

pub(crate) const EXAMPLES: &str = "\
Examples:
  hookwire generate svix-openapi.json -o src/svix.rs
  hookwire generate payload-schemas/api.github.com --github --catalog GitHubEvent -o src/github.rs
  hookwire generate openapi.json --serialize --json-schema -o src/events.rs
  hookwire generate openapi.json --strict -o src/events.rs   # unlisted enum values, members fail
  hookwire generate openapi.json --date-time-type 'chrono::DateTime<chrono::Utc>' -o src/events.rs
  hookwire generate svix-openapi.json -o src/svix.rs --check   # CI: exit 1 when stale
  hookwire generate payload-schemas/api.github.com --github -o src/github/ --split
      # a directory module: mod.rs, shared.rs, one file per event family, each <= 400 lines
The report (events, types, every fallback to serde_json::Value with its JSON pointer) goes to
standard error.";

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// An OpenAPI 3.1 document (`webhooks`), an OpenAPI 3.0 document (`x-webhooks`), an
    /// AsyncAPI 3.0 document, a folder written by Export::write_to, or a folder of JSON Schema
    /// files, one per event; JSON or YAML
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// Write the module here instead of standard output (a directory with --split, or when
    /// it ends with `/` or is a directory)
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write nothing; exit 1 when FILE differs from what INPUT generates now (with --split:
    /// when a file of the directory is missing, differs, or is not generated any more)
    #[arg(long, requires = "output")]
    check: bool,
    /// Write a directory module (mod.rs, shared types, one file per event family) with no
    /// file over LINES lines (400 without a value)
    #[arg(
        long,
        value_name = "LINES",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "400",
        requires = "output"
    )]
    split: Option<usize>,
    /// The name of the catalog enum
    #[arg(long, value_name = "NAME", default_value = "WebhookEvent")]
    catalog: String,
    /// GitHub dispatch: events named `<X-GitHub-Event>.<action>`, with `github_event_type`
    #[arg(long)]
    github: bool,
    /// Generate only this event (repeat for more) and the types it uses
    #[arg(long = "event", value_name = "NAME")]
    events: Vec<String>,
    /// Also generate a #[derive(Endpoint)] struct per operation of the document's `paths`
    /// (the code needs hookwire's `schema` feature)
    #[arg(long)]
    paths: bool,
    /// Also derive Serialize
    #[arg(long)]
    serialize: bool,
    /// Also derive JsonSchema (and Serialize), keeping pattern, format, examples...
    /// (the code needs hookwire's `schema` feature)
    #[arg(long)]
    json_schema: bool,
    /// String enums without the `Other(String)` variant (and tagged unions without `Unknown`):
    /// a value the schema does not list fails the parse
    #[arg(long)]
    strict_enums: bool,
    /// `#[serde(deny_unknown_fields)]` on the structs: a member the schema does not list fails
    /// the parse (objects with an `additionalProperties` schema keep their map)
    #[arg(long)]
    strict_fields: bool,
    /// Both --strict-enums and --strict-fields
    #[arg(long)]
    strict: bool,
    /// The Rust type of `format: date-time` strings, e.g. `chrono::DateTime<chrono::Utc>`, or
    /// `String` to keep the text
    #[arg(long, value_name = "TYPE", default_value = hookwire_codegen::DEFAULT_DATE_TIME_TYPE)]
    date_time_type: String,
}

pub(crate) fn run(args: GenerateArgs) -> Result<ExitCode, CliError> {
    let options = Options::default()
        .catalog(args.catalog.clone())
        .github(args.github)
        .serialize(args.serialize)
        .json_schema(args.json_schema)
        .events(args.events.clone())
        .paths(args.paths)
        .strict_enums(args.strict || args.strict_enums)
        .strict_fields(args.strict || args.strict_fields)
        .date_time_type(args.date_time_type.clone());
    let options = match (args.split, &args.output) {
        (Some(lines), _) => options.split(lines),
        (None, Some(output)) if names_directory(output) => {
            options.split(hookwire_codegen::DEFAULT_SPLIT_LINES)
        }
        _ => options,
    };
    let started = Instant::now();
    let report = match (&args.output, args.check) {
        (Some(output), true) => {
            let command = regenerate_command(&args);
            match hookwire_codegen::check(&args.input, output, &options, &command) {
                Err(stale @ (GenerateError::Stale { .. } | GenerateError::StaleFiles { .. })) => {
                    return Err(CliError::failed(stale));
                }
                other => other.map_err(CliError::usage)?,
            }
        }
        (Some(output), false) => {
            hookwire_codegen::write(&args.input, output, &options).map_err(CliError::usage)?
        }
        (None, _) => {
            let generated =
                hookwire_codegen::generate(&args.input, &options).map_err(CliError::usage)?;
            out!("{}", generated.code);
            generated.report
        }
    };
    eprint!("{report}");
    eprintln!(
        "generated from {} in {:.2} s",
        args.input.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `-o src/github/` or an existing directory: the directory form.
fn names_directory(output: &std::path::Path) -> bool {
    output.as_os_str().to_string_lossy().ends_with('/') || output.is_dir()
}

fn regenerate_command(args: &GenerateArgs) -> String {
    let mut command = format!("hookwire generate {}", args.input.display());
    if let Some(output) = &args.output {
        command.push_str(&format!(" -o {}", output.display()));
    }
    if args.catalog != "WebhookEvent" {
        command.push_str(&format!(" --catalog {}", args.catalog));
    }
    for event in &args.events {
        command.push_str(&format!(" --event {event}"));
    }
    match args.split {
        Some(hookwire_codegen::DEFAULT_SPLIT_LINES) => command.push_str(" --split"),
        Some(lines) => command.push_str(&format!(" --split={lines}")),
        None => {}
    }
    for (on, flag) in [
        (args.github, " --github"),
        (args.paths, " --paths"),
        (args.serialize, " --serialize"),
        (args.json_schema, " --json-schema"),
        (args.strict, " --strict"),
        (args.strict_enums && !args.strict, " --strict-enums"),
        (args.strict_fields && !args.strict, " --strict-fields"),
    ] {
        if on {
            command.push_str(flag);
        }
    }
    if args.date_time_type != hookwire_codegen::DEFAULT_DATE_TIME_TYPE {
        command.push_str(&format!(" --date-time-type '{}'", args.date_time_type));
    }
    command
}
