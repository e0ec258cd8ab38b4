//! The product API's response types.

use hookwire::{JsonSchema, schemars};
use serde::{Deserialize, Serialize};

use crate::Money;

/// The envelope of every API response: `{"status": "success", "data": ...}`.
///
/// ```
/// use hookwire_example_shop::{ApiResponse, ApiStatus, Product};
///
/// let body = r#"{"status": "success", "data": {"product_id": "12345", "name": "Sample Product",
///     "price": "19.99", "quantity": "100", "category": "Electronics"}}"#;
/// let response: ApiResponse<Product> = hookwire::serde_json::from_str(body).unwrap();
/// assert_eq!(response.status, ApiStatus::Success);
/// assert_eq!(response.data.price.as_str(), "19.99");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "ApiResponse_{T}")]
pub struct ApiResponse<T> {
    /// Whether the call succeeded.
    pub status: ApiStatus,
    /// The result.
    pub data: T,
}

/// The outcome of an API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiStatus {
    /// The call succeeded and `data` holds its result.
    Success,
    /// The call failed and `data` describes why.
    Error,
}

/// A product in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = Product::example())]
pub struct Product {
    /// The product's id.
    pub product_id: String,
    /// The display name.
    pub name: String,
    /// The unit price.
    pub price: Money,
    /// Units in stock, as a decimal string.
    #[schemars(regex(pattern = r"^[0-9]+$"))]
    pub quantity: String,
    /// The catalogue category.
    pub category: String,
}

impl Product {
    /// The sample product the demo serves.
    pub fn example() -> Self {
        Product {
            product_id: "12345".into(),
            name: "Sample Product".into(),
            price: Money::new("19.99").unwrap_or_else(|_| unreachable!("a valid literal")),
            quantity: "100".into(),
            category: "Electronics".into(),
        }
    }
}
