//! The operator API end to end, on the memory store, SQLite and (with
//! `HOOKWIRE_TEST_POSTGRES_URL`) PostgreSQL: two applications with an endpoint each on a
//! loopback receiver, messages to each, deliveries signed and arriving once each at their own
//! application's endpoint, `eventId` dedupe, attempts listed, resend, recover, secret rotation
//! with an overlap (both signatures verify), portal token isolation and revocation,
//! `Idempotency-Key` replay, and `501` for a Svix route hookwire does not serve.

use crate::outbox_support::stores;
use crate::platform_support;

use std::sync::Arc;

use hookwire::outbox::{ApplicationStore, MemoryOutbox, Policy};
use hookwire::platform::Platform;
use hookwire::retry::RetryPolicy;
use platform_support::{Got, OPERATOR, Receiver, Served};
use serde_json::{Value, json};

const SECRET_A: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SECRET_B: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const SECRET_NEW: &str = "whsec_bmV3IHNlY3JldCBmb3IgdGhlIHJvdGF0aW9uIQ==";

/// Whether `got` verifies with `secret` (Standard Webhooks, as Svix's verifier checks it).
fn verifies(got: &Got, secret: &str) -> bool {
    let webhook = standardwebhooks::Webhook::new(secret).unwrap();
    let mut headers = http::HeaderMap::new();
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        headers.insert(name, got.headers[name].to_str().unwrap().parse().unwrap());
    }
    webhook.verify(&got.body, &headers).is_ok()
}

async fn scenario<S: ApplicationStore + NeverRetrying + 'static>(store: S) {
    let store = Arc::new(store.with_policy_never_retrying());
    let platform = Platform::builder(Arc::clone(&store))
        .operator_token(OPERATOR)
        .allow_private_endpoints(true)
        .build()
        .await
        .unwrap();
    let api = Served::start(platform, Arc::clone(&store)).await;
    let receiver = Receiver::start().await;

    // Two applications, an endpoint each.
    let (status, a) = api
        .op(
            "POST",
            "/api/v1/app",
            Some(json!({"name": "A", "uid": "merchant-a"})),
        )
        .await;
    assert_eq!(status, 201, "{a}");
    let (status, b) = api
        .op(
            "POST",
            "/api/v1/app",
            Some(json!({"name": "B", "uid": "merchant-b"})),
        )
        .await;
    assert_eq!(status, 201, "{b}");
    let a_id = a["id"].as_str().unwrap().to_owned();
    assert!(a_id.starts_with("app_") && a_id.len() == 31, "{a_id}");
    let (status, again) = api
        .op(
            "POST",
            "/api/v1/app?get_if_exists=true",
            Some(json!({"name": "A", "uid": "merchant-a"})),
        )
        .await;
    assert_eq!((status, &again["id"]), (200, &a["id"]));
    let (status, _) = api
        .op(
            "POST",
            "/api/v1/app",
            Some(json!({"name": "A", "uid": "merchant-a"})),
        )
        .await;
    assert_eq!(status, 409);

    let (status, ep_a) = api
        .op(
            "POST",
            "/api/v1/app/merchant-a/endpoint",
            Some(json!({"url": receiver.url("a"), "secret": SECRET_A, "uid": "main"})),
        )
        .await;
    assert_eq!(status, 201, "{ep_a}");
    let (status, ep_b) = api
        .op(
            "POST",
            &format!("/api/v1/app/{}/endpoint", b["id"].as_str().unwrap()),
            Some(json!({"url": receiver.url("b"), "secret": SECRET_B})),
        )
        .await;
    assert_eq!(status, 201, "{ep_b}");
    let (status, fetched) = api
        .op("GET", "/api/v1/app/merchant-a/endpoint/main", None)
        .await;
    assert_eq!((status, &fetched["id"]), (200, &ep_a["id"]));
    let (_, secret) = api
        .op("GET", "/api/v1/app/merchant-a/endpoint/main/secret", None)
        .await;
    assert_eq!(secret["key"], SECRET_A);

    // Messages: three to A (one repeating an eventId), two to B.
    let mut sent_a = Vec::new();
    for n in 0..2 {
        let (status, msg) = api
            .op("POST", "/api/v1/app/merchant-a/msg", Some(json!({"eventType": "invoice.paid", "payload": {"n": n}, "eventId": format!("a-{n}")})))
            .await;
        assert_eq!(status, 202, "{msg}");
        sent_a.push(msg["id"].as_str().unwrap().to_owned());
    }
    let (status, dup) = api
        .op(
            "POST",
            "/api/v1/app/merchant-a/msg",
            Some(json!({"eventType": "invoice.paid", "payload": {"n": 9}, "eventId": "a-0"})),
        )
        .await;
    assert_eq!(
        (status, dup["code"].as_str()),
        (409, Some("conflict")),
        "{dup}"
    );
    for n in 0..2 {
        let (status, _) = api
            .op(
                "POST",
                "/api/v1/app/merchant-b/msg",
                Some(json!({"eventType": "invoice.paid", "payload": {"b": n}})),
            )
            .await;
        assert_eq!(status, 202);
    }
    receiver.wait("four deliveries", |got| got.len() >= 4).await;
    let at_a = receiver.at("a");
    assert_eq!(
        at_a.len(),
        2,
        "A's endpoint gets A's two messages once each"
    );
    assert_eq!(receiver.at("b").len(), 2);
    let mut ids: Vec<&str> = at_a.iter().map(Got::id).collect();
    ids.sort_unstable();
    let mut expected: Vec<&str> = sent_a.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected, "the webhook-id is the message id");
    assert!(
        at_a.iter()
            .all(|got| verifies(got, SECRET_A) && !verifies(got, SECRET_B))
    );
    assert!(receiver.at("b").iter().all(|got| verifies(got, SECRET_B)));
    let first: Value = serde_json::from_slice(&at_a[0].body).unwrap();
    assert!(
        first.get("n").is_some(),
        "the body is the payload as given: {first}"
    );

    // Messages and attempts listed; a message by its eventId.
    let (_, list) = api
        .op("GET", "/api/v1/app/merchant-a/msg?limit=1", None)
        .await;
    assert_eq!(
        (list["data"].as_array().unwrap().len(), &list["done"]),
        (1, &json!(false))
    );
    let (_, next) = api
        .op(
            "GET",
            &format!(
                "/api/v1/app/merchant-a/msg?limit=1&iterator={}",
                list["iterator"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_ne!(next["data"][0]["id"], list["data"][0]["id"]);
    let (status, by_key) = api.op("GET", "/api/v1/app/merchant-a/msg/a-1", None).await;
    assert_eq!(
        (status, by_key["id"].as_str()),
        (200, Some(sent_a[1].as_str()))
    );
    let attempts = api
        .until("/api/v1/app/merchant-a/attempt/endpoint/main", |page| {
            page["data"].as_array().is_some_and(|data| data.len() == 2)
        })
        .await;
    let attempts = attempts["data"].as_array().unwrap().clone();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert!(
        attempts
            .iter()
            .all(|a| a["status"] == 0 && a["responseStatusCode"] == 204)
    );
    let (_, by_msg) = api
        .op(
            "GET",
            &format!("/api/v1/app/merchant-a/attempt/msg/{}", sent_a[0]),
            None,
        )
        .await;
    assert_eq!(by_msg["data"][0]["endpointId"], ep_a["id"]);

    // Resend: the same message, the same id, once more.
    let (status, body) = api
        .op(
            "POST",
            &format!(
                "/api/v1/app/merchant-a/msg/{}/endpoint/main/resend",
                sent_a[0]
            ),
            None,
        )
        .await;
    assert_eq!((status, body), (202, json!({})));
    receiver
        .wait("the resend", |got| {
            got.iter().filter(|g| g.id() == sent_a[0]).count() == 2
        })
        .await;

    // Rotation with an overlap: later deliveries verify with the new and the old secret.
    let (status, answer) = api
        .op(
            "POST",
            "/api/v1/app/merchant-a/endpoint/main/secret/rotate",
            Some(json!({"key": SECRET_NEW})),
        )
        .await;
    assert_eq!((status, answer["key"].as_str()), (200, Some(SECRET_NEW)));
    let (_, secret) = api
        .op("GET", "/api/v1/app/merchant-a/endpoint/main/secret", None)
        .await;
    assert_eq!(secret["key"], SECRET_NEW);
    let (_, rotated) = api
        .op(
            "POST",
            "/api/v1/app/merchant-a/msg",
            Some(json!({"eventType": "invoice.paid", "payload": {"after": "rotation"}})),
        )
        .await;
    let rotated_id = rotated["id"].as_str().unwrap().to_owned();
    receiver
        .wait("the rotated delivery", |got| {
            got.iter().any(|g| g.id() == rotated_id)
        })
        .await;
    let got = receiver
        .got()
        .into_iter()
        .find(|g| g.id() == rotated_id)
        .unwrap();
    assert!(
        verifies(&got, SECRET_NEW) && verifies(&got, SECRET_A),
        "both signatures during the overlap"
    );

    // Recover: a failure (the policy does not retry), then recovered once the endpoint works.
    receiver.fail(true);
    let (_, failed) = api
        .op(
            "POST",
            "/api/v1/app/merchant-b/msg",
            Some(json!({"eventType": "invoice.paid", "payload": {"will": "fail"}})),
        )
        .await;
    let failed_id = failed["id"].as_str().unwrap().to_owned();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, attempts) = api
            .op(
                "GET",
                &format!("/api/v1/app/merchant-b/attempt/msg/{failed_id}"),
                None,
            )
            .await;
        if attempts["data"]
            .as_array()
            .is_some_and(|a| a.iter().any(|a| a["status"] == 2))
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no failed attempt: {attempts}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    receiver.fail(false);
    let ep_b_id = ep_b["id"].as_str().unwrap();
    let (status, task) = api
        .op(
            "POST",
            &format!("/api/v1/app/merchant-b/endpoint/{ep_b_id}/recover"),
            Some(json!({"since": "2000-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(
        (status, task["status"].as_str()),
        (202, Some("finished")),
        "{task}"
    );
    receiver
        .wait("the recovered delivery", |got| {
            got.iter().any(|g| g.id() == failed_id)
        })
        .await;
    let stats_path = format!("/api/v1/app/merchant-b/endpoint/{ep_b_id}/stats");
    let stats = api.until(&stats_path, |stats| stats["sending"] == 0).await;
    assert_eq!(stats["success"], 3, "{stats}");

    // Portal tokens: one application's token sees only its own objects.
    let (status, access) = api
        .op(
            "POST",
            "/api/v1/auth/app-portal-access/merchant-a",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{access}");
    let token = access["token"].as_str().unwrap().to_owned();
    assert!(
        access["url"]
            .as_str()
            .unwrap()
            .contains(&format!("/portal/#app={a_id}&token={token}"))
    );
    let (status, own) = api
        .call(&token, "GET", "/api/v1/app/merchant-a/endpoint", None)
        .await;
    assert_eq!(
        (status, own["data"].as_array().map(Vec::len)),
        (200, Some(1))
    );
    let (status, other) = api
        .call(&token, "GET", "/api/v1/app/merchant-b/endpoint", None)
        .await;
    assert_eq!((status, other["code"].as_str()), (404, Some("not_found")));
    let (status, _) = api
        .call(
            &token,
            "GET",
            &format!("/api/v1/app/merchant-b/endpoint/{ep_b_id}"),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = api
        .call(&token, "POST", "/api/v1/app", Some(json!({"name": "C"})))
        .await;
    assert_eq!(status, 403);
    let (_, apps) = api.call(&token, "GET", "/api/v1/app", None).await;
    assert_eq!(apps["data"].as_array().unwrap().len(), 1, "{apps}");
    let (status, _) = api
        .op(
            "POST",
            "/api/v1/auth/app/merchant-a/expire-all",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = api
        .call(&token, "GET", "/api/v1/app/merchant-a/endpoint", None)
        .await;
    assert_eq!(status, 401, "expired");
    let (status, _) = api.call("not-a-token", "GET", "/api/v1/app", None).await;
    assert_eq!(status, 401);

    // Idempotency-Key: the same answer again, nothing created twice.
    let key = [("idempotency-key", "create-c-once")];
    let (first_status, first) = api
        .call_with(
            OPERATOR,
            "POST",
            "/api/v1/app",
            Some(json!({"name": "C"})),
            &key,
        )
        .await;
    let (second_status, second) = api
        .call_with(
            OPERATOR,
            "POST",
            "/api/v1/app",
            Some(json!({"name": "C"})),
            &key,
        )
        .await;
    assert_eq!((first_status, second_status), (201, 201));
    assert_eq!(first, second);
    let (_, all) = api.op("GET", "/api/v1/app", None).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 3, "{all}");

    // A Svix route hookwire does not serve.
    let (status, body) = api
        .op(
            "POST",
            "/api/v1/app/merchant-a/endpoint/main/send-example",
            Some(json!({"eventType": "invoice.paid"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (501, Some("not_implemented")),
        "{body}"
    );
    let (status, _) = api.call("", "GET", "/api/v1/health", None).await;
    assert_eq!(status, 204);

    // Deleting an application erases it.
    let (status, _) = api.op("DELETE", "/api/v1/app/merchant-b", None).await;
    assert_eq!(status, 204);
    let (status, _) = api.op("GET", "/api/v1/app/merchant-b/msg", None).await;
    assert_eq!(status, 404);
}

/// A store whose deliveries fail at the first failed attempt, so `recover` has work at once.
trait NeverRetrying: Sized {
    fn with_policy_never_retrying(self) -> Self;
}

impl NeverRetrying for MemoryOutbox {
    fn with_policy_never_retrying(self) -> Self {
        self.with_policy(Policy::default().retry(RetryPolicy::never()))
    }
}

impl NeverRetrying for hookwire::sqlite::SqliteOutbox {
    fn with_policy_never_retrying(self) -> Self {
        self.with_policy(Policy::default().retry(RetryPolicy::never()))
    }
}

impl NeverRetrying for hookwire::postgres::PgOutbox {
    fn with_policy_never_retrying(self) -> Self {
        self.with_policy(Policy::default().retry(RetryPolicy::never()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_on_the_memory_store() {
    scenario(MemoryOutbox::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_on_sqlite() {
    scenario(stores::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_on_postgres() {
    let Some(url) = stores::postgres_schema("platform").await else {
        return;
    };
    scenario(stores::postgres_at(&url).await).await;
    stores::drop_postgres_schema(&url).await;
}

/// Endpoints created through the API refuse private addresses unless the platform allows them.
#[tokio::test]
async fn private_endpoint_urls_are_refused_with_422() {
    let api = platform_support::on_memory(|builder| builder).await;
    api.op(
        "POST",
        "/api/v1/app",
        Some(json!({"name": "A", "uid": "a"})),
    )
    .await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest",
    ] {
        let (status, body) = api
            .op("POST", "/api/v1/app/a/endpoint", Some(json!({"url": url})))
            .await;
        assert_eq!(status, 422, "{url}: {body}");
        assert_eq!(body["detail"][0]["loc"], json!(["body", "url"]));
        assert!(
            body["detail"][0]["msg"]
                .as_str()
                .unwrap()
                .contains("--allow-private-endpoints"),
            "{body}"
        );
    }
    let (status, _) = api
        .op(
            "POST",
            "/api/v1/app/a/endpoint",
            Some(json!({"url": "https://hooks.example.com/x"})),
        )
        .await;
    assert_eq!(status, 201);
}

/// Channels (which hookwire does not have) are refused rather than ignored, on endpoints and
/// messages, so nothing is sent where Svix's channels would not send it.
#[tokio::test]
async fn channels_are_refused_with_422() {
    let api = platform_support::on_memory(|builder| builder).await;
    api.op(
        "POST",
        "/api/v1/app",
        Some(json!({"name": "A", "uid": "a"})),
    )
    .await;
    let endpoint = json!({"url": "https://hooks.example.com/x", "channels": ["project-1"]});
    let (status, body) = api
        .op("POST", "/api/v1/app/a/endpoint", Some(endpoint))
        .await;
    assert_eq!(
        (status, &body["detail"][0]["loc"]),
        (422, &json!(["body", "channels"]))
    );
    let message = json!({"eventType": "a.b", "payload": {}, "channels": ["project-1"]});
    let (status, _) = api.op("POST", "/api/v1/app/a/msg", Some(message)).await;
    assert_eq!(status, 422);
    let message = json!({"eventType": "a.b", "payload": {}, "channels": null});
    let (status, _) = api.op("POST", "/api/v1/app/a/msg", Some(message)).await;
    assert_eq!(status, 202, "null is no channel");
}

/// Event types: created, listed with their schemas on request, deleted (then gone).
#[tokio::test]
async fn event_types_are_created_listed_and_deleted() {
    let api = platform_support::on_memory(|builder| {
        builder.event_type("invoice.paid", "Paid.", json!({"type": "object"}))
    })
    .await;
    let new = json!({"name": "invoice.void", "description": "Voided."});
    let (status, _) = api
        .op("POST", "/api/v1/event-type", Some(new.clone()))
        .await;
    assert_eq!(status, 201);
    let (status, _) = api.op("POST", "/api/v1/event-type", Some(new)).await;
    assert_eq!(status, 409);
    let (_, list) = api
        .op("GET", "/api/v1/event-type?with_content=true", None)
        .await;
    assert_eq!(
        list["data"][0]["name"], "invoice.paid",
        "the catalog, registered"
    );
    assert_eq!(list["data"][0]["schemas"]["1"], json!({"type": "object"}));
    let (status, _) = api
        .op("DELETE", "/api/v1/event-type/invoice.void", None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = api.op("GET", "/api/v1/event-type/invoice.void", None).await;
    assert_eq!(status, 404);
    let (status, _) = api
        .op("DELETE", "/api/v1/event-type/invoice.void", None)
        .await;
    assert_eq!(status, 404);
}
