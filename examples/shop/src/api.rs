//! The shop's product API: endpoints declared once as structs, served with axum and called
//! with the typed client.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use hookwire::problem::Problem;
use hookwire::server::EndpointRouter;
use hookwire::{Endpoint, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

use crate::{
    ApiResponse, ApiStatus, Customer, LineItem, Money, OrderCreated, OrderStatus, Product,
};

/// Fetches one product by its id.
#[derive(Debug, Clone, PartialEq, Endpoint)]
#[hookwire(
    method = "GET",
    path = "/products/{product_id}",
    response = ApiResponse<Product>,
    errors(404)
)]
pub struct GetProduct {
    /// The product's id.
    #[hookwire(path)]
    pub product_id: String,
}

/// Lists the catalogue, optionally one category of it.
#[derive(Debug, Clone, PartialEq, Endpoint)]
#[hookwire(method = "GET", path = "/products", response = ApiResponse<Vec<Product>>)]
pub struct ListProducts {
    /// Only products of this category.
    #[hookwire(query)]
    pub category: Option<String>,
    /// At most this many products.
    #[hookwire(query)]
    pub limit: Option<u32>,
}

/// An order as a customer places it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NewOrder {
    /// Who orders.
    pub customer: Customer,
    /// What they order.
    pub items: Vec<LineItem>,
    /// ISO 4217 currency code.
    #[schemars(regex(pattern = "^[A-Z]{3}$"))]
    pub currency: String,
}

/// Places an order; the shop answers with the order it created, or `404` when a line names a
/// product it does not sell.
#[derive(Debug, Clone, PartialEq, Endpoint)]
#[hookwire(
    method = "POST",
    path = "/orders",
    response = ApiResponse<OrderCreated>,
    errors(404)
)]
pub struct CreateOrder {
    /// Makes a retried request create the order once.
    #[hookwire(header = "Idempotency-Key")]
    pub idempotency_key: Option<String>,
    /// The order.
    #[hookwire(body)]
    pub order: NewOrder,
}

/// The products the shop sells.
#[derive(Debug, Clone)]
pub struct Catalogue {
    products: Vec<Product>,
}

impl Catalogue {
    /// The demo catalogue: the seed product and two more.
    pub fn demo() -> Self {
        let product = |id: &str, name: &str, price: &str, quantity: &str, category: &str| Product {
            product_id: id.into(),
            name: name.into(),
            price: Money::new(price).unwrap_or_else(|_| unreachable!("a valid literal")),
            quantity: quantity.into(),
            category: category.into(),
        };
        Catalogue {
            products: vec![
                Product::example(),
                product("54321", "Headphones", "49.99", "12", "Electronics"),
                product("777", "Teapot", "24.50", "3", "Kitchen"),
            ],
        }
    }

    fn find(&self, product_id: &str) -> Option<&Product> {
        self.products
            .iter()
            .find(|product| product.product_id == product_id)
    }
}

fn success<T>(data: T) -> ApiResponse<T> {
    ApiResponse {
        status: ApiStatus::Success,
        data,
    }
}

/// The shop's API server: the product and order endpoints, `/openapi.json` and the browsable
/// reference at `/docs`.
///
/// ```
/// let app = hookwire_example_shop::api::router(hookwire_example_shop::api::Catalogue::demo());
/// # let _: axum::Router = app;
/// ```
pub fn router(catalogue: Catalogue) -> Router {
    let catalogue = Arc::new(catalogue);
    let (by_id, listing, ordering) = (catalogue.clone(), catalogue.clone(), catalogue);
    Router::new()
        .endpoint(move |request: GetProduct| {
            let catalogue = by_id.clone();
            async move {
                catalogue
                    .find(&request.product_id)
                    .cloned()
                    .map(success)
                    .ok_or_else(|| {
                        Problem::new(404, "Not Found")
                            .with_detail(format!("no product `{}`", request.product_id))
                    })
            }
        })
        .endpoint(move |request: ListProducts| {
            let catalogue = listing.clone();
            async move {
                let limit = request.limit.map_or(usize::MAX, |limit| limit as usize);
                let products = catalogue
                    .products
                    .iter()
                    .filter(|p| request.category.as_ref().is_none_or(|c| &p.category == c))
                    .take(limit)
                    .cloned()
                    .collect();
                success(products)
            }
        })
        .endpoint(move |request: CreateOrder| {
            let catalogue = ordering.clone();
            async move { create_order(&catalogue, request.order).map(success) }
        })
        .merge(documentation())
}

/// `/openapi.json` and `/docs`; if the document cannot be built, `/openapi.json` says why.
fn documentation() -> Router {
    match crate::openapi() {
        Ok(document) => hookwire::server::docs_router(&document),
        Err(error) => {
            let problem = Problem::new(500, "Internal Server Error").with_detail(error.to_string());
            Router::new().route(
                "/openapi.json",
                get(move || {
                    let problem = problem.clone();
                    async move { problem }
                }),
            )
        }
    }
}

/// Prices a new order from the catalogue.
fn create_order(catalogue: &Catalogue, order: NewOrder) -> Result<OrderCreated, Problem> {
    let mut cents: u64 = 0;
    for item in &order.items {
        let product = catalogue.find(&item.product_id).ok_or_else(|| {
            Problem::new(404, "Not Found")
                .with_detail(format!("no product `{}`", item.product_id))
                .with_parameter("items")
        })?;
        cents += to_cents(&product.price) * u64::from(item.quantity);
    }
    let total = Money::new(format!("{}.{:02}", cents / 100, cents % 100))
        .map_err(|_| Problem::new(500, "Internal Server Error"))?;
    Ok(OrderCreated {
        order_id: format!("ord_{}", hookwire::Timestamp::now().unix_seconds()),
        status: OrderStatus::Pending,
        total,
        currency: order.currency,
        customer: order.customer,
        items: order.items,
        created_at: hookwire::Timestamp::now(),
    })
}

fn to_cents(money: &Money) -> u64 {
    let (whole, fraction) = money
        .as_str()
        .split_once('.')
        .unwrap_or((money.as_str(), "0"));
    let fraction = format!("{fraction:0<2}");
    whole.parse::<u64>().unwrap_or(0) * 100 + fraction.parse::<u64>().unwrap_or(0)
}
