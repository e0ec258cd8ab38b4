//! The hookwire flagship example: an online shop with a product API and order webhooks.
//!
//! Every type here is an ordinary serde + schemars type; `#[derive(Event)]` and
//! `#[derive(Events)]` are all hookwire adds. From them come the envelope, the per-event JSON
//! Schemas in `schemas/` and `schemas/openapi.json` (see [`export`]).

pub mod api;
pub mod demo;
mod events;
mod money;
pub mod outbox;
mod product;
pub mod receive;
pub mod receiver;
pub mod serve;

pub use events::{
    CancellationReason, Customer, LineItem, OrderCancelled, OrderCreated, OrderShipped,
    OrderStatus, PaymentFailed, PaymentMethod, PaymentSucceeded, ShopEvent, Tracking,
};
pub use money::{InvalidMoney, MONEY_PATTERN, Money};
pub use product::{ApiResponse, ApiStatus, Product};

use hookwire::schema::{AsyncApi, Export, OpenApi, OpenApiError, openapi_30};

/// The shop's OpenAPI 3.1 document.
///
/// ```
/// let document = hookwire_example_shop::openapi().unwrap();
/// assert!(document["webhooks"]["order.shipped"]["post"].is_object());
/// ```
///
/// # Errors
/// Never for the shop; the error is kept for duplicate webhook or operation names.
pub fn openapi() -> Result<hookwire::serde_json::Value, OpenApiError> {
    OpenApi::new("Shop", env!("CARGO_PKG_VERSION"))
        .description(
            "An online store's order and payment webhooks. Each delivery is signed with \
             Standard Webhooks; verify `webhook-signature` before trusting the body.",
        )
        .endpoint::<api::GetProduct>()
        .endpoint::<api::ListProducts>()
        .endpoint::<api::CreateOrder>()
        .webhooks::<ShopEvent>()
        .build()
}

/// The shop's event catalog as an AsyncAPI 3.0 document.
///
/// ```
/// let document = hookwire_example_shop::asyncapi();
/// assert_eq!(document["asyncapi"], "3.0.0");
/// assert!(document["channels"]["order.shipped"].is_object());
/// ```
pub fn asyncapi() -> hookwire::serde_json::Value {
    AsyncApi::new("Shop", env!("CARGO_PKG_VERSION"))
        .description(
            "An online store's order and payment events, POSTed to each subscriber's webhook URL \
             and signed with Standard Webhooks.",
        )
        .events::<ShopEvent>()
        .build()
}

/// Everything the shop commits under `schemas/`: one call, for a binary or a test.
///
/// ```
/// let export = hookwire_example_shop::export().unwrap();
/// assert!(export.paths().any(|path| path == "openapi.json"));
/// assert!(export.paths().any(|path| path == "events/order.shipped.json"));
/// ```
///
/// # Errors
/// As [`openapi`].
pub fn export() -> Result<Export, OpenApiError> {
    let openapi = openapi()?;
    Ok(Export::catalog::<ShopEvent>()
        .with_file("openapi.json", &openapi)
        .with_file("openapi-3.0.json", &openapi_30(&openapi))
        .with_file("asyncapi.json", &asyncapi()))
}

/// Where the shop's generated schemas are committed: `schemas/` at the workspace root.
///
/// ```
/// assert!(hookwire_example_shop::schemas_dir().ends_with("schemas"));
/// ```
pub fn schemas_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}
