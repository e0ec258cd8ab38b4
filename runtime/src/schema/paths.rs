//! Endpoints in the OpenAPI document: one operation per endpoint under `paths`, and the merge of
//! request-side schemas (deserialize contract) into `components.schemas` beside the response-side
//! ones (serialize contract).

use std::collections::BTreeMap;

use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::endpoint::{DescribeEndpoint, Endpoint, Location, ParamInfo};
use crate::problem::{PROBLEM_JSON, Problem};

/// An endpoint's operation, kept in two parts until the document is built: what refers to
/// response-side schemas, and what refers to request-side ones (whose names may change when
/// merged).
pub(super) struct PendingOperation {
    pub(super) path: &'static str,
    pub(super) method: String,
    pub(super) operation: Map<String, Value>,
    pub(super) request: Map<String, Value>,
}

/// Collects an endpoint's parameters and body with the request-side generator.
struct RequestSide<'g> {
    generator: &'g mut SchemaGenerator,
    parameters: Vec<Value>,
    body: Option<Value>,
}

impl DescribeEndpoint for RequestSide<'_> {
    fn param<T: JsonSchema>(&mut self, info: ParamInfo) {
        let mut parameter = Map::new();
        parameter.insert("name".into(), info.name.into());
        parameter.insert("in".into(), info.location.as_str().into());
        parameter.insert(
            "required".into(),
            (info.required || info.location == Location::Path).into(),
        );
        if let Some(description) = info.description {
            parameter.insert("description".into(), description.into());
        }
        parameter.insert(
            "schema".into(),
            super::subschema::<T>(self.generator).to_value(),
        );
        self.parameters.push(Value::Object(parameter));
    }

    fn body<T: JsonSchema>(&mut self, description: Option<&'static str>) {
        let mut body = Map::new();
        if let Some(description) = description {
            body.insert("description".into(), description.into());
        }
        body.insert("required".into(), true.into());
        body.insert(
            "content".into(),
            json!({ "application/json": { "schema": super::subschema::<T>(self.generator) } }),
        );
        self.body = Some(Value::Object(body));
    }
}

/// Builds the pending operation of endpoint `E`.
pub(super) fn operation<E: Endpoint>(
    responses: &mut SchemaGenerator,
    requests: &mut SchemaGenerator,
) -> PendingOperation {
    let mut side = RequestSide {
        generator: requests,
        parameters: Vec::new(),
        body: None,
    };
    E::describe(&mut side);
    let mut operation = Map::new();
    operation.insert("operationId".into(), E::OPERATION_ID.into());
    describe(&mut operation, E::DESCRIPTION, E::DEPRECATED);
    let response = super::subschema::<E::Response>(responses);
    let problem = responses.subschema_for::<Problem>();
    operation.insert(
        "responses".into(),
        Value::Object(answers(
            response.to_value(),
            &problem.to_value(),
            E::ERRORS,
            side.body.is_some(),
        )),
    );
    let mut request = Map::new();
    if !side.parameters.is_empty() {
        request.insert("parameters".into(), Value::Array(side.parameters));
    }
    if let Some(body) = side.body {
        request.insert("requestBody".into(), body);
    }
    PendingOperation {
        path: E::PATH,
        method: E::METHOD.as_str().to_ascii_lowercase(),
        operation,
        request,
    }
}

/// Every answer of an operation: `200` with the response, each declared error, and the
/// server's own `400`, `405`, `413`, `415` (with a body) and `500`, all with the problem schema.
fn answers(response: Value, problem: &Value, errors: &[u16], has_body: bool) -> Map<String, Value> {
    let mut answers = Map::new();
    answers.insert(
        "200".into(),
        json!({
            "description": "The call succeeded.",
            "content": { "application/json": { "schema": response } }
        }),
    );
    let mut statuses: Vec<(u16, &str)> = errors
        .iter()
        .map(|status| (*status, "Declared by the endpoint."))
        .collect();
    statuses.push((
        400,
        "The request breaks this document: `errors` lists each violation, with `in` and \
         `parameter`, or `pointer` into the body.",
    ));
    statuses.push((
        405,
        "The path does not take this method; `Allow` lists those it takes.",
    ));
    statuses.push((413, "The body is larger than the server reads (2 MiB)."));
    if has_body {
        statuses.push((415, "The body is not `application/json`."));
    }
    statuses.push((500, "The server failed."));
    statuses.sort_by_key(|(status, _)| *status);
    statuses.dedup_by_key(|(status, _)| *status);
    for (status, what) in statuses {
        let reason = http::StatusCode::from_u16(status)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("Error");
        answers.insert(
            status.to_string(),
            json!({
                "description": format!("{reason}. {what}"),
                "content": { PROBLEM_JSON: { "schema": problem } }
            }),
        );
    }
    answers
}

/// Merges request-side definitions into `schemas`. A request-side schema identical to the
/// response-side one of the same name is shared; one that differs (a field with
/// `skip_serializing_if` is optional to read but always written, say) is renamed `NameInput`,
/// and every request-side `$ref` is rewritten to match. Returns the renames.
pub(super) fn merge(
    schemas: &mut Map<String, Value>,
    mut requests: Map<String, Value>,
) -> BTreeMap<String, String> {
    let mut renames = BTreeMap::new();
    loop {
        let mut changed = false;
        for (name, schema) in &requests {
            if renames.contains_key(name) {
                continue;
            }
            let mut rewritten = schema.clone();
            rewrite_refs(&mut rewritten, &renames);
            if schemas
                .get(name)
                .is_some_and(|existing| *existing != rewritten)
            {
                let mut candidate = format!("{name}Input");
                let mut n = 2;
                while schemas.contains_key(&candidate) || requests.contains_key(&candidate) {
                    candidate = format!("{name}Input{n}");
                    n += 1;
                }
                renames.insert(name.clone(), candidate);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (name, mut schema) in std::mem::take(&mut requests) {
        rewrite_refs(&mut schema, &renames);
        let name = renames.get(&name).cloned().unwrap_or(name);
        schemas.entry(name).or_insert(schema);
    }
    renames
}

/// Rewrites `#/components/schemas/<old>` references to their new names.
pub(super) fn rewrite_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(new) = reference
                    .strip_prefix("#/components/schemas/")
                    .and_then(|old| renames.get(old))
            {
                *reference = format!("#/components/schemas/{new}");
            }
            map.values_mut()
                .for_each(|child| rewrite_refs(child, renames));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|child| rewrite_refs(child, renames)),
        _ => {}
    }
}

/// An operation's `summary` (the description's first paragraph, on one line), `description`
/// and `deprecated`: the same for webhooks and paths.
pub(crate) fn describe(
    operation: &mut Map<String, Value>,
    description: Option<&str>,
    deprecated: bool,
) {
    if let Some(description) = description {
        let summary = description.split("\n\n").next().unwrap_or(description);
        operation.insert("summary".into(), summary.replace('\n', " ").into());
        operation.insert("description".into(), description.into());
    }
    if deprecated {
        operation.insert("deprecated".into(), true.into());
    }
}
