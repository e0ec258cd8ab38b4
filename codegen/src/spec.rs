//! A description read for its events' payloads: [`Spec`], behind `hookwire example` and
//! `hookwire trigger`; and the two inputs only it and `generate` share with no JSON Schema
//! folder: AsyncAPI 3.0 documents and folders written by hookwire's `Export::write_to`.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::GenerateError;
use crate::input::{self, EventSpec, Input};
use crate::source::{Loc, Sources};

/// An OpenAPI document (`webhooks`, `x-webhooks`), an AsyncAPI 3.0 document, a folder written
/// by `Export::write_to` (its `events/<type>.json`), or a folder of JSON Schemas, read once to
/// make example payloads of its events.
///
/// An event whose body is an envelope (a schema with `type` and `data` members, as hookwire's,
/// Svix's and Resend's are) has its `data` as the payload.
///
/// ```
/// use hookwire_codegen::Spec;
///
/// let dir = std::env::temp_dir().join(format!("hookwire-spec-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("api.yaml");
/// std::fs::write(&path, "
/// openapi: 3.1.0
/// webhooks:
///   order.shipped:
///     post:
///       requestBody:
///         content:
///           application/json:
///             schema:
///               type: object
///               required: [type, data]
///               properties:
///                 type: {const: order.shipped}
///                 data:
///                   type: object
///                   required: [order_id, count, at]
///                   properties:
///                     order_id: {type: string, pattern: '^ord_[0-9]{4}$'}
///                     count: {type: integer, minimum: 2}
///                     at: {type: string, format: date-time}
/// ")?;
/// let spec = Spec::read(&path)?;
/// assert_eq!(spec.events(), ["order.shipped"]);
/// assert_eq!(
///     spec.example("order.shipped")?,
///     serde_json::json!({"order_id": "ord_0000", "count": 2, "at": "2024-05-01T12:00:00Z"})
/// );
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Spec {
    input: Input,
}

impl Spec {
    /// Reads the description at `path` (JSON or YAML).
    ///
    /// # Errors
    /// [`GenerateError`] when it cannot be read, is not JSON or YAML, or describes no events.
    ///
    /// ```
    /// assert!(hookwire_codegen::Spec::read("missing.yaml".as_ref()).is_err());
    /// ```
    pub fn read(path: &Path) -> Result<Self, GenerateError> {
        Ok(Spec {
            input: input::read(path)?,
        })
    }

    /// The names of the events, in the description's order.
    ///
    /// See [`Spec`] for an example.
    pub fn events(&self) -> Vec<&str> {
        self.input.events.iter().map(|e| e.name.as_str()).collect()
    }

    /// An example payload of `event`: the author's example of the body (OpenAPI `example` or
    /// first `examples` entry, AsyncAPI message `examples`), of the payload schema
    /// (`examples`, `example`), else one built from the schema to validate against it.
    /// The same description always gives the same payload.
    ///
    /// # Errors
    /// [`GenerateError::UnknownEvent`] when there is no such event.
    ///
    /// See [`Spec`] for an example.
    pub fn example(&self, event: &str) -> Result<Value, GenerateError> {
        match self.authored(event)? {
            Some(example) => Ok(example),
            None => self.generated(event),
        }
    }

    /// The author's example of the body, as [`example`](Spec::example) takes it, if any.
    /// Authors' examples do not always match their schemas (two of Svix's fourteen do not): a
    /// caller that can validate checks it against [`schema`](Spec::schema) and falls back to
    /// [`generated`](Spec::generated), as `hookwire example` does.
    ///
    /// # Errors
    /// [`GenerateError::UnknownEvent`] when there is no such event.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("hookwire-authored-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(dir.join("events"))?;
    /// std::fs::write(dir.join("events/a.b.json"), r#"{"type": "string"}"#)?;
    /// let spec = hookwire_codegen::Spec::read(&dir)?;
    /// assert_eq!(spec.authored("a.b")?, None);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn authored(&self, event: &str) -> Result<Option<Value>, GenerateError> {
        let spec = self.event(event)?;
        let sources = &self.input.sources;
        let (_, enveloped) = payload_of(sources, &spec.schema);
        Ok(body_example(sources, &spec.schema).and_then(|body| {
            if enveloped {
                body.get("data").cloned()
            } else {
                Some(body)
            }
        }))
    }

    /// A payload built from `event`'s payload schema (using the schema's own `examples` where
    /// it has them), ignoring examples of the whole body.
    ///
    /// # Errors
    /// [`GenerateError::UnknownEvent`] when there is no such event.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("hookwire-generated-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(dir.join("events"))?;
    /// std::fs::write(dir.join("events/a.b.json"), r#"{"type": "integer", "exclusiveMinimum": 10}"#)?;
    /// let spec = hookwire_codegen::Spec::read(&dir)?;
    /// assert_eq!(spec.generated("a.b")?, 11);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generated(&self, event: &str) -> Result<Value, GenerateError> {
        let spec = self.event(event)?;
        let sources = &self.input.sources;
        let (payload, _) = payload_of(sources, &spec.schema);
        Ok(crate::example::example(sources, &payload, "", 0))
    }

    /// The JSON Schema of `event`'s payload, self-contained: every `$ref` it uses (across
    /// files too) copied under `$defs`, 3.0 `nullable` as a `null` type. For validating a
    /// payload with any JSON Schema validator.
    ///
    /// # Errors
    /// [`GenerateError::UnknownEvent`] when there is no such event.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("hookwire-schema-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(dir.join("events"))?;
    /// std::fs::write(dir.join("events/a.b.json"), r##"{"$ref": "#/$defs/A", "$defs": {"A": {"type": "string"}}}"##)?;
    /// let spec = hookwire_codegen::Spec::read(&dir)?;
    /// let schema = spec.schema("a.b")?;
    /// assert_eq!(schema["$ref"], "#/$defs/d0");
    /// assert_eq!(schema["$defs"]["d0"]["type"], "string");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn schema(&self, event: &str) -> Result<Value, GenerateError> {
        let spec = self.event(event)?;
        let (payload, _) = payload_of(&self.input.sources, &spec.schema);
        Ok(crate::bundle::bundle(&self.input.sources, &payload))
    }

    fn event(&self, name: &str) -> Result<&EventSpec, GenerateError> {
        let events = &self.input.events;
        events
            .iter()
            .find(|spec| spec.name == name)
            .ok_or_else(|| GenerateError::UnknownEvent {
                name: name.to_owned(),
                known: events.iter().take(20).map(|e| e.name.clone()).collect(),
            })
    }
}

/// The schema at `loc` with its leading `$ref`s followed.
fn resolved(sources: &Sources, loc: &Loc) -> Loc {
    let mut at = loc.clone();
    for _ in 0..32 {
        let next = sources
            .get(&at)
            .and_then(|schema| schema.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|reference| sources.resolve(&at, reference).ok());
        match next {
            Some(next) => at = next,
            None => break,
        }
    }
    at
}

/// The payload's schema: the body's `data` member when the body is an envelope.
fn payload_of(sources: &Sources, body: &Loc) -> (Loc, bool) {
    let at = resolved(sources, body);
    let props = sources
        .get(&at)
        .and_then(|schema| schema.get("properties"))
        .and_then(Value::as_object);
    match props {
        Some(props) if props.contains_key("data") && props.contains_key("type") => {
            (at.join("properties").join("data"), true)
        }
        _ => (body.clone(), false),
    }
}

/// The example the author gave the body beside its schema: an OpenAPI media type's `example`
/// or first `examples` value, an AsyncAPI message's first `examples` payload.
fn body_example(sources: &Sources, schema: &Loc) -> Option<Value> {
    let parent = schema
        .pointer
        .rsplit_once('/')
        .map(|(parent, _)| Loc::new(&schema.file, parent))?;
    let holder = sources.get(&parent)?;
    if let Some(example) = holder.get("example") {
        return Some(example.clone());
    }
    match holder.get("examples")? {
        Value::Array(items) => items.first()?.get("payload").cloned(),
        Value::Object(named) => named.values().next()?.get("value").cloned(),
        _ => None,
    }
}

/// An AsyncAPI 3.0 document's messages (by their `name`, else their key), each channel's in
/// turn.
pub(crate) fn read_asyncapi(sources: Sources, file: &str) -> Input {
    let doc = sources.doc(file).cloned().unwrap_or(Value::Null);
    let mut events: Vec<EventSpec> = Vec::new();
    let channels = doc.get("channels").and_then(Value::as_object);
    for (channel, item) in channels.into_iter().flatten() {
        let channel_loc = Loc::new(file, "/channels").join(channel);
        let messages = item.get("messages").and_then(Value::as_object);
        for key in messages.into_iter().flat_map(Map::keys) {
            let message = resolved(&sources, &channel_loc.join("messages").join(key));
            let Some(body) = sources.get(&message) else {
                continue;
            };
            let name = body.get("name").and_then(Value::as_str).unwrap_or(key);
            let mut payload = message.join("payload");
            if sources
                .get(&payload)
                .is_some_and(|p| p.get("schemaFormat").is_some())
            {
                payload = payload.join("schema");
            }
            if sources.get(&payload).is_none() || events.iter().any(|e| e.name == name) {
                continue;
            }
            let doc = ["description", "summary"]
                .iter()
                .find_map(|key| body.get(*key).and_then(Value::as_str))
                .map(str::to_owned);
            events.push(EventSpec {
                name: name.to_owned(),
                schema: payload,
                doc,
            });
        }
    }
    Input {
        sources,
        events,
        openapi: None,
    }
}

/// A folder written by `Export::write_to`: one event per `events/<type>.json`.
pub(crate) fn read_export(root: &Path) -> Result<Option<Input>, GenerateError> {
    let Ok(entries) = std::fs::read_dir(root.join("events")) else {
        return Ok(None);
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".json").map(str::to_owned))
        .collect();
    if names.is_empty() {
        return Ok(None);
    }
    names.sort();
    let files: Vec<String> = names.iter().map(|n| format!("events/{n}.json")).collect();
    let sources = Sources::load(root, &files)?;
    let events = names
        .into_iter()
        .zip(&files)
        .map(|(name, file)| EventSpec {
            name,
            schema: Loc::new(file, ""),
            doc: None,
        })
        .collect();
    Ok(Some(Input {
        sources,
        events,
        openapi: None,
    }))
}
