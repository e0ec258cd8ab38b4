//! `hookwire server`: the Svix-compatible operator API, the customer portal, `/metrics` and N
//! outbox workers in one process, on the outbox `--db` names. Servers sharing one PostgreSQL
//! database share the work: claims are leased, tokens and idempotency keys live in the store.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use hookwire::outbox::{ApplicationStore, Worker};
use hookwire::platform::Platform;

use super::DbArgs;
use super::db::{self, OnStore};
use crate::error::CliError;

pub(crate) const SERVER_EXAMPLES: &str = "\
Examples:
  HOOKWIRE_API_TOKEN=$(hookwire secret) hookwire server --db sqlite://hooks.db --port 8071
  hookwire server --db postgres://postgres@127.0.0.1/hooks --port 8071 --host 0.0.0.0 --workers 4
  hookwire server --db sqlite://hooks.db --port 8071 --allow-private-endpoints   # tests, internal networks
The operator token comes from HOOKWIRE_API_TOKEN (at least 16 characters); the server refuses
to start without one. It serves the API at /api/v1 (its document at /api/v1/openapi.json), the
portal at /portal/ and Prometheus metrics at /metrics, and prints `listening on http://HOST:PORT`.
Stops on SIGINT or SIGTERM after finishing the attempts in flight.";

/// `hookwire server`
#[derive(Debug, Args)]
pub(crate) struct ServerArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The port to listen on (0: any free port, printed)
    #[arg(long)]
    port: u16,
    /// The address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Outbox workers in this process
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(0..=64))]
    workers: u32,
    /// Attempts in flight at once in each worker
    #[arg(long, value_name = "N", default_value_t = 32,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    concurrency: u32,
    /// Let endpoints use loopback, private and link-local addresses (refused with 422 otherwise)
    #[arg(long)]
    allow_private_endpoints: bool,
    /// The URL the server is reached at, for the portal links (default: from the request's Host)
    #[arg(long, value_name = "URL", env = "HOOKWIRE_PUBLIC_URL")]
    public_url: Option<String>,
    /// Also trust the certificate authorities in this PEM file for https endpoints
    #[arg(long, value_name = "FILE", env = "HOOKWIRE_CACERT")]
    cacert: Option<std::path::PathBuf>,
}

struct Serve {
    args: ServerArgs,
    token: String,
}

impl OnStore for Serve {
    type Output = ();

    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<(), CliError> {
        let Serve { args, token } = self;
        let store = Arc::new(store);
        let mut builder = Platform::builder(Arc::clone(&store))
            .operator_token(token)
            .allow_private_endpoints(args.allow_private_endpoints);
        if let Some(url) = &args.public_url {
            builder = builder.base_url(url.clone());
        }
        let platform = builder.build().await.map_err(CliError::usage)?;
        let metrics = hookwire::metrics::Prometheus::install()
            .map_err(|e| CliError::failed(format!("metrics: {e}")))?;
        let router = platform.router().merge(metrics.router::<()>());

        let address = format!("{}:{}", args.host, args.port);
        let listener = tokio::net::TcpListener::bind(&address)
            .await
            .map_err(|e| CliError::failed(format!("cannot listen on {address}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| CliError::failed(format!("cannot read the bound address: {e}")))?;

        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut workers = Vec::new();
        for _ in 0..args.workers {
            let worker = Worker::builder(Arc::clone(&store))
                .concurrency(args.concurrency as usize)
                .metrics_interval(Duration::from_secs(10))
                .retention(
                    Duration::from_secs(30 * 24 * 3600),
                    Duration::from_secs(3600),
                )
                .root_certificates(crate::tls::roots(args.cacert.as_deref())?)
                .on_attempt(|attempt| {
                    if !attempt.outcome.is_success() {
                        eprintln!(
                            "server: delivery {} ({}) to endpoint {} {}: attempt {}: {}",
                            attempt.delivery,
                            attempt.event_type,
                            attempt.endpoint,
                            hookwire::redact_url(&attempt.url),
                            attempt.attempt,
                            attempt.outcome_text().replace(['\n', '\r'], " ")
                        );
                    }
                })
                .build()
                .map_err(CliError::usage)?;
            let mut stopped = stopped.clone();
            workers.push(tokio::spawn(async move {
                worker
                    .run_until(async move {
                        let _ = stopped.wait_for(|stop| *stop).await;
                    })
                    .await
            }));
        }
        println!("listening on {}", url(bound));
        eprintln!(
            "server: API at {0}/api/v1, portal at {0}/portal/, metrics at {0}/metrics, {1} worker(s); stop with Ctrl-C",
            url(bound),
            args.workers
        );
        let mut stopped_server = stopped.clone();
        let served = axum::serve(listener, router).with_graceful_shutdown(async move {
            let _ = stopped_server.wait_for(|stop| *stop).await;
        });
        let signal = tokio::spawn(async move {
            super::worker::stop_signal().await;
            let _ = stop.send(true);
        });
        let result = served.await;
        signal.abort();
        for worker in workers {
            let _ = worker.await;
        }
        result.map_err(|e| CliError::failed(format!("the server stopped: {e}")))
    }
}

fn url(address: SocketAddr) -> String {
    format!("http://{address}")
}

/// Runs `hookwire server`.
pub(crate) fn run(args: ServerArgs) -> Result<ExitCode, CliError> {
    let token = std::env::var("HOOKWIRE_API_TOKEN").unwrap_or_default();
    if token.trim().is_empty() {
        return Err(CliError::usage(
            "hookwire server needs an operator token in HOOKWIRE_API_TOKEN (at least 16 characters; `hookwire secret` makes one)",
        ));
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let url = args.db.db.clone();
    db::run(&url, threads, Serve { args, token })?;
    eprintln!("server: stopped");
    Ok(ExitCode::SUCCESS)
}
