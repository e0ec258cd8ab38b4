//! Every network path over TLS on loopback, with a certificate authority made in the test: the
//! sender, the outbox worker on SQLite and PostgreSQL, and the typed client deliver to an HTTPS
//! hookwire receiver when the CA is trusted (added in code); when it is not, or the certificate
//! names another host, the attempt fails with an error naming the certificate problem and is
//! retried as the schedule says. PostgreSQL (`sslmode=verify-full`) and Redis (`rediss://`)
//! connect through TLS proxies in front of the local services.

use crate::services;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hookwire::client::ApiClient;
use hookwire::outbox::Worker;
use hookwire::outbox::{DeliveryQuery, DeliveryState, NewEndpoint, OutboxStore, RawEvent};
use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
use hookwire::retry::RetryPolicy;
use hookwire::sender::{ErrorKind, Outcome, Sender, Verdict};
use hookwire::signature::StandardWebhooks;
use hookwire::sqlite::SqliteOutbox;
use hookwire::{Endpoint, Event, Events, JsonSchema, schemars};
use hookwire_test_tls::{TestCa, postgres_tls_proxy, serve_https, tls_proxy};
use serde::{Deserialize, Serialize};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Debug, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
struct OrderShipped {
    order_id: String,
}

#[derive(Debug, Events)]
enum ShopEvent {
    OrderShipped(OrderShipped),
}

/// A product, served over HTTPS to the typed client.
#[derive(Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
struct Product {
    product_id: String,
}

/// GET /products/{product_id}
#[derive(Debug, Serialize, Deserialize, JsonSchema, Endpoint)]
#[hookwire(method = "GET", path = "/products/{product_id}", response = Product)]
struct GetProduct {
    #[hookwire(path)]
    product_id: String,
}

/// An HTTPS server on 127.0.0.1 with a certificate for `names`, signed by `ca`: a hookwire
/// receiver at `/hook` counting handled deliveries, and `/products/{id}`. Returns the port.
async fn https_receiver(ca: &TestCa, names: &[&str], handled: &Arc<AtomicUsize>) -> u16 {
    let counter = Arc::clone(handled);
    let receiver = Receiver::new(WebhookConfig::new(StandardWebhooks::new(SECRET).unwrap()))
        .on::<OrderShipped, _, _>(move |_: Delivery<OrderShipped>| {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let router = axum::Router::new()
        .route("/hook", receiver.into_method_router())
        .route(
            "/products/{id}",
            axum::routing::get(
                |axum::extract::Path(id): axum::extract::Path<String>| async move {
                    axum::Json(Product { product_id: id })
                },
            ),
        );
    serve_https(router, ca.server_config(names)).await.port()
}

fn roots(ca: &TestCa) -> Vec<reqwest::Certificate> {
    reqwest::Certificate::from_pem_bundle(ca.pem().as_bytes()).unwrap()
}

fn sender(roots: Vec<reqwest::Certificate>) -> Sender {
    Sender::builder(StandardWebhooks::new(SECRET).unwrap())
        .retry(RetryPolicy::new(vec![Duration::from_millis(1); 2]).jitter(0.0))
        .timeout(Duration::from_secs(5))
        .root_certificates(roots)
        .build()
        .unwrap()
}

fn shipped() -> ShopEvent {
    ShopEvent::OrderShipped(OrderShipped {
        order_id: "98765".into(),
    })
}

#[tokio::test]
async fn the_sender_delivers_over_https_to_a_trusted_certificate() {
    let ca = TestCa::new("hookwire test CA");
    let handled = Arc::new(AtomicUsize::new(0));
    let port = https_receiver(&ca, &["localhost"], &handled).await;

    let url = format!("https://localhost:{port}/hook");
    let report = sender(roots(&ca)).send(&url, &shipped()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Delivered, "{report:?}");
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_untrusted_certificate_is_named_and_retried() {
    let ca = TestCa::new("hookwire test CA");
    let handled = Arc::new(AtomicUsize::new(0));
    let port = https_receiver(&ca, &["localhost"], &handled).await;

    let url = format!("https://localhost:{port}/hook");
    let report = sender(Vec::new()).send(&url, &shipped()).await.unwrap();
    assert_ne!(report.outcome, Outcome::Delivered);
    assert_eq!(
        report.attempts.len(),
        3,
        "retried on the schedule: {report:?}"
    );
    for attempt in &report.attempts {
        assert_eq!(attempt.verdict, Verdict::NoResponse);
        let error = attempt.error.as_ref().expect("an error");
        assert_eq!(error.kind, ErrorKind::Connect);
        let text = error.to_string();
        assert!(
            text.contains("certificate") && text.contains("UnknownIssuer"),
            "{text}"
        );
    }
    assert_eq!(handled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_certificate_for_another_host_is_refused() {
    let ca = TestCa::new("hookwire test CA");
    let handled = Arc::new(AtomicUsize::new(0));
    let port = https_receiver(&ca, &["other.example"], &handled).await;

    let url = format!("https://localhost:{port}/hook");
    let report = sender(roots(&ca)).send(&url, &shipped()).await.unwrap();
    assert_ne!(report.outcome, Outcome::Delivered);
    let text = report.attempts[0]
        .error
        .as_ref()
        .expect("an error")
        .to_string();
    assert!(text.contains("not valid for name"), "{text}");
    assert_eq!(handled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_typed_client_calls_over_https() {
    let ca = TestCa::new("hookwire test CA");
    let port = https_receiver(&ca, &["localhost"], &Arc::default()).await;
    let base = format!("https://localhost:{port}");

    let http = reqwest::Client::builder()
        .tls_certs_merge(roots(&ca))
        .build()
        .unwrap();
    let client = ApiClient::with_client(http, &base).unwrap();
    let product = client
        .call(&GetProduct {
            product_id: "12345".into(),
        })
        .await
        .unwrap();
    assert_eq!(product.product_id, "12345");

    let untrusting = ApiClient::new(&base).unwrap();
    let error = untrusting
        .call(&GetProduct {
            product_id: "12345".into(),
        })
        .await
        .unwrap_err();
    let text = error_chain(&error);
    assert!(text.contains("UnknownIssuer"), "{text}");
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// Publishes one event to an `https` endpoint on `port`, runs a worker (trusting `ca` when
/// given) until the delivery has an attempt, and returns it with its attempt log's excerpts.
async fn deliver_once<S: OutboxStore + 'static>(
    store: S,
    port: u16,
    trust: Option<&TestCa>,
) -> (DeliveryState, Vec<String>) {
    let store = Arc::new(store);
    let endpoint =
        NewEndpoint::new(format!("https://localhost:{port}/hook"), SECRET).allow_private(true);
    store.add_endpoint(&endpoint).await.unwrap();
    let event = RawEvent::new("order.shipped", serde_json::json!({ "order_id": "98765" })).unwrap();
    store.publish_raw(&[event]).await.unwrap();

    let mut builder = Worker::builder(Arc::clone(&store))
        .timeout(Duration::from_secs(5))
        .poll_interval(Duration::from_millis(20));
    if let Some(ca) = trust {
        builder = builder.root_certificates(roots(ca));
    }
    let worker = builder.build().unwrap();
    // The watcher runs as a task of its own: a shutdown future that queried the store itself
    // would hold the in-memory database's one connection while the worker waits for it.
    let watched = Arc::clone(&store);
    let watcher = tokio::spawn(async move {
        for _ in 0..500 {
            let all = watched.deliveries(&DeliveryQuery::new(10)).await.unwrap();
            if all
                .iter()
                .any(|d| d.attempts > 0 && d.state != DeliveryState::InFlight)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    worker
        .run_until(async move {
            let _ = watcher.await;
        })
        .await;
    let delivery = store
        .deliveries(&DeliveryQuery::new(10))
        .await
        .unwrap()
        .remove(0);
    let log = store.attempts(delivery.id).await.unwrap();
    (delivery.state, log.into_iter().map(|a| a.excerpt).collect())
}

async fn outbox_over_https<S: OutboxStore + 'static>(trusted: S, untrusted: S) {
    let ca = TestCa::new("hookwire test CA");
    let handled = Arc::new(AtomicUsize::new(0));
    let port = https_receiver(&ca, &["localhost"], &handled).await;

    let (state, _) = deliver_once(trusted, port, Some(&ca)).await;
    assert_eq!(state, DeliveryState::Delivered);
    assert_eq!(handled.load(Ordering::SeqCst), 1);

    // Not trusted: no response, the reason logged, and pending for the next step of the
    // schedule (a customer can fix a certificate), not failed.
    let (state, excerpts) = deliver_once(untrusted, port, None).await;
    assert_eq!(state, DeliveryState::Pending, "{excerpts:?}");
    assert!(excerpts[0].contains("UnknownIssuer"), "{excerpts:?}");
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_worker_delivers_over_https_on_sqlite() {
    outbox_over_https(
        SqliteOutbox::open("sqlite::memory:").await.unwrap(),
        SqliteOutbox::open("sqlite::memory:").await.unwrap(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_worker_delivers_over_https_on_postgres() {
    use hookwire::postgres::PgOutbox;
    let Some(url) = services::postgres_url("the_outbox_worker_delivers_over_https_on_postgres")
    else {
        return;
    };
    let trusted = services::PgSchema::new(&url, "tls", "outbox_trusted").await;
    let untrusted = services::PgSchema::new(&url, "tls", "outbox_untrusted").await;
    outbox_over_https(
        PgOutbox::open_with(trusted.options()).await.unwrap(),
        PgOutbox::open_with(untrusted.options()).await.unwrap(),
    )
    .await;
}

/// `host:port` of a service URL (`postgres://user@127.0.0.1:5432/test` -> 127.0.0.1:5432).
fn address(url: &str) -> std::net::SocketAddr {
    let rest = &url[url.find("://").unwrap() + 3..];
    let rest = &rest[rest.find('@').map_or(0, |at| at + 1)..];
    let host_port = rest.split(['/', '?']).next().unwrap();
    std::net::ToSocketAddrs::to_socket_addrs(host_port)
        .unwrap()
        .next()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connects_with_verify_full_through_tls() {
    use hookwire::postgres::PgOutbox;
    use sqlx::postgres::{PgConnectOptions, PgSslMode};
    let Some(url) = services::postgres_url("postgres_connects_with_verify_full_through_tls") else {
        return;
    };
    let schema = services::PgSchema::new(&url, "tls", "pg_verify_full").await;
    let ca = TestCa::new("hookwire test CA");
    let proxy = postgres_tls_proxy(ca.server_config(&["localhost"]), address(&url)).await;
    let plain = PgConnectOptions::from_str(&url).unwrap();
    let options = |ca_pem: &str| {
        schema
            .options()
            .host("localhost")
            .port(proxy.port())
            .username(plain.get_username())
            .ssl_mode(PgSslMode::VerifyFull)
            .ssl_root_cert_from_pem(ca_pem.as_bytes().to_vec())
    };

    let store = PgOutbox::open_with(options(ca.pem())).await.unwrap();
    let endpoint = NewEndpoint::new("https://localhost:1/hook", SECRET).allow_private(true);
    store.add_endpoint(&endpoint).await.unwrap();
    assert_eq!(store.endpoints(None, 10).await.unwrap().len(), 1);

    let stranger = TestCa::new("another CA");
    let error = PgOutbox::open_with(options(stranger.pem()))
        .await
        .expect_err("refused");
    let text = error_chain(&error);
    assert!(
        text.contains("certificate") || text.contains("UnknownIssuer"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_connects_through_tls() {
    use hookwire::dedup::{Claim, DedupKey, DedupStore};
    use hookwire::redis::RedisStore;
    let Some(url) = services::redis_url("redis_connects_through_tls") else {
        return;
    };
    let ca = TestCa::new("hookwire test CA");
    let proxy = tls_proxy(ca.server_config(&["localhost"]), address(&url)).await;
    let info = format!("rediss://localhost:{}/", proxy.port());
    let client = redis::Client::build_with_tls(
        info.as_str(),
        redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(ca.pem().as_bytes().to_vec()),
        },
    )
    .unwrap();
    let manager = redis::aio::ConnectionManager::new(client).await.unwrap();
    let prefix = format!("hw:tls:{}:", std::process::id());
    let store = RedisStore::from_pool(manager).dedup().prefix(&prefix);
    let key = DedupKey::new("tls", "msg_1");
    let now = hookwire::Timestamp::now();
    let first = store
        .claim(&key, now, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(matches!(first, Claim::New(_)), "{first:?}");
    let again = store
        .claim(&key, now, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(matches!(again, Claim::InFlight), "{again:?}");

    // The URL form (`rediss://`) without the CA: the system's roots do not know it.
    let error = hookwire::open::dedup(&info)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("Redis"), "{error}");
}
