//! Shared by the receiver tests: signed requests for every scheme, and two ways to send them
//! (`tower::ServiceExt::oneshot` and a real server on 127.0.0.1 called with reqwest).
#![allow(dead_code, unreachable_pub)]

use hookwire::Timestamp;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use hookwire::clock::FixedClock;
use hookwire::receiver::WebhookConfig;
use hookwire::signature::{GitHub, Scheme, Shopify, Slack, StandardWebhooks, Stripe};
use hookwire::{Event, Events, JsonSchema, schemars};
use serde::{Deserialize, Serialize};
use tower::ServiceExt;

/// The time every test runs at.
pub const NOW: i64 = 1_700_000_000;

/// A test event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "test.ping")]
pub struct Ping {
    pub n: u32,
}

/// Another test event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "test.pong")]
pub struct Pong {
    pub word: String,
}

/// The test catalog.
#[derive(Debug, Clone, PartialEq, Events)]
pub enum TestEvent {
    Ping(Ping),
    Pong(Pong),
}

/// Every scheme, with how its deliveries look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Standard,
    Stripe,
    GitHub,
    Shopify,
    Slack,
}

pub const ALL: [Kind; 5] = [
    Kind::Standard,
    Kind::Stripe,
    Kind::GitHub,
    Kind::Shopify,
    Kind::Slack,
];

impl Kind {
    pub fn scheme(self) -> Arc<dyn Scheme> {
        match self {
            Kind::Standard => {
                Arc::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap())
            }
            Kind::Stripe => Arc::new(Stripe::new("whsec_test_secret").unwrap()),
            Kind::GitHub => Arc::new(GitHub::new("It's a Secret to Everybody").unwrap()),
            Kind::Shopify => Arc::new(Shopify::new("hush").unwrap()),
            Kind::Slack => Arc::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5").unwrap()),
        }
    }

    /// A configuration at the fixed time [`NOW`].
    pub fn config(self) -> WebhookConfig {
        WebhookConfig::from_arc(self.scheme()).clock(FixedClock::new(NOW))
    }

    /// Whether deliveries carry an id (and so are deduplicated): all do, Slack's in the
    /// body's `event_id`.
    pub fn has_id(self) -> bool {
        true
    }

    /// Whether the signature covers a timestamp (and so replays are rejected).
    pub fn has_timestamp(self) -> bool {
        matches!(self, Kind::Standard | Kind::Stripe | Kind::Slack)
    }

    /// The body of a delivery of `event_type` with `data`, in the provider's layout.
    pub fn body(self, id: &str, event_type: &str, data: &serde_json::Value) -> Vec<u8> {
        let value = match self {
            Kind::Standard => serde_json::json!({
                "type": event_type, "timestamp": "2023-11-14T22:13:20Z", "data": data,
            }),
            Kind::Stripe => serde_json::json!({
                "id": id, "object": "event", "created": NOW, "livemode": false,
                "data": {"object": data}, "type": event_type,
            }),
            Kind::GitHub | Kind::Shopify => data.clone(),
            Kind::Slack => {
                let mut object = data.clone();
                if let Some(map) = object.as_object_mut() {
                    map.insert("type".into(), event_type.into());
                    map.insert("event_id".into(), id.into());
                }
                object
            }
        };
        serde_json::to_vec(&value).unwrap()
    }

    /// Headers for `body`, signed at `timestamp`, with the event type header where the
    /// provider sends one and a JSON content type.
    pub fn headers(self, id: &str, event_type: &str, body: &[u8], timestamp: i64) -> HeaderMap {
        let mut headers: HeaderMap = self
            .scheme()
            .sign(id, Timestamp::from_unix(timestamp), body)
            .unwrap()
            .into();
        let type_header = match self {
            Kind::GitHub => Some("x-github-event"),
            Kind::Shopify => Some("x-shopify-topic"),
            _ => None,
        };
        if let Some(name) = type_header {
            headers.insert(name, HeaderValue::from_str(event_type).unwrap());
        }
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers
    }

    /// A signed request of `event_type` with `data`.
    pub fn delivery(self, id: &str, event_type: &str, data: serde_json::Value) -> Delivery {
        let body = self.body(id, event_type, &data);
        let headers = self.headers(id, event_type, &body, NOW);
        Delivery { headers, body }
    }

    /// A signed `test.ping` delivery.
    pub fn ping(self, id: &str, n: u32) -> Delivery {
        self.delivery(id, "test.ping", serde_json::json!({"n": n}))
    }
}

/// A request to send: headers and body.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The problem+json body, checked for its shape.
    pub fn problem(&self) -> serde_json::Value {
        assert_eq!(
            self.headers["content-type"], "application/problem+json",
            "{self:?}"
        );
        let problem: serde_json::Value = serde_json::from_slice(&self.body).unwrap();
        assert_eq!(problem["status"], self.status.as_u16());
        assert_eq!(problem["type"], "about:blank");
        assert!(
            problem["title"].is_string() && problem["detail"].is_string(),
            "{problem}"
        );
        problem
    }

    /// The problem's `code`.
    pub fn code(&self) -> String {
        self.problem()["code"].as_str().unwrap().to_owned()
    }
}

/// How requests reach the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Oneshot,
    Loopback,
}

/// A router reachable by a transport.
pub struct Target {
    router: Router,
    url: Option<String>,
    client: reqwest::Client,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Target {
    /// Serves `router` at `/webhook`, on 127.0.0.1 when the transport is a loopback.
    pub async fn new(router: Router, transport: Transport) -> Self {
        let router = Router::new().nest("/webhook", router);
        let (url, server) = match transport {
            Transport::Oneshot => (None, None),
            Transport::Loopback => {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let address = listener.local_addr().unwrap();
                let app = router.clone();
                let server = tokio::spawn(async move {
                    axum::serve(listener, app).await.unwrap();
                });
                (Some(format!("http://{address}/webhook")), Some(server))
            }
        };
        Target {
            router,
            url,
            client: reqwest::Client::new(),
            server,
        }
    }

    pub async fn send(&self, delivery: &Delivery) -> Answer {
        self.send_raw(delivery.headers.clone(), delivery.body.clone())
            .await
    }

    pub async fn send_raw(&self, headers: HeaderMap, body: Vec<u8>) -> Answer {
        match &self.url {
            None => {
                let mut request = Request::post("/webhook").body(Body::from(body)).unwrap();
                *request.headers_mut() = headers;
                let response = self.router.clone().oneshot(request).await.unwrap();
                let status = response.status();
                let headers = response.headers().clone();
                let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap();
                Answer {
                    status,
                    headers,
                    body: body.to_vec(),
                }
            }
            Some(url) => {
                let response = self
                    .client
                    .post(url)
                    .headers(headers)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                let headers = response.headers().clone();
                let body = response.bytes().await.unwrap().to_vec();
                Answer {
                    status,
                    headers,
                    body,
                }
            }
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}
