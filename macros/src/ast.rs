//! The parsed input of each derive, read once from `syn::DeriveInput`: shapes and attributes as
//! written, not yet validated. `check` turns it into the `model` the expanders use.

use syn::{Attribute, Data, DeriveInput, Expr, Fields, Generics, Ident, Lit, LitStr, Meta, Type};

use crate::attr::{self, ContainerAttrs, FieldLocation};
use crate::ctxt::Ctxt;
use crate::symbol::{
    CRATE, DEPRECATED, DOC, ERRORS, EVENT, METHOD, OPERATION_ID, PATH, RESPONSE, VERSION,
};

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

/// A struct deriving `Endpoint`.
pub(crate) struct EndpointContainer<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) docs: Option<String>,
    pub(crate) deprecated: bool,
    pub(crate) fields: Vec<EndpointField<'a>>,
    /// Whether the fields could be read: false for tuple structs, enums and unions, whose
    /// error is already reported, so rules about fields are not checked again.
    pub(crate) fields_readable: bool,
}

/// One field of an endpoint: a parameter or the body.
pub(crate) struct EndpointField<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    /// Where it travels, with the key that said so; `None` is an error reported by `check`.
    pub(crate) location: Option<(FieldLocation, syn::Path)>,
    /// Its name on the wire: `name = "..."`, the header name, or the field's name.
    pub(crate) wire_name: String,
    pub(crate) docs: Option<String>,
}

impl<'a> EndpointContainer<'a> {
    /// Reads an `Endpoint` input, recording problems in `cx`.
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Self {
        let attrs = attr::container(
            cx,
            &input.attrs,
            &[METHOD, PATH, RESPONSE, OPERATION_ID, ERRORS, CRATE],
        );
        let mut fields = Vec::new();
        let fields_readable = matches!(
            &input.data,
            Data::Struct(data) if !matches!(data.fields, Fields::Unnamed(_))
        );
        match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => {
                    for field in &named.named {
                        let Some(ident) = field.ident.as_ref() else {
                            continue;
                        };
                        let field_attrs = attr::field(cx, &field.attrs);
                        let wire_name = match (&field_attrs.name, &field_attrs.location) {
                            (Some(name), _) => name.value(),
                            (None, Some((FieldLocation::Header(Some(name)), _))) => name.value(),
                            _ => ident.to_string(),
                        };
                        fields.push(EndpointField {
                            ident,
                            ty: &field.ty,
                            location: field_attrs.location,
                            wire_name,
                            docs: docs(&field.attrs),
                        });
                    }
                }
                Fields::Unnamed(unnamed) => cx.error_spanned_by(
                    unnamed,
                    "an endpoint's fields need names: they name its parameters, as in \
                     `struct GetProduct { #[hookwire(path)] product_id: String }`",
                ),
                Fields::Unit => {}
            },
            Data::Enum(data) => cx.error_spanned_by(
                data.enum_token,
                "`Endpoint` is derived on a struct whose fields are the request's parameters",
            ),
            Data::Union(data) => cx.error_spanned_by(
                data.union_token,
                "`Endpoint` is derived on a struct whose fields are the request's parameters",
            ),
        }
        EndpointContainer {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            docs: docs(&input.attrs),
            deprecated: input.attrs.iter().any(|attr| attr.path() == DEPRECATED),
            fields,
            fields_readable,
        }
    }
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
