//! A loopback webhook receiver for the outbox tests and benchmark: it records the
//! `webhook-id` of every request, when it came, and the `data.seq` of its envelope.
//!
//! - `POST /ok/...` answers `204` (after the configured delay);
//! - `POST /hang/...` never answers (the attempt times out).

#![allow(dead_code, unreachable_pub)]

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tokio::sync::Notify;

/// One request the receiver saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub id: String,
    pub path: String,
    pub seq: Option<u64>,
    pub signed: bool,
    pub at: Instant,
}

#[derive(Default)]
struct Log {
    seen: Vec<Seen>,
    unique: HashSet<String>,
}

#[derive(Default)]
struct Inner {
    log: Mutex<Log>,
    /// Requests to `/hang/` open now, and the most open at once.
    hanging: Mutex<(usize, usize)>,
    changed: Notify,
    delay: Duration,
}

/// A running receiver; it stops with the runtime that started it.
#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    inner: Arc<Inner>,
}

async fn record(
    State(inner): State<Arc<Inner>>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if !inner.delay.is_zero() {
        tokio::time::sleep(inner.delay).await;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let seq = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|envelope| envelope["data"]["seq"].as_u64());
    let seen = Seen {
        id: header("webhook-id"),
        path,
        seq,
        signed: header("webhook-signature").starts_with("v1,"),
        at: Instant::now(),
    };
    let mut log = inner.log.lock().unwrap();
    log.unique.insert(seen.id.clone());
    log.seen.push(seen);
    drop(log);
    inner.changed.notify_waiters();
    StatusCode::NO_CONTENT
}

/// Counts the open request for as long as the client keeps it open.
struct Open(Arc<Inner>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.hanging.lock().unwrap().0 -= 1;
    }
}

async fn hang(State(inner): State<Arc<Inner>>) -> StatusCode {
    {
        let mut hanging = inner.hanging.lock().unwrap();
        hanging.0 += 1;
        hanging.1 = hanging.1.max(hanging.0);
    }
    let _open = Open(inner);
    std::future::pending::<()>().await;
    StatusCode::NO_CONTENT
}

impl Receiver {
    /// Starts a receiver on 127.0.0.1 whose `/ok/` answers after `delay`.
    pub async fn start(delay: Duration) -> Receiver {
        let inner = Arc::new(Inner {
            delay,
            ..Inner::default()
        });
        let app = Router::new()
            .route("/ok/{*path}", post(record))
            .route("/hang/{*path}", post(hang))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { base, inner }
    }

    /// The URL of `/ok/<name>`.
    pub fn ok(&self, name: &str) -> String {
        format!("{}/ok/{name}", self.base)
    }

    /// The URL of `/hang/<name>`.
    pub fn hang(&self, name: &str) -> String {
        format!("{}/hang/{name}", self.base)
    }

    /// Requests to `/hang/` open now, and the most that were open at once.
    pub fn hanging(&self) -> (usize, usize) {
        *self.inner.hanging.lock().unwrap()
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.inner.log.lock().unwrap().seen.clone()
    }

    /// Requests so far.
    pub fn count(&self) -> usize {
        self.inner.log.lock().unwrap().seen.len()
    }

    /// Distinct webhook-ids so far.
    pub fn unique(&self) -> usize {
        self.inner.log.lock().unwrap().unique.len()
    }

    /// How many times each webhook-id arrived.
    pub fn by_id(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for seen in &self.inner.log.lock().unwrap().seen {
            *counts.entry(seen.id.clone()).or_insert(0) += 1;
        }
        counts
    }

    /// Waits until `done` holds for the requests seen, or `limit` passes; returns whether it
    /// held.
    pub async fn wait_until(&self, limit: Duration, done: impl Fn(&[Seen], usize) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let changed = self.inner.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.check(&done) {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return self.check(&done);
            }
        }
    }

    /// Waits until `n` distinct webhook-ids arrived (or `limit` passes).
    pub async fn wait_for_unique(&self, n: usize, limit: Duration) -> bool {
        self.wait_until(limit, |_, unique| unique >= n).await
    }

    fn check(&self, done: &impl Fn(&[Seen], usize) -> bool) -> bool {
        let log = self.inner.log.lock().unwrap();
        done(&log.seen, log.unique.len())
    }
}
