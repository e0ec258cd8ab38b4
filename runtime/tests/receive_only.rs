//! Events and catalogs that are only received: `Deserialize` and the event name, nothing
//! more. They parse through `Events::from_envelope` and through the axum receiver, with GitHub's
//! published `push` sample signed here with hookwire's GitHub scheme.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
use hookwire::signature::{GitHub, Scheme};
use hookwire::{Event, Events, Parsed};
use serde::Deserialize;
use tower::ServiceExt;

const GITHUB_PUSH: &[u8] = include_bytes!("../../tests/fixtures/github/push.json");
const SECRET: &str = "It's a Secret to Everybody";

/// What a user writes for GitHub's `push`: `Deserialize`, `Event` and the name.
#[derive(Debug, Deserialize, Event)]
#[hookwire(event = "push")]
struct Push {
    #[serde(rename = "ref")]
    git_ref: String,
    repository: Repository,
}

#[derive(Debug, Deserialize)]
struct Repository {
    full_name: String,
}

#[derive(Debug, Deserialize, Event)]
#[hookwire(event = "pull_request")]
struct PullRequest {
    action: String,
}

/// A catalog of events that are only received.
#[derive(Debug, Events)]
enum GitHubEvent {
    Push(Push),
    PullRequest(PullRequest),
}

fn github_request(event_type: &'static str, body: &'static [u8]) -> Request<Body> {
    let scheme = GitHub::new(SECRET).unwrap();
    let mut headers: HeaderMap = scheme
        .sign("delivery-1", hookwire::Timestamp::from_unix(0), body)
        .unwrap()
        .into();
    headers.insert("x-github-event", HeaderValue::from_static(event_type));
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let mut request = Request::post("/").body(Body::from(body)).unwrap();
    *request.headers_mut() = headers;
    request
}

#[tokio::test]
async fn a_receive_only_catalog_is_routed_by_the_axum_receiver() {
    let seen: Arc<Mutex<Vec<Delivery<GitHubEvent>>>> = Arc::default();
    let recorded = Arc::clone(&seen);
    let router = Receiver::new(WebhookConfig::new(GitHub::new(SECRET).unwrap()))
        .events::<GitHubEvent, _, _>(move |delivery: Delivery<GitHubEvent>| {
            recorded.lock().unwrap().push(delivery);
            std::future::ready(())
        })
        .reject_unknown()
        .into_router();
    let response = router
        .oneshot(github_request("push", GITHUB_PUSH))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let seen = seen.lock().unwrap();
    let [delivery] = seen.as_slice() else {
        panic!("{} deliveries", seen.len())
    };
    let GitHubEvent::Push(push) = &delivery.event else {
        panic!("{:?}", delivery.event)
    };
    assert_eq!(push.git_ref, "refs/tags/simple-tag");
    assert_eq!(push.repository.full_name, "Codertocat/Hello-World");
}

#[tokio::test]
async fn a_receive_only_event_has_its_own_handler() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let recorded = Arc::clone(&seen);
    let router = Receiver::new(WebhookConfig::new(GitHub::new(SECRET).unwrap()))
        .on::<PullRequest, _, _>(move |delivery: Delivery<PullRequest>| {
            recorded.lock().unwrap().push(delivery.event.action);
            std::future::ready(())
        })
        .into_router();
    let response = router
        .oneshot(github_request("pull_request", br#"{"action":"opened"}"#))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(*seen.lock().unwrap(), ["opened"]);
}

#[test]
fn a_receive_only_catalog_reads_envelopes() {
    let body =
        br#"{"type":"pull_request","timestamp":"2024-01-01T00:00:00Z","data":{"action":"closed"}}"#;
    let Parsed::Known(envelope) = GitHubEvent::from_envelope(body).unwrap() else {
        panic!("a listed type came back unknown")
    };
    assert!(
        matches!(envelope.data, GitHubEvent::PullRequest(PullRequest { ref action }) if action == "closed")
    );
    let body = br#"{"type":"issues","timestamp":"2024-01-01T00:00:00Z","data":{}}"#;
    assert!(matches!(
        GitHubEvent::from_envelope(body),
        Ok(Parsed::Unknown(_))
    ));
}
