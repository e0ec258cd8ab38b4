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
use hookwire::Events;
use hookwire::receiver::{ReceiveError, VerifiedWebhook, WebhookConfig};
use serde::Deserializer;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::error::CliError;
use crate::{ListenArgs, scheme};

mod pretty;
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
    let scheme = scheme::verifier(args.key, &args.tolerance)?;
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
    // Installed before the first line is printed, so a Ctrl-C right after it stops cleanly.
    let signals = Signals::install()
        .map_err(|err| CliError::failed(format!("cannot handle signals: {err}")))?;
    let socket = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|err| CliError::failed(format!("cannot listen on 127.0.0.1:{port}: {err}")))?;
    let address = socket
        .local_addr()
        .map_err(|err| CliError::failed(format!("cannot read the listening address: {err}")))?;
    // The first line: scripts and tests read the port from it.
    outln!(
        "listening on http://{address} ({}); press Ctrl-C to stop",
        listener.config.scheme().name()
    );
    let stop = Arc::clone(&listener.stop);
    let app = Router::new().fallback(receive).with_state(listener);
    axum::serve(socket, app)
        .with_graceful_shutdown(signals.or(stop))
        .await
        .map_err(|err| CliError::failed(format!("the server stopped: {err}")))
}

/// Ctrl-C and, on Unix, SIGTERM.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn install() -> std::io::Result<Self> {
        Ok(Signals {})
    }

    /// Resolves on a signal, or once `--count` requests were answered.
    #[cfg(unix)]
    async fn or(mut self, stop: Arc<Notify>) {
        tokio::select! {
            _ = self.interrupt.recv() => eprintln!("stopping (Ctrl-C)"),
            _ = self.terminate.recv() => eprintln!("stopping (terminated)"),
            () = stop.notified() => {}
        }
    }

    #[cfg(not(unix))]
    async fn or(self, stop: Arc<Notify>) {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => eprintln!("stopping (Ctrl-C)"),
            () = stop.notified() => {}
        }
    }
}

async fn receive(State(listener): State<Listener>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let (verdict, response) = if method == Method::POST {
        match VerifiedWebhook::from_request(request, &listener).await {
            Ok(webhook) => accept(webhook),
            Err(error) => reject(error),
        }
    } else {
        let verdict = Verdict::NotPost;
        (verdict, StatusCode::METHOD_NOT_ALLOWED.into_response())
    };
    listener
        .printer
        .print(&method, &path, &headers, &verdict, response.status());
    if let Some(remaining) = &listener.remaining
        && remaining.fetch_sub(1, Ordering::SeqCst) == 1
    {
        listener.stop.notify_one();
    }
    response
}

/// A verified delivery, parsed the receiver's way into a catalog that lists no events, so
/// every event takes the forward-compatible `Unknown` path: a body that is not the scheme's
/// payload format (an envelope without `type`, say) is answered `400` as the receiver would.
/// Form-encoded requests (Slack slash commands) are printed without parsing.
fn accept(webhook: VerifiedWebhook) -> (Verdict, Response) {
    let (id, event_type) = if is_form(&webhook.headers) {
        (webhook.id.clone(), None)
    } else {
        match webhook.parse::<AnyEvent>() {
            Ok(delivery) => (delivery.id, Some(delivery.event_type)),
            Err(error) => return reject(error),
        }
    };
    let verdict = Verdict::Verified {
        id,
        timestamp: webhook.timestamp.map(hookwire::Timestamp::unix_seconds),
        event_type,
        body: webhook.body,
    };
    (verdict, StatusCode::NO_CONTENT.into_response())
}

/// A catalog of no events: every delivery parses as [`Payload::Unknown`].
///
/// [`Payload::Unknown`]: hookwire::receiver::Payload::Unknown
enum AnyEvent {}

impl Events for AnyEvent {
    const TYPES: &'static [&'static str] = &[];

    fn event_type(&self) -> &'static str {
        match *self {}
    }

    fn from_data<'de, D: Deserializer<'de>>(index: usize, _data: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom(format_args!(
            "a catalog of no events has no event at index {index}"
        )))
    }
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
