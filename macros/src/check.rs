//! Rules that look at a whole input: the event name's grammar, repeated catalog variants.

use quote::ToTokens;
use syn::LitStr;

use crate::ast::{CatalogContainer, EndpointContainer, EventContainer};
use crate::attr::FieldLocation;
use crate::ctxt::Ctxt;

/// The methods an endpoint may use, as `http::Method` constants spell them.
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Checks an `Event` input: it must name its event type, and the name must be well formed.
pub(crate) fn event(cx: &Ctxt, container: &EventContainer<'_>) {
    match &container.attrs.event {
        Some(name) => event_name(cx, name),
        None => cx.error_spanned_by(
            container.ident,
            format!(
                "missing event type name: add `#[hookwire(event = \"...\")]` to `{}`, \
                 e.g. `#[hookwire(event = \"order.shipped\")]`",
                container.ident
            ),
        ),
    }
}

/// Checks an `Events` input: no event type may be listed by two variants.
///
/// Names live on the event types, out of the macro's sight, so the generated code also checks
/// them at compile time; this catches the same type written twice with a clearer message.
pub(crate) fn catalog(cx: &Ctxt, container: &CatalogContainer<'_>) {
    let mut seen: Vec<(String, &syn::Ident)> = Vec::new();
    for variant in &container.variants {
        let ty = variant.ty.to_token_stream().to_string();
        if let Some((_, first)) = seen.iter().find(|(earlier, _)| *earlier == ty) {
            cx.error_spanned_by(
                variant.ty,
                format!("`{ty}` is already listed by variant `{first}`; list each event once"),
            );
        } else {
            seen.push((ty, variant.ident));
        }
    }
}

/// Checks an `Endpoint` input and returns its method in upper case when it is valid.
///
/// The rules: `method`, `path` and `response` are given; the method is a known one; the path
/// template is well formed; every field says where it travels; path fields and the template's
/// `{name}`s match one to one; at most one body, and none for `GET` or `HEAD`; header names are
/// valid HTTP header names.
pub(crate) fn endpoint(cx: &Ctxt, container: &EndpointContainer<'_>) -> Option<String> {
    let attrs = &container.attrs;
    let method = match &attrs.method {
        Some(lit) => {
            let upper = lit.value().to_ascii_uppercase();
            if METHODS.contains(&upper.as_str()) {
                Some(upper)
            } else {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "unknown HTTP method `{}`, expected one of {}",
                        lit.value(),
                        METHODS.join(", ")
                    ),
                );
                None
            }
        }
        None => {
            missing(cx, container, "method = \"GET\"");
            None
        }
    };
    if attrs.response.is_none() {
        missing(cx, container, "response = MyResponse");
    }
    let placeholders = match &attrs.path {
        Some(lit) => path_template(cx, lit),
        None => {
            missing(cx, container, "path = \"/things/{id}\"");
            Vec::new()
        }
    };
    let mut body_seen = false;
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
            continue;
        };
        match location {
            FieldLocation::Path if !placeholders.contains(&field.wire_name) => {
                if let Some(lit) = &attrs.path {
                    cx.error_spanned_by(
                        key,
                        format!(
                            "path parameter `{}` does not appear in the path template `{}`; \
                             add `{{{}}}` to the template or mark the field `query`",
                            field.wire_name,
                            lit.value(),
                            field.wire_name
                        ),
                    );
                }
            }
            FieldLocation::Body if body_seen => cx.error_spanned_by(
                key,
                "an endpoint has at most one body field; group the body's fields in one struct",
            ),
            FieldLocation::Body => {
                body_seen = true;
                if let Some(method) = method.as_deref().filter(|m| matches!(*m, "GET" | "HEAD")) {
                    cx.error_spanned_by(key, format!("a {method} request has no body"));
                }
            }
            FieldLocation::Header(_) if !is_token(&field.wire_name) => cx.error_spanned_by(
                key,
                format!("`{}` is not a valid HTTP header name", field.wire_name),
            ),
            _ => {}
        }
    }
    if let Some(lit) = attrs.path.as_ref().filter(|_| container.fields_readable) {
        for name in &placeholders {
            let declared = container.fields.iter().any(|field| {
                matches!(field.location, Some((FieldLocation::Path, _))) && field.wire_name == *name
            });
            if !declared {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "the path template has `{{{name}}}` but no field is marked \
                         `#[hookwire(path)]` with that name"
                    ),
                );
            }
        }
    }
    method
}

fn missing(cx: &Ctxt, container: &EndpointContainer<'_>, example: &str) {
    let key = example.split(' ').next().unwrap_or(example);
    cx.error_spanned_by(
        container.ident,
        format!(
            "missing `{key}`: add `#[hookwire({example})]` to `{}`",
            container.ident
        ),
    );
}

/// The `{name}`s of a path template, in order; reports a malformed template.
fn path_template(cx: &Ctxt, lit: &LitStr) -> Vec<String> {
    let template = lit.value();
    let mut names = Vec::new();
    let problem = if !template.starts_with('/') {
        Some("it must start with `/`".to_owned())
    } else if template.contains('?') || template.contains('#') {
        Some("query parameters are fields marked `query`, not part of the template".to_owned())
    } else {
        placeholders(&template, &mut names).err()
    };
    if let Some(why) = problem {
        cx.error_spanned_by(
            lit,
            format!("malformed path template `{template}`: {why}, e.g. `/products/{{product_id}}`"),
        );
    }
    names
}

fn placeholders(template: &str, names: &mut Vec<String>) -> Result<(), String> {
    for segment in template.split('/').skip(1) {
        match (segment.find('{'), segment.find('}')) {
            (None, None) => {}
            (Some(0), Some(close)) if close == segment.len() - 1 => {
                let name = &segment[1..close];
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(format!("`{{{name}}}` is not a parameter name"));
                }
                if names.iter().any(|seen| seen == name) {
                    return Err(format!("`{{{name}}}` appears twice"));
                }
                names.push(name.to_owned());
            }
            _ => {
                return Err(format!(
                    "segment `{segment}` must be a whole `{{name}}` or plain text"
                ));
            }
        }
    }
    Ok(())
}

/// An RFC 9110 token: what an HTTP header name may be.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// An event type name: dot-separated segments of `[A-Za-z0-9_-]`, none empty.
fn event_name(cx: &Ctxt, lit: &LitStr) {
    if let Err(why) = validate_event_name(&lit.value()) {
        cx.error_spanned_by(
            lit,
            format!(
                "malformed event type name `{}`: {why}; expected dot-separated segments of \
                 letters, digits, `_` and `-`, such as `order.shipped`",
                lit.value()
            ),
        );
    }
}

fn validate_event_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".to_owned());
    }
    for segment in name.split('.') {
        if segment.is_empty() {
            return Err("it has an empty segment".to_owned());
        }
        if let Some(bad) = segment
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        {
            return Err(format!("`{}` is not allowed", bad.escape_default()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate_event_name;

    #[test]
    fn accepts_provider_style_names() {
        for name in [
            "order.shipped",
            "payment_intent.succeeded",
            "push",
            "orders-create.v2",
        ] {
            assert_eq!(validate_event_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_empty_segments_and_other_characters() {
        assert_eq!(validate_event_name(""), Err("it is empty".to_owned()));
        assert_eq!(
            validate_event_name("order..shipped"),
            Err("it has an empty segment".to_owned())
        );
        assert_eq!(
            validate_event_name(".order"),
            Err("it has an empty segment".to_owned())
        );
        assert_eq!(
            validate_event_name("order shipped"),
            Err("` ` is not allowed".to_owned())
        );
        assert_eq!(
            validate_event_name("orders/create"),
            Err("`/` is not allowed".to_owned())
        );
    }
}
