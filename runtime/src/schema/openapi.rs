//! The OpenAPI 3.1 document: `info`, the `webhooks` object with one POST operation per event,
//! and the shared `components.schemas` every `$ref` points into.

use std::collections::BTreeSet;

use schemars::SchemaGenerator;
use serde_json::{Map, Value, json};

use super::paths::{self, PendingOperation};
use super::{DIALECT, envelope_for, settings};
use crate::endpoint::Endpoint;
use crate::event::{DescribeEvent, DescribeEvents, EventVisitor};

/// The OpenAPI version hookwire writes.
const OPENAPI_VERSION: &str = "3.1.0";

/// Builds an OpenAPI 3.1 document from catalogs of events.
///
/// Each event becomes an entry of the top-level `webhooks` object, keyed by its type name: a
/// POST operation with an `operationId`, the event's doc comment as summary and description,
/// the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers of Standard Webhooks, the
/// envelope as the `application/json` request body, and responses that tell a sender what each
/// status means. Payload schemas are shared in `components.schemas`; two Rust types with the
/// same name get distinct entries (`Item` and `Item2`), never one overwriting the other.
///
/// ```
/// use hookwire::schema::OpenApi;
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
/// let document = OpenApi::new("Shop", "1.0.0")
///     .description("Order webhooks.")
///     .webhooks::<ShopEvent>()
///     .build()?;
/// assert_eq!(document["openapi"], "3.1.0");
/// let operation = &document["webhooks"]["order.shipped"]["post"];
/// assert_eq!(operation["operationId"], "orderShipped");
/// assert_eq!(operation["summary"], "An order left the warehouse.");
/// assert_eq!(
///     operation["requestBody"]["content"]["application/json"]["schema"]["properties"]["data"]["$ref"],
///     "#/components/schemas/OrderShipped"
/// );
/// # Ok::<(), hookwire::schema::OpenApiError>(())
/// ```
pub struct OpenApi {
    info: Map<String, Value>,
    /// What is sent: events, responses (serialize contract).
    generator: SchemaGenerator,
    /// What is received by a server: parameters and request bodies (deserialize contract).
    requests: SchemaGenerator,
    webhooks: Map<String, Value>,
    operations: Vec<PendingOperation>,
    operation_ids: BTreeSet<String>,
    errors: Vec<OpenApiError>,
}

/// Why an OpenAPI document could not be built.
///
/// ```
/// # use hookwire::schema::{OpenApi, OpenApiError};
/// # use hookwire::{Event, Events, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// # #[hookwire(event = "ping")]
/// # struct Ping {}
/// # #[derive(Events)]
/// # enum Catalog { Ping(Ping) }
/// let error = OpenApi::new("Twice", "1").webhooks::<Catalog>().webhooks::<Catalog>().build();
/// assert!(matches!(error, Err(OpenApiError::DuplicateWebhook(name)) if name == "ping"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenApiError {
    /// Two events with the same type name were added.
    #[error("webhook `{0}` is described twice; each event type name must be unique")]
    DuplicateWebhook(String),
    /// Two endpoints share a method and path.
    #[error("`{method} {path}` is described twice")]
    DuplicateOperation {
        /// The HTTP method, upper case.
        method: String,
        /// The path template.
        path: String,
    },
    /// Two endpoints share an `operationId`.
    #[error("operationId `{0}` is used twice; set `operation_id = \"...\"` on one endpoint")]
    DuplicateOperationId(String),
}

impl OpenApi {
    /// Starts a document with the API's title and version (`info.title`, `info.version`).
    ///
    /// ```
    /// let document = hookwire::schema::OpenApi::new("Shop", "2.1.0").build()?;
    /// assert_eq!(document["info"]["version"], "2.1.0");
    /// assert_eq!(document["jsonSchemaDialect"], "https://json-schema.org/draft/2020-12/schema");
    /// # Ok::<(), hookwire::schema::OpenApiError>(())
    /// ```
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        let mut info = Map::new();
        info.insert("title".into(), Value::String(title.into()));
        info.insert("version".into(), Value::String(version.into()));
        let components = |settings: &mut schemars::generate::SchemaSettings| {
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
        };
        OpenApi {
            info,
            generator: settings().with(components).into_generator(),
            requests: settings()
                .for_deserialize()
                .with(components)
                .into_generator(),
            webhooks: Map::new(),
            operations: Vec::new(),
            operation_ids: BTreeSet::new(),
            errors: Vec::new(),
        }
    }

    /// Sets `info.description` (CommonMark).
    ///
    /// ```
    /// let document = hookwire::schema::OpenApi::new("Shop", "1").description("Orders.").build()?;
    /// assert_eq!(document["info"]["description"], "Orders.");
    /// # Ok::<(), hookwire::schema::OpenApiError>(())
    /// ```
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.info
            .insert("description".into(), Value::String(description.into()));
        self
    }

    /// Adds every event of catalog `C` to `webhooks`. See [`OpenApi`] for an example.
    pub fn webhooks<C: DescribeEvents>(mut self) -> Self {
        C::visit(&mut self);
        self
    }

    /// Adds one event to `webhooks`.
    ///
    /// ```
    /// # use hookwire::{Event, JsonSchema, schemars};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// # #[hookwire(event = "ping")]
    /// # struct Ping {}
    /// let document = hookwire::schema::OpenApi::new("Pings", "1").webhook::<Ping>().build()?;
    /// assert!(document["webhooks"]["ping"]["post"].is_object());
    /// # Ok::<(), hookwire::schema::OpenApiError>(())
    /// ```
    pub fn webhook<E: DescribeEvent>(mut self) -> Self {
        self.visit::<E>();
        self
    }

    /// Adds an API endpoint to `paths`: its parameters, its JSON body and its responses, with
    /// request-side schemas under the deserialize contract and the response under the serialize
    /// contract.
    ///
    /// ```
    /// use hookwire::schema::OpenApi;
    /// use hookwire::{Endpoint, JsonSchema, schemars};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, Deserialize, JsonSchema)]
    /// pub struct Product {
    ///     pub product_id: String,
    /// }
    ///
    /// /// Fetches one product.
    /// #[derive(Endpoint)]
    /// #[hookwire(method = "GET", path = "/products/{product_id}", response = Product)]
    /// pub struct GetProduct {
    ///     /// The product's id.
    ///     #[hookwire(path)]
    ///     pub product_id: String,
    /// }
    ///
    /// let document = OpenApi::new("Shop", "1").endpoint::<GetProduct>().build()?;
    /// let get = &document["paths"]["/products/{product_id}"]["get"];
    /// assert_eq!(get["operationId"], "getProduct");
    /// assert_eq!(get["parameters"][0]["in"], "path");
    /// assert_eq!(
    ///     get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
    ///     "#/components/schemas/Product"
    /// );
    /// # Ok::<(), hookwire::schema::OpenApiError>(())
    /// ```
    pub fn endpoint<E: Endpoint>(mut self) -> Self {
        let method = E::METHOD.as_str().to_owned();
        if self
            .operations
            .iter()
            .any(|op| op.path == E::PATH && op.method.eq_ignore_ascii_case(&method))
        {
            self.errors.push(OpenApiError::DuplicateOperation {
                method,
                path: E::PATH.to_owned(),
            });
            return self;
        }
        if !self.operation_ids.insert(E::OPERATION_ID.to_owned()) {
            self.errors.push(OpenApiError::DuplicateOperationId(
                E::OPERATION_ID.to_owned(),
            ));
            return self;
        }
        let operation = paths::operation::<E>(&mut self.generator, &mut self.requests);
        self.operations.push(operation);
        self
    }

    /// Finishes the document as JSON.
    ///
    /// # Errors
    /// The first [`OpenApiError`]: two events sharing a type name, or two endpoints sharing a
    /// method and path or an `operationId`.
    pub fn build(mut self) -> Result<Value, OpenApiError> {
        if let Some(error) = self.errors.into_iter().next() {
            return Err(error);
        }
        let mut schemas = self.generator.take_definitions(true);
        let renames = paths::merge(&mut schemas, self.requests.take_definitions(true));
        let mut path_items = Map::new();
        for pending in self.operations {
            let mut operation = pending.operation;
            for (key, mut value) in pending.request {
                paths::rewrite_refs(&mut value, &renames);
                operation.insert(key, value);
            }
            let item = path_items
                .entry(pending.path)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(item) = item {
                item.insert(pending.method, Value::Object(operation));
            }
        }
        let tags: BTreeSet<&str> = self
            .webhooks
            .values()
            .filter_map(|item| item.pointer("/post/tags/0").and_then(Value::as_str))
            .collect();
        let tags: Vec<Value> = tags
            .into_iter()
            .map(|name| json!({ "name": name }))
            .collect();
        let mut document = Map::new();
        document.insert("openapi".into(), OPENAPI_VERSION.into());
        document.insert("info".into(), Value::Object(self.info));
        document.insert("jsonSchemaDialect".into(), DIALECT.into());
        if !tags.is_empty() {
            document.insert("tags".into(), Value::Array(tags));
        }
        if !path_items.is_empty() {
            document.insert("paths".into(), Value::Object(path_items));
        }
        if !self.webhooks.is_empty() {
            document.insert("webhooks".into(), Value::Object(self.webhooks));
        }
        document.insert("components".into(), json!({ "schemas": schemas }));
        Ok(Value::Object(document))
    }

    /// A camelCase `operationId` from an event name, unique within the document.
    fn operation_id(&mut self, event_type: &str) -> String {
        let mut base = String::with_capacity(event_type.len());
        let mut upper = false;
        for c in event_type.chars() {
            if matches!(c, '.' | '/' | '_' | '-') {
                upper = !base.is_empty();
            } else if upper {
                base.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                base.push(c);
            }
        }
        let mut id = base.clone();
        let mut n = 2;
        while !self.operation_ids.insert(id.clone()) {
            id = format!("{base}{n}");
            n += 1;
        }
        id
    }
}

impl EventVisitor for OpenApi {
    fn visit<E: DescribeEvent>(&mut self) {
        if self.webhooks.contains_key(E::TYPE) {
            self.errors
                .push(OpenApiError::DuplicateWebhook(E::TYPE.to_owned()));
            return;
        }
        let envelope = envelope_for::<E>(&mut self.generator);
        let mut operation = Map::new();
        operation.insert("operationId".into(), self.operation_id(E::TYPE).into());
        if let Some(tag) = E::TYPE
            .split(['.', '/'])
            .next()
            .filter(|_| E::TYPE.contains(['.', '/']))
        {
            operation.insert("tags".into(), json!([tag]));
        }
        paths::describe(&mut operation, E::DESCRIPTION, E::DEPRECATED);
        operation.insert("parameters".into(), standard_webhooks_headers());
        operation.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "description": format!("The `{}` event in the Standard Webhooks envelope.", E::TYPE),
                "content": { "application/json": { "schema": envelope } }
            }),
        );
        operation.insert("responses".into(), sender_responses());
        if let Some(version) = E::VERSION {
            operation.insert("x-event-version".into(), version.into());
        }
        self.webhooks
            .insert(E::TYPE.to_owned(), json!({ "post": operation }));
    }
}

/// The three Standard Webhooks headers every delivery carries.
pub(super) fn standard_webhooks_headers() -> Value {
    json!([
        {
            "name": "webhook-id",
            "in": "header",
            "required": true,
            "description": "Unique id of the message; the same across retries of one delivery, \
                            so receivers use it to skip duplicates.",
            "schema": { "type": "string", "minLength": 1 }
        },
        {
            "name": "webhook-timestamp",
            "in": "header",
            "required": true,
            "description": "When the attempt was sent, in seconds since the Unix epoch; \
                            receivers reject attempts outside their tolerance (5 minutes).",
            "schema": { "type": "string", "pattern": "^[0-9]+$" }
        },
        {
            "name": "webhook-signature",
            "in": "header",
            "required": true,
            "description": "Space-separated signatures of `{webhook-id}.{webhook-timestamp}.{body}`: \
                            `v1,<base64 HMAC-SHA256>` or `v1a,<base64 Ed25519>`. One valid entry suffices.",
            "schema": { "type": "string", "pattern": "^v1a?,[A-Za-z0-9+/=]+( v1a?,[A-Za-z0-9+/=]+)*$" }
        }
    ])
}

/// What each response status means to the sender.
fn sender_responses() -> Value {
    json!({
        "2XX": { "description": "Delivered: the receiver verified and accepted the event. A duplicate \
                                 `webhook-id` is also acknowledged with 2XX. The sender stops." },
        "410": { "description": "Gone: the endpoint asks to receive no more deliveries. The sender \
                                 stops and disables the endpoint." },
        "4XX": { "description": "Not accepted now: the signature or timestamp was refused, the same \
                                 delivery is being handled (409), the event type is unknown (422). \
                                 The sender retries on its schedule, no sooner than `Retry-After`." },
        "5XX": { "description": "The receiver failed. The sender retries on its schedule, no sooner \
                                 than `Retry-After`." }
    })
}
