//! Rules that look at a whole input: the event name's grammar, repeated catalog variants.

use quote::ToTokens;
use syn::LitStr;

use crate::ast::{CatalogContainer, EventContainer};
use crate::ctxt::Ctxt;

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
