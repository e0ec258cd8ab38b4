//! The full receiver against a hand-written axum handler doing the same work, for a 1 KiB and
//! a 64 KiB signed `order.shipped` (Standard Webhooks). Run with
//! `cargo bench -p hookwire --bench receive`.
//!
//! Both are driven through `tower::ServiceExt::oneshot` on a current-thread runtime, each
//! request built in the loop. The hand-written handler takes `HeaderMap` and `Bytes`, verifies
//! with the same `StandardWebhooks` and parses the envelope with `serde_json::from_slice` into
//! a struct whose `data` is the event. The receiver does that plus the content-type check, the
//! event type lookup and the duplicate claim: every request carries a new delivery id (4096
//! pre-signed header sets, cycled) against the default `MemoryDedup` (capacity 100 000)
//! holding 96 000 done ids of other deliveries, at realistic fill. The receiver completes each
//! delivery with a zero time to live, so the store forgets its id at once: every request
//! claims, inserts, completes and removes one id in a store of ~96 000, and none is a
//! duplicate.
//!
//! After criterion's groups, a ratio table is printed from a separate `Instant`-based
//! measurement (best of 41 interleaved rounds, with a third column for the receiver without a duplicate
//! store), so the ratios come from one run.

mod support;

use std::cell::Cell;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::routing::post;
use criterion::{BenchmarkId, Criterion, Throughput};
use hookwire::clock::FixedClock;
use hookwire::dedup::{Claim, DedupKey, DedupStore, MemoryDedup};
use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
use hookwire::signature::{Scheme, StandardWebhooks};
use hookwire::{Event, Events, JsonSchema, Timestamp, schemars};
use serde::{Deserialize, Serialize};
use support::{best_of_interleaved, label};
use tower::ServiceExt;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_700_000_000;
const IDS: usize = 4096;
/// Done ids in the store before the benchmark: a realistic fill of the default capacity.
const FILL: usize = 96_000;
const SIZES: [usize; 2] = [1 << 10, 64 << 10];
/// Interleaved rounds per cell of the ratio table; the best counts (the least disturbed).
const ROUNDS: usize = 41;

/// An order left the warehouse.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
struct OrderShipped {
    order_id: String,
    status: String,
    total: String,
    items: Vec<LineItem>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct LineItem {
    product_id: String,
    quantity: u32,
    price: String,
}

#[derive(Debug, Events)]
enum ShopEvent {
    OrderShipped(OrderShipped),
}

/// What the hand-written handler parses.
#[derive(Deserialize)]
struct HandEnvelope {
    #[serde(rename = "type")]
    event_type: String,
    timestamp: Timestamp,
    data: OrderShipped,
}

/// An `order.shipped` envelope of about `size` bytes.
fn body(size: usize) -> Bytes {
    let mut items = Vec::new();
    loop {
        let event = ShopEvent::OrderShipped(OrderShipped {
            order_id: "ord_98765".into(),
            status: "shipped".into(),
            total: "99.99".into(),
            items: std::mem::take(&mut items),
        });
        let bytes = event
            .to_envelope(Timestamp::from_unix(NOW))
            .expect("serializes");
        let ShopEvent::OrderShipped(shipped) = event;
        items = shipped.items;
        if bytes.len() >= size {
            return Bytes::from(bytes);
        }
        let n = items.len();
        items.push(LineItem {
            product_id: format!("prod_{n:06}"),
            quantity: u32::try_from(n % 7).unwrap_or(0) + 1,
            price: format!("{}.99", n % 100),
        });
    }
}

struct Case {
    body: Bytes,
    headers: Vec<HeaderMap>,
    /// The next delivery id, per router: each router sees every id in turn.
    next: [Cell<usize>; 3],
    receiver: Router,
    no_dedup: Router,
    hand: Router,
    runtime: tokio::runtime::Runtime,
}

async fn hand(
    State(scheme): State<Arc<StandardWebhooks>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Ok(verified) = scheme.verify(&headers, &body, Timestamp::from_unix(NOW)) else {
        return StatusCode::UNAUTHORIZED;
    };
    match serde_json::from_slice::<HandEnvelope>(verified.body()) {
        Ok(envelope) => {
            black_box((envelope.event_type, envelope.timestamp, envelope.data));
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

/// The default store, holding `FILL` done ids that outlive the benchmark.
fn prefilled_store() -> Arc<dyn DedupStore> {
    let store = MemoryDedup::new();
    let (now, lease, ttl) = (
        Timestamp::from_unix(NOW),
        Duration::from_secs(300),
        Duration::from_secs(3 * 24 * 3600),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        for n in 0..FILL {
            let key = DedupKey::new("prefill", format!("evt_{n:08}"));
            let Ok(Claim::New(token)) = store.claim(&key, now, lease).await else {
                panic!("the store has room for {FILL} ids");
            };
            store
                .complete(&key, token, now, ttl)
                .await
                .expect("completes");
        }
    });
    assert_eq!(store.len(), FILL);
    Arc::new(store)
}

impl Case {
    fn new(size: usize) -> Self {
        let scheme = StandardWebhooks::new(SECRET).expect("valid secret");
        let body = body(size);
        let headers = (0..IDS)
            .map(|n| {
                let mut headers: HeaderMap = scheme
                    .sign(&format!("msg_{n:08}"), Timestamp::from_unix(NOW), &body)
                    .expect("signs")
                    .into();
                headers.insert("content-type", HeaderValue::from_static("application/json"));
                headers
            })
            .collect();
        let config = WebhookConfig::new(scheme.clone())
            .clock(FixedClock::new(NOW))
            .dedup_arc(prefilled_store())
            .dedup_ttl(Duration::ZERO);
        let handler = |delivery: Delivery<OrderShipped>| async move {
            black_box(delivery);
        };
        let no_dedup = Receiver::new(config.clone().without_dedup())
            .on::<OrderShipped, _, _>(handler)
            .into_router();
        let receiver = Receiver::new(config)
            .on::<OrderShipped, _, _>(handler)
            .into_router();
        let hand = Router::new()
            .route("/", post(hand))
            .with_state(Arc::new(scheme));
        // Timers on, as in a server (`#[tokio::main]`): the receiver's handler time limit
        // uses them when a handler waits.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let case = Case {
            body,
            headers,
            next: Default::default(),
            receiver,
            no_dedup,
            hand,
            runtime,
        };
        assert_eq!(case.call(0), StatusCode::OK);
        assert_eq!(case.call(1), StatusCode::OK);
        assert_eq!(case.call(2), StatusCode::OK);
        case
    }

    /// One request with the next delivery id through `router`.
    fn call(&self, which: usize) -> StatusCode {
        let router = [&self.receiver, &self.no_dedup, &self.hand][which];
        let n = self.next[which].get();
        self.next[which].set((n + 1) % IDS);
        let mut request = Request::post("/")
            .body(Body::from(self.body.clone()))
            .expect("request");
        *request.headers_mut() = self.headers[n].clone();
        let response = self
            .runtime
            .block_on(router.clone().oneshot(request))
            .expect("infallible");
        response.status()
    }

    fn receiver(&self) -> StatusCode {
        self.call(0)
    }

    fn no_dedup(&self) -> StatusCode {
        self.call(1)
    }

    fn hand(&self) -> StatusCode {
        self.call(2)
    }
}

fn criterion_groups(c: &mut Criterion, cases: &[Case]) {
    let mut group = c.benchmark_group("receive_order_shipped");
    for case in cases {
        let size = case.body.len();
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(BenchmarkId::new("hookwire_receiver", label(size)), |b| {
            b.iter(|| case.receiver())
        });
        group.bench_function(BenchmarkId::new("hand_written_axum", label(size)), |b| {
            b.iter(|| case.hand())
        });
    }
    group.finish();
}

fn ratio_table(cases: &[Case]) {
    println!();
    println!(
        "receive order.shipped (Standard Webhooks), best of {ROUNDS} interleaved rounds (ns per request)"
    );
    println!(
        "{:>8} | {:>12} | {:>12} | {:>12} | {:>14} | {:>16}",
        "body", "receiver ns", "no dedup ns", "hand ns", "receiver/hand", "no dedup/hand"
    );
    for case in cases {
        let best = best_of_interleaved(
            ROUNDS,
            Duration::from_millis(5),
            || case.receiver(),
            || case.no_dedup(),
            || case.hand(),
        );
        println!(
            "{:>8} | {:>12.0} | {:>12.0} | {:>12.0} | {:>13.3}x | {:>15.3}x",
            label(case.body.len()),
            best[0],
            best[1],
            best[2],
            best[0] / best[2],
            best[1] / best[2]
        );
    }
}

/// Requests counted by a profiler in `RECEIVE_PROFILE` mode.
const PROFILED: usize = 2000;

/// `PROFILED` requests through router `which`, on their own frame for a profiler's filter.
#[inline(never)]
fn profiled(case: &Case, which: usize) {
    for _ in 0..PROFILED {
        black_box(case.call(which));
    }
}

fn main() {
    // `RECEIVE_PROFILE=0|1|2` runs 1 KiB requests through the receiver, the receiver without
    // a duplicate store, or the hand-written handler, for a profiler: 500 to warm up, then
    // `PROFILED` in `profiled`, so `valgrind --tool=callgrind --toggle-collect=receive::profiled`
    // counts the steady state only (instructions per request = total / `PROFILED`).
    if let Some(which) = std::env::var("RECEIVE_PROFILE")
        .ok()
        .and_then(|w| w.parse().ok())
    {
        let case = Case::new(SIZES[0]);
        for _ in 0..500 {
            black_box(case.call(which));
        }
        profiled(&case, which);
        return;
    }
    let cases: Vec<Case> = SIZES.iter().map(|&size| Case::new(size)).collect();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    criterion_groups(&mut criterion, &cases);
    criterion.final_summary();
    ratio_table(&cases);
}
