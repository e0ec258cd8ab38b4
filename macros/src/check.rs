//! Validation: each derive's parsed input ([`ast`](crate::ast)) becomes its validated model
//! ([`model`](crate::model)), or errors in the [`Ctxt`]. Every rule is checked and reported,
//! not just the first broken one; the model is returned only when all hold.

use quote::ToTokens;

use crate::ast::{CatalogContainer, EndpointContainer, EndpointField, EventContainer};
use crate::attr::FieldLocation;
use crate::ctxt::Ctxt;
use crate::model::{
    self, Catalog, CatalogVariant, Endpoint, EventName, Field, Location, Method, PathTemplate,
};

/// Validates an `Event` input: it names its event type, and the name is well formed.
pub(crate) fn event<'a>(cx: &Ctxt, container: EventContainer<'a>) -> Option<model::Event<'a>> {
    let name = match &container.attrs.event {
        Some(lit) => match EventName::new(lit) {
            Ok(name) => Some(name),
            Err(why) => {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "malformed event type name `{}`: {why}; expected letters, digits, `_` \
                         and `-` in segments separated by `.` or `/`, such as `order.shipped`, \
                         `orders/create` or `pull_request`",
                        lit.value().escape_default()
                    ),
                );
                None
            }
        },
        None => {
            cx.error_spanned_by(
                container.ident,
                format!(
                    "missing event type name: add `#[hookwire(event = \"...\")]` to `{}`, \
                     e.g. `#[hookwire(event = \"order.shipped\")]`",
                    container.ident
                ),
            );
            None
        }
    };
    Some(model::Event {
        ident: container.ident,
        generics: container.generics,
        krate: container.attrs.krate,
        name: name?,
        version: container.attrs.version,
        docs: container.docs,
        deprecated: container.deprecated,
    })
}

/// Validates an `Events` input: no event type may be listed by two variants.
///
/// Names live on the event types, out of the macro's sight, so the generated code also checks
/// them at compile time; this catches the same type written twice with a clearer message.
pub(crate) fn catalog<'a>(cx: &Ctxt, container: CatalogContainer<'a>) -> Catalog<'a> {
    let mut seen: Vec<(String, &syn::Ident)> = Vec::new();
    let mut variants = Vec::with_capacity(container.variants.len());
    for variant in container.variants {
        let ty = variant.ty.to_token_stream().to_string();
        if let Some((_, first)) = seen.iter().find(|(earlier, _)| *earlier == ty) {
            cx.error_spanned_by(
                variant.ty,
                format!("`{ty}` is already listed by variant `{first}`; list each event once"),
            );
        } else {
            seen.push((ty, variant.ident));
        }
        variants.push(CatalogVariant {
            ident: variant.ident,
            ty: variant.ty,
        });
    }
    Catalog {
        ident: container.ident,
        generics: container.generics,
        krate: container.attrs.krate,
        variants,
    }
}

/// Validates an `Endpoint` input.
///
/// The rules: `method`, `path` and `response` are given; the method is a known one; the path
/// template is well formed; every field says where it travels; path fields and the template's
/// `{name}`s match one to one; at most one body, and none for `GET` or `HEAD`; header names are
/// valid HTTP header names.
pub(crate) fn endpoint<'a>(cx: &Ctxt, container: EndpointContainer<'a>) -> Option<Endpoint<'a>> {
    let attrs = &container.attrs;
    let method = match &attrs.method {
        Some(lit) => Method::new(&lit.value()).or_else(|| {
            cx.error_spanned_by(
                lit,
                format!(
                    "unknown HTTP method `{}`, expected one of {}",
                    lit.value(),
                    Method::ALL.join(", ")
                ),
            );
            None
        }),
        None => missing(cx, &container, "method = \"GET\""),
    };
    if attrs.response.is_none() {
        missing::<()>(cx, &container, "response = MyResponse");
    }
    let path = match &attrs.path {
        Some(lit) => match PathTemplate::new(lit) {
            Ok(template) => Some(template),
            Err(why) => {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "malformed path template `{}`: {why}, e.g. `/products/{{product_id}}`",
                        lit.value()
                    ),
                );
                None
            }
        },
        None => missing(cx, &container, "path = \"/things/{id}\""),
    };
    let fields = fields(cx, &container, method.as_ref(), path.as_ref());
    if let (Some(path), true) = (&path, container.fields_readable) {
        template_fields(cx, &container, path);
    }
    let attrs = container.attrs;
    let operation_id = match &attrs.operation_id {
        Some(lit) => lit.value(),
        None => lower_camel(&container.ident.to_string()),
    };
    let errors = error_statuses(cx, attrs.errors.as_deref().unwrap_or_default());
    Some(Endpoint {
        ident: container.ident,
        generics: container.generics,
        krate: attrs.krate,
        method: method?,
        path: path?,
        response: attrs.response?,
        operation_id,
        errors,
        docs: container.docs,
        deprecated: container.deprecated,
        fields: fields?,
    })
}

/// The statuses of `errors(...)`: each an error status from 400 to 599, each once.
fn error_statuses(cx: &Ctxt, written: &[syn::LitInt]) -> Vec<u16> {
    let mut statuses = Vec::with_capacity(written.len());
    for lit in written {
        match lit.base10_parse::<u16>() {
            Ok(status) if (400..=599).contains(&status) => {
                if statuses.contains(&status) {
                    cx.error_spanned_by(lit, format!("status {status} is listed twice in `errors`"));
                } else {
                    statuses.push(status);
                }
            }
            _ => cx.error_spanned_by(
                lit,
                format!(
                    "`errors` lists error statuses from 400 to 599, e.g. `errors(404, 409)`, found `{lit}`"
                ),
            ),
        }
    }
    statuses.sort_unstable();
    statuses
}

/// Checks each field's place; `None` when any is wrong.
fn fields<'a>(
    cx: &Ctxt,
    container: &EndpointContainer<'a>,
    method: Option<&Method>,
    path: Option<&PathTemplate>,
) -> Option<Vec<Field<'a>>> {
    let mut valid = true;
    let mut body_seen = false;
    let mut fields = Vec::with_capacity(container.fields.len());
    for field in &container.fields {
        let Some((location, key)) = &field.location else {
            cx.error_spanned_by(
                field.ident,
                format!(
                    "field `{}` needs a place in the request: add `#[hookwire(path)]`, \
                     `#[hookwire(query)]`, `#[hookwire(header = \"X-Name\")]` or `#[hookwire(body)]`",
                    field.ident
                ),
            );
            valid = false;
            continue;
        };
        let location = match location {
            FieldLocation::Path => {
                if let Some(path) = path.filter(|p| !p.params().contains(&field.wire_name)) {
                    cx.error_spanned_by(
                        key,
                        format!(
                            "path parameter `{}` does not appear in the path template `{}`; \
                             add `{{{}}}` to the template or mark the field `query`",
                            field.wire_name,
                            path.lit().value(),
                            field.wire_name
                        ),
                    );
                    valid = false;
                }
                Location::Path
            }
            FieldLocation::Query => Location::Query,
            FieldLocation::Header(_) => {
                if !model::is_header_name(&field.wire_name) {
                    cx.error_spanned_by(
                        key,
                        format!("`{}` is not a valid HTTP header name", field.wire_name),
                    );
                    valid = false;
                }
                Location::Header
            }
            FieldLocation::Body if body_seen => {
                cx.error_spanned_by(
                    key,
                    "an endpoint has at most one body field; group the body's fields in one struct",
                );
                valid = false;
                Location::Body
            }
            FieldLocation::Body => {
                body_seen = true;
                if let Some(method) = method.filter(|m| m.forbids_body()) {
                    cx.error_spanned_by(key, format!("a {} request has no body", method.as_str()));
                    valid = false;
                }
                Location::Body
            }
        };
        fields.push(Field {
            ident: field.ident,
            ty: field.ty,
            location,
            wire_name: field.wire_name.clone(),
            docs: field.docs.clone(),
            required: !optional(field, location),
            documented_ty: documented_ty(field.ty),
        });
    }
    valid.then_some(fields)
}

/// Every `{name}` of the template has a path field.
fn template_fields(cx: &Ctxt, container: &EndpointContainer<'_>, path: &PathTemplate) {
    for name in path.params() {
        let declared = container.fields.iter().any(|field| {
            matches!(field.location, Some((FieldLocation::Path, _))) && field.wire_name == *name
        });
        if !declared {
            cx.error_spanned_by(
                path.lit(),
                format!(
                    "the path template has `{{{name}}}` but no field is marked \
                     `#[hookwire(path)]` with that name"
                ),
            );
        }
    }
}

/// Reports a missing key; always `None`, to be used in place of the value.
fn missing<T>(cx: &Ctxt, container: &EndpointContainer<'_>, example: &str) -> Option<T> {
    let key = example.split(' ').next().unwrap_or(example);
    cx.error_spanned_by(
        container.ident,
        format!(
            "missing `{key}`: add `#[hookwire({example})]` to `{}`",
            container.ident
        ),
    );
    None
}

/// Whether a request may leave a field out: its type is `Option<...>` (or a list, for a query).
fn optional(field: &EndpointField<'_>, location: Location) -> bool {
    let last = match field.ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    matches!(
        (location, last.as_deref()),
        (_, Some("Option")) | (Location::Query, Some("Vec"))
    )
}

/// `T` for `Option<T>`, else the type itself.
fn documented_ty(ty: &syn::Type) -> &syn::Type {
    if let syn::Type::Path(path) = ty
        && let Some(last) = path.path.segments.last().filter(|s| s.ident == "Option")
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return inner;
    }
    ty
}

/// `GetProduct` -> `getProduct`.
fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
