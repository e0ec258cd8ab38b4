//! Standard Webhooks `v1` verification: hookwire against the raw HMAC-SHA256 of the same signed
//! content (the floor) and against the `standardwebhooks` crate (the peer), for 256 B to 1 MiB
//! bodies. Run with `cargo bench -p hookwire --bench verify`.
//!
//! After criterion's groups, a ratio table is printed from a separate, short `Instant`-based
//! measurement of the same three functions (best of 9 interleaved rounds per size), so the ratios
//! come from one run on one machine.

mod support;

use hookwire::Timestamp;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use hookwire::signature::{Scheme, StandardWebhooks};
use sha2::Sha256;
use support::{best_of_interleaved, label};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SIZES: [usize; 4] = [256, 4 << 10, 64 << 10, 1 << 20];

/// One prepared case: the body, its headers, and the three verifiers.
struct Case {
    body: Vec<u8>,
    headers: http::HeaderMap,
    now: i64,
    /// HMAC-SHA256 keyed once, as hookwire keys its verifier once when it is built.
    mac: Hmac<Sha256>,
    timestamp: String,
    hookwire: StandardWebhooks,
    peer: standardwebhooks::Webhook,
}

impl Case {
    fn new(size: usize) -> Self {
        // ASCII JSON-like content: the peer only accepts UTF-8 bodies.
        let body: Vec<u8> = br#"{"type":"order.shipped","data":{"order_id":"ord_1","note":""#
            .iter()
            .copied()
            .chain(std::iter::repeat(b'x'))
            .take(size.saturating_sub(3))
            .chain(*b"\"}}")
            .collect();
        // The peer reads the system clock, so sign with the current time.
        let now = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock after 1970")
                .as_secs(),
        )
        .expect("seconds fit in i64");
        let hookwire = StandardWebhooks::new(SECRET).expect("valid secret");
        let headers: http::HeaderMap = hookwire
            .sign(ID, Timestamp::from_unix(now), &body)
            .expect("signs")
            .into();
        let peer = standardwebhooks::Webhook::new(SECRET).expect("valid secret");
        peer.verify(&body, &headers).expect("the peer agrees");
        hookwire
            .verify(&headers, &body, Timestamp::from_unix(now))
            .expect("hookwire agrees");
        use base64::Engine as _;
        let key = base64::engine::general_purpose::STANDARD
            .decode(SECRET.trim_start_matches("whsec_"))
            .expect("base64");
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
        Self {
            body,
            headers,
            now,
            mac,
            timestamp: now.to_string(),
            hookwire,
            peer,
        }
    }

    fn hookwire(&self) -> bool {
        self.hookwire
            .verify(
                black_box(&self.headers),
                black_box(&self.body),
                Timestamp::from_unix(self.now),
            )
            .is_ok()
    }

    /// The floor: from the HMAC-SHA256 state keyed once (as hookwire's verifier is), hash
    /// `id.timestamp.body` in place, finalize.
    fn raw(&self) -> [u8; 32] {
        let mut mac = black_box(&self.mac).clone();
        mac.update(ID.as_bytes());
        mac.update(b".");
        mac.update(self.timestamp.as_bytes());
        mac.update(b".");
        mac.update(black_box(&self.body));
        mac.finalize().into_bytes().into()
    }

    fn peer(&self) -> bool {
        self.peer
            .verify(black_box(&self.body), black_box(&self.headers))
            .is_ok()
    }
}

fn criterion_groups(c: &mut Criterion, cases: &[Case]) {
    let mut group = c.benchmark_group("standard_webhooks_v1_verify");
    for case in cases {
        let size = case.body.len();
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(
            BenchmarkId::new("hookwire", label(size)),
            case,
            |b, case| b.iter(|| case.hookwire()),
        );
        group.bench_with_input(
            BenchmarkId::new("raw_hmac_sha256", label(size)),
            case,
            |b, case| b.iter(|| case.raw()),
        );
        group.bench_with_input(
            BenchmarkId::new("standardwebhooks", label(size)),
            case,
            |b, case| b.iter(|| case.peer()),
        );
    }
    group.finish();
}

/// Nanoseconds per call of hookwire, raw HMAC and the peer: the best of 9 rounds each, the
/// three interleaved round by round so that load from other processes hits them alike.
fn measure(case: &Case) -> [f64; 3] {
    best_of_interleaved(
        9,
        Duration::from_millis(20),
        || case.hookwire(),
        || case.raw(),
        || case.peer(),
    )
}

fn ratio_table(cases: &[Case]) {
    println!();
    println!(
        "Standard Webhooks v1 verify, best of 9 interleaved rounds per cell (ns per call; GB/s = bytes/ns)"
    );
    println!(
        "{:>8} | {:>12} {:>7} | {:>12} {:>7} | {:>16} {:>7} | {:>14} | {:>24}",
        "body",
        "hookwire ns",
        "GB/s",
        "raw hmac ns",
        "GB/s",
        "standardwebhooks",
        "GB/s",
        "hookwire/raw",
        "standardwebhooks/hookwire"
    );
    for case in cases {
        let size = case.body.len() as f64;
        let [hookwire, raw, peer] = measure(case);
        println!(
            "{:>8} | {:>12.0} {:>7.2} | {:>12.0} {:>7.2} | {:>16.0} {:>7.2} | {:>13.2}x | {:>23.1}x",
            label(case.body.len()),
            hookwire,
            size / hookwire,
            raw,
            size / raw,
            peer,
            size / peer,
            hookwire / raw,
            peer / hookwire,
        );
    }
    println!(
        "goals: hookwire/raw <= 2.00x at 256 B and <= 1.10x from 4 KiB; \
         standardwebhooks/hookwire >= 6x from 4 KiB"
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let test_mode = args.iter().any(|a| a == "--test" || a == "--list");
    let cases: Vec<Case> = SIZES.iter().map(|&size| Case::new(size)).collect();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    criterion_groups(&mut criterion, &cases);
    criterion.final_summary();
    if !test_mode {
        ratio_table(&cases);
    }
}
