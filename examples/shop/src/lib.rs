//! The hookwire flagship example: an online shop with a product API and order webhooks.
//!
//! Every type here is an ordinary serde + schemars type; `#[derive(Event)]` and
//! `#[derive(Events)]` are all hookwire adds. From them come the envelope, the per-event JSON
//! Schemas in `schemas/` and `schemas/openapi.json` (see [`export`]).

pub mod api;
pub mod demo;
mod events;
mod money;
mod product;
pub mod receiver;

pub use events::{
    CancellationReason, Customer, LineItem, OrderCancelled, OrderCreated, OrderShipped,
    OrderStatus, PaymentFailed, PaymentMethod, PaymentSucceeded, ShopEvent, Tracking,
};
pub use money::{InvalidMoney, MONEY_PATTERN, Money};
pub use product::{ApiResponse, ApiStatus, Product};

use hookwire::schema::{Export, OpenApi, OpenApiError};

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
    Ok(Export::catalog::<ShopEvent>().with_file("openapi.json", &openapi()?))
}

/// Where the shop's generated schemas are committed: `schemas/` at the workspace root.
///
/// ```
/// assert!(hookwire_example_shop::schemas_dir().ends_with("schemas"));
/// ```
pub fn schemas_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}
