//! A closed feed: `GET /events` only with a consumer's bearer token; items signed for that
//! consumer and verified by `FeedClient` before any handler sees them (forged, altered and
//! re-typed items from a fake feed on loopback are refused and reported); no redirect to
//! another origin followed (127.0.0.1 and `localhost` are two hosts to the client); a slow
//! feed times out; an oversized page is refused; the feed is read over HTTPS from a trusted
//! certificate, and an untrusted one or one for another host is named.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::routing::get;
use hookwire::Timestamp;
use hookwire::clock::{Clock, SystemClock};
use hookwire::feed::{
    CatchUpError, Cursor, FeedClient, FeedConsumer, FeedConsumers, FeedEvent, FeedPage,
    FeedReadError, FeedToken, ItemRejected, RawEnvelope, SignedPage,
};
use hookwire::outbox::RawEvent;
use hookwire::signature::StandardWebhooks;
use hookwire::sqlite::{SqliteOutbox, SqliteStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SECRET: &str = "whsec_Y29uc3VtZXIgc2VjcmV0";
const OTHER_SECRET: &str = "whsec_YW5vdGhlciBzZWNyZXQ=";

fn secret(text: &str) -> StandardWebhooks {
    StandardWebhooks::new(text).unwrap()
}

/// Serves `app` on 127.0.0.1, returning its port.
async fn serve(app: axum::Router) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

/// An outbox with `count` events, served as a feed to one consumer; the feed's port and the
/// consumer's token.
async fn shop(test: &str, count: u32) -> (u16, FeedToken) {
    let (router, token) = shop_router(test, count).await;
    (serve(router).await, token)
}

/// An outbox with `count` events and the router serving its feed to one consumer, with the
/// consumer's token.
async fn shop_router(test: &str, count: u32) -> (axum::Router, FeedToken) {
    let path =
        std::env::temp_dir().join(format!("hookwire-closed-{test}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mut tx = outbox.begin().await.unwrap();
    for n in 0..count {
        let event = RawEvent::new("order.created", serde_json::json!({ "n": n })).unwrap();
        outbox.publish_raw_in(&mut tx, &event).await.unwrap();
    }
    tx.commit().await.unwrap();
    let token = FeedToken::generate().unwrap();
    let consumers = FeedConsumers::new()
        .with(FeedConsumer::new("acme", &token, secret(SECRET)).unwrap())
        .unwrap();
    let router = hookwire::feed::router(
        SqliteStore::from_pool(outbox.pool().clone())
            .await
            .unwrap()
            .feed(),
        consumers,
    );
    (router, token)
}

/// Runs a catch-up, returning its outcome and the ids its handler saw.
async fn catch_up(
    client: &mut FeedClient,
) -> (Result<usize, CatchUpError<std::io::Error>>, Vec<String>) {
    let mut seen = Vec::new();
    let outcome = client
        .catch_up(|event| {
            seen.push(event.id);
            async { Ok(()) }
        })
        .await;
    (outcome, seen)
}

#[tokio::test]
async fn reads_without_a_consumers_token_are_refused() {
    let (port, token) = shop("auth", 2).await;
    let url = format!("http://127.0.0.1:{port}/events");
    let http = reqwest::Client::new();

    let missing = http.get(&url).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    let challenge = missing.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert_eq!(
        missing.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let problem: serde_json::Value = serde_json::from_str(&missing.text().await.unwrap()).unwrap();
    assert_eq!(problem["status"], 401);

    let wrong = FeedToken::generate().unwrap();
    let refused = http
        .get(&url)
        .bearer_auth(wrong.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let challenge = refused.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap();
    assert!(
        challenge.contains(r#"error="invalid_token""#),
        "{challenge}"
    );
    let body = refused.text().await.unwrap();
    assert!(!body.contains(wrong.expose_secret()), "{body}");

    // Checked before the parameters: a bad cursor without a token is still a 401.
    let probe = http.get(format!("{url}?after=x")).send().await.unwrap();
    assert_eq!(probe.status(), StatusCode::UNAUTHORIZED);

    // Through the client: a typed refusal; with the right token, the events.
    let base = format!("http://127.0.0.1:{port}");
    let mut client = FeedClient::new(base.clone(), wrong, secret(SECRET)).unwrap();
    let (outcome, seen) = catch_up(&mut client).await;
    assert!(
        matches!(outcome, Err(CatchUpError::Feed(FeedReadError::Unauthorized { status, .. })) if status == 401),
        "{outcome:?}"
    );
    assert!(seen.is_empty());
    let mut client = FeedClient::new(base, token, secret(SECRET)).unwrap();
    let (outcome, seen) = catch_up(&mut client).await;
    assert_eq!(outcome.unwrap(), 2);
    assert_eq!(seen.len(), 2);
}

#[tokio::test]
async fn a_feed_with_no_consumers_refuses_everyone() {
    let path = std::env::temp_dir().join(format!("hookwire-closed-none-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let outbox_port = serve(hookwire::feed::router(
        SqliteStore::from_pool(outbox.pool().clone())
            .await
            .unwrap()
            .feed(),
        FeedConsumers::new(),
    ))
    .await;
    let any = FeedToken::generate().unwrap();
    let answer = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{outbox_port}/events"))
        .bearer_auth(any.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
}

fn event(n: u32, event_type: &str) -> FeedEvent {
    let envelope = format!(
        r#"{{"type":"{event_type}","timestamp":"2026-01-01T00:00:00Z","data":{{"n":{n}}}}}"#
    );
    FeedEvent {
        cursor: Cursor::parse(&n.to_string()).unwrap(),
        id: format!("evt_{n}"),
        event_type: event_type.to_owned(),
        created_at: 1_700_000_000,
        envelope: RawEnvelope::from_json(envelope).unwrap(),
    }
}

/// A fake feed on 127.0.0.1 serving `page` to anyone; its base URL and how often it was asked.
async fn fake_feed(page: SignedPage) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let body = serde_json::to_string(&page).unwrap();
    let app = axum::Router::new().route(
        "/events",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    (format!("http://127.0.0.1:{}", serve(app).await), hits)
}

/// A page with a good first item and `bad` second.
fn page_with(bad: impl FnOnce(FeedEvent) -> hookwire::feed::SignedEvent) -> SignedPage {
    let now = SystemClock.now();
    let good = event(1, "order.created")
        .sign(&secret(SECRET), now)
        .unwrap();
    SignedPage {
        data: vec![good, bad(event(2, "order.created"))],
        next: Some(Cursor::parse("2").unwrap()),
        done: true,
    }
}

#[tokio::test]
async fn forged_items_never_reach_a_handler() {
    let now = SystemClock.now();
    let wrong_secret = page_with(|e| e.sign(&secret(OTHER_SECRET), now).unwrap());
    let altered_body = page_with(|e| {
        let mut signed = e.sign(&secret(SECRET), now).unwrap();
        signed.envelope = event(666, "order.created").envelope;
        signed
    });
    let retyped = page_with(|e| {
        let mut signed = e.sign(&secret(SECRET), now).unwrap();
        signed.event_type = "refund.issued".into();
        signed
    });
    let unsigned = page_with(|e| {
        let mut signed = e.sign(&secret(SECRET), now).unwrap();
        signed.signature = String::new();
        signed
    });
    let replayed = page_with(|e| {
        e.sign(
            &secret(SECRET),
            Timestamp::from_unix(now.unix_seconds() - 3_600),
        )
        .unwrap()
    });
    let cases = [
        ("wrong secret", wrong_secret),
        ("altered body", altered_body),
        ("retyped", retyped),
        ("unsigned", unsigned),
        ("an hour old", replayed),
    ];
    for (case, page) in cases {
        let (base, hits) = fake_feed(page).await;
        let start = Cursor::parse("0").unwrap();
        let mut client = FeedClient::new(base, FeedToken::generate().unwrap(), secret(SECRET))
            .unwrap()
            .after(start.clone());
        let (outcome, seen) = catch_up(&mut client).await;
        assert!(seen.is_empty(), "{case}: the handler saw {seen:?}");
        let Err(CatchUpError::Feed(FeedReadError::Rejected(rejected))) = &outcome else {
            panic!("{case}: {outcome:?}")
        };
        let expected = match case {
            "retyped" => {
                matches!(rejected, ItemRejected::TypeMismatch { event_id, .. } if event_id == "evt_2")
            }
            _ => {
                matches!(rejected, ItemRejected::Signature { event_id, .. } if event_id == "evt_2")
            }
        };
        assert!(expected, "{case}: {rejected}");
        assert_eq!(client.cursor(), Some(&start), "{case}: the cursor stays");
        assert_eq!(hits.load(Ordering::SeqCst), 1, "{case}");
        let shown = outcome.unwrap_err().to_string();
        assert!(shown.contains("evt_2"), "{case}: {shown}");
    }

    // The same page, honestly signed, is handled whole.
    let honest = page_with(|e| e.sign(&secret(SECRET), now).unwrap());
    let (base, _) = fake_feed(honest).await;
    let mut client = FeedClient::new(base, FeedToken::generate().unwrap(), secret(SECRET)).unwrap();
    let (outcome, seen) = catch_up(&mut client).await;
    assert_eq!(outcome.unwrap(), 2);
    assert_eq!(seen, ["evt_1", "evt_2"]);
}

/// One consumer's page does not verify with another consumer's secret.
#[tokio::test]
async fn items_are_signed_for_the_consumer_that_asked() {
    let (port, token) = shop("per-consumer", 1).await;
    let mut client = FeedClient::new(
        format!("http://127.0.0.1:{port}"),
        token,
        secret(OTHER_SECRET),
    )
    .unwrap();
    let (outcome, seen) = catch_up(&mut client).await;
    assert!(
        matches!(outcome, Err(CatchUpError::Feed(FeedReadError::Rejected(_)))),
        "{outcome:?}"
    );
    assert!(seen.is_empty());
}

/// A server answering every `/events` (under any prefix) with a redirect to `to`.
async fn redirecting(to: String) -> u16 {
    serve(axum::Router::new().fallback(move || {
        let to = to.clone();
        async move { (StatusCode::FOUND, [(header::LOCATION, to)]) }
    }))
    .await
}

#[tokio::test]
async fn redirects_to_another_host_or_port_are_not_followed() {
    // The real feed, honestly signed, at 127.0.0.1:<feed>; the client is pointed at another
    // server that redirects there under another name or port.
    let (feed, token) = shop("redirect", 2).await;
    let honest = |to: String| {
        let token = token.clone();
        async move {
            let port = redirecting(to).await;
            let mut client =
                FeedClient::new(format!("http://127.0.0.1:{port}"), token, secret(SECRET)).unwrap();
            catch_up(&mut client).await
        }
    };
    for (case, to) in [
        ("another host", format!("http://localhost:{feed}/events")),
        ("another port", format!("http://127.0.0.1:{feed}/events")),
        ("a downgrade", format!("https://127.0.0.1:{feed}/events")),
    ] {
        let (outcome, seen) = honest(to.clone()).await;
        assert!(seen.is_empty(), "{case}: followed to {to}: {seen:?}");
        let Err(CatchUpError::Feed(FeedReadError::Redirected { status, location })) = &outcome
        else {
            panic!("{case}: {outcome:?}")
        };
        assert_eq!(*status, StatusCode::FOUND);
        assert!(
            to.starts_with(location.as_deref().unwrap()),
            "{case}: {location:?}"
        );
    }

    // Within its own origin the feed may move: `/old/events` -> `/events`.
    let moved = serve(
        axum::Router::new()
            .route(
                "/old/events",
                get(|uri: axum::http::Uri| async move {
                    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
                    (
                        StatusCode::PERMANENT_REDIRECT,
                        [(header::LOCATION, format!("/events{query}"))],
                    )
                }),
            )
            .fallback(move |request: axum::extract::Request| async move {
                // Stands in for the feed at the same origin: forward to the real one.
                let query = request
                    .uri()
                    .query()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default();
                let auth = request.headers().get(header::AUTHORIZATION).cloned();
                let mut forward =
                    reqwest::Client::new().get(format!("http://127.0.0.1:{feed}/events{query}"));
                if let Some(auth) = auth {
                    forward = forward.header(header::AUTHORIZATION, auth);
                }
                let answer = forward.send().await.unwrap();
                (answer.status(), answer.text().await.unwrap())
            }),
    )
    .await;
    let mut client = FeedClient::new(
        format!("http://127.0.0.1:{moved}/old"),
        token,
        secret(SECRET),
    )
    .unwrap();
    let (outcome, seen) = catch_up(&mut client).await;
    assert_eq!(outcome.unwrap(), 2);
    assert_eq!(seen.len(), 2);
}

/// Reads a request's head (a `GET` has no body).
async fn read_request(stream: &mut tokio::net::TcpStream) {
    let mut seen = Vec::new();
    let mut buffer = [0_u8; 1024];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
        }
    }
}

/// A loopback server that accepts connections and answers each request with `head` (maybe
/// nothing), then holds the connection open without another byte.
async fn stalling(head: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            read_request(&mut stream).await;
            let _ = stream.write_all(head).await;
            held.push(stream);
        }
    });
    base
}

#[tokio::test]
async fn a_slow_feed_times_out() {
    for (case, head) in [
        ("no answer", &b""[..]),
        (
            "a stalled body",
            &b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"data\":["[..],
        ),
    ] {
        let base = stalling(head).await;
        let mut client = FeedClient::builder(base, FeedToken::generate().unwrap(), secret(SECRET))
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        // The guard only turns a hang into a failure; the client's own timeout answers first.
        let outcome = tokio::time::timeout(Duration::from_secs(10), client.next_page())
            .await
            .unwrap_or_else(|_| panic!("{case}: still waiting after 10 s"));
        let error = outcome.unwrap_err();
        assert!(matches!(error, FeedReadError::Timeout { .. }), "{case}: {error:?}");
        assert!(error.to_string().contains("300ms"), "{case}: {error}");
    }
}

/// The body of a valid page of `count` events.
fn big_page(count: u32) -> String {
    let page = FeedPage {
        data: (1..=count).map(|n| event(n, "order.created")).collect(),
        next: None,
        done: true,
    };
    serde_json::to_string(&page.sign(&secret(SECRET), SystemClock.now()).unwrap()).unwrap()
}

#[tokio::test]
async fn an_oversized_page_is_refused() {
    let limit = 64 * 1024;
    let body = big_page(600);
    assert!(body.len() > limit, "{}", body.len());
    // Declared (content-length) and undeclared (chunked) sizes alike.
    let declared = {
        let body = body.clone();
        serve(axum::Router::new().route(
            "/events",
            get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        ))
        .await
    };
    let chunked = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let body = body.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                read_request(&mut stream).await;
                let mut answer =
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                        .to_vec();
                for chunk in body.as_bytes().chunks(8 * 1024) {
                    answer.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    answer.extend_from_slice(chunk);
                    answer.extend_from_slice(b"\r\n");
                }
                answer.extend_from_slice(b"0\r\n\r\n");
                let _ = stream.write_all(&answer).await;
            }
        });
        port
    };
    for (case, port) in [("declared", declared), ("chunked", chunked)] {
        let base = format!("http://127.0.0.1:{port}");
        let mut client =
            FeedClient::builder(base.clone(), FeedToken::generate().unwrap(), secret(SECRET))
                .max_page_bytes(limit)
                .build()
                .unwrap();
        let error = client.next_page().await.unwrap_err();
        assert!(
            matches!(error, FeedReadError::TooLarge { limit: l } if l == limit),
            "{case}: {error:?}"
        );
        // The same page fits under a larger cap.
        let mut roomy = FeedClient::builder(base, FeedToken::generate().unwrap(), secret(SECRET))
            .max_page_bytes(body.len())
            .build()
            .unwrap();
        assert_eq!(roomy.next_page().await.unwrap().data.len(), 600, "{case}");
    }
}

#[tokio::test]
async fn the_feed_is_read_over_https() {
    let (router, token) = shop_router("https", 2).await;
    let ca = hookwire_test_tls::TestCa::new("hookwire feed test CA");
    let localhost =
        hookwire_test_tls::serve_https(router.clone(), ca.server_config(&["localhost"]))
            .await
            .port();
    let roots = || reqwest::Certificate::from_pem_bundle(ca.pem().as_bytes()).unwrap();
    let base = format!("https://localhost:{localhost}");
    let trusting = |base: String| {
        FeedClient::builder(base, token.clone(), secret(SECRET))
            .root_certificates(roots())
            .build()
            .unwrap()
    };

    let (outcome, seen) = catch_up(&mut trusting(base.clone())).await;
    assert_eq!(outcome.unwrap(), 2);
    assert_eq!(seen.len(), 2);

    let mut untrusting = FeedClient::new(base, token.clone(), secret(SECRET)).unwrap();
    let error = untrusting.next_page().await.unwrap_err();
    assert!(matches!(error, FeedReadError::Transport(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("UnknownIssuer"), "{text}");
    assert!(!text.contains(token.expose_secret()));

    let elsewhere = hookwire_test_tls::serve_https(router, ca.server_config(&["other.example"]))
        .await
        .port();
    let error = trusting(format!("https://localhost:{elsewhere}"))
        .next_page()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("not valid for name"), "{text}");
}

/// A consumer limited to `order.*` reads only those, whatever it asks; asking only for other
/// types is `403`; its cursor still moves past the events it may not see.
#[tokio::test]
async fn a_consumer_limited_to_some_types_reads_only_those() {
    let path =
        std::env::temp_dir().join(format!("hookwire-closed-scope-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mut tx = outbox.begin().await.unwrap();
    for kind in [
        "order.created",
        "invoice.paid",
        "order.shipped",
        "invoice.paid",
    ] {
        let event = RawEvent::new(kind, serde_json::json!({})).unwrap();
        outbox.publish_raw_in(&mut tx, &event).await.unwrap();
    }
    tx.commit().await.unwrap();
    let token = FeedToken::generate().unwrap();
    let consumer = FeedConsumer::new("acme", &token, secret(SECRET))
        .unwrap()
        .types(["order.*"]);
    let consumers = FeedConsumers::new().with(consumer).unwrap();
    let port = serve(hookwire::feed::router(
        SqliteStore::from_pool(outbox.pool().clone())
            .await
            .unwrap()
            .feed(),
        consumers,
    ))
    .await;
    let base = format!("http://127.0.0.1:{port}");
    let read = |types: &[&str]| {
        let client = FeedClient::new(base.clone(), token.clone(), secret(SECRET))
            .unwrap()
            .types(types.iter().copied());
        async move {
            let mut client = client;
            let mut seen = Vec::new();
            let outcome = client
                .catch_up(|event| {
                    seen.push(event.event_type);
                    async { Ok::<(), std::io::Error>(()) }
                })
                .await;
            (outcome, seen, client.cursor().cloned())
        }
    };

    let (outcome, everything, cursor) = read(&[]).await;
    assert_eq!(outcome.unwrap(), 2);
    assert_eq!(everything, ["order.created", "order.shipped"]);
    assert_eq!(cursor.unwrap().as_str(), "4", "past the invoices too");

    let (_, mixed, _) = read(&["order.created", "invoice.*"]).await;
    assert_eq!(mixed, ["order.created"]);

    let (outcome, seen, _) = read(&["invoice.paid"]).await;
    assert!(seen.is_empty());
    let Err(CatchUpError::Feed(FeedReadError::Unauthorized { status, problem })) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem.unwrap().parameter(), Some("types"));
}
