//! `GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/msg` (Svix's "list attempted messages",
//! what the portal lists an endpoint's deliveries from) on the memory store, SQLite and (with
//! `HOOKWIRE_TEST_POSTGRES_URL`) PostgreSQL.

use crate::outbox_support::stores;
use crate::platform_support;

use std::sync::Arc;

use hookwire::outbox::{ApplicationStore, MemoryOutbox};
use hookwire::platform::Platform;
use platform_support::{OPERATOR, Receiver, Served};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempted_messages_on_the_memory_store() {
    attempted_messages(MemoryOutbox::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempted_messages_on_sqlite() {
    attempted_messages(stores::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempted_messages_on_postgres() {
    let Some(url) = stores::postgres_schema("platform_attempted").await else {
        return;
    };
    attempted_messages(stores::postgres_at(&url).await).await;
    stores::drop_postgres_schema(&url).await;
}

/// `GET .../endpoint/{endpoint_id}/msg`: the messages sent to that endpoint, newest first,
/// each with its delivery's status there and, while a retry is scheduled, the next attempt;
/// paged by `iterator`; an endpoint that was sent nothing lists nothing.
async fn attempted_messages<S: ApplicationStore + 'static>(store: S) {
    let store = Arc::new(store);
    let platform = Platform::builder(Arc::clone(&store))
        .operator_token(OPERATOR)
        .allow_private_endpoints(true)
        .build()
        .await
        .unwrap();
    let api = Served::start(platform, store).await;
    let receiver = Receiver::start().await;
    api.op(
        "POST",
        "/api/v1/app",
        Some(json!({"name": "A", "uid": "a"})),
    )
    .await;
    api.op(
        "POST",
        "/api/v1/event-type",
        Some(json!({"name": "x.y", "description": "X"})),
    )
    .await;
    for (uid, url) in [
        ("ok", receiver.url("ok")),
        ("down", "http://127.0.0.1:9/".into()),
    ] {
        let endpoint = json!({"url": url, "uid": uid});
        let (status, _) = api
            .op("POST", "/api/v1/app/a/endpoint", Some(endpoint))
            .await;
        assert_eq!(status, 201);
    }
    let mut sent = Vec::new();
    for n in 0..3 {
        let message = json!({"eventType": "x.y", "payload": {"n": n}});
        let (_, message) = api.op("POST", "/api/v1/app/a/msg", Some(message)).await;
        sent.push(message["id"].as_str().unwrap().to_owned());
    }
    receiver
        .wait("three deliveries", |got| got.len() == 3)
        .await;
    // The receiver sees each delivery before the worker records it.
    api.until("/api/v1/app/a/endpoint/ok/msg", |page| {
        page["data"]
            .as_array()
            .is_some_and(|data| data.len() == 3 && data.iter().all(|m| m["status"] == 0))
    })
    .await;
    let (status, _) = api
        .op(
            "POST",
            "/api/v1/app/a/endpoint",
            Some(json!({"url": receiver.url("late"), "uid": "late"})),
        )
        .await;
    assert_eq!(status, 201);

    let ids = |page: &Value| -> Vec<String> {
        let list = page["data"].as_array().unwrap();
        list.iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, first) = api
        .op("GET", "/api/v1/app/a/endpoint/ok/msg?limit=2", None)
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(ids(&first), [sent[2].clone(), sent[1].clone()]);
    assert_eq!(first["done"], false);
    assert_eq!(first["data"][0]["status"], 0);
    assert_eq!(first["data"][0]["statusText"], "success");
    assert_eq!(first["data"][0]["nextAttempt"], Value::Null);
    assert_eq!(first["data"][0]["payload"], json!({"n": 2}));
    assert_eq!(first["data"][0]["eventType"], "x.y");
    let next = format!(
        "/api/v1/app/a/endpoint/ok/msg?limit=2&iterator={}",
        first["iterator"].as_str().unwrap()
    );
    let (_, rest) = api.op("GET", &next, None).await;
    assert_eq!(ids(&rest), [sent[0].clone()]);
    assert_eq!(rest["done"], true);

    // The endpoint that refuses connections: each message pending, its retry scheduled.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, down) = api.op("GET", "/api/v1/app/a/endpoint/down/msg", None).await;
        let scheduled = down["data"].as_array().unwrap().iter().all(|m| {
            m["statusText"] == "pending" && m["nextAttempt"].as_str() > m["timestamp"].as_str()
        });
        if ids(&down).len() == 3 && scheduled {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{down:#}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (_, late) = api.op("GET", "/api/v1/app/a/endpoint/late/msg", None).await;
    assert_eq!(late["data"], json!([]));
    assert_eq!(late["done"], true);
}
