//! [`AsyncApi`]: the AsyncAPI 3.0 rendering of an event catalog, for tools that read event
//! catalogs rather than OpenAPI `webhooks` (AsyncAPI Studio, generators, catalog portals).

use schemars::SchemaGenerator;
use serde_json::{Map, Value, json};

use super::openapi::standard_webhooks_headers;
use super::{envelope_for, settings};
use crate::event::{DescribeEvent, DescribeEvents, EventVisitor};

/// The AsyncAPI version written.
const ASYNCAPI_VERSION: &str = "3.0.0";

/// Builds an AsyncAPI 3.0 document from catalogs of events: one channel per event type (its
/// address is the subscriber's webhook URL, so `null`), one `send` operation per event (the
/// application sends it), one message per event with the Standard Webhooks headers and the
/// envelope as payload, and the payload schemas shared under `components.schemas`, as in the
/// OpenAPI document.
///
/// ```
/// use hookwire::schema::AsyncApi;
/// use hookwire::{Event, Events, JsonSchema, schemars};
/// use serde::{Deserialize, Serialize};
///
/// /// An order left the warehouse.
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "order.shipped")]
/// struct OrderShipped {
///     order_id: String,
/// }
///
/// #[derive(Events)]
/// enum ShopEvent {
///     OrderShipped(OrderShipped),
/// }
///
/// let document = AsyncApi::new("Shop", "1.0.0").events::<ShopEvent>().build();
/// assert_eq!(document["asyncapi"], "3.0.0");
/// assert_eq!(document["operations"]["orderShipped"]["action"], "send");
/// let message = &document["components"]["messages"]["order.shipped"];
/// assert_eq!(message["summary"], "An order left the warehouse.");
/// assert_eq!(
///     message["payload"]["properties"]["data"]["$ref"],
///     "#/components/schemas/OrderShipped"
/// );
/// ```
pub struct AsyncApi {
    info: Map<String, Value>,
    generator: SchemaGenerator,
    channels: Map<String, Value>,
    operations: Map<String, Value>,
    messages: Map<String, Value>,
}

impl AsyncApi {
    /// Starts a document with the application's title and version (`info.title`,
    /// `info.version`).
    ///
    /// ```
    /// let document = hookwire::schema::AsyncApi::new("Shop", "2.0.0").build();
    /// assert_eq!(document["info"]["version"], "2.0.0");
    /// ```
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        let mut info = Map::new();
        info.insert("title".into(), Value::String(title.into()));
        info.insert("version".into(), Value::String(version.into()));
        AsyncApi {
            info,
            generator: settings()
                .with(|settings| {
                    settings.definitions_path = "/components/schemas".into();
                    settings.meta_schema = None;
                })
                .into_generator(),
            channels: Map::new(),
            operations: Map::new(),
            messages: Map::new(),
        }
    }

    /// Sets `info.description` (CommonMark).
    ///
    /// ```
    /// let document = hookwire::schema::AsyncApi::new("Shop", "1").description("Orders.").build();
    /// assert_eq!(document["info"]["description"], "Orders.");
    /// ```
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.info
            .insert("description".into(), Value::String(description.into()));
        self
    }

    /// Adds every event of catalog `C`. An event type already added is kept once. See
    /// [`AsyncApi`] for an example.
    pub fn events<C: DescribeEvents>(mut self) -> Self {
        C::visit(&mut self);
        self
    }

    /// Finishes the document as JSON.
    ///
    /// See [`AsyncApi`] for an example.
    pub fn build(mut self) -> Value {
        let schemas = self.generator.take_definitions(true);
        json!({
            "asyncapi": ASYNCAPI_VERSION,
            "info": self.info,
            "defaultContentType": "application/json",
            "channels": self.channels,
            "operations": self.operations,
            "components": {
                "messages": self.messages,
                "schemas": schemas,
            },
        })
    }
}

impl EventVisitor for AsyncApi {
    fn visit<E: DescribeEvent>(&mut self) {
        let name = E::TYPE;
        if self.messages.contains_key(name) {
            return;
        }
        let mut message = Map::new();
        message.insert("name".into(), name.into());
        message.insert("title".into(), name.into());
        if let Some(description) = E::DESCRIPTION {
            let summary = description.split("\n\n").next().unwrap_or(description);
            message.insert("summary".into(), summary.replace('\n', " ").into());
            message.insert("description".into(), description.into());
        }
        message.insert("contentType".into(), "application/json".into());
        message.insert("headers".into(), headers());
        message.insert(
            "payload".into(),
            envelope_for::<E>(&mut self.generator).to_value(),
        );
        if let Some(version) = E::VERSION {
            message.insert("x-event-version".into(), version.into());
        }
        if E::DEPRECATED {
            message.insert("x-deprecated".into(), true.into());
        }
        self.messages.insert(name.into(), Value::Object(message));
        self.channels.insert(
            name.into(),
            json!({
                "address": null,
                "description": format!(
                    "The subscriber's webhook URL, to which `{name}` events are POSTed, signed with Standard Webhooks."
                ),
                "messages": { name: { "$ref": format!("#/components/messages/{name}") } },
            }),
        );
        let mut operation = json!({
            "action": "send",
            "channel": { "$ref": format!("#/channels/{name}") },
            "messages": [{ "$ref": format!("#/channels/{name}/messages/{name}") }],
        });
        if let Some(description) = E::DESCRIPTION {
            operation["summary"] = description
                .split("\n\n")
                .next()
                .unwrap_or(description)
                .replace('\n', " ")
                .into();
        }
        self.operations.insert(operation_id(name), operation);
    }
}

/// The Standard Webhooks headers as the message's `headers` object schema.
fn headers() -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    if let Value::Array(parameters) = standard_webhooks_headers() {
        for parameter in parameters {
            let Some(name) = parameter["name"].as_str().map(str::to_owned) else {
                continue;
            };
            let mut schema = parameter["schema"].clone();
            if let (Value::Object(schema), Some(description)) =
                (&mut schema, parameter["description"].as_str())
            {
                schema.insert("description".into(), description.into());
            }
            if parameter["required"] == true {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, schema);
        }
    }
    json!({ "type": "object", "properties": properties, "required": required })
}

/// A camelCase operation id from an event type: `order.shipped` -> `orderShipped`.
fn operation_id(event_type: &str) -> String {
    let mut id = String::with_capacity(event_type.len());
    let mut upper = false;
    for c in event_type.chars() {
        if matches!(c, '.' | '_' | '-') {
            upper = !id.is_empty();
        } else if upper {
            id.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            id.push(c);
        }
    }
    id
}
