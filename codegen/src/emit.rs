//! Definitions -> Rust tokens: derives, serde attributes, doc comments.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::ir::{Def, Field, Kind, Ty, Variant, VariantBody};

/// What every emitted item derives, beyond `Debug`, `Clone` and `PartialEq`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Derives {
    pub(crate) serialize: bool,
    pub(crate) json_schema: bool,
    /// No `Other`/`Unknown` variant: an unlisted value fails the parse.
    pub(crate) strict_enums: bool,
    /// `#[serde(deny_unknown_fields)]` on structs (without a map of other members) and
    /// tagged unions.
    pub(crate) strict_fields: bool,
}

/// `name` as an identifier (raw when written `r#name`).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The tokens of a type.
pub(crate) fn ty(defs: &[Def], ty: &Ty) -> TokenStream {
    match ty {
        Ty::Unit => quote!(()),
        Ty::Bool => quote!(bool),
        Ty::Int(name) => {
            let name = ident(name);
            quote!(#name)
        }
        Ty::F64 => quote!(f64),
        Ty::String => quote!(String),
        Ty::Path(path) => syn::parse_str::<syn::Type>(path)
            .map(|ty| quote!(#ty))
            .unwrap_or_else(|_| quote!(String)),
        Ty::Value => quote!(hookwire::serde_json::Value),
        Ty::Named(id) => {
            let name = ident(&defs[*id].name);
            quote!(#name)
        }
        Ty::Vec(inner) => {
            let inner = self::ty(defs, inner);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = self::ty(defs, inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = self::ty(defs, inner);
            quote!(Option<#inner>)
        }
        Ty::Boxed(inner) => {
            let inner = self::ty(defs, inner);
            quote!(Box<#inner>)
        }
    }
}

/// Doc attributes for `text`, a line each. Code fences without a language are marked
/// `text` so rustdoc does not run provider prose as doctests; `changed` reports that.
pub(crate) fn doc(text: Option<&str>) -> (TokenStream, bool) {
    let Some(text) = text else {
        return (TokenStream::new(), false);
    };
    let mut changed = false;
    let mut in_fence = false;
    let lines = text.lines().map(|line| {
        let trimmed = line.trim_start();
        let mut line = line.replace('\t', "    ");
        if trimmed.starts_with("```") {
            if !in_fence && trimmed.trim_end() == "```" {
                line = line.replacen("```", "```text", 1);
                changed = true;
            } else if !in_fence && !trimmed.starts_with("```text") {
                line = line.replacen("```", "```text ", 1);
                changed = true;
            }
            in_fence = !in_fence;
        } else if line.starts_with("    ") && !in_fence {
            line = line.trim_start().to_owned();
            changed = true;
        }
        let line = if line.is_empty() {
            line
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    let tokens: TokenStream = lines.collect();
    (tokens, changed)
}

/// `#[schemars(extend(...))]` for the kept keywords.
fn extend(pairs: &[(String, Value)], derives: Derives) -> TokenStream {
    if !derives.json_schema || pairs.is_empty() {
        return TokenStream::new();
    }
    let entries = pairs.iter().map(|(key, value)| {
        let value = json_tokens(value);
        quote!(#key = #value)
    });
    quote!(#[schemars(extend(#(#entries),*))])
}

/// A JSON value as `serde_json::json!` input, numbers typed so that large ones fit.
fn json_tokens(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(null),
        Value::Bool(b) => quote!(#b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => quote!(#u),
            (None, Some(i), _) => quote!(#i),
            (None, None, Some(f)) => quote!(#f),
            _ => quote!(null),
        },
        Value::String(text) => quote!(#text),
        Value::Array(items) => {
            let items = items.iter().map(json_tokens);
            quote!([#(#items),*])
        }
        Value::Object(map) => {
            let members = map.iter().map(|(key, member)| {
                let member = json_tokens(member);
                quote!(#key: #member)
            });
            quote!({#(#members),*})
        }
    }
}

/// Doc comments, and separately the `#[schemars(description)]` that keeps the original text
/// when the doc comment had to change it.
fn described(text: Option<&str>, derives: Derives) -> (TokenStream, TokenStream) {
    let (doc, changed) = doc(text);
    match text {
        Some(text) if changed && derives.json_schema => {
            (doc, quote!(#[schemars(description = #text)]))
        }
        _ => (doc, TokenStream::new()),
    }
}

fn fields(defs: &[Def], fields: &[Field], derives: Derives, public: bool) -> TokenStream {
    let vis = if public { quote!(pub) } else { quote!() };
    let fields = fields.iter().map(|field| {
        let name = ident(&field.ident);
        let ty = ty(defs, &field.ty);
        let (docs, description) = described(field.doc.as_deref(), derives);
        let unraw = field.ident.trim_start_matches("r#");
        let wire = &field.wire;
        let rename = (unraw != wire).then(|| quote!(#[serde(rename = #wire)]));
        let optional = match (field.optional, derives.serialize) {
            (true, true) => quote!(#[serde(default, skip_serializing_if = "Option::is_none")]),
            (true, false) => quote!(#[serde(default)]),
            (false, _) => quote!(),
        };
        let extend = extend(&field.extend, derives);
        quote! { #docs #description #rename #optional #extend #vis #name: #ty }
    });
    quote!(#(#fields),*)
}

fn variant(defs: &[Def], variant: &Variant, derives: Derives, renamed: bool) -> TokenStream {
    let name = ident(&variant.ident);
    let (docs, description) = described(variant.doc.as_deref(), derives);
    let wire = &variant.wire;
    let rename = (renamed && variant.ident != *wire).then(|| quote!(#[serde(rename = #wire)]));
    let body = match &variant.body {
        VariantBody::Unit => quote!(),
        VariantBody::Fields(list) => {
            let list = fields(defs, list, derives, false);
            quote!({ #list })
        }
        VariantBody::Newtype(inner) => {
            let inner = ty(defs, inner);
            quote!((#inner))
        }
    };
    quote! { #docs #description #rename #name #body }
}

/// The item for one definition.
pub(crate) fn item(defs: &[Def], def: &Def, derives: Derives) -> TokenStream {
    let name = ident(&def.name);
    let (docs, description) = described(def.doc.as_deref(), derives);
    let string_enum = matches!(def.kind, Kind::StringEnum(_));
    let mut derive = if string_enum && derives.strict_enums {
        quote!(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)
    } else if string_enum {
        quote!(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize)
    } else {
        quote!(Debug, Clone, PartialEq, serde::Deserialize)
    };
    if derives.serialize {
        derive.extend(quote!(, serde::Serialize));
    }
    if derives.json_schema {
        derive.extend(quote!(, hookwire::JsonSchema));
    }
    let event = def
        .event
        .as_ref()
        .map(|event| quote!(#[hookwire(event = #event)]));
    if event.is_some() {
        derive.extend(quote!(, hookwire::Event));
    }
    let schemars = derives.json_schema.then(|| {
        let rename = def
            .schema_name
            .as_ref()
            .map(|schema_name| quote!(, rename = #schema_name));
        quote!(#[schemars(crate = "hookwire::schemars" #rename)])
    });
    let extend = extend(&def.extend, derives);
    let head = quote! {
        #docs
        #[derive(#derive)]
        #schemars
        #description
        #extend
        #event
    };
    match &def.kind {
        Kind::Pending | Kind::Newtype(_) => {
            let inner = match &def.kind {
                Kind::Newtype(inner) => ty(defs, inner),
                _ => quote!(hookwire::serde_json::Value),
            };
            quote! { #head pub struct #name(pub #inner); }
        }
        Kind::Struct {
            fields: list,
            extra,
        } => {
            let list = fields(defs, list, derives, true);
            let extra = extra.as_ref().map(|extra| {
                let extra = ty(defs, extra);
                let comma = if list.is_empty() { quote!() } else { quote!(,) };
                quote! {
                    #comma
                    /// Members not listed above.
                    #[serde(flatten)]
                    pub extra: #extra
                }
            });
            let strict = (derives.strict_fields && extra.is_none())
                .then(|| quote!(#[serde(deny_unknown_fields)]));
            quote! { #head #strict pub struct #name { #list #extra } }
        }
        Kind::StringEnum(variants) => {
            let other = (!derives.strict_enums).then(|| other_string(variants, derives));
            let listed = (!derives.strict_enums && derives.json_schema)
                .then(|| quote!(#[schemars(transform = hookwire::__private::listed_values_only)]));
            let variants = variants.iter().map(|v| variant(defs, v, derives, true));
            quote! { #head #listed pub enum #name { #(#variants,)* #other } }
        }
        Kind::Tagged { tag, variants } => {
            let unknown = (!derives.strict_enums).then(|| unknown_kind(variants, tag, derives));
            let strict = derives
                .strict_fields
                .then(|| quote!(#[serde(deny_unknown_fields)]));
            let variants = variants.iter().map(|v| variant(defs, v, derives, true));
            quote! {
                #head
                #[serde(tag = #tag)]
                #strict
                pub enum #name { #(#variants,)* #unknown }
            }
        }
        Kind::Untagged(variants) => {
            let variants = variants.iter().map(|v| variant(defs, v, derives, false));
            quote! {
                #head
                #[serde(untagged)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name { #(#variants),* }
            }
        }
    }
}

/// A variant name no listed variant has: `wanted`, else `Unknown`, else numbered.
fn free_ident(variants: &[Variant], wanted: &str) -> Ident {
    let taken = |name: &str| variants.iter().any(|v| v.ident == name);
    let name = [wanted, "Unknown", "Unlisted"]
        .into_iter()
        .map(str::to_owned)
        .chain((2..).map(|n| format!("{wanted}{n}")))
        .find(|name| !taken(name))
        .unwrap_or_else(|| wanted.to_owned());
    ident(&name)
}

/// The last variant of a tolerant string enum: a string the schema does not list, kept as sent
/// (serde tries it after every listed value, and writes it back unchanged). It is not in the
/// `JsonSchema`, which lists the documented values only.
fn other_string(variants: &[Variant], derives: Derives) -> TokenStream {
    let name = free_ident(variants, "Other");
    let skip = derives.json_schema.then(|| quote!(#[schemars(skip)]));
    quote! {
        /// A value the schema does not list, kept as sent.
        #[serde(untagged)]
        #skip
        #name(String)
    }
}

/// The last variant of a tolerant tagged union: an object whose `tag` the schema does not
/// list. Its members are not kept (keeping them with serde's untagged fallback would also
/// swallow a listed kind whose members fail to parse), so it cannot be serialized back.
fn unknown_kind(variants: &[Variant], tag: &str, derives: Derives) -> TokenStream {
    let name = free_ident(variants, "Unknown");
    let skip = derives.json_schema.then(|| quote!(#[schemars(skip)]));
    let doc = format!(
        " An object whose `{tag}` the schema does not list; its other members are not kept."
    );
    quote! {
        #[doc = #doc]
        #[serde(other, skip_serializing)]
        #skip
        #name
    }
}
