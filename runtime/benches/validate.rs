//! What checking requests against the OpenAPI document costs: the same route served with
//! `EndpointRouter::endpoint` (every request validated against the endpoint's compiled
//! schema) and with the `Unchecked` extractor (serde only), side by side. Run with
//! `cargo bench -p hookwire --bench validate`.
//!
//! Two routes, as the shop has them: `POST /orders` with a JSON body of three line items (a
//! `pattern` on the currency and on each price, ranges on quantities, required members), and
//! `GET /products?category=..&limit=..` (two query parameters). Both are driven through
//! `tower::ServiceExt::oneshot` on a current-thread runtime, each request built in the loop;
//! the handler answers a small JSON body. A third column times `Contract::check_request`
//! alone. Release builds check requests only (the response check is for debug builds), so
//! this is the cost a production server pays.
//!
//! It prints one line per route: nanoseconds per request for each, and the ratio validated /
//! unchecked (best of 31 interleaved rounds, so both see the same machine load).

#[allow(dead_code)] // `label` is for the benches with size tables
mod support;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::{get, post};
use hookwire::endpoint::Incoming;
use hookwire::server::{Contract, EndpointRouter, Unchecked};
use hookwire::{Endpoint, JsonSchema, schemars};
use serde::{Deserialize, Serialize};
use support::best_of_interleaved;
use tower::ServiceExt;

const ROUNDS: usize = 31;

/// One line of an order.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
struct LineItem {
    product_id: String,
    quantity: u32,
    #[schemars(regex(pattern = r"^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$"))]
    price: String,
}

/// An order as a customer places it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
struct NewOrder {
    customer_id: String,
    #[schemars(length(min = 3))]
    email: String,
    items: Vec<LineItem>,
    #[schemars(regex(pattern = "^[A-Z]{3}$"))]
    currency: String,
}

/// What both routes answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
struct Accepted {
    id: String,
    count: u32,
}

/// Places an order.
#[derive(Endpoint)]
#[hookwire(method = "POST", path = "/orders", response = Accepted)]
struct CreateOrder {
    #[hookwire(header = "Idempotency-Key")]
    idempotency_key: Option<String>,
    #[hookwire(body)]
    order: NewOrder,
}

/// Lists products.
#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products", response = Accepted)]
struct ListProducts {
    #[hookwire(query)]
    category: Option<String>,
    #[hookwire(query)]
    limit: Option<u32>,
}

const ORDER: &str = r#"{"customer_id":"cus_1","email":"ada@example.com","currency":"EUR","items":[
{"product_id":"12345","quantity":2,"price":"19.99"},
{"product_id":"54321","quantity":1,"price":"49.99"},
{"product_id":"777","quantity":3,"price":"24.50"}]}"#;
const QUERY: &str = "category=Electronics&limit=20";

fn order_routes() -> (Router, Router) {
    let answer = |request: CreateOrder| Accepted {
        id: request.idempotency_key.unwrap_or_default(),
        count: request.order.items.len() as u32,
    };
    let checked =
        Router::new().endpoint(move |request: CreateOrder| async move { answer(request) });
    let unchecked =
        Router::new().route(
            CreateOrder::PATH,
            post(
                move |Unchecked(request): Unchecked<CreateOrder>| async move {
                    axum::Json(answer(request))
                },
            ),
        );
    (checked, unchecked)
}

fn product_routes() -> (Router, Router) {
    let answer = |request: ListProducts| Accepted {
        id: request.category.unwrap_or_default(),
        count: request.limit.unwrap_or(0),
    };
    let checked =
        Router::new().endpoint(move |request: ListProducts| async move { answer(request) });
    let unchecked = Router::new().route(
        ListProducts::PATH,
        get(
            move |Unchecked(request): Unchecked<ListProducts>| async move {
                axum::Json(answer(request))
            },
        ),
    );
    (checked, unchecked)
}

fn order_request() -> Request<Body> {
    Request::post("/orders")
        .header("content-type", "application/json")
        .header("idempotency-key", "key-1")
        .body(Body::from(ORDER))
        .unwrap_or_default()
}

fn product_request() -> Request<Body> {
    Request::get(format!("/products?{QUERY}"))
        .body(Body::empty())
        .unwrap_or_default()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let call = |app: &Router, request: Request<Body>| {
        let response = runtime
            .block_on(app.clone().oneshot(request))
            .expect("infallible");
        assert_eq!(response.status(), 200);
    };

    let (checked, unchecked) = order_routes();
    let contract = Contract::of::<CreateOrder>().expect("the schema compiles");
    let [with, without, check] = best_of_interleaved(
        ROUNDS,
        Duration::from_millis(20),
        || call(&checked, order_request()),
        || call(&unchecked, order_request()),
        || {
            let incoming = Incoming::new().with_body(ORDER.as_bytes());
            contract.check_request(&incoming).is_ok()
        },
    );
    report("POST /orders (3-item JSON body)", with, without, check);

    let (checked, unchecked) = product_routes();
    let contract = Contract::of::<ListProducts>().expect("the schema compiles");
    let [with, without, check] = best_of_interleaved(
        ROUNDS,
        Duration::from_millis(20),
        || call(&checked, product_request()),
        || call(&unchecked, product_request()),
        || {
            let incoming = Incoming::new().with_query(QUERY);
            contract.check_request(&incoming).is_ok()
        },
    );
    report("GET /products?category&limit", with, without, check);
}

fn report(route: &str, with: f64, without: f64, check: f64) {
    println!(
        "{route:<34} validated {with:>8.0} ns  unchecked {without:>8.0} ns  \
         check alone {check:>7.0} ns  ratio validated/unchecked {:.2}x",
        with / without
    );
}
