//! Expansion snapshots: each derive's output for a representative input, rendered with
//! prettyplease and compared with `macros/tests/expand/<name>.rs`. After an intended change to
//! the generated code, regenerate them with `UPDATE_EXPAND=1 cargo test -p hookwire-macros` and
//! review the diff.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use syn::DeriveInput;

fn render(tokens: TokenStream) -> String {
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

fn snapshot(name: &str, input: DeriveInput, derive: fn(&DeriveInput) -> TokenStream) {
    let actual = render(derive(&input));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expand")
        .join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_EXPAND").is_some() {
        std::fs::write(&path, &actual).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "the expansion of `{name}` changed; if intended, run\n\n    \
         UPDATE_EXPAND=1 cargo test -p hookwire-macros\n\nand review the diff.\n\
         --- expected ({})\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

#[test]
fn event_struct() {
    snapshot(
        "event_struct",
        syn::parse_quote! {
            /// An order left the warehouse.
            #[hookwire(event = "order.shipped", version = "2")]
            #[deprecated]
            pub struct OrderShipped {
                pub order_id: String,
            }
        },
        crate::derive::event,
    );
}

#[test]
fn event_generic_with_crate_override() {
    snapshot(
        "event_generic",
        syn::parse_quote! {
            #[hookwire(event = "records.page", crate = "::app::hookwire")]
            pub struct Page<T: Clone> {
                pub records: Vec<T>,
            }
        },
        crate::derive::event,
    );
}

#[test]
fn events_catalog() {
    snapshot(
        "events_catalog",
        syn::parse_quote! {
            pub enum ShopEvent {
                OrderCreated(OrderCreated),
                OrderShipped(events::OrderShipped),
            }
        },
        crate::derive::events,
    );
}

#[test]
fn receive_only_events_with_provider_names() {
    snapshot(
        "events_provider_names",
        syn::parse_quote! {
            pub enum Shopify {
                OrderCreate(OrderCreate),
                AppUninstalled(AppUninstalled),
            }
        },
        crate::derive::events,
    );
}

#[test]
fn generic_catalog_keeps_the_linear_lookup() {
    snapshot(
        "events_generic",
        syn::parse_quote! {
            pub enum Paged<T> where T: Clone {
                Page(Page<T>),
            }
        },
        crate::derive::events,
    );
}

#[test]
fn events_with_errors_emit_errors_and_stubs() {
    snapshot(
        "events_errors",
        syn::parse_quote! {
            pub enum ShopEvent {
                Shipped { order_id: String },
            }
        },
        crate::derive::events,
    );
}

#[test]
fn endpoint_with_errors_emits_errors_and_a_stub() {
    snapshot(
        "endpoint_errors",
        syn::parse_quote! {
            #[hookwire(method = "FETCH", path = "/orders/{id}", response = Order)]
            pub struct GetOrder {
                pub id: String,
            }
        },
        crate::derive::endpoint,
    );
}

#[test]
fn event_with_errors_emits_errors_and_a_stub() {
    snapshot(
        "event_errors",
        syn::parse_quote! {
            #[hookwire(evnt = "order.shipped")]
            pub struct OrderShipped {}
        },
        crate::derive::event,
    );
}

#[test]
fn endpoint_with_every_location() {
    snapshot(
        "endpoint",
        syn::parse_quote! {
            /// Places an order.
            #[hookwire(method = "post", path = "/shops/{shop_id}/orders", response = ApiResponse<Order>)]
            pub struct CreateOrder {
                /// The shop.
                #[hookwire(path)]
                pub shop_id: u64,
                #[hookwire(query, name = "dry-run")]
                pub dry_run: Option<bool>,
                #[hookwire(header = "Idempotency-Key")]
                pub key: String,
                #[hookwire(body)]
                pub order: NewOrder,
            }
        },
        crate::derive::endpoint,
    );
}
