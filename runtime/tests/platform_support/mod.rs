//! What the operator API tests share: the router served on a loopback port with workers on the
//! same store, a JSON client, and a receiver that keeps every delivery (headers and body) and
//! can be told to fail.

#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hookwire::outbox::{ApplicationStore, Worker};
use hookwire::platform::Platform;
use serde_json::Value;

pub const OPERATOR: &str = "operator-token-for-tests-0001";

/// A delivery as the receiver got it.
#[derive(Debug, Clone)]
pub struct Got {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Got {
    pub fn id(&self) -> &str {
        self.headers["webhook-id"].to_str().unwrap()
    }
}

#[derive(Default)]
struct Inner {
    got: Mutex<Vec<Got>>,
    failing: AtomicBool,
}

/// A loopback receiver: `POST /{name}` answers 204 (or 500 while failing) and keeps what came.
#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    inner: Arc<Inner>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let inner = Arc::new(Inner::default());
        let app = Router::new()
            .route("/{name}", post(receive))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { base, inner }
    }

    pub fn url(&self, name: &str) -> String {
        format!("{}/{name}", self.base)
    }

    pub fn fail(&self, failing: bool) {
        self.inner.failing.store(failing, Ordering::SeqCst);
    }

    pub fn got(&self) -> Vec<Got> {
        self.inner.got.lock().unwrap().clone()
    }

    pub fn at(&self, name: &str) -> Vec<Got> {
        let path = format!("/{name}");
        self.got().into_iter().filter(|g| g.path == path).collect()
    }

    /// Waits until `done` holds for what came (at most 20 s).
    pub async fn wait(&self, what: &str, done: impl Fn(&[Got]) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done(&self.got()) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}: {:#?}",
                self.got()
                    .iter()
                    .map(|g| (&g.path, g.id().to_owned()))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

async fn receive(
    State(inner): State<Arc<Inner>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if inner.failing.load(Ordering::SeqCst) {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    inner.got.lock().unwrap().push(Got {
        path: format!("/{name}"),
        headers,
        body,
    });
    StatusCode::NO_CONTENT
}

/// The router served on a loopback port, with a worker on the same store.
pub struct Served {
    pub base: String,
    pub http: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Served {
    pub async fn start<S: ApplicationStore + 'static>(
        platform: Platform<S>,
        store: Arc<S>,
    ) -> Served {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = platform.router();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        let worker = Worker::builder(store)
            .concurrency(8)
            .timeout(Duration::from_secs(5))
            .poll_interval(Duration::from_millis(25))
            .grace(Duration::from_millis(200))
            .build()
            .unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            worker
                .run_until(async move {
                    let _ = stopped.await;
                })
                .await
        });
        Served {
            base,
            http: reqwest::Client::new(),
            stop: Some(stop),
        }
    }

    /// `method path` with `token` and an optional JSON body: the status and the JSON answer
    /// (`Null` when empty).
    pub async fn call(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.call_with(token, method, path, body, &[]).await
    }

    pub async fn call_with(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&body).unwrap());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn op(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call(OPERATOR, method, path, body).await
    }

    /// `GET path` with the operator token until `done` holds for the answer (at most 20 s):
    /// a receiver sees a delivery before the worker records its result.
    pub async fn until(&self, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let (_, answer) = self.op("GET", path, None).await;
            if done(&answer) {
                return answer;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting on {path}: {answer}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// The router on a fresh memory store with the operator token, set up further by `setup`.
pub async fn on_memory(
    setup: impl FnOnce(
        hookwire::platform::PlatformBuilder<hookwire::outbox::MemoryOutbox>,
    ) -> hookwire::platform::PlatformBuilder<hookwire::outbox::MemoryOutbox>,
) -> Served {
    let store = Arc::new(hookwire::outbox::MemoryOutbox::new());
    let builder = Platform::builder(Arc::clone(&store)).operator_token(OPERATOR);
    let platform = setup(builder).build().await.unwrap();
    Served::start(platform, store).await
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
