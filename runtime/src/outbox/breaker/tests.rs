//! The breaker's rules, each alone.
use super::*;
use crate::outbox::{AttemptOutcome, EndpointChange, Policy};

const OK: AttemptOutcome = AttemptOutcome::Response {
    status: 204,
    retry_after: None,
};
const FAIL: AttemptOutcome = AttemptOutcome::Response {
    status: 500,
    retry_after: None,
};

/// Records `outcome` at `now` through the policy and returns the health to store.
fn record(policy: &Policy, health: Health, outcome: AttemptOutcome, now: i64) -> Health {
    match policy.decide(1, 1, outcome, health, now).endpoint {
        EndpointChange::Healthy(next) | EndpointChange::Failing(next) => next,
        other => panic!("unexpected endpoint change {other:?}"),
    }
}

/// A deterministic stream of failures at `percent`% (xorshift).
fn failures(percent: u64, seed: u64) -> impl Iterator<Item = bool> {
    let mut state = seed | 1;
    std::iter::repeat_with(move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % 100 < percent
    })
}

#[test]
fn a_failure_ratio_below_the_threshold_never_opens() {
    let policy = Policy::default();
    // 30% failures, 200 results a second for about 40 simulated minutes, several seeds:
    // the window's ratio never reaches 50% once it holds 100 attempts.
    for seed in [1, 7, 42, 1_000_003] {
        let mut health = Health::default();
        for (n, failed) in failures(30, seed).take(500_000).enumerate() {
            let now = 1_000 + (n / 200) as i64;
            health = record(&policy, health, if failed { FAIL } else { OK }, now);
            assert_eq!(
                health.breaker_opens, 0,
                "opened after {n} results (seed {seed})"
            );
            assert_eq!(health.paused_until, 0);
        }
    }
}

#[test]
fn a_down_endpoint_opens_once_the_window_holds_the_minimum() {
    let policy = Policy::default();
    let mut health = Health::default();
    for n in 1..100 {
        health = record(&policy, health, FAIL, 1_000);
        assert!(!health.breaker_open(1_000), "open after {n} failures");
    }
    health = record(&policy, health, FAIL, 1_000);
    assert!(health.breaker_open(1_000));
    assert_eq!(health.paused_until, 1_060);
    assert_eq!(health.consecutive_failures, 100);
    // A mostly failing endpoint opens too: 60% of 100 attempts.
    let mut health = Health::default();
    for failed in (0..100).map(|n| n % 5 < 3) {
        health = record(&policy, health, if failed { FAIL } else { OK }, 1_000);
    }
    assert!(health.breaker_open(1_000));
}

#[test]
fn the_window_forgets_old_results() {
    let policy = Policy::default();
    let mut health = Health::default();
    for _ in 0..99 {
        health = record(&policy, health, FAIL, 1_000);
    }
    // The window (5 min) has passed: a fresh one starts with this failure.
    health = record(&policy, health, FAIL, 1_300);
    assert!(!health.breaker_open(1_300));
    assert_eq!((health.window_start, health.window_attempts), (1_300, 1));
}

#[test]
fn half_open_probes_close_or_reopen_for_longer() {
    let policy = Policy::default();
    let mut health = Health::default();
    for _ in 0..100 {
        health = record(&policy, health, FAIL, 1_000);
    }
    assert_eq!((health.breaker_opens, health.paused_until), (1, 1_060));
    assert_eq!(policy.in_flight_limit(health.breaker_opens, 16), 1);

    // Attempts started before it opened come back while it is open: nothing changes.
    let straggler = record(&policy, health, FAIL, 1_010);
    assert_eq!(
        (straggler.breaker_opens, straggler.paused_until),
        (1, 1_060)
    );
    let straggler = record(&policy, health, OK, 1_010);
    assert!(straggler.breaker_open(1_010));

    // Failed probes open it again, doubling: 120 s, 240 s, ... at most 1 hour.
    let mut now = 1_060;
    for expected in [120, 240, 480, 960, 1_920, 3_600, 3_600] {
        assert!(health.half_open(now));
        health = record(&policy, health, FAIL, now);
        assert_eq!(health.paused_until - now, expected);
        assert!(health.breaker_open(now));
        now = health.paused_until;
    }

    // A successful probe closes it, with a fresh window: the next failure does not reopen.
    health = record(&policy, health, OK, now);
    assert_eq!(health.breaker_opens, 0);
    assert!(!health.breaker_open(now) && !health.half_open(now));
    assert_eq!(policy.in_flight_limit(health.breaker_opens, 16), 16);
    assert_eq!((health.window_attempts, health.window_failures), (0, 0));
    health = record(&policy, health, FAIL, now);
    assert_eq!(health.breaker_opens, 0);
}

#[test]
fn settings_apply_and_off_never_opens() {
    let policy = Policy::default().breaker(
        Breaker::default()
            .failure_ratio(0.8)
            .window(Duration::from_secs(10))
            .min_attempts(5)
            .open_for(Duration::from_secs(2))
            .max_open(Duration::from_secs(5))
            .probes(3),
    );
    let mut health = Health::default();
    for outcome in [OK, FAIL, FAIL, FAIL, FAIL] {
        health = record(&policy, health, outcome, 0);
    }
    assert!(health.breaker_open(0), "4 of 5 failed: 80%");
    assert_eq!(health.paused_until, 2);
    assert_eq!(policy.in_flight_limit(health.breaker_opens, 16), 3);
    health = record(&policy, health, FAIL, 2);
    health = record(&policy, health, FAIL, health.paused_until);
    assert_eq!(health.paused_until, 6 + 5, "doubling capped at 5 s");

    let off = Policy::default().breaker(Breaker::off());
    let mut health = Health::default();
    for _ in 0..1_000 {
        health = record(&off, health, FAIL, 0);
    }
    assert_eq!((health.breaker_opens, health.paused_until), (0, 0));
    assert_eq!(off.in_flight_limit(3, 16), 16);
}

#[test]
fn throttling_is_not_counted_but_still_pauses() {
    let policy = Policy::default();
    let mut health = Health::default();
    let throttled = AttemptOutcome::Response {
        status: 429,
        retry_after: Some(Duration::from_secs(5)),
    };
    for _ in 0..500 {
        health = record(&policy, health, throttled, 0);
    }
    assert_eq!(health.breaker_opens, 0);
    assert_eq!(health.window_attempts, 0);
    assert_eq!(health.paused_until, 5);
    // 503 with Retry-After counts, and pauses for at least its Retry-After.
    let unavailable = AttemptOutcome::Response {
        status: 503,
        retry_after: Some(Duration::from_secs(600)),
    };
    for _ in 0..100 {
        health = record(&policy, health, unavailable, 0);
    }
    assert_eq!(health.breaker_opens, 1);
    assert_eq!(health.paused_until, 600);
}
