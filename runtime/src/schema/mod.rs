//! JSON Schemas (draft 2020-12) for events and their envelopes, the OpenAPI 3.1 document, and
//! the files a project commits and checks for drift.
//!
//! Schemas come from [schemars](https://docs.rs/schemars) with the *serialize* contract, since
//! events are what a sender writes: serde's `rename`, `rename_all`, `tag`, `content`,
//! `untagged`, `flatten`, `skip_serializing_if` and `default` are all reflected.
//!
//! ```
//! use hookwire::{Event, JsonSchema, schemars};
//! use serde::{Deserialize, Serialize};
//!
//! /// An order left the warehouse.
//! #[derive(Serialize, Deserialize, JsonSchema, Event)]
//! #[hookwire(event = "order.shipped")]
//! struct OrderShipped {
//!     order_id: String,
//! }
//!
//! let schema = hookwire::schema::event_schema::<OrderShipped>();
//! assert_eq!(schema.get("$schema").unwrap(), "https://json-schema.org/draft/2020-12/schema");
//! assert_eq!(schema.get("description").unwrap(), "An order left the warehouse.");
//!
//! let envelope = hookwire::schema::envelope_schema::<OrderShipped>();
//! assert_eq!(envelope.pointer("/properties/type/const").unwrap(), "order.shipped");
//! assert_eq!(envelope.pointer("/properties/data/$ref").unwrap(), "#/$defs/OrderShipped");
//! ```

mod asyncapi;
pub mod diff;
mod export;
mod openapi;
mod openapi30;
mod paths;

pub use asyncapi::AsyncApi;
pub use export::{CheckMode, Drift, Export};
pub use openapi::{OpenApi, OpenApiError};
pub use openapi30::openapi_30;

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::event::{DescribeEvent, DescribeEvents, Event, EventVisitor};

/// The JSON Schema dialect of every schema hookwire writes.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Schema settings for what is sent: draft 2020-12 with the serialize contract, and the range of
/// each sized integer (`u32`, `i64`, ...) stated as `minimum`/`maximum`, so a document's reader
/// knows what the Rust type accepts.
///
/// ```
/// let settings = hookwire::schema::settings();
/// assert_eq!(settings.meta_schema.as_deref(), Some(hookwire::schema::DIALECT));
/// let schema = settings.into_generator().into_root_schema_for::<u32>();
/// assert_eq!(schema.get("maximum").unwrap(), 4294967295u32);
/// ```
pub fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(RecursiveTransform(integer_range))
}

/// `generator.subschema_for::<T>()` with the generator's transforms applied to it too: schemars
/// applies them to definitions and root schemas, not to a subschema it returns inline (an
/// `Option<u32>` parameter, say).
pub(crate) fn subschema<T: schemars::JsonSchema + ?Sized>(
    generator: &mut SchemaGenerator,
) -> Schema {
    let mut schema = generator.subschema_for::<T>();
    if schema.get("$ref").is_none() {
        for transform in generator.transforms_mut() {
            transform.transform(&mut schema);
        }
    }
    schema
}

/// Adds the `minimum` and `maximum` of an integer's `format` (`int8` to `int64`, `uint8` to
/// `uint64`) when the schema states none.
fn integer_range(schema: &mut Schema) {
    let range: (i128, i128) = match schema.get("format").and_then(Value::as_str) {
        Some("int8") => (i8::MIN.into(), i8::MAX.into()),
        Some("int16") => (i16::MIN.into(), i16::MAX.into()),
        Some("int32") => (i32::MIN.into(), i32::MAX.into()),
        Some("int64") => (i64::MIN.into(), i64::MAX.into()),
        Some("uint8") => (0, u8::MAX.into()),
        Some("uint16") => (0, u16::MAX.into()),
        Some("uint32") => (0, u32::MAX.into()),
        Some("uint64") => (0, u64::MAX.into()),
        _ => return,
    };
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    for (key, bound) in [("minimum", range.0), ("maximum", range.1)] {
        let bound = match i64::try_from(bound) {
            Ok(signed) => Value::from(signed),
            Err(_) => Value::from(u64::MAX),
        };
        object.entry(key).or_insert(bound);
    }
}

/// The standalone JSON Schema of an event's payload, with its subschemas under `$defs`.
///
/// ```
/// # use hookwire::{Event, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// # #[hookwire(event = "ping")]
/// # struct Ping { n: u32 }
/// let schema = hookwire::schema::event_schema::<Ping>();
/// assert_eq!(schema.pointer("/properties/n/type").unwrap(), "integer");
/// ```
pub fn event_schema<E: DescribeEvent>() -> Schema {
    settings().into_generator().into_root_schema_for::<E>()
}

/// The standalone JSON Schema of an event's envelope: `type` is the event's name as a `const`,
/// `timestamp` a `date-time` string, and `data` the event, defined under `$defs`.
///
/// ```
/// # use hookwire::{Event, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// # #[hookwire(event = "ping")]
/// # struct Ping { n: u32 }
/// let schema = hookwire::schema::envelope_schema::<Ping>();
/// assert_eq!(schema.pointer("/required").unwrap(), &serde_json::json!(["type", "timestamp", "data"]));
/// assert!(schema.pointer("/$defs/Ping").is_some());
/// ```
pub fn envelope_schema<E: DescribeEvent>() -> Schema {
    let mut generator = settings().into_generator();
    let mut schema = envelope_for::<E>(&mut generator);
    let definitions = generator.take_definitions(true);
    let object = schema.ensure_object();
    let mut root = Map::new();
    root.insert("$schema".into(), DIALECT.into());
    root.insert("title".into(), format!("{} webhook", E::TYPE).into());
    root.append(object);
    if !definitions.is_empty() {
        root.insert("$defs".into(), Value::Object(definitions));
    }
    Schema::from(root)
}

/// The envelope schema of `E`, with `data` referring to `E`'s schema in `generator`.
pub(crate) fn envelope_for<E: DescribeEvent>(generator: &mut SchemaGenerator) -> Schema {
    let data = subschema::<E>(generator);
    let mut timestamp = generator.subschema_for::<crate::Timestamp>();
    // `Timestamp`'s own schema says only what it is (it is also the type of generated
    // `date-time` fields); what it means here is the envelope's to say.
    timestamp.ensure_object().insert(
        "description".into(),
        "When the event occurred, in RFC 3339 format.".into(),
    );
    let mut schema = Schema::from(Map::new());
    let object = schema.ensure_object();
    object.insert("type".into(), "object".into());
    if let Some(description) = E::DESCRIPTION {
        object.insert("description".into(), description.into());
    }
    object.insert(
        "properties".into(),
        json!({
            "type": { "const": E::TYPE, "description": "The event type." },
            "timestamp": timestamp,
            "data": data,
        }),
    );
    object.insert("required".into(), json!(["type", "timestamp", "data"]));
    if E::DEPRECATED {
        object.insert("deprecated".into(), true.into());
    }
    schema
}

/// Every event of catalog `C` with its standalone payload schema (as [`event_schema`]), in
/// declaration order.
///
/// ```
/// use hookwire::{Event, Events, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "ping")]
/// struct Ping {
///     n: u32,
/// }
///
/// #[derive(Events)]
/// enum Catalog {
///     Ping(Ping),
/// }
///
/// let schemas = hookwire::schema::event_schemas::<Catalog>();
/// assert_eq!(schemas[0].0, "ping");
/// assert_eq!(schemas[0].1.pointer("/properties/n/type").unwrap(), "integer");
/// ```
pub fn event_schemas<C: DescribeEvents>() -> Vec<(&'static str, Schema)> {
    struct Collect(Vec<(&'static str, Schema)>);
    impl EventVisitor for Collect {
        fn visit<E: DescribeEvent>(&mut self) {
            self.0.push((E::TYPE, event_schema::<E>()));
        }
    }
    let mut collect = Collect(Vec::new());
    C::visit(&mut collect);
    collect.0
}

/// What hookwire knows of one event type, without its schema.
///
/// ```
/// use hookwire::{Event, Events, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// /// Liveness check.
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "ping", version = "1")]
/// struct Ping {}
///
/// #[derive(Events)]
/// enum Catalog {
///     Ping(Ping),
/// }
///
/// let events = hookwire::schema::events::<Catalog>();
/// assert_eq!(events[0].event_type, "ping");
/// assert_eq!(events[0].version, Some("1"));
/// assert_eq!(events[0].description, Some("Liveness check."));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventInfo {
    /// [`Event::TYPE`].
    pub event_type: &'static str,
    /// [`Event::VERSION`].
    pub version: Option<&'static str>,
    /// [`Event::DESCRIPTION`].
    pub description: Option<&'static str>,
    /// [`Event::DEPRECATED`].
    pub deprecated: bool,
}

impl EventInfo {
    /// The information of event type `E`.
    ///
    /// ```
    /// # use hookwire::{Event, JsonSchema, schemars};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// # #[hookwire(event = "ping")]
    /// # struct Ping {}
    /// assert_eq!(hookwire::schema::EventInfo::of::<Ping>().event_type, "ping");
    /// ```
    pub fn of<E: Event>() -> Self {
        EventInfo {
            event_type: E::TYPE,
            version: E::VERSION,
            description: E::DESCRIPTION,
            deprecated: E::DEPRECATED,
        }
    }
}

/// The events of catalog `C`, in declaration order.
///
/// See [`EventInfo`] for an example.
pub fn events<C: DescribeEvents>() -> Vec<EventInfo> {
    struct Collect(Vec<EventInfo>);
    impl EventVisitor for Collect {
        fn visit<E: DescribeEvent>(&mut self) {
            self.0.push(EventInfo::of::<E>());
        }
    }
    let mut collect = Collect(Vec::new());
    C::visit(&mut collect);
    collect.0
}
