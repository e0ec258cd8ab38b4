//! Reading an input: an OpenAPI document (3.1 `webhooks`, 3.0 `x-webhooks`) or a folder of
//! JSON Schemas, into the events to generate.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::GenerateError;
use crate::source::{Loc, Sources};

/// One event of the input: its name and where its payload's schema is.
pub(crate) struct EventSpec {
    pub(crate) name: String,
    pub(crate) schema: Loc,
    /// The operation's description, when the schema has none.
    pub(crate) doc: Option<String>,
}

/// An input, read.
pub(crate) struct Input {
    pub(crate) sources: Sources,
    pub(crate) events: Vec<EventSpec>,
    /// For an OpenAPI document: its file, where `paths` are.
    pub(crate) openapi: Option<String>,
}

/// The HTTP methods a webhook operation may use, in the order they are looked for.
const METHODS: &[&str] = &["post", "put", "patch", "get", "delete"];

pub(crate) fn read(path: &Path) -> Result<Input, GenerateError> {
    let metadata = std::fs::metadata(path).map_err(|source| GenerateError::Read {
        path: path.to_owned(),
        source,
    })?;
    if metadata.is_dir() {
        match crate::spec::read_export(path)? {
            Some(export) => Ok(export),
            None => read_folder(path),
        }
    } else {
        read_openapi(path)
    }
}

fn read_openapi(path: &Path) -> Result<Input, GenerateError> {
    let root = path.parent().map(Path::to_owned).unwrap_or_default();
    let file = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sources = Sources::load(&root, std::slice::from_ref(&file))?;
    let nothing = |why: &str| GenerateError::NothingToGenerate {
        path: path.to_owned(),
        why: why.to_owned(),
    };
    let doc = sources.doc(&file).ok_or_else(|| nothing("it is empty"))?;
    if doc.get("asyncapi").is_some() {
        return Ok(crate::spec::read_asyncapi(sources, &file));
    }
    if doc.get("openapi").and_then(Value::as_str).is_none() {
        return Err(nothing("it has no `openapi` version field"));
    }
    let key = ["webhooks", "x-webhooks"]
        .into_iter()
        .find(|key| doc.get(*key).is_some_and(Value::is_object))
        .ok_or_else(|| nothing("it has neither `webhooks` nor `x-webhooks`"))?;
    let mut events = Vec::new();
    let webhooks = doc[key].as_object().into_iter().flatten();
    for (name, item) in webhooks {
        let item_loc = Loc::new(&file, format!("/{key}")).join(name);
        let Some(method) = METHODS.iter().find(|m| item.get(**m).is_some()) else {
            continue;
        };
        let operation = item_loc.join(method);
        let Some(schema) = body_schema(&sources, &operation) else {
            continue;
        };
        let op = sources.get(&operation).unwrap_or(&Value::Null);
        let doc = ["description", "summary"]
            .iter()
            .find_map(|key| op.get(*key).and_then(Value::as_str))
            .map(str::to_owned);
        events.push(EventSpec {
            name: name.clone(),
            schema,
            doc,
        });
    }
    Ok(Input {
        sources,
        events,
        openapi: Some(file),
    })
}

/// The JSON schema of an operation's request body (following a `$ref` to
/// `components.requestBodies`).
pub(crate) fn body_schema(sources: &Sources, operation: &Loc) -> Option<Loc> {
    let mut body = operation.join("requestBody");
    if let Some(reference) = sources.get(&body)?.get("$ref").and_then(Value::as_str) {
        body = sources.resolve(&body, reference).ok()?;
    }
    json_content(sources, &body.join("content"))
}

/// The schema of the JSON entry of a `content` map.
pub(crate) fn json_content(sources: &Sources, content: &Loc) -> Option<Loc> {
    let map = sources.get(content)?.as_object()?;
    let media = map
        .keys()
        .find(|media| media.as_str() == "application/json")
        .or_else(|| map.keys().find(|media| media.contains("json")))?;
    let schema = content.join(media).join("schema");
    sources.get(&schema).map(|_| schema)
}

fn read_folder(root: &Path) -> Result<Input, GenerateError> {
    let mut files = Vec::new();
    walk(root, root, &mut files)?;
    files.sort();
    let sources = Sources::load(root, &files)?;
    let mut referenced = BTreeSet::new();
    for file in &files {
        let mut refs = Vec::new();
        refs_of(sources.doc(file).unwrap_or(&Value::Null), &mut refs);
        for reference in refs {
            if let Ok(target) = sources.resolve(&Loc::new(file, ""), &reference)
                && target.file != *file
            {
                referenced.insert(target.file);
            }
        }
    }
    let events: Vec<EventSpec> = files
        .iter()
        .filter(|file| !referenced.contains(*file))
        .filter(|file| !file.split('/').any(|segment| segment == "common"))
        .map(|file| EventSpec {
            name: event_name(file),
            schema: Loc::new(file, ""),
            doc: None,
        })
        .collect();
    if events.is_empty() {
        return Err(GenerateError::NothingToGenerate {
            path: root.to_owned(),
            why:
                "the folder has no `.json` or `.yaml` schema that is not `$ref`-erenced by another"
                    .into(),
        });
    }
    Ok(Input {
        sources,
        events,
        openapi: None,
    })
}

/// `pull_request/opened.schema.json` -> `pull_request.opened`; `push/event.schema.json` ->
/// `push`; `order.shipped.json` -> `order.shipped`.
pub(crate) fn event_name(file: &str) -> String {
    let stem = [".json", ".yaml", ".yml"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))
        .unwrap_or(file)
        .trim_end_matches(".schema");
    let mut segments: Vec<&str> = stem.split('/').collect();
    if segments.len() > 1 && segments.last() == Some(&"event") {
        segments.pop();
    }
    segments.join(".")
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<String>) -> Result<(), GenerateError> {
    let read_error = |path: PathBuf| move |source| GenerateError::Read { path, source };
    let entries = std::fs::read_dir(dir).map_err(read_error(dir.to_owned()))?;
    for entry in entries {
        let path = entry.map_err(read_error(dir.to_owned()))?.path();
        if path.is_dir() {
            walk(root, &path, files)?;
        } else if path
            .extension()
            .is_some_and(|ext| ext == "json" || ext == "yaml" || ext == "yml")
        {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.push(parts.join("/"));
        }
    }
    Ok(())
}

fn refs_of(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match (key.as_str(), member) {
                    ("$ref", Value::String(reference)) => out.push(reference.clone()),
                    ("enum" | "const" | "examples" | "default", _) => {}
                    _ => refs_of(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs_of(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::event_name;

    #[test]
    fn names_events_after_their_files() {
        assert_eq!(
            event_name("pull_request/opened.schema.json"),
            "pull_request.opened"
        );
        assert_eq!(event_name("push/event.schema.json"), "push");
        assert_eq!(event_name("order.shipped.json"), "order.shipped");
        assert_eq!(event_name("push/event.schema.yaml"), "push");
        assert_eq!(event_name("order.shipped.yml"), "order.shipped");
    }
}
