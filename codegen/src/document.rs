//! Reading a description document, JSON or YAML, into a `serde_json::Value`: the one loader
//! every command that reads a document shares (`hookwire generate`, `example`, `trigger`,
//! `diff`).
//!
//! YAML is read as YAML 1.2 (the version OpenAPI 3.1 and AsyncAPI 3.0 name) with
//! `saphyr-parser`, a pure-Rust parser, and built into JSON here: plain scalars resolve by the
//! core schema (`null`, `~`, `true`, `12`, `0x1F`, `1.5e3`), quoted and block scalars are
//! strings, `!!str` keeps a plain scalar a string, aliases are expanded, and mapping keys are
//! the keys' text (`200:` is the key `"200"`). What JSON cannot hold is an error with its line
//! and column: a duplicate key, a key that is a mapping or a sequence, `.inf` or `.nan`, more
//! than one document.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};
use serde_json::{Map, Number, Value};

/// How deep mappings and sequences may nest (as `serde_json`'s own parser).
const MAX_DEPTH: usize = 128;

/// How many values a document may expand to through aliases (a "billion laughs" guard).
const MAX_NODES: usize = 4_000_000;

/// Why a document could not be read.
///
/// ```
/// use hookwire_codegen::{DocumentError, parse_document};
///
/// let error = parse_document("a: 1\na: 2\n", "spec.yaml".as_ref()).unwrap_err();
/// assert!(matches!(error, DocumentError::Syntax { line: 2, column: 1, .. }));
/// assert_eq!(error.to_string(), "`spec.yaml` is not valid YAML at line 2, column 1: duplicate key `a`");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not valid JSON or YAML (or holds YAML that JSON cannot represent).
    #[error("`{}` is not valid {format} at line {line}, column {column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// `JSON` or `YAML`: what the file was read as (its extension, or its first character
        /// when it has neither `.json` nor `.yaml`/`.yml`).
        format: Format,
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
        /// What is wrong there.
        message: String,
    },
}

/// The syntax a document is read with.
///
/// ```
/// use hookwire_codegen::Format;
///
/// assert_eq!(Format::detect("api.yml".as_ref(), "openapi: 3.1.0"), Format::Yaml);
/// assert_eq!(Format::detect("api".as_ref(), "{\"openapi\": \"3.1.0\"}"), Format::Json);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// JSON, read with `serde_json`.
    Json,
    /// YAML 1.2.
    Yaml,
}

impl Format {
    /// `.json` is JSON, `.yaml` and `.yml` are YAML; any other name is JSON when its first
    /// non-blank character is `{` or `[`, YAML otherwise.
    ///
    /// See [`Format`] for an example.
    pub fn detect(path: &Path, text: &str) -> Format {
        let extension = path
            .extension()
            .map(|ext| ext.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("json") => Format::Json,
            Some("yaml" | "yml") => Format::Yaml,
            _ if text.trim_start().starts_with(['{', '[']) => Format::Json,
            _ => Format::Yaml,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        })
    }
}

/// Reads the JSON or YAML document at `path` (see [`Format::detect`]).
///
/// # Errors
/// [`DocumentError::Read`] when the file cannot be read, [`DocumentError::Syntax`] (with the
/// line and column) when it is not valid JSON or YAML.
///
/// ```
/// let path = std::env::temp_dir().join(format!("hookwire-load-doc-{}.yaml", std::process::id()));
/// std::fs::write(&path, "openapi: 3.1.0\nwebhooks: {}\n")?;
/// let doc = hookwire_codegen::load_document(&path)?;
/// assert_eq!(doc, serde_json::json!({"openapi": "3.1.0", "webhooks": {}}));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_document(path: &Path) -> Result<Value, DocumentError> {
    let text = std::fs::read_to_string(path).map_err(|source| DocumentError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_document(&text, path)
}

/// Parses `text` as JSON or YAML, choosing by `path` as [`load_document`] does; `path` only
/// names the document in errors and chooses the format.
///
/// # Errors
/// [`DocumentError::Syntax`] with the line and column.
///
/// ```
/// use hookwire_codegen::parse_document;
///
/// let yaml = "a: &x [1, 0x10, ~, 'no']\nb: *x\n'200': !!str 12\n";
/// let doc = parse_document(yaml, "doc.yaml".as_ref())?;
/// assert_eq!(doc, serde_json::json!({"a": [1, 16, null, "no"], "b": [1, 16, null, "no"], "200": "12"}));
/// # Ok::<(), hookwire_codegen::DocumentError>(())
/// ```
pub fn parse_document(text: &str, path: &Path) -> Result<Value, DocumentError> {
    let format = Format::detect(path, text);
    let syntax = |line: usize, column: usize, message: String| DocumentError::Syntax {
        path: path.to_owned(),
        format,
        line,
        column,
        message,
    };
    match format {
        Format::Json => serde_json::from_str(text).map_err(|error| {
            let message = error.to_string();
            // serde_json appends " at line L column C" to its message.
            let message = match message.rfind(" at line ") {
                Some(at) => message[..at].to_owned(),
                None => message,
            };
            syntax(error.line(), error.column(), message)
        }),
        Format::Yaml => {
            read_yaml(text).map_err(|(line, column, message)| syntax(line, column, message))
        }
    }
}

/// A place in the text (line from 1, column from 1) and what is wrong there.
type YamlError = (usize, usize, String);

/// A mapping or sequence being built.
enum Open {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

fn read_yaml(text: &str) -> Result<Value, YamlError> {
    let mut builder = Builder::default();
    let mut documents = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e: ScanError| {
            let mark = e.marker();
            (mark.line(), mark.col() + 1, e.info().to_owned())
        })?;
        let at = (span.start.line(), span.start.col() + 1);
        let fail = |message: String| (at.0, at.1, message);
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(fail(
                        "more than one YAML document; keep one per file".into(),
                    ));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let scalar = Scalar {
                    text: &value,
                    style,
                    tag: tag.as_deref(),
                };
                let resolved = scalar.resolve().map_err(fail)?;
                builder
                    .value(resolved, Some(&value), anchor)
                    .map_err(fail)?;
            }
            Event::Alias(anchor) => {
                let value = builder.alias(anchor).map_err(&fail)?;
                builder.value(value, None, 0).map_err(fail)?;
            }
            Event::SequenceStart(anchor, _) => {
                builder.open(Open::Seq(Vec::new(), anchor)).map_err(fail)?
            }
            Event::MappingStart(anchor, _) => builder
                .open(Open::Map(Map::new(), None, anchor))
                .map_err(fail)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close().map_err(fail)?,
            _ => {}
        }
    }
    Ok(builder.root.take().unwrap_or(Value::Null))
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    root: Option<Value>,
    anchors: HashMap<usize, (Value, usize)>,
    nodes: usize,
}

impl Builder {
    fn open(&mut self, open: Open) -> Result<(), String> {
        if let Some(Open::Map(_, None, _)) = self.stack.last() {
            return Err("a mapping key is a sequence or a mapping; JSON keys are strings".into());
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        self.stack.push(open);
        Ok(())
    }

    fn close(&mut self) -> Result<(), String> {
        let (value, anchor) = match self.stack.pop() {
            Some(Open::Seq(items, anchor)) => (Value::Array(items), anchor),
            Some(Open::Map(map, _, anchor)) => (Value::Object(map), anchor),
            None => return Ok(()),
        };
        self.value(value, None, anchor)
    }

    /// The value an alias names, counted again towards the node budget.
    fn alias(&mut self, anchor: usize) -> Result<Value, String> {
        let size = self
            .anchors
            .get(&anchor)
            .map(|(_, size)| *size)
            .ok_or_else(|| "an alias to an anchor not defined before it".to_owned())?;
        self.count(size)?;
        Ok(self.anchors[&anchor].0.clone())
    }

    fn count(&mut self, nodes: usize) -> Result<(), String> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return Err(format!(
                "the document expands to more than {MAX_NODES} values through its aliases"
            ));
        }
        Ok(())
    }

    /// Places a finished value: as a key (`key_text`, the scalar's own text), a mapping's
    /// value, a sequence item, or the document.
    fn value(&mut self, value: Value, key_text: Option<&str>, anchor: usize) -> Result<(), String> {
        if anchor != 0 {
            let size = size_of(&value);
            self.anchors.insert(anchor, (value.clone(), size));
        }
        self.count(1)?;
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Open::Seq(items, _)) => items.push(value),
            Some(Open::Map(map, key @ None, _)) => {
                let text = match (key_text, &value) {
                    (Some(text), _) => text.to_owned(),
                    (None, Value::String(text)) => text.clone(),
                    (None, Value::Null | Value::Bool(_) | Value::Number(_)) => value.to_string(),
                    (None, _) => {
                        return Err(
                            "a mapping key is a sequence or a mapping; JSON keys are strings"
                                .into(),
                        );
                    }
                };
                if map.contains_key(&text) {
                    return Err(format!("duplicate key `{text}`"));
                }
                *key = Some(text);
            }
            Some(Open::Map(map, key, _)) => {
                if let Some(key) = key.take() {
                    map.insert(key, value);
                }
            }
        }
        Ok(())
    }
}

/// How many values `value` holds, itself included.
fn size_of(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(size_of).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(size_of).sum::<usize>(),
        _ => 1,
    }
}

/// A scalar and how it was written.
struct Scalar<'a> {
    text: &'a str,
    style: ScalarStyle,
    tag: Option<&'a Tag>,
}

impl Scalar<'_> {
    /// The JSON value of the scalar by YAML 1.2's core schema; `Err` for a number JSON cannot
    /// hold (`.inf`, `.nan`, `1e999`).
    fn resolve(&self) -> Result<Value, String> {
        let text = self.text;
        let core = self
            .tag
            .filter(|tag| tag.is_yaml_core_schema())
            .map(|tag| tag.suffix.as_str());
        match (self.style, core) {
            (_, Some("str")) => return Ok(Value::String(text.to_owned())),
            (ScalarStyle::Plain, _) | (_, Some("int" | "float" | "bool" | "null")) => {}
            _ => return Ok(Value::String(text.to_owned())),
        }
        let special = text.trim_start_matches(['-', '+']);
        Ok(match text {
            "" | "~" | "null" | "Null" | "NULL" => Value::Null,
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            _ if matches!(special, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") => {
                return Err(format!(
                    "`{text}` is not a finite number; JSON has no such value"
                ));
            }
            _ => number(text)?.unwrap_or_else(|| Value::String(text.to_owned())),
        })
    }
}

/// An integer (decimal, `0o` octal, `0x` hex) or a float of the core schema; `Ok(None)` for
/// text that is neither, `Err` for a float too large for JSON.
fn number(text: &str) -> Result<Option<Value>, String> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let negative = text.starts_with('-');
    let integer = |digits: &str, radix: u32| {
        let magnitude = i128::from_str_radix(digits, radix).ok()?;
        let value = if negative { -magnitude } else { magnitude };
        i64::try_from(value)
            .map(Number::from)
            .or_else(|_| u64::try_from(value).map(Number::from))
            .ok()
            .map(Value::Number)
    };
    if let Some(hex) = text.strip_prefix("0x") {
        return Ok(integer(hex, 16));
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return Ok(integer(octal, 8));
    }
    let digits = !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit());
    if digits && let Some(value) = integer(unsigned, 10) {
        return Ok(Some(value));
    }
    let float_chars = unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if !float_chars || !unsigned.bytes().any(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(float) => Number::from_f64(float)
            .map(|n| Some(Value::Number(n)))
            .ok_or_else(|| format!("`{text}` is too large for a JSON number")),
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn yaml(text: &str) -> Result<Value, DocumentError> {
        parse_document(text, Path::new("t.yaml"))
    }

    fn error_at(text: &str) -> (usize, usize, String) {
        match yaml(text) {
            Err(DocumentError::Syntax {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            other => panic!("expected a syntax error for {text:?}, got {other:?}"),
        }
    }

    #[test]
    fn scalars_resolve_by_the_core_schema() {
        let doc = yaml(
            "a: [null, ~, true, False, 12, -7, +3, 0o17, 0xff, 1.5, -2e3, .5, 1_000, yes, on, '12', \"true\", 1.2.3]\nb:\nc: |\n  line\n",
        )
        .unwrap();
        assert_eq!(
            doc,
            json!({"a": [null, null, true, false, 12, -7, 3, 15, 255, 1.5, -2000.0, 0.5, "1_000",
                         "yes", "on", "12", "true", "1.2.3"],
                   "b": null, "c": "line\n"})
        );
        assert_eq!(yaml("x: !!str 12").unwrap(), json!({"x": "12"}));
        assert_eq!(
            yaml("x: 18446744073709551615").unwrap(),
            json!({"x": u64::MAX})
        );
        assert_eq!(yaml("").unwrap(), Value::Null);
    }

    #[test]
    fn keys_are_the_keys_text() {
        let doc = yaml("200: ok\ntrue: t\n1.0: f\n~: n\n").unwrap();
        assert_eq!(doc, json!({"200": "ok", "true": "t", "1.0": "f", "~": "n"}));
        assert_eq!(yaml("&k a: *k").unwrap(), json!({"a": "a"}));
    }

    #[test]
    fn anchors_expand_and_errors_have_lines_and_columns() {
        assert_eq!(
            yaml("base: &b {x: 1}\nother: *b\n").unwrap(),
            json!({"base": {"x": 1}, "other": {"x": 1}})
        );
        assert_eq!(error_at("a: 1\nb: 2\na: 3\n").0, 3);
        let (line, column, message) = error_at("a:\n  b: [1, 2\nc: 3\n");
        assert!(line >= 2 && column >= 1, "{line}:{column} {message}");
        assert!(error_at("? [a]\n: 1\n").2.contains("JSON keys are strings"));
        assert!(error_at("a: 1\n---\nb: 2\n").2.contains("more than one"));
        assert!(error_at("x: .inf\n").2.contains("not a finite number"));
        assert!(error_at("x: -1e999\n").2.contains("too large"));
        assert_eq!(yaml("x: '.inf'").unwrap(), json!({"x": ".inf"}));
    }

    #[test]
    fn laughs_and_depth_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let prev = level - 1;
            text.push_str(&format!("a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        assert!(error_at(&text).2.contains("through its aliases"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(error_at(&deep).2.contains("levels deep"));
    }

    /// Every truncation of a real document, and every character of it replaced by each of
    /// YAML's indicators, parses or fails with an error: never a panic or a hang.
    #[test]
    fn mangled_documents_fail_cleanly() {
        let text = include_str!("../../tests/fixtures/webhook-example.yaml");
        let chars: Vec<char> = text.chars().collect();
        let mut errors = 0;
        for at in (0..chars.len()).step_by(7) {
            let truncated: String = chars[..at].iter().collect();
            errors += usize::from(yaml(&truncated).is_err());
            for indicator in [
                '[', '{', ':', '-', '&', '*', '!', '\'', '"', '|', '>', '%', '?', '\t',
            ] {
                let mut mangled = chars.clone();
                mangled[at] = indicator;
                let mangled: String = mangled.into_iter().collect();
                errors += usize::from(yaml(&mangled).is_err());
            }
        }
        assert!(errors > 0);
    }

    #[test]
    fn json_is_read_with_serde_json_and_keeps_its_position() {
        let error = parse_document("{\n  \"a\": 1,\n}", Path::new("x.json")).unwrap_err();
        assert!(
            matches!(
                error,
                DocumentError::Syntax {
                    format: Format::Json,
                    line: 3,
                    column: 1,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(!error.to_string().contains(" at line 3 column"), "{error}");
        assert_eq!(
            parse_document("{\"a\": [1]}", Path::new("no-extension")).unwrap(),
            json!({"a": [1]})
        );
    }
}
