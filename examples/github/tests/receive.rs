//! Signed GitHub deliveries reach the handlers of the generated types; tampered ones do not.

#[path = "../../../codegen/tests/support/corpora.rs"]
mod corpora;

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode};
use hookwire::signature::{GitHub, Scheme};
use hookwire_example_github::{Log, app};
use tower::ServiceExt;

const SECRET: &str = "It's a Secret to Everybody";
const PUSH: &str = include_str!("../fixtures/push.json");
const OPENED: &str = include_str!("../fixtures/pull_request.opened.json");

fn delivery(event: &str, id: &str, body: &str, secret: &str) -> Request<Body> {
    let signed = GitHub::new(secret)
        .unwrap()
        .sign(id, hookwire::Timestamp::from_unix(0), body.as_bytes())
        .unwrap();
    let mut request = Request::post("/webhooks/github")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let headers = request.headers_mut();
    headers.extend(axum::http::HeaderMap::from(signed));
    headers.insert("x-github-event", HeaderValue::from_str(event).unwrap());
    headers.insert("x-github-delivery", HeaderValue::from_str(id).unwrap());
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    request
}

async fn send(log: &Log, request: Request<Body>) -> StatusCode {
    app(SECRET, log.clone())
        .unwrap()
        .oneshot(request)
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn signed_push_and_opened_pull_request_reach_their_typed_handlers() {
    let log = Log::default();
    assert_eq!(
        send(&log, delivery("push", "d-1", PUSH, SECRET)).await,
        StatusCode::OK
    );
    assert_eq!(
        send(&log, delivery("pull_request", "d-2", OPENED, SECRET)).await,
        StatusCode::OK
    );
    assert_eq!(
        *log.lock().unwrap(),
        [
            "push to refs/heads/main of 1 commit(s) by octocat",
            "pull request #42 opened: hookwire generate (hw/gen -> main)",
        ]
    );
}

#[tokio::test]
async fn other_actions_are_acknowledged_but_not_handled() {
    let log = Log::default();
    let closed = OPENED.replacen(r#""action": "opened""#, r#""action": "closed""#, 1);
    assert_ne!(closed, OPENED);
    let status = send(&log, delivery("pull_request", "d-3", &closed, SECRET)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn tampered_or_wrongly_signed_deliveries_are_rejected() {
    let log = Log::default();
    let mut tampered = delivery("push", "d-4", PUSH, SECRET);
    *tampered.body_mut() = Body::from(PUSH.replace("refs/heads/main", "refs/heads/evil"));
    assert_eq!(send(&log, tampered).await, StatusCode::UNAUTHORIZED);
    let wrong_key = delivery("push", "d-5", PUSH, "another secret");
    assert_eq!(send(&log, wrong_key).await, StatusCode::UNAUTHORIZED);
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_payload_that_does_not_match_its_generated_type_is_rejected() {
    let log = Log::default();
    let body = r#"{"action": "opened", "number": "not a number"}"#;
    let status = send(&log, delivery("pull_request", "d-6", body, SECRET)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_value_the_schemas_never_listed_still_reaches_the_handler() {
    // GitHub added `Mannequin` to the user types after the schemas were written; the generated
    // enums keep such a value (`UserType::Other`) instead of refusing the whole delivery.
    let log = Log::default();
    let body = PUSH.replacen(r#""type": "Bot""#, r#""type": "Mannequin""#, 1);
    assert_ne!(body, PUSH);
    let status = send(&log, delivery("push", "d-7", &body, SECRET)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log.lock().unwrap().len(), 1);
    let push: hookwire_example_github::github::Push =
        hookwire::serde_json::from_str(&body).unwrap();
    let types: Vec<_> = [&push.repository.owner.r#type, &push.sender.r#type]
        .into_iter()
        .collect();
    assert!(
        types.contains(&&hookwire_example_github::github::UserType::Other(
            "Mannequin".to_owned()
        )),
        "{types:?}"
    );
    // The commit's date-time reads as a Timestamp.
    assert_eq!(
        push.head_commit.unwrap().timestamp.to_string(),
        "2024-05-01T12:00:00Z"
    );
}

/// `src/github/` is what `hookwire generate --split` makes from the schemas now, file by file
/// (from the shared corpora beside the checkout, as in CI, or named by `HOOKWIRE_CORPORA`).
#[test]
fn generated_types_are_fresh() {
    let schemas = corpora::corpus("github-webhooks/payload-schemas/api.github.com");
    let options = hookwire_codegen::Options::default()
        .github(true)
        .catalog("GitHubEvent")
        .events(["push", "pull_request.opened"])
        .split(hookwire_codegen::DEFAULT_SPLIT_LINES);
    let output = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/github");
    let command = "hookwire generate ../shared/corpora/github-webhooks/payload-schemas/api.github.com \
                   --github --catalog GitHubEvent --event push --event pull_request.opened \
                   -o examples/github/src/github/ --split";
    if let Err(error) = hookwire_codegen::check(&schemas, &output, &options, command) {
        panic!("{error}");
    }
}
