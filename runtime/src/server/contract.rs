//! [`Contract`]: what the OpenAPI document says about one endpoint, compiled once into a JSON
//! Schema validator, and checked against every request (and, in debug builds, every response).
//!
//! The request schema is built from exactly the schemas the document's operation is built from
//! (the deserialize contract, as [`OpenApi::endpoint`](crate::schema::OpenApi::endpoint) uses):
//! one object with a member per location, `{"path": {..}, "query": {..}, "header": {..},
//! "body": ..}`, each parameter a property with its own schema and `required` as documented.
//! A request is turned into that shape (parameter texts read as the number, boolean or array
//! their schema asks for) and validated in one pass, so every violation is reported, each
//! with the parameter or the JSON pointer it concerns.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use jsonschema::{PatternOptions, Validator};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use super::params::{Shape, read_texts, shape_of};
use super::violation::{Violation, Violations, violation};
use crate::endpoint::{DescribeEndpoint, Endpoint, Incoming, Location, ParamInfo};
use crate::schema::{DIALECT, settings, subschema};

/// The compiled contract of one endpoint: its request validator, how each parameter's text
/// is read, and (in debug builds) its response validator.
///
/// Built once per endpoint type and shared: see [`Contract::of`].
///
/// ```
/// use hookwire::endpoint::Incoming;
/// use hookwire::server::Contract;
/// # use hookwire::{Endpoint, JsonSchema, schemars};
/// # #[derive(serde::Serialize, serde::Deserialize, JsonSchema)]
/// # pub struct Page { pub items: Vec<String> }
/// #[derive(Endpoint)]
/// #[hookwire(method = "GET", path = "/items", response = Page)]
/// pub struct ListItems {
///     #[hookwire(query)]
///     pub limit: Option<u8>,
/// }
///
/// let contract = Contract::of::<ListItems>()?;
/// assert!(contract.check_request(&Incoming::new().with_query("limit=5")).is_ok());
/// let violations = contract.check_request(&Incoming::new().with_query("limit=500")).unwrap_err();
/// assert_eq!(violations[0].parameter.as_deref(), Some("limit"));
/// # Ok::<(), hookwire::server::ContractError>(())
/// ```
pub struct Contract {
    operation: &'static str,
    request: Validator,
    params: Vec<Param>,
    has_body: bool,
    response: Option<Validator>,
    errors: &'static [u16],
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contract")
            .field("operation", &self.operation)
            .field("params", &self.params.len())
            .field("has_body", &self.has_body)
            .finish_non_exhaustive()
    }
}

/// An endpoint's schema could not be compiled into a validator (an invalid `pattern`, say).
///
/// ```
/// let error = hookwire::server::ContractError { operation: "getThing", reason: "bad".into() };
/// assert_eq!(error.to_string(), "the schema of `getThing` does not compile: bad");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the schema of `{operation}` does not compile: {reason}")]
pub struct ContractError {
    /// The endpoint's `operationId`.
    pub operation: &'static str,
    /// What the validator reported.
    pub reason: String,
}

/// One parameter: where it travels, its name, and how its text becomes JSON.
#[derive(Debug, Clone)]
struct Param {
    location: Location,
    name: &'static str,
    shape: Shape,
}

/// Collects an endpoint's parameters and body schemas with the request-side generator.
struct Collect {
    generator: SchemaGenerator,
    params: Vec<(ParamInfo, Value)>,
    body: Option<Value>,
}

impl DescribeEndpoint for Collect {
    fn param<T: JsonSchema>(&mut self, info: ParamInfo) {
        let schema = subschema::<T>(&mut self.generator).to_value();
        self.params.push((info, schema));
    }

    fn body<T: JsonSchema>(&mut self, _: Option<&'static str>) {
        self.body = Some(subschema::<T>(&mut self.generator).to_value());
    }
}

/// Compiled contracts, one per endpoint type.
type Cache = RwLock<HashMap<TypeId, Result<Arc<Contract>, ContractError>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

impl Contract {
    /// The contract of endpoint `E`, compiled on first use and shared afterwards.
    ///
    /// # Errors
    /// [`ContractError`] when a schema does not compile (an invalid regular expression in a
    /// `pattern`, say); every call for `E` returns the same error.
    ///
    /// See [`Contract`] for an example.
    pub fn of<E: Endpoint>() -> Result<Arc<Contract>, ContractError> {
        let id = TypeId::of::<E>();
        if let Some(found) = cache().read().ok().and_then(|map| map.get(&id).cloned()) {
            return found;
        }
        let built = Self::build::<E>().map(Arc::new);
        match cache().write() {
            Ok(mut map) => map.entry(id).or_insert(built).clone(),
            Err(_) => built,
        }
    }

    /// Compiles the contract of `E`.
    fn build<E: Endpoint>() -> Result<Contract, ContractError> {
        let mut collect = Collect {
            generator: settings().for_deserialize().into_generator(),
            params: Vec::new(),
            body: None,
        };
        E::describe(&mut collect);
        let error = |reason: String| ContractError {
            operation: E::OPERATION_ID,
            reason,
        };
        let mut locations: Map<String, Value> = Map::new();
        let mut params = Vec::with_capacity(collect.params.len());
        for (info, schema) in collect.params {
            let definitions = collect.generator.definitions();
            let shape = shape_of(&schema, definitions, 0);
            let entry = locations
                .entry(info.location.as_str())
                .or_insert_with(|| json!({ "type": "object", "properties": {}, "required": [] }));
            entry["properties"][info.name] = schema;
            if (info.required || info.location == Location::Path)
                && let Some(required) = entry["required"].as_array_mut()
            {
                required.push(info.name.into());
            }
            params.push(Param {
                location: info.location,
                name: info.name,
                shape,
            });
        }
        let has_body = collect.body.is_some();
        let mut required = Vec::new();
        if let Some(body) = collect.body {
            locations.insert("body".into(), body);
            required.push(Value::from("body"));
        }
        let mut root = json!({
            "$schema": DIALECT,
            "type": "object",
            "properties": locations,
            "required": required,
        });
        let definitions = collect.generator.take_definitions(true);
        if !definitions.is_empty() {
            root["$defs"] = Value::Object(definitions);
        }
        let request = compile(&root).map_err(error)?;
        let response = if cfg!(debug_assertions) {
            let schema = settings()
                .into_generator()
                .into_root_schema_for::<E::Response>();
            Some(compile(schema.as_value()).map_err(error)?)
        } else {
            None
        };
        Ok(Contract {
            operation: E::OPERATION_ID,
            request,
            params,
            has_body,
            response,
            errors: E::ERRORS,
        })
    }

    /// Whether the endpoint takes a JSON body.
    ///
    /// ```
    /// # use hookwire::{Endpoint, JsonSchema, schemars};
    /// # #[derive(serde::Serialize, serde::Deserialize, JsonSchema)]
    /// # pub struct Thing { pub name: String }
    /// #[derive(Endpoint)]
    /// #[hookwire(method = "POST", path = "/things", response = Thing)]
    /// pub struct CreateThing {
    ///     #[hookwire(body)]
    ///     pub thing: Thing,
    /// }
    /// assert!(hookwire::server::Contract::of::<CreateThing>()?.has_body());
    /// # Ok::<(), hookwire::server::ContractError>(())
    /// ```
    pub fn has_body(&self) -> bool {
        self.has_body
    }

    /// Whether `status` is an answer the document lists for this endpoint: `200`, a declared
    /// error, or one the server gives by itself (`400`, `405`, `413`, `500`, and `415` when it
    /// takes a body).
    ///
    /// ```
    /// # use hookwire::{Endpoint, JsonSchema, schemars};
    /// # #[derive(serde::Serialize, serde::Deserialize, JsonSchema)]
    /// # pub struct Thing { pub name: String }
    /// #[derive(Endpoint)]
    /// #[hookwire(method = "GET", path = "/things", response = Thing)]
    /// pub struct GetThing {}
    /// let contract = hookwire::server::Contract::of::<GetThing>()?;
    /// assert!(contract.documents(400));
    /// assert!(!contract.documents(418));
    /// # Ok::<(), hookwire::server::ContractError>(())
    /// ```
    pub fn documents(&self, status: u16) -> bool {
        matches!(status, 200 | 400 | 405 | 413 | 500)
            || (status == 415 && self.has_body)
            || self.errors.contains(&status)
    }

    /// Checks a request against the document: every parameter and the body.
    ///
    /// # Errors
    /// The [`Violations`]: the first 20, in document order of the parameters and then the
    /// body, and how many more there are.
    ///
    /// See [`Contract`] for an example.
    pub fn check_request(&self, incoming: &Incoming<'_>) -> Result<Checked, Violations> {
        let mut instance = Map::new();
        for param in &self.params {
            let texts = incoming.texts(param.location, param.name);
            if texts.is_empty() {
                continue;
            }
            let value = read_texts(&texts, &param.shape);
            let member = instance
                .entry(param.location.as_str())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(member) = member {
                member.insert(param.name.to_owned(), value);
            }
        }
        for param in &self.params {
            instance
                .entry(param.location.as_str())
                .or_insert_with(|| Value::Object(Map::new()));
        }
        let mut rewritten = false;
        if self.has_body && !incoming.raw_body().is_empty() {
            match serde_json::from_slice::<Value>(incoming.raw_body()) {
                Ok(mut body) => {
                    rewritten = integral_floats_as_integers(&mut body);
                    instance.insert("body".into(), body);
                }
                Err(error) => {
                    return Err(Violations::from(vec![Violation::body(
                        "",
                        error.to_string(),
                    )]));
                }
            }
        }
        let instance = Value::Object(instance);
        if self.request.is_valid(&instance) {
            let body = match instance.get("body") {
                Some(body) if rewritten => serde_json::to_vec(body).ok(),
                _ => None,
            };
            return Ok(Checked { body });
        }
        // Only the listed ones are turned into violations (their messages formatted); the rest
        // are counted. jsonschema 0.61 finds every error before its iterator yields the first,
        // so the validation itself does not stop early.
        let mut errors = self.request.iter_errors(&instance);
        let listed = errors
            .by_ref()
            .take(Violations::LIMIT)
            .map(|error| violation(&error))
            .collect();
        Err(Violations {
            listed,
            omitted: errors.count(),
        })
    }

    /// Checks a response body against the response schema (only in debug builds; in release
    /// builds every body passes).
    ///
    /// # Errors
    /// The JSON pointer and reason of each place the body breaks its schema.
    ///
    /// ```
    /// # use hookwire::{Endpoint, JsonSchema, schemars};
    /// # #[derive(serde::Serialize, serde::Deserialize, JsonSchema)]
    /// # pub struct Thing { pub name: String }
    /// # #[derive(Endpoint)]
    /// # #[hookwire(method = "GET", path = "/things", response = Thing)]
    /// # pub struct GetThing {}
    /// let contract = hookwire::server::Contract::of::<GetThing>()?;
    /// assert!(contract.check_response(&serde_json::json!({ "name": "x" })).is_ok());
    /// # #[cfg(debug_assertions)]
    /// assert!(contract.check_response(&serde_json::json!({ "name": 1 })).is_err());
    /// # Ok::<(), hookwire::server::ContractError>(())
    /// ```
    pub fn check_response(&self, body: &Value) -> Result<(), Vec<String>> {
        let Some(validator) = &self.response else {
            return Ok(());
        };
        if validator.is_valid(body) {
            return Ok(());
        }
        Err(validator
            .iter_errors(body)
            .map(|error| format!("{}: {}", error.instance_path().as_str(), error.masked()))
            .collect())
    }

    /// Whether responses are checked (debug builds).
    pub(super) fn checks_responses(&self) -> bool {
        self.response.is_some()
    }

    /// The endpoint's `operationId`.
    pub(super) fn operation(&self) -> &'static str {
        self.operation
    }
}

/// A request that keeps the document's word.
///
/// ```
/// # use hookwire::{Endpoint, JsonSchema, schemars};
/// # #[derive(serde::Serialize, serde::Deserialize, JsonSchema)]
/// # pub struct Order { pub quantity: u32 }
/// #[derive(Endpoint)]
/// #[hookwire(method = "POST", path = "/orders", response = Order)]
/// pub struct CreateOrder {
///     #[hookwire(body)]
///     pub order: Order,
/// }
/// let contract = hookwire::server::Contract::of::<CreateOrder>()?;
/// let incoming = hookwire::endpoint::Incoming::new().with_body(br#"{"quantity": 3.0}"#);
/// let checked = contract.check_request(&incoming).unwrap();
/// assert_eq!(checked.body.as_deref(), Some(&br#"{"quantity":3}"#[..]));
/// # Ok::<(), hookwire::server::ContractError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Checked {
    /// The body rewritten for serde, when it had to be: JSON Schema counts `3.0` as an
    /// integer, serde's integer types do not, so integral floats become integers. `None` when
    /// the body is read as sent.
    pub body: Option<Vec<u8>>,
}

/// Rewrites every float with no fractional part that fits an `i64` or `u64` as that integer;
/// returns whether any was.
fn integral_floats_as_integers(value: &mut Value) -> bool {
    match value {
        Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            let integer = if float.fract() != 0.0 || !float.is_finite() {
                None
            } else if float >= i64::MIN as f64 && float < i64::MAX as f64 {
                Some(Value::from(float as i64))
            } else if float >= 0.0 && float < u64::MAX as f64 {
                Some(Value::from(float as u64))
            } else {
                None
            };
            match integer {
                Some(integer) => {
                    *value = integer;
                    true
                }
                None => false,
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, item| integral_floats_as_integers(item) | any),
        Value::Object(members) => members.values_mut().fold(false, |any, member| {
            integral_floats_as_integers(member) | any
        }),
        _ => false,
    }
}

/// Compiles `schema`: draft 2020-12, formats asserted, patterns with the linear-time `regex`
/// engine (no backtracking on a request's text), nothing fetched.
fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_pattern_options(PatternOptions::regex())
        .build(schema)
        .map_err(|error| error.to_string())
}
