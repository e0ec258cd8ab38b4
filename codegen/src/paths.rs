//! `paths` -> `#[derive(Endpoint)]` request structs: parameters as path, query and header
//! fields, the JSON body as a body field, the first 2xx JSON response as `response`, and the
//! documented error statuses beyond the server's own as `errors(...)`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::convert::{Converter, doc_of, object_at};
use crate::emit::{self, ident};
use crate::input::json_content;
use crate::ir::Ty;
use crate::names::{self, Scope};
use crate::source::Loc;

/// The methods hookwire's `Endpoint` derive accepts, as OpenAPI spells them.
const METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

/// One operation, converted.
pub(crate) struct EndpointSpec {
    name: String,
    doc: Option<String>,
    method: String,
    path: String,
    operation_id: Option<String>,
    response: Ty,
    /// The error statuses the operation documents beyond the server's own answers, which
    /// become the derive's `errors(...)`.
    errors: Vec<u16>,
    fields: Vec<ParamField>,
}

struct ParamField {
    ident: String,
    wire: String,
    /// `path`, `query`, `header` or `body`.
    place: &'static str,
    ty: Ty,
    doc: Option<String>,
}

/// Converts every operation of the document's `paths`, in path order.
pub(crate) fn endpoints(conv: &mut Converter<'_>, file: &str) -> Vec<EndpointSpec> {
    let paths = Loc::new(file, "/paths");
    let Some(Value::Object(items)) = conv.sources.get(&paths).cloned() else {
        return Vec::new();
    };
    let mut specs = Vec::new();
    for (path, item) in &items {
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            let operation = paths.join(path).join(method);
            specs.push(endpoint(conv, &operation, path, method));
        }
    }
    specs
}

fn endpoint(conv: &mut Converter<'_>, operation: &Loc, path: &str, method: &str) -> EndpointSpec {
    let op = conv.sources.get(operation).cloned().unwrap_or(Value::Null);
    let operation_id = op
        .get("operationId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let base = operation_id
        .clone()
        .unwrap_or_else(|| format!("{method} {path}"));
    let name = conv.types.claim(names::pascal(&base));
    let mut idents = Scope::default();
    let mut fields = Vec::new();
    let parameters = op
        .get("parameters")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    for index in 0..parameters {
        let mut at = operation.join("parameters").join(&index.to_string());
        if let Some(reference) = conv
            .sources
            .get(&at)
            .and_then(|p| p.get("$ref"))
            .and_then(Value::as_str)
        {
            match conv.sources.resolve(&at, reference) {
                Ok(target) => at = target,
                Err(_) => continue,
            }
        }
        let Some(param) = object_at(conv.sources, &at).cloned() else {
            continue;
        };
        let place = match param.get("in").and_then(Value::as_str) {
            Some("path") => "path",
            Some("query") => "query",
            Some("header") => "header",
            _ => continue,
        };
        let wire = param
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("param")
            .to_owned();
        let ty = conv.ty_at(
            &at.join("schema"),
            &format!("{name}{}", names::pascal(&wire)),
        );
        let required = param.get("required").and_then(Value::as_bool) == Some(true);
        fields.push(ParamField {
            ident: idents.claim(names::snake(&wire)),
            wire,
            place,
            ty: if required { ty } else { ty.optional() },
            doc: doc_of(&param),
        });
    }
    if let Some(body) = crate::input::body_schema(conv.sources, operation) {
        let body_doc = conv
            .sources
            .get(&operation.join("requestBody"))
            .and_then(Value::as_object)
            .and_then(doc_of);
        let ty = conv.ty_at(&body, &format!("{name}Body"));
        fields.push(ParamField {
            ident: idents.claim("body".to_owned()),
            wire: "body".to_owned(),
            place: "body",
            ty,
            doc: body_doc,
        });
    }
    let response = response(conv, operation, &name);
    let errors = declared_errors(&op);
    EndpointSpec {
        doc: doc_of(op.as_object().unwrap_or(&serde_json::Map::new())),
        name,
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        operation_id,
        response,
        errors,
        fields,
    }
}

/// The statuses hookwire's server answers by itself and documents on every operation.
const SERVER_STATUSES: &[u16] = &[400, 405, 413, 415, 500];

/// The 4xx and 5xx statuses an operation documents, other than those the server gives by
/// itself (unless the document says the endpoint declared them), in ascending order.
fn declared_errors(op: &Value) -> Vec<u16> {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut errors: Vec<u16> = responses
        .iter()
        .filter_map(|(code, response)| {
            let status = code
                .parse::<u16>()
                .ok()
                .filter(|s| (400..=599).contains(s))?;
            let declared = response
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| d.ends_with("Declared by the endpoint."));
            (declared || !SERVER_STATUSES.contains(&status)).then_some(status)
        })
        .collect();
    errors.sort_unstable();
    errors
}

/// The type of the first 2xx response with a JSON body; `()` when there is none.
fn response(conv: &mut Converter<'_>, operation: &Loc, name: &str) -> Ty {
    let responses = operation.join("responses");
    let codes: Vec<String> = conv
        .sources
        .get(&responses)
        .and_then(Value::as_object)
        .map(|map| map.keys().filter(|c| c.starts_with('2')).cloned().collect())
        .unwrap_or_default();
    for code in codes {
        let mut at = responses.join(&code);
        if let Some(reference) = conv
            .sources
            .get(&at)
            .and_then(|r| r.get("$ref"))
            .and_then(Value::as_str)
        {
            match conv.sources.resolve(&at, reference) {
                Ok(target) => at = target,
                Err(_) => continue,
            }
        }
        if let Some(schema) = json_content(conv.sources, &at.join("content")) {
            return conv.ty_at(&schema, &format!("{name}Response"));
        }
    }
    Ty::Unit
}

/// The definitions an endpoint's struct names (its response and its fields' types).
pub(crate) fn uses(spec: &EndpointSpec) -> Vec<usize> {
    let mut used = Vec::new();
    spec.response.named_ids(&mut used);
    for field in &spec.fields {
        field.ty.named_ids(&mut used);
    }
    used
}

/// The `#[derive(Endpoint)]` structs.
pub(crate) fn emit(defs: &[crate::ir::Def], specs: &[EndpointSpec]) -> Vec<TokenStream> {
    specs
        .iter()
        .map(|spec| {
            let name = ident(&spec.name);
            let (doc, _) = emit::doc(spec.doc.as_deref());
            let method = &spec.method;
            let path = &spec.path;
            let response = emit::ty(defs, &spec.response);
            let operation_id = spec
                .operation_id
                .as_ref()
                .map(|id| quote!(, operation_id = #id));
            let errors = (!spec.errors.is_empty()).then(|| {
                let statuses = spec
                    .errors
                    .iter()
                    .map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
                quote!(, errors(#(#statuses),*))
            });
            let fields = spec.fields.iter().map(|field| {
                let name = ident(&field.ident);
                let ty = emit::ty(defs, &field.ty);
                let (doc, _) = emit::doc(field.doc.as_deref());
                let unraw = field.ident.trim_start_matches("r#");
                let wire = &field.wire;
                let place = ident(field.place);
                let attr = match field.place {
                    "header" => quote!(#[hookwire(header = #wire)]),
                    "body" => quote!(#[hookwire(body)]),
                    _ if unraw != wire => quote!(#[hookwire(#place, name = #wire)]),
                    _ => quote!(#[hookwire(#place)]),
                };
                quote! { #doc #attr pub #name: #ty }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, hookwire::Endpoint)]
                #[hookwire(method = #method, path = #path, response = #response #operation_id #errors)]
                pub struct #name { #(#fields),* }
            }
        })
        .collect()
}
