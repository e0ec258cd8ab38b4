//! Parsing of `#[hookwire(...)]`: one branch per key, every problem recorded, none fatal.

use proc_macro2::TokenTree;
use quote::ToTokens as _;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr, Token};

use crate::ctxt::Ctxt;
use crate::symbol::{
    self, BODY, CRATE, ERRORS, EVENT, HEADER, HOOKWIRE, METHOD, NAME, OPERATION_ID, PATH, QUERY,
    RESPONSE, Symbol, VERSION,
};

/// The keys a derive accepts on its type, as parsed.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `event = "..."`, kept as the literal so errors can point at it.
    pub(crate) event: Option<LitStr>,
    /// `version = "..."`.
    pub(crate) version: Option<LitStr>,
    /// `crate = "..."`, parsed into a path.
    pub(crate) krate: Option<syn::Path>,
    /// `method = "..."`.
    pub(crate) method: Option<LitStr>,
    /// `path = "..."`.
    pub(crate) path: Option<LitStr>,
    /// `response = Type`.
    pub(crate) response: Option<syn::Type>,
    /// `operation_id = "..."`.
    pub(crate) operation_id: Option<LitStr>,
    /// `errors(404, 409)`, as written.
    pub(crate) errors: Option<Vec<syn::LitInt>>,
}

/// Reads every `#[hookwire(...)]` on a type. Keys outside `accepted` are reported with the list of
/// keys the derive does accept; duplicates are reported on their second occurrence.
pub(crate) fn container(cx: &Ctxt, attrs: &[Attribute], accepted: &[Symbol]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path() == HOOKWIRE) {
        let result = attr.parse_nested_meta(|meta| {
            if !accepted.iter().any(|key| meta.path == *key) {
                unknown_key(cx, &meta, accepted);
                return skip_value(&meta);
            }
            if meta.path == ERRORS {
                let content;
                syn::parenthesized!(content in meta.input);
                let list =
                    syn::punctuated::Punctuated::<syn::Expr, Token![,]>::parse_terminated(&content)?;
                let statuses = list.into_iter().filter_map(|expr| status_literal(cx, expr)).collect();
                set_once(cx, &meta, &mut out.errors, statuses);
                return Ok(());
            }
            if meta.path == RESPONSE {
                let ty: syn::Type = meta.value()?.parse()?;
                set_once(cx, &meta, &mut out.response, ty);
                return Ok(());
            }
            let value: LitStr = meta.value()?.parse()?;
            if meta.path == METHOD {
                set_once(cx, &meta, &mut out.method, value);
            } else if meta.path == PATH {
                set_once(cx, &meta, &mut out.path, value);
            } else if meta.path == OPERATION_ID {
                set_once(cx, &meta, &mut out.operation_id, value);
            } else if meta.path == EVENT {
                set_once(cx, &meta, &mut out.event, value);
            } else if meta.path == VERSION {
                if value.value().trim().is_empty() {
                    cx.error_spanned_by(&value, "`version` must not be empty, e.g. `version = \"2\"`");
                }
                set_once(cx, &meta, &mut out.version, value);
            } else if meta.path == CRATE {
                match value.parse::<syn::Path>() {
                    Ok(path) => set_once(cx, &meta, &mut out.krate, path),
                    Err(_) => cx.error_spanned_by(
                        &value,
                        format!(
                            "`crate` must be a path to the hookwire crate, such as `crate = \"hookwire\"` \
                             or `crate = \"::my_app::hookwire\"`, found `{}`",
                            value.value()
                        ),
                    ),
                }
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    out
}

/// One entry of `errors(...)` as an integer literal; anything else (a string, a constant, a
/// negative number) is reported on the entry itself.
fn status_literal(cx: &Ctxt, expr: syn::Expr) -> Option<syn::LitInt> {
    if let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(lit),
        ..
    }) = expr
    {
        return Some(lit);
    }
    cx.error_spanned_by(
        &expr,
        format!(
            "`errors` lists HTTP statuses as integer literals from 400 to 599, e.g. \
             `errors(404, 409)`, found `{}`",
            expr.to_token_stream()
        ),
    );
    None
}

/// Where an endpoint field travels, as written on the field.
#[derive(Clone)]
pub(crate) enum FieldLocation {
    /// `#[hookwire(path)]`.
    Path,
    /// `#[hookwire(query)]`.
    Query,
    /// `#[hookwire(header)]` or `#[hookwire(header = "X-Name")]`.
    Header(Option<LitStr>),
    /// `#[hookwire(body)]`.
    Body,
}

/// The keys an endpoint accepts on a field, as parsed.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// The location and the key that set it, for errors.
    pub(crate) location: Option<(FieldLocation, syn::Path)>,
    /// `name = "..."`.
    pub(crate) name: Option<LitStr>,
}

/// Reads every `#[hookwire(...)]` on an endpoint's field.
pub(crate) fn field(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    const ACCEPTED: &[Symbol] = &[PATH, QUERY, HEADER, BODY, NAME];
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path() == HOOKWIRE) {
        let result = attr.parse_nested_meta(|meta| {
            let location = if meta.path == PATH {
                FieldLocation::Path
            } else if meta.path == QUERY {
                FieldLocation::Query
            } else if meta.path == BODY {
                FieldLocation::Body
            } else if meta.path == HEADER {
                let name = if meta.input.peek(Token![=]) {
                    Some(meta.value()?.parse::<LitStr>()?)
                } else {
                    None
                };
                FieldLocation::Header(name)
            } else if meta.path == NAME {
                let value: LitStr = meta.value()?.parse()?;
                set_once(cx, &meta, &mut out.name, value);
                return Ok(());
            } else {
                unknown_key(cx, &meta, ACCEPTED);
                return skip_value(&meta);
            };
            if let Some((_, first)) = &out.location {
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "a field travels in one place, and this one is already marked `{}`",
                        first
                            .get_ident()
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    ),
                );
            } else {
                out.location = Some((location, meta.path.clone()));
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    out
}

/// Rejects `#[hookwire(...)]` where a derive reads none (fields, variants).
pub(crate) fn reject_all(cx: &Ctxt, attrs: &[Attribute], place: &str) {
    for attr in attrs.iter().filter(|attr| attr.path() == HOOKWIRE) {
        cx.error_spanned_by(
            attr,
            format!("`#[hookwire(...)]` is not accepted on {place}"),
        );
    }
}

fn set_once<T>(cx: &Ctxt, meta: &ParseNestedMeta<'_>, slot: &mut Option<T>, value: T) {
    if slot.is_some() {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        cx.error_spanned_by(&meta.path, format!("duplicate hookwire attribute `{key}`"));
    } else {
        *slot = Some(value);
    }
}

fn unknown_key(cx: &Ctxt, meta: &ParseNestedMeta<'_>, accepted: &[Symbol]) {
    let key = meta
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::");
    let expected = symbol::one_of(accepted);
    let message = if accepted.len() == 1 {
        format!("unknown hookwire attribute `{key}`, expected {expected}")
    } else {
        format!("unknown hookwire attribute `{key}`, expected one of {expected}")
    };
    cx.error_spanned_by(&meta.path, message);
}

/// Consumes the value of a key we do not know (`= tokens` or `(tokens)`) so parsing can go on to
/// the next key and report its problems too.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    let input = meta.input;
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        while !input.is_empty() && !input.peek(Token![,]) {
            input.parse::<TokenTree>()?;
        }
    } else if input.peek(syn::token::Paren) {
        input.parse::<TokenTree>()?;
    }
    Ok(())
}
