//! `hookwire diff OLD NEW`: the changes between two versions of the event schemas, with who
//! each one breaks (`hookwire::schema::diff`). Exit 0 compatible, 1 breaking, 2 usage error.

use std::path::Path;
use std::process::{Command, ExitCode};

use clap::Args;
use hookwire::schema::diff::{Catalog, diff};
use serde_json::Value;

use crate::error::CliError;

pub(crate) const EXAMPLES: &str = "\
Examples:
  hookwire diff origin/main:schemas schemas          # CI: exit 1 on a breaking change
  hookwire diff v1.2.0:schemas/openapi.json schemas/openapi.json --json
  hookwire diff old/asyncapi.json new/asyncapi.json
Each side: a folder written by Export::write_to (envelopes/ or events/, else openapi.json or
asyncapi.json), an OpenAPI 3.x document (webhooks, or 3.0's x-webhooks) or an AsyncAPI 3.0
document, JSON or YAML, or REV:PATH of either in git (PATH from the repository's root; REV:./PATH from here).
One line per change: LEVEL EVENT#POINTER KIND (breaks WHO): DETAIL, then a summary line.
Levels: breaking (exit 1), warning (a new enum value or oneOf variant: strict receivers refuse
it; exit 0), info. Exit status: 0 compatible, 1 breaking, 2 usage error.";

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The old version: an export folder, an OpenAPI or AsyncAPI document, or REV:PATH
    #[arg(value_name = "OLD")]
    old: String,
    /// The new version, in the same forms
    #[arg(value_name = "NEW")]
    new: String,
    /// Print one JSON object: {version, breaking, counts, changes: [{event, pointer, kind,
    /// level, breaks, detail}]}
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: DiffArgs) -> Result<ExitCode, CliError> {
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let report = diff(&old, &new);
    if args.json {
        outln!("{}", report.to_json());
    } else {
        out!("{report}");
    }
    Ok(if report.is_breaking() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One side: a path on disk, or else `REV:PATH` in git.
fn load(spec: &str) -> Result<Catalog, CliError> {
    let path = Path::new(spec);
    if path.is_dir() {
        return Catalog::from_dir(path)
            .map_err(|error| CliError::usage(format!("`{spec}`: {error}")));
    }
    if path.exists() {
        let bytes = std::fs::read(path)
            .map_err(|error| CliError::usage(format!("cannot read `{spec}`: {error}")))?;
        return catalog_of_document(&bytes, spec);
    }
    match spec.split_once(':') {
        Some((rev, inner)) if !rev.is_empty() => load_git(spec, rev, inner),
        _ => Err(CliError::usage(format!(
            "`{spec}`: no such file or folder (a git revision is written REV:PATH)"
        ))),
    }
}

/// The catalog of one document's bytes, `name` naming it in errors.
fn catalog_of_document(bytes: &[u8], name: &str) -> Result<Catalog, CliError> {
    let document = parse_document(bytes, name)?;
    Catalog::from_document(document).map_err(|error| CliError::usage(format!("`{name}`: {error}")))
}

/// Parses a document as JSON or YAML (by its extension, else its first character), as every
/// command reading a document does.
fn parse_document(bytes: &[u8], name: &str) -> Result<Value, CliError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| CliError::usage(format!("`{name}` is not valid JSON or YAML: not UTF-8")))?;
    hookwire_codegen::parse_document(text, Path::new(name)).map_err(CliError::usage)
}

/// `REV:PATH` read with git: a folder (a tree) as an export folder, a file as a document.
fn load_git(spec: &str, rev: &str, inner: &str) -> Result<Catalog, CliError> {
    // git would read a revision starting with `-` as an option (`--output=FILE`...).
    if rev.starts_with('-') {
        return Err(CliError::usage(format!(
            "`{spec}`: a git revision cannot start with `-`"
        )));
    }
    let object = format!("{rev}:{inner}");
    let kind = git(&["cat-file", "-t", &object]).map_err(|error| {
        CliError::usage(format!(
            "`{spec}`: no such file or folder, nor a git object ({error})"
        ))
    })?;
    match String::from_utf8_lossy(&kind).trim() {
        "blob" => {
            let bytes = git(&["show", &object])
                .map_err(|error| CliError::usage(format!("`{spec}`: {error}")))?;
            catalog_of_document(&bytes, spec)
        }
        "tree" => {
            let listing = git(&["ls-tree", "-r", "--name-only", &object])
                .map_err(|error| CliError::usage(format!("`{spec}`: {error}")))?;
            let mut files = Vec::new();
            for relative in String::from_utf8_lossy(&listing)
                .lines()
                .filter(|p| Catalog::reads(p))
            {
                let base = inner.trim_end_matches('/');
                let name = if base.is_empty() {
                    format!("{rev}:{relative}")
                } else {
                    format!("{rev}:{base}/{relative}")
                };
                let bytes = git(&["show", &name])
                    .map_err(|error| CliError::usage(format!("`{name}`: {error}")))?;
                files.push((relative.to_owned(), parse_document(&bytes, &name)?));
            }
            Catalog::from_files(files)
                .map_err(|error| CliError::usage(format!("`{spec}`: {error}")))
        }
        other => Err(CliError::usage(format!(
            "`{spec}` is a git {other}, not a file or folder"
        ))),
    }
}

/// Runs git and returns its standard output, or its first line of standard error.
fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(stderr
        .lines()
        .next()
        .unwrap_or("git failed")
        .trim()
        .to_owned())
}
