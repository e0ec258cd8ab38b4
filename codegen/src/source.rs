//! The JSON documents of an input, by file, and `$ref` resolution across them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::error::GenerateError;

/// A place in the input: a file (relative to the input's root, `/`-separated) and a JSON
/// pointer into it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Loc {
    pub(crate) file: String,
    pub(crate) pointer: String,
}

impl Loc {
    pub(crate) fn new(file: &str, pointer: impl Into<String>) -> Self {
        Loc {
            file: file.to_owned(),
            pointer: pointer.into(),
        }
    }

    /// The location of a member of the schema here.
    pub(crate) fn join(&self, segment: &str) -> Loc {
        let escaped = segment.replace('~', "~0").replace('/', "~1");
        Loc::new(&self.file, format!("{}/{escaped}", self.pointer))
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

/// Every document of the input, read once, with referenced files loaded too.
pub(crate) struct Sources {
    docs: BTreeMap<String, Value>,
}

impl Sources {
    /// Reads `files` (relative to `root`) and every file they reference, transitively.
    pub(crate) fn load(root: &Path, files: &[String]) -> Result<Self, GenerateError> {
        let mut sources = Sources {
            docs: BTreeMap::new(),
        };
        let mut queue: Vec<String> = files.to_vec();
        while let Some(file) = queue.pop() {
            if sources.docs.contains_key(&file) {
                continue;
            }
            let value = crate::load_document(&root.join(&file))?;
            let mut refs = Vec::new();
            collect_refs(&value, &mut refs);
            let base = base_of(&file, &value);
            for reference in refs {
                let (target, _) = split_ref(&reference);
                if target.is_empty() || target.contains("://") {
                    continue;
                }
                let joined = join_path(&base, target);
                if !sources.docs.contains_key(&joined) && root.join(&joined).is_file() {
                    queue.push(joined);
                }
            }
            sources.docs.insert(file, value);
        }
        Ok(sources)
    }

    /// One document, already parsed, as `file`.
    #[cfg(test)]
    pub(crate) fn of(file: &str, doc: Value) -> Self {
        Sources {
            docs: BTreeMap::from([(file.to_owned(), doc)]),
        }
    }

    /// The value at `loc`, if any.
    pub(crate) fn get(&self, loc: &Loc) -> Option<&Value> {
        self.docs.get(&loc.file)?.pointer(&loc.pointer)
    }

    /// The document of `file`.
    pub(crate) fn doc(&self, file: &str) -> Option<&Value> {
        self.docs.get(file)
    }

    /// Where `reference`, written in `from`'s file, points; `Err` says why it cannot be
    /// followed.
    pub(crate) fn resolve(&self, from: &Loc, reference: &str) -> Result<Loc, String> {
        let (target, fragment) = split_ref(reference);
        if target.contains("://") {
            return Err(format!(
                "`$ref` to a remote document `{reference}` is not followed"
            ));
        }
        let file = if target.is_empty() {
            from.file.clone()
        } else {
            let doc = self.docs.get(&from.file).unwrap_or(&Value::Null);
            join_path(&base_of(&from.file, doc), target)
        };
        if !self.docs.contains_key(&file) {
            return Err(format!("`$ref` to `{reference}`: file `{file}` not found"));
        }
        let loc = Loc::new(&file, percent_decode(fragment));
        if self.get(&loc).is_none() {
            return Err(format!("`$ref` to `{reference}`: nothing at that pointer"));
        }
        Ok(loc)
    }
}

/// Splits `a.json#/x/y` into `a.json` and `/x/y`.
fn split_ref(reference: &str) -> (&str, &str) {
    match reference.split_once('#') {
        Some((file, fragment)) => (file, fragment),
        None => (reference, ""),
    }
}

/// The path relative references in `file` are resolved against: its relative `$id` when it
/// has one (GitHub's schemas use `$id`s such as `common/user.schema.json`), else its own path.
fn base_of(file: &str, doc: &Value) -> String {
    match doc.get("$id").and_then(Value::as_str) {
        Some(id) if !id.contains("://") && !id.starts_with('/') => id.to_owned(),
        _ => file.to_owned(),
    }
}

/// `base`'s folder joined with `relative`, with `.` and `..` segments resolved.
fn join_path(base: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for segment in relative.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn percent_decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match (key.as_str(), member) {
                    ("$ref", Value::String(reference)) => out.push(reference.clone()),
                    ("example" | "examples" | "enum" | "const" | "default", _) => {}
                    _ => collect_refs(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join_path("common/a.json", "b.json"), "common/b.json");
        assert_eq!(
            join_path("pull_request$opened", "common/b.json"),
            "common/b.json"
        );
        assert_eq!(join_path("x/y/a.json", "../b.json"), "x/b.json");
        assert_eq!(percent_decode("/a%20b/c"), "/a b/c");
    }
}
