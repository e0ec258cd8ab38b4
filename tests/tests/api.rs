//! The shop's API end to end on 127.0.0.1: the typed client calls the axum routes generated
//! from the same endpoint structs, and every failure comes back typed.

use hookwire::client::{ApiClient, ApiError};
use hookwire_example_shop::api::{Catalogue, CreateOrder, GetProduct, ListProducts, NewOrder};
use hookwire_example_shop::{ApiStatus, Customer, LineItem, Money, OrderStatus, Product};
use serde_json::Value;

const PRODUCT_RESPONSE: &str =
    include_str!("../../examples/shop/fixtures/get_product.response.json");

/// Serves `app` on an ephemeral loopback port; returns its base URL.
async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

async fn shop() -> (String, ApiClient) {
    let base = serve(hookwire_example_shop::api::router(Catalogue::demo())).await;
    let client = ApiClient::new(base.clone()).unwrap();
    (base, client)
}

#[tokio::test]
async fn get_product_returns_the_seed_payload() {
    let (base, client) = shop().await;
    let response = client
        .call(&GetProduct {
            product_id: "12345".into(),
        })
        .await
        .unwrap();
    assert_eq!(response.status, ApiStatus::Success);
    assert_eq!(response.data, Product::example());

    // On the wire, the same JSON as the payload.
    let raw = reqwest::get(format!("{base}/products/12345"))
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    let body: Value = raw.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::from_str::<Value>(PRODUCT_RESPONSE).unwrap()
    );
}

#[tokio::test]
async fn query_parameters_filter_and_limit() {
    let (_, client) = shop().await;
    let all = client
        .call(&ListProducts {
            category: None,
            limit: None,
        })
        .await
        .unwrap();
    assert_eq!(all.data.len(), 3);
    let electronics = client
        .call(&ListProducts {
            category: Some("Electronics".into()),
            limit: Some(1),
        })
        .await
        .unwrap();
    assert_eq!(electronics.data, [Product::example()]);
}

#[tokio::test]
async fn a_body_and_a_header_travel_to_the_handler() {
    let (_, client) = shop().await;
    let order = NewOrder {
        customer: Customer {
            customer_id: "cus_1".into(),
            email: "ada@example.com".into(),
        },
        items: vec![LineItem {
            product_id: "54321".into(),
            quantity: 2,
            price: Money::new("49.99").unwrap(),
        }],
        currency: "EUR".into(),
    };
    let created = client
        .call(&CreateOrder {
            idempotency_key: Some("key-1".into()),
            order: order.clone(),
        })
        .await
        .unwrap()
        .data;
    assert_eq!(created.status, OrderStatus::Pending);
    assert_eq!(created.total.as_str(), "99.98");
    assert_eq!(created.items, order.items);
}

#[tokio::test]
async fn path_values_are_percent_encoded_and_decoded() {
    let (_, client) = shop().await;
    let error = client
        .call(&GetProduct {
            product_id: "a/b c?d".into(),
        })
        .await
        .unwrap_err();
    // The id reached the handler whole (one path segment), and was not found.
    match error {
        ApiError::Problem { status, problem } => {
            assert_eq!(status, 404);
            assert_eq!(problem.detail.as_deref(), Some("no product `a/b c?d`"));
        }
        other => panic!("expected a 404, got {other:?}"),
    }
}

#[tokio::test]
async fn a_malformed_parameter_is_a_400_problem_naming_it() {
    let (base, _) = shop().await;
    let response = reqwest::get(format!("{base}/products?limit=many"))
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 400);
    assert_eq!(problem["parameter"], "limit");
    assert_eq!(
        problem["detail"],
        "query parameter `limit`: value is not of type \"integer\""
    );
    assert_eq!(
        problem["errors"],
        serde_json::json!([{
            "in": "query",
            "parameter": "limit",
            "detail": "value is not of type \"integer\""
        }])
    );
}

#[tokio::test]
async fn a_missing_body_is_a_400_problem() {
    let (base, _) = shop().await;
    let response = reqwest::Client::new()
        .post(format!("{base}/orders"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["detail"], "body: a JSON body is required");
}

#[tokio::test]
async fn a_response_of_the_wrong_shape_is_a_decode_error() {
    use axum::routing::get;
    let base = serve(axum::Router::new().route(
        "/products/{product_id}",
        get(|| async { axum::Json(serde_json::json!({"status": "success", "data": 5})) }),
    ))
    .await;
    let error = ApiClient::new(base)
        .unwrap()
        .call(&GetProduct {
            product_id: "1".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Decode { .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let error = ApiClient::new(format!("http://{address}"))
        .unwrap()
        .call(&GetProduct {
            product_id: "1".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Transport(_)), "{error:?}");
    assert_eq!(error.status(), None);
}

#[test]
fn base_urls_are_checked() {
    for bad in ["", "127.0.0.1:8080", "ftp://example.com", "http://x/?a=1"] {
        assert!(
            matches!(ApiClient::new(bad), Err(ApiError::BaseUrl { .. })),
            "{bad}"
        );
    }
    let client = ApiClient::new("http://127.0.0.1:1/v1/").unwrap();
    assert_eq!(
        client
            .url_for(&ListProducts {
                category: Some("Home & Garden".into()),
                limit: Some(5)
            })
            .unwrap(),
        "http://127.0.0.1:1/v1/products?category=Home%20%26%20Garden&limit=5"
    );
}
