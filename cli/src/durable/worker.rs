//! `hookwire worker`: delivers until SIGINT or SIGTERM.

use std::process::ExitCode;
use std::time::Duration;

use hookwire::Timestamp;
use hookwire::outbox::{ApplicationStore, DeliveryState, FinishedAttempt, Recorded};
use hookwire::outbox::{Worker, WorkerReport};

use super::WorkerArgs;
use super::db::{self, OnStore};
use crate::error::CliError;

/// The worker's arguments, and `--retention` parsed.
struct Run(WorkerArgs, Option<Duration>);

impl OnStore for Run {
    type Output = WorkerReport;

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let Run(args, retention) = self;
        let timeout = Duration::from_secs(args.timeout);
        let lease = Duration::from_secs(args.lease.unwrap_or(args.timeout + 15));
        if let Some(address) = args.metrics {
            serve_metrics(address).await?;
        }
        let mut builder = Worker::builder(std::sync::Arc::new(store));
        if let Some(keep) = retention {
            builder = builder.retention(keep, Duration::from_secs(3600));
        }
        if args.metrics.is_some() {
            builder = builder.metrics_interval(Duration::from_secs(10));
        }
        if !args.quiet {
            builder = builder.on_attempt(|attempt| {
                if let Some(line) = failure_line(attempt) {
                    eprintln!("{line}");
                }
            });
        }
        let worker = builder
            .concurrency(args.concurrency as usize)
            .timeout(timeout)
            .lease(lease)
            .poll_interval(Duration::from_millis(args.poll_ms))
            .root_certificates(crate::tls::roots(args.cacert.as_deref())?)
            .build()
            .map_err(CliError::usage)?;
        eprintln!(
            "worker: delivering with {} attempts at once (timeout {}s, lease {}s, retention {}); \
             stop with Ctrl-C",
            args.concurrency,
            timeout.as_secs(),
            lease.as_secs(),
            args.retention
        );
        let report = worker.run_until(stop_signal()).await;
        Ok(report)
    }
}

/// `--retention`: a duration, or `off`.
fn retention(text: &str) -> Result<Option<Duration>, CliError> {
    if text == "off" {
        return Ok(None);
    }
    match super::operate::span_seconds(text) {
        Some(seconds) if seconds > 0 => Ok(Some(Duration::from_secs(seconds.unsigned_abs()))),
        _ => Err(CliError::usage(format!(
            "--retention takes a duration such as 30d or 12h, or `off`, not `{text}`"
        ))),
    }
}

/// Installs the Prometheus recorder and serves it at `http://address/metrics`.
async fn serve_metrics(address: std::net::SocketAddr) -> Result<(), CliError> {
    let metrics = hookwire::metrics::Prometheus::install()
        .map_err(|e| CliError::failed(format!("--metrics: {e}")))?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| CliError::failed(format!("--metrics: cannot listen on {address}: {e}")))?;
    let bound = listener.local_addr().unwrap_or(address);
    eprintln!("worker: metrics at http://{bound}/metrics");
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, metrics.router::<()>()).await {
            eprintln!("worker: the metrics server stopped: {error}");
        }
    });
    Ok(())
}

/// The line `hookwire worker` logs for an attempt that did not deliver, or that disabled its
/// endpoint: `worker: delivery 42 (order.created) to endpoint 1 https://...: attempt 3: HTTP
/// 503; next attempt at 2026-12-07T12:00:30Z`. Nothing for a delivered attempt.
fn failure_line(attempt: &FinishedAttempt) -> Option<String> {
    let disabled = match attempt.recorded {
        Recorded::Done {
            endpoint_disabled, ..
        } => endpoint_disabled,
        _ => None,
    };
    if attempt.outcome.is_success() && disabled.is_none() {
        return None;
    }
    let mut line = format!(
        "worker: delivery {} ({}) to endpoint {} {}: attempt {}: {}",
        attempt.delivery,
        attempt.event_type,
        attempt.endpoint,
        hookwire::redact_url(&attempt.url),
        attempt.attempt,
        attempt.outcome_text().replace(['\n', '\r'], " "),
    );
    let then = match attempt.recorded {
        Recorded::Done {
            next_attempt_at: Some(at),
            ..
        } => format!("next attempt at {}", Timestamp::from_unix(at)),
        Recorded::Done {
            state: DeliveryState::Failed,
            ..
        } => "failed: no attempts left".to_owned(),
        Recorded::Done { state, .. } => state.as_str().to_owned(),
        Recorded::Stale => "result refused: the lease was taken over".to_owned(),
        Recorded::NotStored => {
            "result not stored: attempted again when the lease runs out".to_owned()
        }
        _ => String::new(),
    };
    line.push_str("; ");
    line.push_str(&then);
    if let Some(reason) = disabled {
        line.push_str(&format!("; endpoint disabled ({})", reason.as_str()));
    }
    Some(line)
}

/// Completes on SIGINT or SIGTERM.
pub(super) async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    eprintln!("worker: stopping: finishing the attempts in flight");
}

pub(crate) fn run(args: WorkerArgs) -> Result<ExitCode, CliError> {
    if let Some(lease) = args.lease
        && lease <= args.timeout
    {
        return Err(CliError::usage(format!(
            "--lease ({lease}s) must be longer than --timeout ({}s)",
            args.timeout
        )));
    }
    let keep = retention(&args.retention)?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let url = args.db.db.clone();
    let report = db::run(&url, threads, Run(args, keep))?;
    let unrecorded = if report.unrecorded > 0 {
        format!(
            ", {} not recorded (attempted again when their leases run out)",
            report.unrecorded
        )
    } else {
        String::new()
    };
    eprintln!(
        "worker: stopped: {} attempts, {} delivered, {} refused as stale, {} released{unrecorded}",
        report.attempts, report.delivered, report.stale, report.released
    );
    Ok(ExitCode::SUCCESS)
}
