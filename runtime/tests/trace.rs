//! Traces across the wire (`hookwire::trace`, feature `otel`): an event published inside a
//! span is delivered by a real outbox worker to a hookwire receiver on 127.0.0.1, and the
//! handler runs in the publisher's trace, directly and from the inbox; the spans exported to an
//! in-memory exporter form one chain (publish <- attempt <- webhook/inbox). And the stores keep
//! the context: publish then claim carries it, on memory, SQLite and PostgreSQL.
//!
//! The subscriber is the test thread's default (`set_default`) and the runtime has one thread,
//! so no other test's spans reach the exporter.

use crate::outbox_support::stores;
use crate::receiver_support::{Kind, Ping};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookwire::inbox::MemoryInbox;
use hookwire::outbox::{ClaimRequest, MemoryOutbox, NewEndpoint, OutboxStore, RawEvent, Worker};
use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
use hookwire::trace::TraceContext;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// A subscriber with the OpenTelemetry layer exporting to `exporter`, the default of this
/// thread until the guard drops.
fn traced(
    exporter: &InMemorySpanExporter,
) -> (tracing::subscriber::DefaultGuard, SdkTracerProvider) {
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("hookwire-test"));
    let subscriber = tracing_subscriber::registry().with(layer);
    (tracing::subscriber::set_default(subscriber), provider)
}

/// The trace ids the handler saw (its current span's), one per run.
type Seen = Arc<Mutex<Vec<Option<String>>>>;

/// A Standard Webhooks receiver whose `test.ping` handler records its current trace id, with an
/// inbox when `inbox` says so.
fn receiver(seen: &Seen, inbox: bool) -> Receiver {
    let record = Arc::clone(seen);
    let receiver: Receiver = Receiver::new(WebhookConfig::from_arc(Kind::Standard.scheme())).on(
        move |_: Delivery<Ping>| {
            let record = Arc::clone(&record);
            async move {
                let trace = TraceContext::current().map(|c| c.trace_id().to_owned());
                record.lock().unwrap().push(trace);
            }
        },
    );
    if inbox {
        receiver.inbox(Arc::new(MemoryInbox::new()), "trace")
    } else {
        receiver
    }
}

/// Serves `receiver` on 127.0.0.1; its URL.
async fn serve(receiver: &Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let router = receiver.clone().into_router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// Publishes one `test.ping` inside a `publish` span, lets a worker deliver it to `url` and
/// returns the publish span's trace id once `done` says the delivery arrived.
async fn publish_and_deliver(url: &str, done: impl Fn() -> bool) -> String {
    let store = Arc::new(MemoryOutbox::new());
    store
        .add_endpoint(&NewEndpoint::new(url, SECRET).allow_private(true))
        .await
        .unwrap();
    let publish = tracing::info_span!("publish");
    let published = TraceContext::of_span(&publish).expect("the layer gives spans a context");
    let event = RawEvent::new("test.ping", serde_json::json!({ "n": 1 })).unwrap();
    store
        .publish_raw(&[event])
        .instrument(publish)
        .await
        .unwrap();

    let worker = Worker::builder(Arc::clone(&store))
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let wait = async {
        for _ in 0..500 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("not delivered within 5 s");
    };
    worker.run_until(wait).await;
    published.trace_id().to_owned()
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> Vec<&'a SpanData> {
    spans.iter().filter(|span| span.name == name).collect()
}

/// The exported span `name` (exactly one) is a child of the exported span `parent` (exactly
/// one), in trace `trace_id`.
fn child_of(spans: &[SpanData], name: &str, parent: &str, trace_id: &str) {
    let (children, parents) = (named(spans, name), named(spans, parent));
    let names: Vec<_> = spans.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(
        (children.len(), parents.len()),
        (1, 1),
        "{name} of {parent} in {names:?}"
    );
    let (child, parent) = (children[0], parents[0]);
    assert_eq!(
        child.span_context.trace_id().to_string(),
        trace_id,
        "{name}"
    );
    assert_eq!(
        child.parent_span_id,
        parent.span_context.span_id(),
        "{name}'s parent"
    );
}

#[tokio::test]
async fn one_trace_from_publish_to_the_handler() {
    let exporter = InMemorySpanExporter::default();
    let (_guard, provider) = traced(&exporter);
    let seen = Seen::default();
    let receiver = receiver(&seen, false);
    let url = serve(&receiver).await;

    let trace_id = publish_and_deliver(&url, || !seen.lock().unwrap().is_empty()).await;
    assert_eq!(*seen.lock().unwrap(), [Some(trace_id.clone())]);

    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    child_of(&spans, "webhook_attempt", "publish", &trace_id);
    child_of(&spans, "webhook", "webhook_attempt", &trace_id);
}

#[tokio::test]
async fn the_inbox_run_continues_the_trace() {
    let exporter = InMemorySpanExporter::default();
    let (_guard, provider) = traced(&exporter);
    let seen = Seen::default();
    let receiver = receiver(&seen, true);
    let url = serve(&receiver).await;
    let worker = receiver.inbox_worker(());

    let stored = || {
        let spans = exporter.get_finished_spans().unwrap_or_default();
        !named(&spans, "webhook").is_empty()
    };
    let trace_id = publish_and_deliver(&url, stored).await;
    assert!(
        seen.lock().unwrap().is_empty(),
        "ran before the inbox worker"
    );
    assert_eq!(worker.run_once().await.unwrap(), 1);
    assert_eq!(*seen.lock().unwrap(), [Some(trace_id.clone())]);

    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    child_of(&spans, "webhook", "webhook_attempt", &trace_id);
    child_of(&spans, "inbox", "webhook_attempt", &trace_id);
}

/// Publish, then claim: the claim carries the context given at publish, and one captured from
/// the publishing span when none is given; none without either.
async fn survives_storage<S: OutboxStore>(store: &S) {
    let exporter = InMemorySpanExporter::default();
    let (_guard, _provider) = traced(&exporter);
    store
        .add_endpoint(&NewEndpoint::new("https://example.com/hooks", SECRET))
        .await
        .unwrap();
    let given = TraceContext::parse(PARENT, Some("congo=t61rcWkgMzE")).unwrap();
    let explicit = RawEvent::new("a.given", serde_json::json!({}))
        .unwrap()
        .trace(given.clone());
    store.publish_raw(&[explicit]).await.unwrap();
    let span = tracing::info_span!("publish");
    let current = TraceContext::of_span(&span).unwrap();
    let captured = RawEvent::new("b.captured", serde_json::json!({})).unwrap();
    store
        .publish_raw(&[captured])
        .instrument(span)
        .await
        .unwrap();
    let none = RawEvent::new("c.none", serde_json::json!({})).unwrap();
    store.publish_raw(&[none]).await.unwrap();

    let mut claimed = store.claim(ClaimRequest::new(10)).await.unwrap();
    claimed.sort_by(|a, b| a.event_type.cmp(&b.event_type));
    let traces: Vec<_> = claimed.iter().map(|c| c.trace.clone()).collect();
    assert_eq!(traces, [Some(given), Some(current), None]);
}

#[tokio::test]
async fn the_context_survives_storage_in_memory() {
    survives_storage(&MemoryOutbox::new()).await;
}

#[tokio::test]
async fn the_context_survives_storage_on_sqlite() {
    survives_storage(&stores::sqlite().await).await;
}

#[tokio::test]
async fn the_context_survives_storage_on_postgres() {
    let Some((store, _guard)) = stores::postgres_guarded("trace").await else {
        return;
    };
    survives_storage(&store).await;
}
