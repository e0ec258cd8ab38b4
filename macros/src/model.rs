//! The validated model of each derive: what `check` builds once every rule holds, and all the
//! expanders see. Values that have a grammar (an event name, an HTTP method, a path template,
//! a header name) can only be made through constructors that check it, so an expander never
//! meets an unchecked value, and a missing key is not an `Option` here but an error already
//! reported.

use syn::{Generics, Ident, LitStr, Type};

use crate::event_name;

/// A type deriving `Event`, validated.
pub(crate) struct Event<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) krate: Option<syn::Path>,
    pub(crate) name: EventName,
    pub(crate) version: Option<LitStr>,
    /// The doc comment, one leading space stripped from each line.
    pub(crate) docs: Option<String>,
    pub(crate) deprecated: bool,
}

/// An enum deriving `Events`, validated: each variant holds one type, listed once.
pub(crate) struct Catalog<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) krate: Option<syn::Path>,
    pub(crate) variants: Vec<CatalogVariant<'a>>,
}

/// One variant of a catalog: `Name(EventType)`.
pub(crate) struct CatalogVariant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
}

/// A struct deriving `Endpoint`, validated: its method is known, its path template is well
/// formed and matches the path fields one to one, every field has a place, at most one body.
pub(crate) struct Endpoint<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) krate: Option<syn::Path>,
    pub(crate) method: Method,
    pub(crate) path: PathTemplate,
    pub(crate) response: Type,
    pub(crate) operation_id: String,
    /// The declared error statuses, each from 400 to 599, sorted, without duplicates.
    pub(crate) errors: Vec<u16>,
    pub(crate) docs: Option<String>,
    pub(crate) deprecated: bool,
    pub(crate) fields: Vec<Field<'a>>,
}

/// One field of an endpoint, with the place it travels.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) location: Location,
    /// Its name on the wire: `name = "..."`, the header name, or the field's name.
    pub(crate) wire_name: String,
    pub(crate) docs: Option<String>,
    /// Whether a request must carry it: not for `Option<T>` (nor a query `Vec<T>`).
    pub(crate) required: bool,
    /// The type it is documented as: `T` for an `Option<T>` field, since an absent parameter
    /// is how `None` travels (there is no `null` in a query string or header).
    pub(crate) documented_ty: &'a Type,
}

/// Where an endpoint field travels.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
    Body,
}

impl Location {
    /// The runtime method that writes, reads or describes a parameter in this place.
    pub(crate) fn method(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Body => "body",
        }
    }

    /// The `hookwire::endpoint::Location` variant of a parameter; `None` for the body, which
    /// is not a parameter.
    pub(crate) fn parameter(self) -> Option<&'static str> {
        match self {
            Location::Path => Some("Path"),
            Location::Query => Some("Query"),
            Location::Header => Some("Header"),
            Location::Body => None,
        }
    }
}

/// An event type name that follows the rule: letters, digits, `_` and `-` in segments
/// separated by single `.` or `/`, at most 256 bytes. That covers every provider's real names:
/// Stripe's `payment_intent.succeeded`, Shopify's `orders/create`, GitHub's `pull_request`,
/// Slack's `app_mention`, and Standard Webhooks' `order.shipped`. The rule is
/// [`event_name::check`], the runtime's `hookwire::check_event_type` mirrored.
pub(crate) struct EventName(LitStr);

impl EventName {
    /// Checks `lit` against the rule; the error says what is wrong, for a message around it.
    pub(crate) fn new(lit: &LitStr) -> Result<Self, String> {
        event_name::check(&lit.value()).map(|()| EventName(lit.clone()))
    }

    /// The literal, spanned where the user wrote it.
    pub(crate) fn lit(&self) -> &LitStr {
        &self.0
    }
}

/// An HTTP method an endpoint may use, spelled as `http::Method`'s constant.
pub(crate) struct Method(&'static str);

impl Method {
    /// The methods an endpoint may use.
    pub(crate) const ALL: &'static [&'static str] =
        &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// Reads a method in any case; `None` when it is not one of [`Method::ALL`].
    pub(crate) fn new(written: &str) -> Option<Self> {
        let upper = written.to_ascii_uppercase();
        Self::ALL
            .iter()
            .find(|known| **known == upper)
            .map(|known| Method(known))
    }

    /// The `http::Method` constant's name, in upper case.
    pub(crate) fn as_str(&self) -> &'static str {
        self.0
    }

    /// Whether a request with this method has no body.
    pub(crate) fn forbids_body(&self) -> bool {
        matches!(self.0, "GET" | "HEAD")
    }
}

/// A well-formed path template, such as `/products/{product_id}`, with its parameter names.
pub(crate) struct PathTemplate {
    lit: LitStr,
    params: Vec<String>,
}

impl PathTemplate {
    /// Checks `lit`: it starts with `/`, has no query or fragment, and each segment is plain
    /// text or one whole `{name}`, no name twice. The error says what is wrong.
    pub(crate) fn new(lit: &LitStr) -> Result<Self, String> {
        let template = lit.value();
        if !template.starts_with('/') {
            return Err("it must start with `/`".to_owned());
        }
        if template.contains('?') || template.contains('#') {
            return Err(
                "query parameters are fields marked `query`, not part of the template".to_owned(),
            );
        }
        let mut params: Vec<String> = Vec::new();
        for segment in template.split('/').skip(1) {
            match (segment.find('{'), segment.find('}')) {
                (None, None) => {}
                (Some(0), Some(close)) if close == segment.len() - 1 => {
                    let name = &segment[1..close];
                    if name.is_empty()
                        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        return Err(format!("`{{{name}}}` is not a parameter name"));
                    }
                    if params.iter().any(|seen| seen == name) {
                        return Err(format!("`{{{name}}}` appears twice"));
                    }
                    params.push(name.to_owned());
                }
                _ => {
                    return Err(format!(
                        "segment `{segment}` must be a whole `{{name}}` or plain text"
                    ));
                }
            }
        }
        Ok(PathTemplate {
            lit: lit.clone(),
            params,
        })
    }

    /// The literal, spanned where the user wrote it.
    pub(crate) fn lit(&self) -> &LitStr {
        &self.lit
    }

    /// The `{name}`s, in order.
    pub(crate) fn params(&self) -> &[String] {
        &self.params
    }
}

/// An RFC 9110 token: what an HTTP header name may be.
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::{Method, PathTemplate};
    use crate::event_name::check as validate_event_name;

    fn accepts(names: &[&str]) {
        for name in names {
            assert_eq!(validate_event_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn accepts_stripe_names() {
        accepts(&[
            "payment_intent.succeeded",
            "customer.subscription.trial_will_end",
            "checkout.session.async_payment_succeeded",
            "v1.billing.meter.error_report_triggered",
        ]);
    }

    #[test]
    fn accepts_shopify_topics() {
        accepts(&[
            "orders/create",
            "app/uninstalled",
            "customers/data_request",
            "inventory_levels/update",
        ]);
    }

    #[test]
    fn accepts_github_events() {
        accepts(&[
            "push",
            "pull_request",
            "pull_request_review_comment",
            "check_run",
        ]);
    }

    #[test]
    fn accepts_slack_event_types() {
        accepts(&[
            "app_mention",
            "url_verification",
            "event_callback",
            "message",
        ]);
    }

    #[test]
    fn accepts_standard_webhooks_names() {
        accepts(&["order.shipped", "invoice-2.paid", "orders-create.v2"]);
    }

    #[test]
    fn rejects_empty_names_and_segments() {
        assert_eq!(validate_event_name(""), Err("it is empty".to_owned()));
        for name in [
            "order..shipped",
            ".order",
            "order.",
            "orders//create",
            "/orders",
            "a./b",
        ] {
            let error = validate_event_name(name).expect_err(name);
            assert!(
                error.starts_with("it has an empty segment"),
                "{name}: {error}"
            );
        }
    }

    #[test]
    fn rejects_other_characters() {
        for (name, bad) in [
            ("order shipped", "` ` is not allowed"),
            ("order:shipped", "`:` is not allowed"),
            ("orders\\create", "`\\\\` is not allowed"),
            ("caf\u{e9}.open", "`\\u{e9}` is not allowed"),
            ("line\nbreak", "`\\n` is not allowed"),
        ] {
            assert_eq!(validate_event_name(name), Err(bad.to_owned()), "{name}");
        }
    }

    #[test]
    fn rejects_names_longer_than_receivers_accept() {
        let longest = "a".repeat(256);
        assert_eq!(validate_event_name(&longest), Ok(()));
        let error = validate_event_name(&format!("{longest}b")).expect_err("too long");
        assert_eq!(
            error,
            "it is 257 bytes long and receivers accept at most 256"
        );
    }

    #[test]
    fn methods_are_read_in_any_case() {
        assert_eq!(Method::new("post").map(|m| m.as_str()), Some("POST"));
        assert!(Method::new("HEAD").is_some_and(|m| m.forbids_body()));
        assert!(Method::new("FETCH").is_none());
    }

    #[test]
    fn templates_list_their_parameters() {
        let lit: syn::LitStr = syn::parse_quote!("/shops/{shop_id}/orders/{id}");
        let template = PathTemplate::new(&lit).unwrap();
        assert_eq!(template.params(), ["shop_id", "id"]);
        for (bad, why) in [
            ("shops", "it must start with `/`"),
            ("/a?b=1", "query parameters are fields marked `query`"),
            ("/a/{id}/{id}", "`{id}` appears twice"),
            (
                "/a/x{id}",
                "segment `x{id}` must be a whole `{name}` or plain text",
            ),
            ("/a/{}", "`{}` is not a parameter name"),
        ] {
            let lit = syn::LitStr::new(bad, proc_macro2::Span::call_site());
            let error = PathTemplate::new(&lit).err().unwrap();
            assert!(error.starts_with(why), "{bad}: {error}");
        }
    }
}
