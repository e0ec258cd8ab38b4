//! The model each derive works from, read once from `syn::DeriveInput`.

use syn::{Attribute, Data, DeriveInput, Expr, Fields, Generics, Ident, Lit, LitStr, Meta, Type};

use crate::attr::{self, ContainerAttrs};
use crate::ctxt::Ctxt;
use crate::symbol::{CRATE, DEPRECATED, DOC, EVENT, VERSION};

/// A type deriving `Event`.
pub(crate) struct EventContainer<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: ContainerAttrs,
    /// The doc comment, one leading space stripped from each line.
    pub(crate) docs: Option<String>,
    /// Whether the type carries `#[deprecated]`.
    pub(crate) deprecated: bool,
}

/// An enum deriving `Events`.
pub(crate) struct CatalogContainer<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) variants: Vec<CatalogVariant<'a>>,
}

/// One variant of a catalog: `Name(EventType)`.
pub(crate) struct CatalogVariant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
}

impl<'a> EventContainer<'a> {
    /// Reads an `Event` input, recording problems in `cx`.
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Self {
        match &input.data {
            Data::Struct(data) => reject_field_attrs(cx, &data.fields),
            Data::Enum(data) => {
                for variant in &data.variants {
                    attr::reject_all(cx, &variant.attrs, "variants of an event");
                    reject_field_attrs(cx, &variant.fields);
                }
            }
            Data::Union(data) => cx.error_spanned_by(
                data.union_token,
                "`Event` can be derived for structs and enums, not unions",
            ),
        }
        EventContainer {
            ident: &input.ident,
            generics: &input.generics,
            attrs: attr::container(cx, &input.attrs, &[EVENT, VERSION, CRATE]),
            docs: docs(&input.attrs),
            deprecated: input.attrs.iter().any(|attr| attr.path() == DEPRECATED),
        }
    }
}

impl<'a> CatalogContainer<'a> {
    /// Reads an `Events` input, recording problems in `cx`.
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Self {
        let attrs = attr::container(cx, &input.attrs, &[CRATE]);
        let mut variants = Vec::new();
        match &input.data {
            Data::Enum(data) => {
                for variant in &data.variants {
                    attr::reject_all(cx, &variant.attrs, "variants of a catalog");
                    match one_field(&variant.fields) {
                        Some(ty) => variants.push(CatalogVariant {
                            ident: &variant.ident,
                            ty,
                        }),
                        None => cx.error_spanned_by(
                            shape_tokens(variant),
                            format!(
                                "each variant of an `Events` enum holds exactly one event, \
                                 as in `{}(MyEvent)`",
                                variant.ident
                            ),
                        ),
                    }
                }
            }
            Data::Struct(data) => cx.error_spanned_by(
                data.struct_token,
                "`Events` lists a service's events and is derived on an enum, \
                 as in `enum ShopEvent { OrderShipped(OrderShipped) }`",
            ),
            Data::Union(data) => cx.error_spanned_by(
                data.union_token,
                "`Events` lists a service's events and is derived on an enum, \
                 as in `enum ShopEvent { OrderShipped(OrderShipped) }`",
            ),
        }
        CatalogContainer {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            variants,
        }
    }
}

fn reject_field_attrs(cx: &Ctxt, fields: &Fields) {
    for field in fields {
        attr::reject_all(cx, &field.attrs, "fields of an event");
    }
}

/// The type of a one-field tuple variant, the only shape a catalog accepts.
fn one_field(fields: &Fields) -> Option<&Type> {
    match fields {
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            unnamed.unnamed.first().map(|field| &field.ty)
        }
        _ => None,
    }
}

/// The smallest tokens that show a variant's wrong shape: its fields, or its name when it has none.
fn shape_tokens(variant: &syn::Variant) -> proc_macro2::TokenStream {
    use quote::ToTokens;
    match &variant.fields {
        Fields::Unit => variant.ident.to_token_stream(),
        fields => fields.to_token_stream(),
    }
}

/// Collects `///` doc comments into one string, or `None` when there are none.
fn docs(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path() == DOC)
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(expr) => match &expr.lit {
                    Lit::Str(lit) => Some(doc_line(lit)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .collect();
    let joined = lines.join("\n");
    let trimmed = joined.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn doc_line(lit: &LitStr) -> String {
    let value = lit.value();
    let line = value.strip_prefix(' ').unwrap_or(&value);
    line.trim_end().to_owned()
}
