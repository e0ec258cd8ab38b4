//! The catalog enum over every event, and the GitHub dispatch helpers.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ident;
use crate::ir::Def;

/// One catalog entry: the variant's name, the event type's index in the definitions.
pub(crate) struct Entry {
    pub(crate) variant: String,
    pub(crate) def: usize,
}

/// `#[derive(Events)] pub enum Catalog { Variant(Type), ... }`.
pub(crate) fn catalog(defs: &[Def], name: &str, entries: &[Entry]) -> TokenStream {
    let name = ident(name);
    let variants = entries.iter().map(|entry| {
        let variant = ident(&entry.variant);
        let def = &defs[entry.def];
        let ty = ident(&def.name);
        let event = def.event.as_deref().unwrap_or_default();
        let doc = format!(" `{event}`");
        quote! { #[doc = #doc] #variant(#ty) }
    });
    quote! {
        /// Every event of this module, for a receiver's `.events::<...>()` or
        /// `from_envelope`.
        #[derive(Debug, Clone, PartialEq, hookwire::Events)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name { #(#variants),* }
    }
}

/// GitHub names a delivery's event with the `X-GitHub-Event` header and, for most events, the
/// body's `action`: the hookwire event type is `header.action` (`pull_request.opened`) for the
/// events in `with_actions`, the header alone otherwise (`push`).
pub(crate) fn github(with_actions: &[String]) -> [TokenStream; 2] {
    let list = quote! {
        /// The GitHub events whose payload schemas are per `action`: their hookwire event
        /// type is `<X-GitHub-Event>.<action>`.
        pub const GITHUB_EVENTS_WITH_ACTIONS: &[&str] = &[#(#with_actions),*];
    };
    let function = quote! {
        /// The hookwire event type of a GitHub delivery: the `X-GitHub-Event` header value,
        /// followed by `.` and the body's `action` for the events listed in
        /// [`GITHUB_EVENTS_WITH_ACTIONS`] (`pull_request.opened`), the header alone otherwise
        /// (`push`). `None` when such an event's body has no string `action`.
        ///
        /// Give it to a receiver with
        /// `PayloadFormat::rule(|headers, body| github_event_type(headers.get("x-github-event")?.to_str().ok()?, body))`.
        pub fn github_event_type(event: &str, body: &[u8]) -> Option<String> {
            if !GITHUB_EVENTS_WITH_ACTIONS.contains(&event) {
                return Some(event.to_owned());
            }
            #[derive(serde::Deserialize)]
            struct Action<'a> {
                #[serde(borrow)]
                action: ::std::borrow::Cow<'a, str>,
            }
            let parsed: Action<'_> = hookwire::serde_json::from_slice(body).ok()?;
            Some(format!("{event}.{}", parsed.action))
        }
    };
    [list, function]
}
