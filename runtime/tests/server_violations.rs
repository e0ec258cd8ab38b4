//! A request that breaks the API document in many places is answered with the first 20
//! violations and how many more there were, not with every one (a 2 MiB array body can break
//! its schema about a million times).

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::post;
use hookwire::server::Api;
use hookwire::{Endpoint, JsonSchema, schemars};
use http_body_util::BodyExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower::ServiceExt;

/// The tags of an item.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct Tags {
    /// Each tag.
    pub(crate) tags: Vec<String>,
}

/// Replaces an item's tags.
#[derive(Endpoint)]
#[hookwire(method = "POST", path = "/tags", response = Tags)]
pub(crate) struct PutTags {
    /// The new tags.
    #[hookwire(body)]
    pub(crate) body: Tags,
}

async fn put_tags(Api(request): Api<PutTags>) -> axum::Json<Tags> {
    axum::Json(request.body)
}

async fn answer(body: Vec<u8>) -> (u16, Value) {
    let app = Router::new().route(PutTags::PATH, post(put_tags));
    let request = Request::post(PutTags::PATH)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// 5 000 numbers where strings belong: 20 listed, 4 980 counted.
#[tokio::test]
async fn thousands_of_violations_answer_twenty_and_the_count_of_the_rest() {
    let body = serde_json::to_vec(&serde_json::json!({ "tags": vec![7; 5_000] })).unwrap();
    let started = std::time::Instant::now();
    let (status, problem) = answer(body).await;
    eprintln!("5 000 violations answered in {:?}", started.elapsed());
    assert_eq!(status, 400);
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 20);
    assert_eq!(problem["errors_omitted"], 4_980);
    assert_eq!(errors[0]["pointer"], "/tags/0");
    assert_eq!(errors[19]["pointer"], "/tags/19");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("5000 violations of the API document: "),
        "{detail}"
    );
}

/// Up to 20 violations, all listed and nothing counted; a valid body passes.
#[tokio::test]
async fn twenty_violations_are_all_listed() {
    let body = serde_json::to_vec(&serde_json::json!({ "tags": vec![7; 20] })).unwrap();
    let (status, problem) = answer(body).await;
    assert_eq!(status, 400);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 20);
    assert!(problem.get("errors_omitted").is_none());

    let body = serde_json::to_vec(&serde_json::json!({ "tags": ["a", "b"] })).unwrap();
    let (status, tags) = answer(body).await;
    assert_eq!(
        (status, tags),
        (200, serde_json::json!({ "tags": ["a", "b"] }))
    );
}

/// The largest body the server reads, nearly all violations: still 20 listed and the rest
/// counted (the time is printed, not asserted).
#[tokio::test]
async fn a_body_at_the_limit_full_of_violations() {
    let count = (hookwire::server::BODY_LIMIT - 64) / 2;
    let mut body = b"{\"tags\":[".to_vec();
    for n in 0..count {
        if n > 0 {
            body.push(b',');
        }
        body.push(b'7');
    }
    body.extend_from_slice(b"]}");
    assert!(body.len() <= hookwire::server::BODY_LIMIT);
    let started = std::time::Instant::now();
    let (status, problem) = answer(body).await;
    eprintln!("{count} violations answered in {:?}", started.elapsed());
    assert_eq!(status, 400);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 20);
    assert_eq!(problem["errors_omitted"], count - 20);
}
