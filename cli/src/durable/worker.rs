//! `hookwire worker`: delivers until SIGINT or SIGTERM.

use std::process::ExitCode;
use std::time::Duration;

use hookwire::outbox::OutboxStore;
use hookwire::outbox::{Worker, WorkerReport};

use super::WorkerArgs;
use super::db::{self, OnStore};
use crate::error::CliError;

struct Run(WorkerArgs);

impl OnStore for Run {
    type Output = WorkerReport;

    async fn run<S: OutboxStore + 'static>(self, store: S) -> Result<Self::Output, CliError> {
        let args = self.0;
        let timeout = Duration::from_secs(args.timeout);
        let lease = Duration::from_secs(args.lease.unwrap_or(args.timeout + 15));
        let worker = Worker::builder(std::sync::Arc::new(store))
            .concurrency(args.concurrency as usize)
            .timeout(timeout)
            .lease(lease)
            .poll_interval(Duration::from_millis(args.poll_ms))
            .root_certificates(crate::tls::roots(args.cacert.as_deref())?)
            .build()
            .map_err(CliError::usage)?;
        eprintln!(
            "worker: delivering with {} attempts at once (timeout {}s, lease {}s); stop with Ctrl-C",
            args.concurrency,
            timeout.as_secs(),
            lease.as_secs()
        );
        let report = worker.run_until(stop_signal()).await;
        Ok(report)
    }
}

/// Completes on SIGINT or SIGTERM.
async fn stop_signal() {
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
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let url = args.db.db.clone();
    let report = db::run(&url, threads, Run(args))?;
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
