//! Rust types with hookwire's derives from a provider's published description of its
//! webhooks: the engine of `hookwire generate`, usable from a build script.
//!
//! The input is an OpenAPI 3.1 document (its `webhooks`), an OpenAPI 3.0 document with
//! `x-webhooks` (JSON or YAML, see [`load_document`]), an AsyncAPI 3.0 document, a folder
//! written by `hookwire::schema::Export::write_to` (its `events/<type>.json`), or a folder of
//! JSON Schema files (`.json`, `.yaml`, `.yml`), one per event (`push/event.schema.json`
//! is the event `push`, `pull_request/opened.schema.json` the event `pull_request.opened`;
//! files under `common/` and files other files `$ref` are shared parts, not events). The
//! output is one formatted Rust module: a type per payload deriving `Deserialize` (and
//! `Serialize`, `JsonSchema` when asked) and `hookwire::Event` with the event's name, a catalog
//! enum deriving `hookwire::Events`, and doc comments from the descriptions.
//!
//! JSON Schema maps to Rust like this; what does not map is typed `serde_json::Value` and
//! listed in the [`Report`] with its JSON pointer, never a panic:
//!
//! | schema | Rust |
//! |---|---|
//! | `properties` | a struct; members not `required` are `Option` with `#[serde(default)]` |
//! | `type: [T, "null"]`, 3.0 `nullable`, `oneOf: [X, {type: null}]` | `Option<T>` |
//! | `allOf` | one struct with every part's members; `allOf: [$ref X, narrowing]` is `X` |
//! | `oneOf`/`anyOf` whose branches share a member holding a `const` or one-value `enum` | `#[serde(tag = "...")]` enum |
//! | other `oneOf`/`anyOf` | `#[serde(untagged)]` enum |
//! | string `enum`, string `const` | a unit enum, plus `Other(String)` unless [`Options::strict_enums`] |
//! | `type: string, format: date-time` | `hookwire::Timestamp` (or [`Options::date_time_type`]) |
//! | `additionalProperties: {schema}` | `BTreeMap<String, T>` (flattened beside `properties`) |
//! | `$ref` (same file, other files, `$id`-relative) | the referenced type; recursion is `Box`ed |
//! | `{}`, `true` | `serde_json::Value` (any JSON; not a fallback) |
//!
//! **Tolerant by default.** Providers add enum values and members without notice, so:
//! - a string enum's last variant is `Other(String)` (`#[serde(untagged)]`: serde tries it after
//!   every listed value), keeping an unlisted value and writing it back unchanged; it is named
//!   `Unknown` when the schema lists `other` itself. Its `JsonSchema` is the listed values only
//!   (`{"type": "string", "enum": [...]}`; the variant is `#[schemars(skip)]`): the document
//!   states the provider's contract, the tolerance is the receiver's.
//! - a tagged union's last variant is the unit `Unknown` (`#[serde(other)]`) for a tag value it
//!   does not list. Nothing is kept there: keeping the object would need the untagged fallback,
//!   which would also take a listed kind whose members fail to parse and hide that error. So
//!   `Unknown` is `skip_serializing` (serializing it is an error) and is left out of the schema.
//!   `#[serde(other)]` is used only here, where no value needs keeping; a string enum keeps its
//!   value because it costs nothing and round-trips.
//! - members the schema does not list are ignored (no `deny_unknown_fields`).
//!
//! [`Options::strict_enums`] drops `Other`/`Unknown` (an unlisted value fails the parse, string
//! enums are `Copy` again); [`Options::strict_fields`] adds `#[serde(deny_unknown_fields)]` to
//! structs and tagged unions (not to objects with an `additionalProperties` map).
//!
//! ```
//! use hookwire_codegen::{Options, generate};
//!
//! let dir = std::env::temp_dir().join(format!("hookwire-codegen-doc-{}", std::process::id()));
//! std::fs::create_dir_all(dir.join("order"))?;
//! std::fs::write(
//!     dir.join("order/shipped.schema.json"),
//!     r#"{"type": "object", "description": "An order left the warehouse.",
//!         "required": ["order_id"], "properties": {"order_id": {"type": "string"}}}"#,
//! )?;
//! let generated = generate(&dir, &Options::default())?;
//! assert!(generated.code.contains(r#"#[hookwire(event = "order.shipped")]"#));
//! assert!(generated.code.contains("pub struct OrderShipped"));
//! assert_eq!(generated.report.fully_typed(), 1);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bundle;
mod convert;
mod dispatch;
mod document;
mod emit;
mod error;
mod example;
mod files;
mod input;
mod ir;
mod names;
mod object;
mod options;
mod paths;
mod pattern;
mod pipeline;
mod report;
mod sample;
mod source;
mod spec;
mod split;
mod union;

use std::path::Path;

pub use document::{DocumentError, Format, load_document, parse_document};
pub use error::GenerateError;
pub use files::StaleFiles;
pub use options::{DEFAULT_DATE_TIME_TYPE, DEFAULT_SPLIT_LINES, Options};
pub use report::{EventReport, Fallback, Report};
pub use spec::Spec;

/// The generated module and what went into it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Generated {
    /// The Rust source, formatted by prettyplease.
    pub code: String,
    /// The events, the type count and every fallback.
    pub report: Report,
    /// With [`Options::split`], the directory module's files (`mod.rs` first); empty
    /// otherwise.
    pub files: Vec<GeneratedFile>,
}

/// One file of a directory module (see [`Options::split`]).
///
/// ```
/// # use hookwire_codegen::{Options, generate};
/// let dir = std::env::temp_dir().join(format!("hookwire-files-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("order"))?;
/// std::fs::write(dir.join("order/shipped.schema.json"), r#"{"type": "object"}"#)?;
/// let generated = generate(&dir, &Options::default().split(400))?;
/// let names: Vec<&str> = generated.files.iter().map(|f| f.name.as_str()).collect();
/// assert_eq!(names, ["mod.rs", "order.rs"]);
/// assert!(generated.files[0].code.contains("pub use self::order::*;"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GeneratedFile {
    /// The file's name in the module's directory (`mod.rs`, `shared.rs`, `push.rs`).
    pub name: String,
    /// Its Rust source, starting with the same "generated, do not edit" comment as the single
    /// file.
    pub code: String,
}

/// Generates the module for the OpenAPI document or JSON Schema folder at `input`.
///
/// The output depends only on the input's content and `options`: running it twice gives the
/// same bytes.
///
/// # Errors
/// [`GenerateError`] when the input cannot be read, is not JSON or YAML, or describes no events.
/// Unsupported schema constructs are not errors: see [`Report::fallbacks`].
///
/// ```
/// # use hookwire_codegen::{Options, generate};
/// assert!(generate("missing.json".as_ref(), &Options::default()).is_err());
/// ```
pub fn generate(input: &Path, options: &Options) -> Result<Generated, GenerateError> {
    let read = input::read(input)?;
    let source_name = input
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    pipeline::run(&read, options, &source_name)
}

/// Generates into `output`, writing only when the content changed (so a build script does not
/// trigger rebuilds), and returns the report. For a `build.rs`:
///
/// ```no_run
/// // build.rs
/// let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("github.rs");
/// let options = hookwire_codegen::Options::default().github(true);
/// hookwire_codegen::write("schemas/github".as_ref(), &out, &options).unwrap();
/// println!("cargo::rerun-if-changed=schemas/github");
/// // src/lib.rs: include!(concat!(env!("OUT_DIR"), "/github.rs"));
/// ```
///
/// With [`Options::split`], `output` is the module's directory (created when missing): each
/// file is written when it changed, and the generated files of an earlier run that this one
/// no longer makes (those starting with the "generated" comment) are removed; other files are
/// left alone.
///
/// ```no_run
/// // Committed as src/github/mod.rs, src/github/shared.rs, ...; lib.rs says `mod github;`.
/// let options = hookwire_codegen::Options::default().github(true).split(400);
/// hookwire_codegen::write("schemas/github".as_ref(), "src/github".as_ref(), &options).unwrap();
/// ```
///
/// # Errors
/// As [`generate`], and [`GenerateError::Read`] when `output` cannot be written.
pub fn write(input: &Path, output: &Path, options: &Options) -> Result<Report, GenerateError> {
    let generated = generate(input, options)?;
    if options.split.is_some() {
        files::write_dir(output, &generated.files)?;
    } else {
        files::write_if_changed(output, &generated.code)?;
    }
    Ok(generated.report)
}

/// Fails when `output` differs from what `input` generates now (for CI: `hookwire generate
/// --check`). `command` is the command the error tells the user to run. With
/// [`Options::split`], `output` is the module's directory and every file is compared.
///
/// # Errors
/// [`GenerateError::Stale`] when the file is missing or differs,
/// [`GenerateError::StaleFiles`] when files of the directory are missing, differ or are not
/// generated any more (`.rs` files only), and the errors of [`generate`].
///
/// ```
/// # use hookwire_codegen::{GenerateError, Options, check};
/// let error = check("missing.json".as_ref(), "out.rs".as_ref(), &Options::default(), "make gen");
/// assert!(error.is_err());
/// ```
pub fn check(
    input: &Path,
    output: &Path,
    options: &Options,
    command: &str,
) -> Result<Report, GenerateError> {
    let generated = generate(input, options)?;
    if options.split.is_some() {
        files::check_dir(output, &generated.files, command)?;
        return Ok(generated.report);
    }
    if std::fs::read_to_string(output).ok().as_deref() == Some(generated.code.as_str()) {
        Ok(generated.report)
    } else {
        Err(GenerateError::Stale {
            path: output.to_owned(),
            command: command.to_owned(),
        })
    }
}

/// A small JSON payload the schema of `event` accepts: every required member, the first
/// choice of each union and enum, member names as text. For test fixtures of a receiver built
/// from the generated types.
///
/// # Errors
/// As [`generate`], and [`GenerateError::UnknownEvent`] when the input has no such event.
///
/// ```
/// use hookwire_codegen::sample;
///
/// let dir = std::env::temp_dir().join(format!("hookwire-sample-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("push"))?;
/// std::fs::write(
///     dir.join("push/event.schema.json"),
///     r#"{"type": "object", "required": ["ref", "forced"],
///         "properties": {"ref": {"type": "string"}, "forced": {"type": "boolean"},
///                        "note": {"type": "string"}}}"#,
/// )?;
/// let payload = sample(&dir, "push")?;
/// assert_eq!(payload, serde_json::json!({"ref": "ref", "forced": false}));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sample(input: &Path, event: &str) -> Result<serde_json::Value, GenerateError> {
    let read = input::read(input)?;
    let spec = read
        .events
        .iter()
        .find(|spec| spec.name == event)
        .ok_or_else(|| GenerateError::UnknownEvent {
            name: event.to_owned(),
            known: read
                .events
                .iter()
                .take(20)
                .map(|e| e.name.clone())
                .collect(),
        })?;
    Ok(sample::sample(&read.sources, &spec.schema, "", 0))
}
