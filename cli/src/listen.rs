//! `hookwire listen`: a local receiver that verifies every request through the axum
//! receiver's [`VerifiedWebhook`] path (content type, body limit, the scheme's verification)
//! and prints it.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::{FromRef, FromRequest, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hookwire::receiver::{ReceiveError, VerifiedWebhook, WebhookConfig};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::error::CliError;
use crate::{ListenArgs, scheme};

mod print;

use print::{Printer, Verdict};

#[derive(Clone)]
struct Listener {
    config: WebhookConfig,
    printer: Printer,
    /// Requests left before stopping, for `--count`.
    remaining: Option<Arc<AtomicU64>>,
    stop: Arc<Notify>,
}

impl FromRef<Listener> for WebhookConfig {
    fn from_ref(listener: &Listener) -> Self {
        listener.config.clone()
    }
}

pub(crate) fn run(args: ListenArgs) -> Result<ExitCode, CliError> {
    let name = args.key.scheme;
    let tolerance = scheme::tolerance(
        name,
        args.tolerance.tolerance,
        args.tolerance.no_timestamp_check,
    );
    let scheme = scheme::build(name, args.key.secrets, tolerance)?;
    if args.count == Some(0) {
        return Err(CliError::usage("--count must be at least 1"));
    }
    // Every request is printed, so a redelivery is shown again rather than skipped.
    let config = WebhookConfig::from_arc(scheme)
        .body_limit(args.max_body)
        .without_dedup();
    let listener = Listener {
        config,
        printer: Printer { json: args.json },
        remaining: args.count.map(|n| Arc::new(AtomicU64::new(n))),
        stop: Arc::new(Notify::new()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| CliError::failed(format!("cannot start the runtime: {err}")))?;
    runtime.block_on(serve(listener, args.port))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(listener: Listener, port: u16) -> Result<(), CliError> {
    let socket = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|err| CliError::failed(format!("cannot listen on 127.0.0.1:{port}: {err}")))?;
    let address = socket
        .local_addr()
        .map_err(|err| CliError::failed(format!("cannot read the listening address: {err}")))?;
    // The first line: scripts and tests read the port from it.
    println!(
        "listening on http://{address} ({}); press Ctrl-C to stop",
        listener.config.scheme().name()
    );
    let stop = Arc::clone(&listener.stop);
    let app = Router::new().fallback(receive).with_state(listener);
    axum::serve(socket, app)
        .with_graceful_shutdown(shutdown(stop))
        .await
        .map_err(|err| CliError::failed(format!("the server stopped: {err}")))
}

/// Resolves on Ctrl-C, SIGTERM, or once `--count` requests were answered.
async fn shutdown(stop: Arc<Notify>) {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => eprintln!("stopping (Ctrl-C)"),
        () = terminate => eprintln!("stopping (terminated)"),
        () = stop.notified() => {}
    }
}

async fn receive(State(listener): State<Listener>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let (verdict, response) = if method == Method::POST {
        match VerifiedWebhook::from_request(request, &listener).await {
            Ok(webhook) => accept(&listener.config, webhook),
            Err(error) => reject(error),
        }
    } else {
        let verdict = Verdict::NotPost;
        (verdict, StatusCode::METHOD_NOT_ALLOWED.into_response())
    };
    listener
        .printer
        .print(&method, &path, &headers, &verdict, response.status());
    if let Some(remaining) = &listener.remaining {
        if remaining.fetch_sub(1, Ordering::SeqCst) == 1 {
            listener.stop.notify_one();
        }
    }
    response
}

/// A verified delivery: its event type must be where the scheme's payload format puts it
/// (`400` otherwise, as the receiver answers), except for form-encoded Slack requests.
fn accept(config: &WebhookConfig, webhook: VerifiedWebhook) -> (Verdict, Response) {
    let event_type = if is_form(&webhook.headers) {
        None
    } else {
        match config
            .payload_format()
            .event_type(&webhook.headers, &webhook.body)
        {
            Ok(event_type) => Some(event_type),
            Err(error) => return reject(error),
        }
    };
    let verdict = Verdict::Verified {
        id: webhook.id,
        timestamp: webhook.timestamp,
        event_type,
        body: webhook.body,
    };
    (verdict, StatusCode::NO_CONTENT.into_response())
}

fn reject(error: ReceiveError) -> (Verdict, Response) {
    let verdict = Verdict::Rejected {
        code: error.code(),
        reason: error.to_string(),
    };
    (verdict, error.into_response())
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}
