//! `shop serve --port P`: the shop's API, `/openapi.json` and `/docs` on `127.0.0.1:P` until
//! interrupted (Ctrl-C or SIGTERM).

use std::net::SocketAddr;

use crate::api::{Catalogue, router};

/// The options of `shop serve`.
///
/// ```
/// use hookwire_example_shop::serve::Options;
/// let options = Options::parse(&["--port".into(), "8080".into()]).unwrap();
/// assert_eq!(options.port, 8080);
/// assert_eq!(Options::parse(&[]).unwrap().port, 8080);
/// assert!(Options::parse(&["--port".into(), "x".into()]).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The loopback port to listen on; `0` picks a free one.
    pub port: u16,
}

/// What `shop serve` was given that it does not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; usage: shop serve [--port P]", self.0)
    }
}

impl std::error::Error for UsageError {}

impl Options {
    /// Parses `serve`'s arguments: `--port P` (or `--port=P`), 8080 by default.
    ///
    /// # Errors
    /// [`UsageError`] for an unknown argument or a port that is not a number up to 65535.
    pub fn parse(args: &[String]) -> Result<Self, UsageError> {
        let mut port = 8080;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let value = match arg.strip_prefix("--port=") {
                Some(value) => value,
                None if arg == "--port" => args
                    .next()
                    .ok_or_else(|| UsageError("`--port` needs a value".into()))?,
                None => return Err(UsageError(format!("unknown argument `{arg}`"))),
            };
            port = value
                .parse()
                .map_err(|_| UsageError(format!("`{value}` is not a port number")))?;
        }
        Ok(Options { port })
    }
}

/// Binds `127.0.0.1:port` and returns the bound address and the server, which runs until
/// `shutdown` completes.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let (address, server) = hookwire_example_shop::serve::bind(0, std::future::pending()).await?;
/// println!("http://{address}/docs");
/// server.await
/// # }
/// ```
///
/// # Errors
/// The port cannot be bound (in use, or not permitted).
pub async fn bind(
    port: u16,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<(
    SocketAddr,
    impl std::future::Future<Output = std::io::Result<()>>,
)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;
    let app = router(Catalogue::demo());
    let server = async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    };
    Ok((address, server))
}

/// Runs `shop serve` with `args`: prints the address, then serves until Ctrl-C or SIGTERM.
///
/// # Errors
/// A usage error, or the port cannot be bound.
pub async fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::parse(args)?;
    let (address, server) = bind(options.port, interrupted()).await?;
    println!(
        "serving the shop API on http://{address} (reference: http://{address}/docs, document: http://{address}/openapi.json)"
    );
    server.await?;
    Ok(())
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
pub(crate) async fn interrupted() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
