//! Loopback servers, a recording sleeper, a shared clock and a test event for the sender tests.
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hookwire::clock::{Clock, FixedClock};
use hookwire::retry::RetryPolicy;
use hookwire::sender::{DeliveryReport, Sender, SenderBuilder, Sleep, Sleeper};
use hookwire::signature::{Scheme, StandardWebhooks, VerifyError};
use hookwire::{Event, Events, JsonSchema, schemars};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub const START: i64 = 1_700_000_000;

pub fn standard() -> Arc<dyn Scheme> {
    Arc::new(StandardWebhooks::new(SECRET).expect("valid secret"))
}

/// The event every sender test sends.
#[derive(Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
pub struct OrderShipped {
    pub order_id: String,
}

#[derive(Debug, PartialEq, Events)]
pub enum ShopEvent {
    OrderShipped(OrderShipped),
}

pub fn shipped() -> ShopEvent {
    ShopEvent::OrderShipped(OrderShipped {
        order_id: "98765".into(),
    })
}

/// A test clock at [`START`] and a sleeper that advances it; senders and servers on both.
pub struct Setup {
    pub clock: Arc<FixedClock>,
    pub sleeper: RecordingSleeper,
}

impl Setup {
    pub fn new() -> Self {
        let clock = Arc::new(FixedClock::new(START));
        let sleeper = RecordingSleeper::new(clock.clone());
        Self { clock, sleeper }
    }

    pub fn sender(&self, scheme: Arc<dyn Scheme>, retry: RetryPolicy) -> Sender {
        SenderBuilder::from_arc(scheme)
            .clock(self.clock.clone())
            .sleeper(self.sleeper.clone())
            .retry(retry)
            .build()
            .unwrap()
    }

    pub async fn serve<F>(&self, respond: F) -> Server
    where
        F: Fn(usize) -> Reply + Send + Sync + 'static,
    {
        serve(standard(), self.clock.clone(), respond).await
    }
}

/// Each attempt's status, 0 for an attempt without one.
pub fn statuses(report: &DeliveryReport) -> Vec<u16> {
    report
        .attempts
        .iter()
        .map(|a| a.status.map_or(0, |s| s.as_u16()))
        .collect()
}

/// Returns at once, records each requested delay, and moves the clock forward by it.
#[derive(Debug, Clone)]
pub struct RecordingSleeper {
    pub clock: Arc<FixedClock>,
    pub delays: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    pub fn new(clock: Arc<FixedClock>) -> Self {
        Self {
            clock,
            delays: Arc::default(),
        }
    }

    pub fn delays(&self) -> Vec<Duration> {
        self.delays.lock().unwrap().clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        self.delays.lock().unwrap().push(duration);
        self.clock
            .advance(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX));
        Box::pin(async {})
    }
}

/// Never wakes: a delivery waiting for a retry stays there until shutdown.
#[derive(Debug)]
pub struct Forever;

impl Sleeper for Forever {
    fn sleep(&self, _: Duration) -> Sleep<'_> {
        Box::pin(std::future::pending())
    }
}

/// What the test server saw in one request.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
    pub verified: Result<(), VerifyError>,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

pub type Reply = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A loopback axum server on `/hook` that verifies every request with `scheme` at the test
/// clock's time and answers with `respond(n)` for the n-th request (0-based).
pub struct Server {
    pub url: String,
    pub base: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub other_path_hits: Arc<AtomicUsize>,
}

impl Server {
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

pub async fn serve<F>(scheme: Arc<dyn Scheme>, clock: Arc<FixedClock>, respond: F) -> Server
where
    F: Fn(usize) -> Reply + Send + Sync + 'static,
{
    let received = Arc::new(Mutex::new(Vec::new()));
    let other_path_hits = Arc::new(AtomicUsize::new(0));
    let respond = Arc::new(respond);
    let log = received.clone();
    let hook = move |headers: HeaderMap, body: Bytes| {
        let verified = scheme.verify(&headers, &body, clock.now()).map(|_| ());
        let n = {
            let mut log = log.lock().unwrap();
            log.push(Received {
                headers,
                body,
                verified,
            });
            log.len() - 1
        };
        respond(n)
    };
    let hits = other_path_hits.clone();
    let other = move || {
        hits.fetch_add(1, Ordering::SeqCst);
        async { StatusCode::NO_CONTENT }
    };
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .route("/elsewhere", axum::routing::any(other));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server {
        url: format!("{base}/hook"),
        base,
        received,
        other_path_hits,
    }
}

pub fn reply(status: u16) -> Reply {
    let status = StatusCode::from_u16(status).unwrap();
    Box::pin(async move { status.into_response() })
}

pub fn reply_with(status: u16, headers: &[(&'static str, String)]) -> Reply {
    let status = StatusCode::from_u16(status).unwrap();
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, value.parse().unwrap());
    }
    Box::pin(async move { (status, map, "slow down").into_response() })
}

/// A server that reads each request's first bytes and closes the connection without an
/// answer. Returns its URL and the number of connections accepted.
pub async fn dropping_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            // Wait for the request to arrive, then close without answering.
            let mut buf = [0u8; 1024];
            while socket.readable().await.is_ok() {
                match socket.try_read(&mut buf) {
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                    _ => break,
                }
            }
            drop(socket);
        }
    });
    (url, accepted)
}
