//! A portal token reaches only its own application, on every route: the test walks the route
//! table (`hookwire::platform::routes()`, the list the router is built from), fills each
//! path with application A's objects, and calls it with application B's portal token. Routes of
//! an application answer `404` (as if A's objects did not exist), operator routes `403`, shared
//! routes (the catalog, the list of applications) answer without any of A's data, and A's
//! objects are unchanged afterwards. A route added to the table without a sample body here
//! fails the test, so no route skips the check.

use crate::platform_support;

use std::sync::Arc;

use hookwire::outbox::MemoryOutbox;
use hookwire::platform::{Platform, Scope, routes};
use platform_support::Served;
use serde_json::{Value, json};

/// A valid body for each operation that takes one (so the request reaches the handler).
fn sample(operation: &str) -> Option<Value> {
    Some(match operation {
        "createApplication" | "updateApplication" => json!({"name": "Renamed"}),
        "patchApplication" => json!({"name": "Patched"}),
        "createEndpoint" | "updateEndpoint" => json!({"url": "https://example.com/b"}),
        "patchEndpoint" => json!({"disabled": true}),
        "rotateEndpointSecret" => json!({}),
        "recoverEndpoint" => json!({"since": "2000-01-01T00:00:00Z"}),
        "updateEndpointHeaders" => json!({"headers": {"x-stolen": "1"}}),
        "patchEndpointHeaders" => json!({"headers": {"x-stolen": "1"}}),
        "createMessage" => json!({"eventType": "x.y", "payload": {}}),
        "createEventType" => json!({"name": "z.z", "description": "new"}),
        "updateEventType" => json!({"description": "changed"}),
        "patchEventType" => json!({"description": "changed"}),
        "appPortalAccess" => json!({}),
        "listApplications"
        | "getApplication"
        | "deleteApplication"
        | "listEndpoints"
        | "getEndpoint"
        | "deleteEndpoint"
        | "getEndpointSecret"
        | "getEndpointStats"
        | "getEndpointHeaders"
        | "listMessages"
        | "getMessage"
        | "resendMessage"
        | "listAttemptsByEndpoint"
        | "listAttemptsByMessage"
        | "listAttemptedMessages"
        | "listEventTypes"
        | "getEventType"
        | "deleteEventType"
        | "dashboardAccess"
        | "expireAllTokens"
        | "health" => return None,
        other => panic!("route `{other}` has no sample in the isolation test: add one"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_applications_token_reaches_nothing_on_any_route() {
    let store = Arc::new(MemoryOutbox::new());
    let platform = Platform::builder(Arc::clone(&store))
        .operator_token(platform_support::OPERATOR)
        .build()
        .await
        .unwrap();
    let api = Served::start(platform, store).await;
    let (_, a) = api
        .op(
            "POST",
            "/api/v1/app",
            Some(json!({"name": "A", "uid": "app-a"})),
        )
        .await;
    api.op(
        "POST",
        "/api/v1/app",
        Some(json!({"name": "B", "uid": "app-b"})),
    )
    .await;
    let (status, endpoint) = api
        .op(
            "POST",
            "/api/v1/app/app-a/endpoint",
            Some(json!({"url": "https://example.com/a", "uid": "ep-a"})),
        )
        .await;
    assert_eq!(status, 201);
    api.op(
        "POST",
        "/api/v1/event-type",
        Some(json!({"name": "x.y", "description": "X"})),
    )
    .await;
    let (status, message) = api
        .op(
            "POST",
            "/api/v1/app/app-a/msg",
            Some(json!({"eventType": "x.y", "payload": {"secret": "of A"}, "eventId": "msg-a"})),
        )
        .await;
    assert_eq!(status, 202);
    let (_, access) = api
        .op(
            "POST",
            "/api/v1/auth/app-portal-access/app-b",
            Some(json!({})),
        )
        .await;
    let token_b = access["token"].as_str().unwrap().to_owned();

    let a_id = a["id"].as_str().unwrap();
    let endpoint_id = endpoint["id"].as_str().unwrap();
    let message_id = message["id"].as_str().unwrap();
    let secrets_of_a = [
        a_id,
        "app-a",
        endpoint_id,
        "ep-a",
        message_id,
        "msg-a",
        "of A",
    ];
    let mut checked = 0;
    for route in routes() {
        for (app, ep, msg) in [(a_id, endpoint_id, message_id), ("app-a", "ep-a", "msg-a")] {
            let path = route
                .path
                .replace("{app_id}", app)
                .replace("{endpoint_id}", ep)
                .replace("{msg_id}", msg)
                .replace("{event_type_name}", "x.y");
            let (status, body) = api
                .call(&token_b, route.method, &path, sample(route.operation))
                .await;
            let what = format!("{} {path} -> {status} {body}", route.method);
            match route.scope {
                Scope::Application => assert_eq!(status, 404, "{what}"),
                Scope::Operator => assert_eq!(status, 403, "{what}"),
                Scope::Shared | Scope::Public => {
                    assert!((200..300).contains(&status), "{what}");
                    let text = body.to_string();
                    for secret in secrets_of_a {
                        assert!(!text.contains(secret), "{what} shows `{secret}`");
                    }
                }
                _ => panic!("a new scope: decide what another application's token gets"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, routes().len() * 2);

    // Nothing of A changed.
    let (status, app) = api.op("GET", "/api/v1/app/app-a", None).await;
    assert_eq!((status, &app["name"]), (200, &json!("A")));
    let (_, endpoints) = api.op("GET", "/api/v1/app/app-a/endpoint", None).await;
    assert_eq!(endpoints["data"].as_array().unwrap().len(), 1);
    assert_eq!(endpoints["data"][0]["disabled"], false);
    let (_, headers) = api
        .op("GET", "/api/v1/app/app-a/endpoint/ep-a/headers", None)
        .await;
    assert_eq!(headers["headers"], json!({}));
    let (_, messages) = api.op("GET", "/api/v1/app/app-a/msg", None).await;
    assert_eq!(messages["data"].as_array().unwrap().len(), 1);
}
