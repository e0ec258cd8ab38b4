//! What can stop a generation: the input, not the schemas in it (those fall back and are
//! reported, see [`Report`](crate::Report)).

use std::path::PathBuf;

/// Why [`generate`](crate::generate) produced nothing.
///
/// ```
/// use hookwire_codegen::{GenerateError, Options, generate};
///
/// let error = generate("does/not/exist.json".as_ref(), &Options::default()).unwrap_err();
/// assert!(matches!(error, GenerateError::Read { .. }));
/// assert!(error.to_string().contains("does/not/exist.json"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// A file or folder could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A document (or a file it references) is not valid JSON or YAML.
    #[error(transparent)]
    Document(#[from] crate::DocumentError),
    /// The input is neither an OpenAPI document with webhooks nor a folder of JSON Schemas.
    #[error(
        "`{}` has nothing to generate: expected an OpenAPI 3.1 document with `webhooks`, an \
         OpenAPI 3.0 document with `x-webhooks`, an AsyncAPI 3.0 document, a folder written by \
         `Export::write_to`, or a folder of JSON Schema files (one per event); {why}",
        path.display()
    )]
    NothingToGenerate {
        /// The input.
        path: PathBuf,
        /// What was found instead.
        why: String,
    },
    /// The input has no event of this name.
    #[error("no event `{name}` in the input; it has {}", known.join(", "))]
    UnknownEvent {
        /// The name asked for.
        name: String,
        /// Some of the input's events.
        known: Vec<String>,
    },
    /// The generated code did not parse as Rust: a bug in the generator; please report it with
    /// the input.
    #[error(
        "internal error: the generated code for `{item}` is not valid Rust ({message}); please report this with the input"
    )]
    Internal {
        /// The item being emitted.
        item: String,
        /// The parser's message.
        message: String,
    },
    /// `--check`: the committed file differs from what the input generates now.
    #[error(
        "`{}` is stale: it differs from what the input generates now; regenerate it with `{command}`",
        path.display()
    )]
    Stale {
        /// The committed file.
        path: PathBuf,
        /// The command that regenerates it.
        command: String,
    },
    /// `--check` of a directory module: some of its files are missing, differ from what the
    /// input generates now, or are not generated any more.
    #[error(
        "`{}` is stale: {files}; regenerate it with `{command}`",
        dir.display()
    )]
    StaleFiles {
        /// The module's directory.
        dir: PathBuf,
        /// Which files.
        files: crate::StaleFiles,
        /// The command that regenerates it.
        command: String,
    },
    /// An option's value is not usable (a `date_time_type` that is not a Rust type).
    #[error("the {option} `{value}` is not usable: {why}")]
    Option {
        /// The option (`date-time type`).
        option: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        why: String,
    },
}
