//! The command line over real TLS and with real credentials in its URLs: `hookwire send` to an
//! HTTPS endpoint whose certificate a test CA signed (trusted through `SSL_CERT_FILE` as curl
//! and OpenSSL honour it, or `--cacert`; refused with the certificate problem named otherwise),
//! `rediss://` through a TLS proxy in front of the local Redis, and database URLs whose
//! password never appears in what a failing command prints.

use crate::support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hookwire_test_tls::{TestCa, serve_https, tls_proxy};
use support::{Run, TempFile, run, run_env};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Runs `serve` on a runtime of its own thread for the rest of the test binary's life.
fn background<F>(serve: impl FnOnce() -> F + Send + 'static) -> SocketAddr
where
    F: Future<Output = SocketAddr>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            tx.send(serve().await).expect("address");
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("server started")
}

/// An HTTPS endpoint on 127.0.0.1 with a certificate for `localhost` signed by `ca`, answering
/// every POST `204` and counting them.
fn https_endpoint(ca: &TestCa, posts: &Arc<AtomicUsize>) -> u16 {
    let config = ca.server_config(&["localhost"]);
    let posts = Arc::clone(posts);
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let posts = Arc::clone(&posts);
            async move {
                posts.fetch_add(1, Ordering::SeqCst);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    background(move || serve_https(router, config)).port()
}

#[test]
fn send_delivers_over_https_when_the_ca_is_trusted() {
    let ca = TestCa::new("hookwire CLI test CA");
    let posts = Arc::new(AtomicUsize::new(0));
    let port = https_endpoint(&ca, &posts);
    let body = TempFile::new("event.json", br#"{"order_id":"98765"}"#);
    let ca_file = ca.write_pem(body.path.parent().expect("dir"));
    let ca_file = ca_file.to_str().expect("utf-8");
    let url = format!("https://localhost:{port}/hook");
    let send = |extra: &[&str], env: &[(&str, &str)]| -> Run {
        let mut args = vec![
            "send",
            "--secret",
            SECRET,
            "--url",
            &url,
            "--type",
            "order.shipped",
            "--attempts",
            "2",
            "--retry-delay",
            "0",
        ];
        args.extend_from_slice(extra);
        args.push(body.arg());
        run_env(&args, env)
    };

    // SSL_CERT_FILE replaces the system's roots, as for curl and OpenSSL.
    let out = send(&[], &[("SSL_CERT_FILE", ca_file)]).expect(0);
    assert!(out.stdout.contains("delivered"), "{}", out.stdout);
    // --cacert adds to them.
    send(&["--cacert", ca_file], &[]).expect(0);
    assert_eq!(posts.load(Ordering::SeqCst), 2);

    // Not trusted: both attempts made (a customer can fix a certificate), the reason named.
    let out = send(&[], &[]).expect(1);
    assert!(out.mentions("invalid peer certificate"), "{out:?}");
    assert!(out.mentions("UnknownIssuer"), "{out:?}");
    assert!(out.mentions("2 attempts"), "{out:?}");
    assert_eq!(posts.load(Ordering::SeqCst), 2);
}

#[test]
fn send_refuses_a_certificate_for_another_host() {
    let ca = TestCa::new("hookwire CLI test CA");
    let posts = Arc::new(AtomicUsize::new(0));
    let port = https_endpoint(&ca, &posts);
    let body = TempFile::new("event.json", br#"{"order_id":"98765"}"#);
    let ca_file = ca.write_pem(body.path.parent().expect("dir"));
    // The certificate names `localhost`; 127.0.0.1 is another name.
    let url = format!("https://127.0.0.1:{port}/hook");
    let out = run(&[
        "send",
        "--secret",
        SECRET,
        "--url",
        &url,
        "--attempts",
        "1",
        "--cacert",
        ca_file.to_str().expect("utf-8"),
        body.arg(),
    ])
    .expect(1);
    assert!(out.mentions("not valid for name"), "{out:?}");
    assert_eq!(posts.load(Ordering::SeqCst), 0);
}

#[test]
fn rediss_urls_reach_redis_through_tls() {
    let Ok(redis) = std::env::var("HOOKWIRE_TEST_REDIS_URL") else {
        eprintln!(
            "rediss_urls_reach_redis_through_tls: skipped, HOOKWIRE_TEST_REDIS_URL is not set"
        );
        return;
    };
    let upstream: SocketAddr = redis
        .trim_start_matches("redis://")
        .trim_end_matches('/')
        .parse()
        .expect("HOOKWIRE_TEST_REDIS_URL is redis://IP:PORT");
    let ca = TestCa::new("hookwire CLI test CA");
    let config = ca.server_config(&["localhost"]);
    let proxy = background(move || tls_proxy(config, upstream));
    let dir = TempFile::new("unused", b"");
    let ca_file = ca.write_pem(dir.path.parent().expect("dir"));
    let ca_file = ca_file.to_str().expect("utf-8");
    let queue = format!("tls{}", std::process::id());
    let inbox = format!(
        "rediss://localhost:{}/?prefix=hw:clitls:{queue}:",
        proxy.port()
    );
    let args = [
        "inbox", "stats", "--inbox", &inbox, "--queue", &queue, "--json",
    ];

    let out = run_env(&args, &[("SSL_CERT_FILE", ca_file)]).expect(0);
    assert!(out.stdout.contains("\"waiting\":0"), "{out:?}");
    let out = run(&args);
    assert_ne!(out.code, 0, "{out:?}");
}

/// What a command printed on failure, checked to keep the password out.
fn fails_without_password(args: &[&str]) -> Run {
    let out = run(args);
    assert_ne!(out.code, 0, "{args:?} should fail: {out:?}");
    assert!(
        !out.mentions("PASSWORD"),
        "the password was printed: {out:?}"
    );
    out
}

#[test]
fn database_passwords_stay_out_of_errors() {
    for db in [
        // A bad port, an unreachable host, a bad sslmode, TLS asked of a server that may not
        // have it, a port that does not parse.
        "postgres://u:PASSWORD@127.0.0.1:1/test",
        "postgres://u:PASSWORD@db.invalid:5432/test",
        "postgres://u:PASSWORD@127.0.0.1:5432/test?sslmode=bogus",
        "postgres://u:PASSWORD@127.0.0.1:1/test?sslmode=verify-full",
        "postgres://u:PASSWORD@127.0.0.1:99999/test",
        "postgres://127.0.0.1:1/test?user=u&password=PASSWORD",
        // A password holding `/` or `?` unencoded: sqlx cannot parse it, the message still
        // must not show it.
        "postgres://u:PASS/WORD@127.0.0.1:1/test",
        "postgres://u:PASS?WORD@127.0.0.1:1/test",
    ] {
        let out = fails_without_password(&["endpoint", "list", "--db", db]);
        assert!(
            out.mentions("u:***@") || out.mentions("password=***"),
            "{db}: {out:?}"
        );
    }
    for inbox in [
        "redis://:PASSWORD@127.0.0.1:1",
        "rediss://:PASSWORD@127.0.0.1:1",
        "redis://:PASSWORD@127.0.0.1:99999",
        "redis://u:PASSWORD@db.invalid:6379",
        "postgres://u:PASSWORD@127.0.0.1:1/test",
    ] {
        fails_without_password(&["inbox", "stats", "--inbox", inbox, "--queue", "q"]);
    }
}
