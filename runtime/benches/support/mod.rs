//! What the benches' ratio tables share: size labels and an `Instant`-based, interleaved
//! best-of-rounds measurement of three functions.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// A body size for a table row or a criterion id: `256 B`, `4 KiB`, `1 MiB`.
pub(crate) fn label(size: usize) -> String {
    if size >= 1 << 20 {
        format!("{} MiB", size >> 20)
    } else if size >= 1 << 10 {
        format!("{} KiB", size >> 10)
    } else {
        format!("{size} B")
    }
}

/// Nanoseconds per call of `a`, `b` and `c`: each calibrated to about `target` per round, then
/// `rounds` rounds of the three interleaved round by round, so that load from other processes
/// hits them alike; the best (least disturbed) round of each counts.
pub(crate) fn best_of_interleaved<A, B, C>(
    rounds: usize,
    target: Duration,
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
    mut c: impl FnMut() -> C,
) -> [f64; 3] {
    let counts = [
        calibrate(target, &mut a),
        calibrate(target, &mut b),
        calibrate(target, &mut c),
    ];
    let mut best = [f64::INFINITY; 3];
    for _ in 0..rounds {
        best[0] = best[0].min(round(counts[0], &mut a));
        best[1] = best[1].min(round(counts[1], &mut b));
        best[2] = best[2].min(round(counts[2], &mut c));
    }
    best
}

/// How many calls of `f` take about `target`.
fn calibrate<R>(target: Duration, mut f: impl FnMut() -> R) -> u32 {
    let mut iterations: u32 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..iterations {
            black_box(f());
        }
        if start.elapsed() >= target || iterations >= 1 << 24 {
            return iterations;
        }
        iterations *= 2;
    }
}

/// Nanoseconds per call of one round of `iterations` calls.
fn round<R>(iterations: u32, mut f: impl FnMut() -> R) -> f64 {
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(f());
    }
    start.elapsed().as_nanos() as f64 / f64::from(iterations)
}
