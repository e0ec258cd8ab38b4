//! The API's OpenAPI 3.1 document: the operations as their `#[derive(Endpoint)]` structs
//! describe them, then each answer set to what the server sends: the success status of the
//! route table (`201`, `202`, `204` with no body), Svix's error bodies (`HttpErrorOut`,
//! `HTTPValidationError` for `422`), and bearer authentication.

use serde_json::{Map, Value, json};

use super::routes::{RouteInfo, Scope, describe, routes};
use super::{HttpErrorOut, HttpValidationError};
use crate::schema::{OpenApi, OpenApiError};

/// The API's OpenAPI document.
///
/// # Errors
/// Two operations sharing a path and method or an id (a bug in the route table).
///
/// ```
/// let document = hookwire::platform::openapi()?;
/// assert_eq!(document["paths"]["/api/v1/app"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
///     "#/components/schemas/ApplicationOut");
/// assert!(document["paths"]["/api/v1/health"]["get"]["responses"]["204"].is_object());
/// # Ok::<(), hookwire::schema::OpenApiError>(())
/// ```
pub fn openapi() -> Result<Value, OpenApiError> {
    let mut document = describe(
        OpenApi::new("hookwire operator API", env!("CARGO_PKG_VERSION")).description(
            "The Svix-compatible operator API of hookwire: applications, endpoints, messages, \
             attempts, event types and portal access. Authenticate with \
             `Authorization: Bearer <token>`: an operator token, or an application's portal token.",
        ),
    )
    .build()?;
    let schemas = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    if let Some(schemas) = schemas {
        add_schema::<HttpErrorOut>(schemas, "HttpErrorOut");
        add_schema::<HttpValidationError>(schemas, "HTTPValidationError");
    }
    if let Some(components) = document
        .get_mut("components")
        .and_then(Value::as_object_mut)
    {
        components.insert(
            "securitySchemes".into(),
            json!({ "bearer": { "type": "http", "scheme": "bearer" } }),
        );
    }
    for route in routes() {
        let method = route.method.to_ascii_lowercase();
        if let Some(operation) = document
            .get_mut("paths")
            .and_then(|paths| paths.get_mut(route.path))
            .and_then(|path| path.get_mut(&method))
            .and_then(Value::as_object_mut)
        {
            rewrite(operation, &route);
        }
    }
    Ok(document)
}

fn add_schema<T: schemars::JsonSchema>(schemas: &mut Map<String, Value>, name: &str) {
    let mut generator = crate::schema::settings()
        .with(|settings| {
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
        })
        .into_generator();
    let schema = generator.root_schema_for::<T>().to_value();
    for (name, definition) in generator.take_definitions(true) {
        schemas.entry(name).or_insert(definition);
    }
    let mut schema = schema;
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
        object.remove("title");
        object.remove("$defs");
    }
    schemas.insert(name.to_owned(), schema);
}

/// An error answer with `schema`.
fn error(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

/// Sets an operation's answers, security and description as the server behaves.
fn rewrite(operation: &mut Map<String, Value>, route: &RouteInfo) {
    let responses = operation
        .get("responses")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let ok = responses.get("200").cloned().unwrap_or_else(|| json!({}));
    let mut answers = Map::new();
    let success = match route.success {
        204 => json!({ "description": "Done; no body." }),
        _ => {
            let mut ok = ok;
            if let Some(object) = ok.as_object_mut() {
                object.insert("description".into(), "The call succeeded.".into());
            }
            ok
        }
    };
    answers.insert(route.success.to_string(), success);
    if matches!(
        route.path,
        "/api/v1/app"
            | "/api/v1/app/{app_id}/endpoint/{endpoint_id}"
            | "/api/v1/app/{app_id}"
            | "/api/v1/event-type/{event_type_name}"
    ) && matches!(route.method, "POST" | "PUT")
    {
        let mut created = answers[&route.success.to_string()].clone();
        let other = if route.success == 201 { "200" } else { "201" };
        if let Some(object) = created.as_object_mut() {
            object.insert(
                "description".into(),
                if other == "200" {
                    "The existing object (`get_if_exists=true`)."
                } else {
                    "Created (the path named no object)."
                }
                .into(),
            );
        }
        answers.insert(other.to_owned(), created);
    }
    if !route.scope.is_public() {
        answers.insert("401".into(), error("No valid token.", "HttpErrorOut"));
        operation.insert("security".into(), json!([{ "bearer": [] }]));
    } else {
        operation.insert("security".into(), json!([]));
    }
    if matches!(route.scope, Scope::Operator | Scope::Application) {
        answers.insert(
            "403".into(),
            error("A portal token on an operator's route.", "HttpErrorOut"),
        );
    }
    if route.path.contains('{') {
        answers.insert(
            "404".into(),
            error(
                "No such object (or not one the token may see).",
                "HttpErrorOut",
            ),
        );
    }
    if route.method == "POST" || route.method == "PUT" || route.method == "PATCH" {
        answers.insert(
            "409".into(),
            error(
                "A uid, eventId or name already taken, or a request with the same Idempotency-Key still running.",
                "HttpErrorOut",
            ),
        );
    }
    if operation.contains_key("parameters") || operation.contains_key("requestBody") {
        answers.insert(
            "422".into(),
            error(
                "The request breaks a rule: each error with its place.",
                "HTTPValidationError",
            ),
        );
    }
    operation.insert("responses".into(), Value::Object(answers));
    if let Some(Value::String(description)) = operation.get("description") {
        let first = description.split("\n\n").next().unwrap_or("").to_owned();
        operation.insert("description".into(), first.into());
    }
}
