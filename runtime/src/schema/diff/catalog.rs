//! The event schemas of one version: read from an export folder, an OpenAPI 3.x document's
//! `webhooks` (or 3.0's `x-webhooks`), or an AsyncAPI 3.0 document's channels.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::walk::segment;

/// The body schema of each event type of one version, by event type.
///
/// Each body schema is kept inside its document, so its `$ref`s resolve there.
///
/// ```
/// use hookwire::schema::diff::Catalog;
/// use serde_json::json;
///
/// let document = json!({
///     "openapi": "3.1.0",
///     "webhooks": {"ping": {"post": {"requestBody": {"content": {"application/json": {
///         "schema": {"$ref": "#/components/schemas/Ping"}
///     }}}}}},
///     "components": {"schemas": {"Ping": {"type": "object"}}}
/// });
/// let catalog = Catalog::from_document(document)?;
/// assert_eq!(catalog.event_types().collect::<Vec<_>>(), ["ping"]);
/// # Ok::<(), hookwire::schema::diff::LoadError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    events: BTreeMap<String, Body>,
}

#[derive(Debug, Clone)]
struct Body {
    root: Arc<Value>,
    pointer: String,
}

/// Why a version could not be read.
///
/// ```
/// use hookwire::schema::diff::{Catalog, LoadError};
/// let error = Catalog::from_document(serde_json::json!({"swagger": "2.0"})).unwrap_err();
/// assert!(matches!(error, LoadError::UnknownFormat { .. }));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// Why.
        source: io::Error,
    },
    /// A file is not valid JSON.
    #[error("{path} is not valid JSON: {message}")]
    Json {
        /// The path.
        path: String,
        /// The parser's message, with its line and column.
        message: String,
    },
    /// A document is neither OpenAPI 3.x nor AsyncAPI 3.0.
    #[error(
        "not an OpenAPI 3.x or AsyncAPI 3.0 document ({found}); expected an `openapi: 3.x` or \
         `asyncapi: 3.0.x` field"
    )]
    UnknownFormat {
        /// What was found instead.
        found: String,
    },
    /// A folder holds none of the files an export writes.
    #[error(
        "{path} holds no schemas: expected envelopes/<type>.json or events/<type>.json (as \
         written by Export::write_to), openapi.json or asyncapi.json"
    )]
    NoSchemas {
        /// The folder.
        path: String,
    },
}

/// The files of an export folder that [`Catalog::from_files`] reads.
const DOCUMENTS: [&str; 3] = ["openapi.json", "asyncapi.json", "openapi-3.0.json"];

impl Catalog {
    /// The event types, sorted.
    ///
    /// See [`Catalog`] for an example.
    pub fn event_types(&self) -> impl Iterator<Item = &str> {
        self.events.keys().map(String::as_str)
    }

    /// The body schema of `event_type` and the document its `$ref`s resolve in.
    ///
    /// ```
    /// # use hookwire::schema::diff::Catalog;
    /// let files = [("events/ping.json".to_owned(), serde_json::json!({"type": "object"}))];
    /// let catalog = Catalog::from_files(files)?;
    /// let (schema, _root) = catalog.schema("ping").unwrap();
    /// assert_eq!(schema["type"], "object");
    /// # Ok::<(), hookwire::schema::diff::LoadError>(())
    /// ```
    pub fn schema(&self, event_type: &str) -> Option<(&Value, &Value)> {
        let body = self.events.get(event_type)?;
        Some((body.root.pointer(&body.pointer)?, &body.root))
    }

    /// Whether [`from_files`](Catalog::from_files) reads the file at `relative` (a path
    /// relative to an export folder, with `/` separators).
    ///
    /// ```
    /// # use hookwire::schema::diff::Catalog;
    /// assert!(Catalog::reads("envelopes/order.created.json"));
    /// assert!(!Catalog::reads("README.md"));
    /// ```
    pub fn reads(relative: &str) -> bool {
        let nested = |folder: &str| {
            relative
                .strip_prefix(folder)
                .is_some_and(|name| name.ends_with(".json") && !name.contains('/'))
        };
        nested("envelopes/") || nested("events/") || DOCUMENTS.contains(&relative)
    }

    /// The catalog of an export folder's files (as [`Export::write_to`] writes them), by
    /// relative path: each `envelopes/<type>.json` (the whole body), or else each
    /// `events/<type>.json` (the payload), or else `openapi.json`, `asyncapi.json` or
    /// `openapi-3.0.json`.
    ///
    /// See [`schema`](Catalog::schema) for an example.
    ///
    /// # Errors
    /// [`LoadError::NoSchemas`] when none of those files is there; the errors of
    /// [`from_document`](Catalog::from_document).
    ///
    /// [`Export::write_to`]: crate::schema::Export::write_to
    pub fn from_files(
        files: impl IntoIterator<Item = (String, Value)>,
    ) -> Result<Catalog, LoadError> {
        let mut files: BTreeMap<String, Value> = files.into_iter().collect();
        for folder in ["envelopes/", "events/"] {
            let mut catalog = Catalog::default();
            for (path, schema) in &files {
                if let Some(name) = path
                    .strip_prefix(folder)
                    .and_then(|n| n.strip_suffix(".json"))
                {
                    let body = Body {
                        root: Arc::new(schema.clone()),
                        pointer: String::new(),
                    };
                    catalog.events.insert(name.to_owned(), body);
                }
            }
            if !catalog.events.is_empty() {
                return Ok(catalog);
            }
        }
        for document in DOCUMENTS {
            if let Some(document) = files.remove(document) {
                return Catalog::from_document(document);
            }
        }
        Err(LoadError::NoSchemas {
            path: "the folder".into(),
        })
    }

    /// The catalog of an export folder on disk (see [`from_files`](Catalog::from_files)).
    ///
    /// ```
    /// # use hookwire::schema::diff::Catalog;
    /// let dir = std::env::temp_dir().join(format!("hookwire-catalog-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(dir.join("events"))?;
    /// std::fs::write(dir.join("events/ping.json"), r#"{"type": "object"}"#)?;
    /// let catalog = Catalog::from_dir(&dir)?;
    /// assert_eq!(catalog.event_types().collect::<Vec<_>>(), ["ping"]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`LoadError::Read`] or [`LoadError::Json`] for a file that cannot be read or parsed,
    /// and the errors of [`from_files`](Catalog::from_files).
    pub fn from_dir(dir: &Path) -> Result<Catalog, LoadError> {
        let read_error = |path: &Path, source| LoadError::Read {
            path: path.display().to_string(),
            source,
        };
        let mut relative = Vec::new();
        for folder in ["envelopes", "events"] {
            let entries = match std::fs::read_dir(dir.join(folder)) {
                Ok(entries) => entries,
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(error) => return Err(read_error(&dir.join(folder), error)),
            };
            for entry in entries {
                let entry = entry.map_err(|error| read_error(&dir.join(folder), error))?;
                relative.push(format!("{folder}/{}", entry.file_name().to_string_lossy()));
            }
        }
        relative.extend(
            DOCUMENTS
                .iter()
                .filter(|name| dir.join(name).is_file())
                .map(|n| (*n).to_owned()),
        );
        let mut files = Vec::new();
        for path in relative.into_iter().filter(|path| Catalog::reads(path)) {
            let full = dir.join(&path);
            let text = std::fs::read_to_string(&full).map_err(|error| read_error(&full, error))?;
            let value = serde_json::from_str(&text).map_err(|error| LoadError::Json {
                path: full.display().to_string(),
                message: error.to_string(),
            })?;
            files.push((path, value));
        }
        Catalog::from_files(files).map_err(|error| match error {
            LoadError::NoSchemas { .. } => LoadError::NoSchemas {
                path: dir.display().to_string(),
            },
            other => other,
        })
    }

    /// The catalog of an OpenAPI 3.x document (each `webhooks` entry, `x-webhooks` in 3.0: the
    /// JSON request body of its operation) or an AsyncAPI 3.0 document (each message of each
    /// channel: its payload, named by the message's `name` or key).
    ///
    /// See [`Catalog`] for an example.
    ///
    /// # Errors
    /// [`LoadError::UnknownFormat`] for any other document.
    pub fn from_document(document: Value) -> Result<Catalog, LoadError> {
        let root = Arc::new(document);
        let version = |field: &str| root.get(field).and_then(Value::as_str).map(str::to_owned);
        let mut catalog = Catalog::default();
        if version("openapi").is_some_and(|v| v.starts_with("3.")) {
            for field in ["webhooks", "x-webhooks"] {
                for (name, item) in root
                    .get(field)
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let pointer = format!("/{field}/{}", segment(name));
                    if let Some(pointer) = request_body(&root, item, pointer) {
                        catalog.events.insert(
                            name.clone(),
                            Body {
                                root: root.clone(),
                                pointer,
                            },
                        );
                    }
                }
            }
        } else if version("asyncapi").is_some_and(|v| v.starts_with("3.")) {
            for (name, channel) in root
                .get("channels")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let messages = channel.get("messages").and_then(Value::as_object);
                for (key, message) in messages.into_iter().flatten() {
                    let pointer = format!("/channels/{}/messages/{}", segment(name), segment(key));
                    let (message, pointer) = follow(&root, message, pointer);
                    let event = message.get("name").and_then(Value::as_str).unwrap_or(key);
                    let Some(payload) = message.get("payload") else {
                        continue;
                    };
                    let mut pointer = format!("{pointer}/payload");
                    if payload.get("schemaFormat").is_some() && payload.get("schema").is_some() {
                        pointer.push_str("/schema");
                    }
                    catalog.events.insert(
                        event.to_owned(),
                        Body {
                            root: root.clone(),
                            pointer,
                        },
                    );
                }
            }
        } else {
            let found = match (version("openapi"), version("asyncapi"), root.get("swagger")) {
                (Some(v), _, _) => format!("openapi {v}"),
                (_, Some(v), _) => format!("asyncapi {v}"),
                (_, _, Some(v)) => format!("swagger {}", v.as_str().unwrap_or("?")),
                _ => "no version field".into(),
            };
            return Err(LoadError::UnknownFormat { found });
        }
        Ok(catalog)
    }
}

/// The pointer to the JSON request body schema of a webhook's path item (its `post`, or its
/// first operation with a body).
fn request_body(root: &Value, item: &Value, pointer: String) -> Option<String> {
    let (item, pointer) = follow(root, item, pointer);
    let methods = [
        "post", "put", "patch", "get", "delete", "options", "head", "trace",
    ];
    methods.iter().find_map(|method| {
        let operation = item.get(*method)?;
        let body = operation.get("requestBody")?;
        let (body, pointer) = follow(root, body, format!("{pointer}/{method}/requestBody"));
        let content = body.get("content")?.as_object()?;
        let media = content
            .keys()
            .find(|media| *media == "application/json")
            .or_else(|| content.keys().find(|media| media.contains("json")))?;
        content[media].get("schema")?;
        Some(format!("{pointer}/content/{}/schema", segment(media)))
    })
}

/// Follows a `$ref` (a path item, request body or message may be one), with the pointer to
/// where the object is.
fn follow<'a>(root: &'a Value, value: &'a Value, pointer: String) -> (&'a Value, String) {
    if let Some(reference) = value.get("$ref").and_then(Value::as_str)
        && let Some(target) = super::view::resolve(root, reference)
        && let Some(target_pointer) = reference.strip_prefix('#')
    {
        return (target, target_pointer.to_owned());
    }
    (value, pointer)
}
