//! The receiver's and the inbox's metrics (feature `metrics`), as the Prometheus page shows
//! them: rejections by reason, duplicate hits, inbox runs by outcome, backlog and dead letters.
//! Its own test binary: it installs the process's metrics recorder.

mod receiver_support;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use hookwire::clock::FixedClock;
use hookwire::inbox::MemoryInbox;
use hookwire::metrics::Prometheus;
use hookwire::receiver::{Delivery, Receiver};
use hookwire::retry::RetryPolicy;
use receiver_support::{Kind, NOW, Ping, Target, Transport};

/// The value of the series `name` (with its labels, as rendered), if present.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn rejections_duplicates_and_inbox_outcomes_are_counted() {
    let metrics = Prometheus::install().unwrap();

    // A receiver that handles directly: a delivery, its duplicate, a forged one.
    let direct = Receiver::new(Kind::Standard.config())
        .on(|_: Delivery<Ping>| async { Ok::<(), &str>(()) })
        .into_router();
    let target = Target::new(direct, Transport::Oneshot).await;
    let delivery = Kind::Standard.ping("msg_metrics_1", 1);
    assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
    assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
    let mut forged = Kind::Standard.ping("msg_metrics_2", 2);
    forged.body.push(b' ');
    assert_eq!(target.send(&forged).await.status, StatusCode::UNAUTHORIZED);

    // A receiver with an inbox whose handler always fails, with no retries: a dead letter.
    let clock = Arc::new(FixedClock::new(NOW));
    let failing: Receiver = Receiver::new(Kind::Standard.config().clock(Arc::clone(&clock)))
        .on(|_: Delivery<Ping>| async { Err::<(), &str>("the database is down") })
        .inbox(MemoryInbox::new(), "metrics");
    let stored = Target::new(failing.clone().into_router(), Transport::Oneshot).await;
    for n in 0..2 {
        let id = format!("msg_inbox_{n}");
        assert_eq!(
            stored.send(&Kind::Standard.ping(&id, n)).await.status,
            StatusCode::OK
        );
    }
    let worker = failing.inbox_worker(()).retry(RetryPolicy::never());
    worker.run_once().await.unwrap();
    // `run` samples the queue when it starts; stop it at once.
    failing
        .inbox_worker(())
        .run(tokio::time::sleep(Duration::from_millis(50)))
        .await
        .unwrap();

    let text = metrics.render();
    let series = |name: &str| value(&text, name).unwrap_or_else(|| panic!("no {name} in:\n{text}"));
    assert_eq!(series("hookwire_receiver_duplicates_total"), 1.0);
    assert_eq!(
        series("hookwire_receiver_rejected_total{reason=\"duplicate\"}"),
        1.0
    );
    assert_eq!(
        series("hookwire_receiver_rejected_total{reason=\"invalid_signature\"}"),
        1.0
    );
    assert_eq!(series("hookwire_inbox_runs_total{outcome=\"dead\"}"), 2.0);
    assert_eq!(
        series("hookwire_inbox_dead_letters{queue=\"metrics\"}"),
        2.0
    );
    assert_eq!(series("hookwire_inbox_backlog{queue=\"metrics\"}"), 0.0);
    assert!(text.contains("# HELP hookwire_inbox_backlog "), "{text}");
}
