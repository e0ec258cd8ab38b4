//! `shop receive --port P --secret S [--dedup URL] [--inbox URL]`: the customer's
//! [receiver](crate::receiver) as a process, on `http://127.0.0.1:P/` (`POST /`), until Ctrl-C
//! or SIGTERM.
//!
//! Several replicas given the same `--dedup` store handle each delivery once between them:
//! `memory` (the default: this process only), `sqlite://PATH` (the processes of one machine),
//! `postgres://...` or `redis://...` (see [`hookwire::open::dedup`]).
//!
//! With `--inbox URL` (`memory`, `sqlite://PATH`, `postgres://...`, `redis://...`: see
//! [`hookwire::open::inbox`]) a delivery is answered `200` once it is stored in the inbox, and
//! an inbox worker in the same process runs the handler, retrying it if it fails. The inbox is
//! then the duplicate check (`--dedup` is not used), and replicas sharing it handle each
//! delivery once between them, whichever replica stored it. On SIGTERM the server stops taking
//! requests and the worker finishes the handlers it is running; what is still stored waits
//! for the next start (or another replica).
//!
//! Stdout carries one JSON line per handled delivery, written and flushed as the handler runs,
//! and nothing else: `{"id":"msg_...","type":"order.shipped"}` (the delivery id and the event
//! type). Logs go to stderr, starting with the line naming the address once it is bound.

use std::io::Write;
use std::net::SocketAddr;

use hookwire::receiver::WebhookConfig;
use hookwire::serde_json::json;
use hookwire::signature::StandardWebhooks;

use crate::receiver::{self, Received};

/// The options of `shop receive`.
///
/// ```
/// use hookwire_example_shop::receive::Options;
///
/// let args = |line: &str| line.split_whitespace().map(String::from).collect::<Vec<_>>();
/// let options = Options::parse(&args("--port 9000 --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --dedup sqlite://d.db"))?;
/// assert_eq!((options.port, options.dedup.as_str()), (9000, "sqlite://d.db"));
/// assert_eq!(Options::parse(&args("--secret whsec_x --port=0"))?.dedup, "memory");
/// assert!(Options::parse(&args("--port 70000 --secret whsec_x")).is_err());
/// # Ok::<(), hookwire_example_shop::receive::UsageError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The loopback port to listen on; `0` picks a free one (the log line names it).
    pub port: u16,
    /// The endpoint's Standard Webhooks signing secret (`whsec_...`).
    pub secret: String,
    /// The duplicate store's URL, `memory` by default.
    pub dedup: String,
    /// The durable inbox's URL, if deliveries are stored before their handlers run.
    pub inbox: Option<String>,
}

/// The secret stays out of debug output.
impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("port", &self.port)
            .field("secret", &"<redacted>")
            .field("dedup", &store_name(&self.dedup))
            .field("inbox", &self.inbox.as_deref().map(store_name))
            .finish()
    }
}

/// What `shop receive` was given that it does not understand.
///
/// ```
/// use hookwire_example_shop::receive::Options;
/// let error = Options::parse(&["--port".into()]).unwrap_err();
/// assert!(error.to_string().starts_with("`--port` needs a value"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(String);

/// The usage line, after every usage error.
const USAGE: &str = "usage: shop receive --port P --secret whsec_... \
     [--dedup memory|sqlite://PATH|postgres://...|redis://...] \
     [--inbox memory|sqlite://PATH|postgres://...|redis://...]";

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; {USAGE}", self.0)
    }
}

impl std::error::Error for UsageError {}

impl Options {
    /// Parses `receive`'s arguments: `--port P` and `--secret S` (required), `--dedup URL`
    /// (`memory` by default), `--inbox URL` (none by default); each also as `--flag=value`.
    ///
    /// # Errors
    /// [`UsageError`] for an unknown argument, a flag without a value or given twice, a port
    /// that is not a number up to 65535, or a missing `--port` or `--secret`.
    pub fn parse(args: &[String]) -> Result<Self, UsageError> {
        let (mut port, mut secret, mut dedup, mut inbox) = (None, None, None, None);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
                _ => (arg.as_str(), None),
            };
            let slot = match flag {
                "--port" => &mut port,
                "--secret" => &mut secret,
                "--dedup" => &mut dedup,
                "--inbox" => &mut inbox,
                _ => return Err(UsageError(format!("unknown argument `{arg}`"))),
            };
            let value = match inline {
                Some(value) => value,
                None => args
                    .next()
                    .filter(|value| !value.starts_with("--"))
                    .ok_or_else(|| UsageError(format!("`{flag}` needs a value")))?,
            };
            if slot.replace(value.to_owned()).is_some() {
                return Err(UsageError(format!("`{flag}` is given twice")));
            }
        }
        let port = port.ok_or_else(|| UsageError("`--port` is required".into()))?;
        let port = port
            .parse()
            .map_err(|_| UsageError(format!("`{port}` is not a port number (0 to 65535)")))?;
        let secret = secret.ok_or_else(|| UsageError("`--secret` is required".into()))?;
        Ok(Options {
            port,
            secret,
            dedup: dedup.unwrap_or_else(|| "memory".to_owned()),
            inbox,
        })
    }
}

/// The store's kind, for logs: the URL up to its first `:` (a URL may hold a password).
fn store_name(url: &str) -> &str {
    url.split_once(':').map_or(url, |(scheme, _)| scheme)
}

/// Writes `{"id": ..., "type": ...}` and a newline to stdout and flushes it.
fn print_handled(id: Option<&str>, event_type: &str) {
    let line = json!({ "id": id, "type": event_type });
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("[receive] stdout is closed; handled {line}");
    }
}

/// Opens the duplicate store (or the inbox), binds `127.0.0.1:port` and returns the bound
/// address and the receiver, which serves (and with an inbox, runs its worker) until
/// `shutdown` completes. Each handled delivery is reported to `received`.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use hookwire_example_shop::receive::{Options, bind};
/// use hookwire_example_shop::receiver::Received;
///
/// let options = Options::parse(&["--port=0".into(), "--secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()])?;
/// let received = Received::reporting(|id, event_type| eprintln!("{event_type} {id:?}"));
/// let (address, running) = bind(&options, received, std::future::pending()).await?;
/// eprintln!("POST http://{address}/");
/// running.await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// The secret is not a Standard Webhooks secret, the store or the inbox cannot be opened, or
/// the port cannot be bound.
pub async fn bind<F>(
    options: &Options,
    received: Received,
    shutdown: F,
) -> Result<
    (
        SocketAddr,
        impl std::future::Future<Output = std::io::Result<()>> + use<F>,
    ),
    Box<dyn std::error::Error>,
>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let scheme = StandardWebhooks::new(options.secret.as_str())?;
    let config = WebhookConfig::new(scheme);
    let (app, worker) = match &options.inbox {
        // The inbox is the duplicate check: the receiver uses no dedup store with it.
        Some(url) => {
            let inbox = hookwire::open::inbox(url).await?;
            let shop = receiver::receiver(config.without_dedup(), received).inbox(inbox, "shop");
            let worker = shop.inbox_worker(());
            (shop.into_router(), Some(worker))
        }
        None => {
            let store = hookwire::open::dedup(&options.dedup).await?;
            let shop = receiver::receiver(config.dedup_arc(store), received);
            (shop.into_router(), None)
        }
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
    let address = listener.local_addr()?;
    let running = async move {
        // One signal stops both the server and the worker.
        let (stop, stopped) = tokio::sync::watch::channel(());
        let until_stopped = |mut stopped: tokio::sync::watch::Receiver<()>| async move {
            let _ = stopped.changed().await;
        };
        let trigger = async move {
            shutdown.await;
            let _ = stop.send(());
        };
        let server = axum::serve(listener, app)
            .with_graceful_shutdown(until_stopped(stopped.clone()))
            .into_future();
        let worker = async move {
            match worker {
                Some(worker) => worker
                    .run(until_stopped(stopped))
                    .await
                    .map_err(std::io::Error::other),
                None => Ok(()),
            }
        };
        let ((), served, worked) = tokio::join!(trigger, server, worker);
        served.and(worked)
    };
    Ok((address, running))
}

/// Runs `shop receive` with `args`: logs the address to stderr, then prints a JSON line per
/// handled delivery to stdout until Ctrl-C or SIGTERM, finishing the requests in progress.
///
/// # Errors
/// A usage error, a bad secret, a store that cannot be opened, or a port that cannot be bound.
pub async fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::parse(args)?;
    let received = Received::reporting(print_handled);
    let (address, server) = bind(&options, received, crate::serve::interrupted()).await?;
    if options.inbox.is_some() && options.dedup != "memory" {
        eprintln!(
            "[receive] `--dedup` is not used with `--inbox`: the inbox is the duplicate check"
        );
    }
    match &options.inbox {
        Some(inbox) => eprintln!(
            "receiving the shop's webhooks on http://{address}/ (inbox: {}, which is the duplicate check)",
            store_name(inbox)
        ),
        None => eprintln!(
            "receiving the shop's webhooks on http://{address}/ (duplicate store: {})",
            store_name(&options.dedup)
        ),
    }
    server.await?;
    eprintln!("[receive] stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Options, UsageError> {
        Options::parse(
            &line
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>(),
        )
    }

    fn problem(line: &str) -> String {
        let error = parse(line).unwrap_err().to_string();
        let (problem, usage) = error.split_once("; ").unwrap();
        assert_eq!(usage, USAGE);
        problem.to_owned()
    }

    #[test]
    fn flags_take_a_value_after_them_or_after_an_equals_sign() {
        let options = parse("--dedup=redis://h/?prefix=a --secret s --port=8081").unwrap();
        assert_eq!(options.port, 8081);
        assert_eq!(options.secret, "s");
        assert_eq!(options.dedup, "redis://h/?prefix=a");
        assert_eq!(options.inbox, None);
        let options = parse("--port 1 --secret s --inbox sqlite://i.db").unwrap();
        assert_eq!(options.inbox.as_deref(), Some("sqlite://i.db"));
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        assert_eq!(
            problem("--port 1 --secret s --verbose"),
            "unknown argument `--verbose`"
        );
        assert_eq!(
            problem("--port 1 --secret s extra"),
            "unknown argument `extra`"
        );
        assert_eq!(problem("--secret s --port"), "`--port` needs a value");
        assert_eq!(problem("--port --secret s"), "`--port` needs a value");
        assert_eq!(problem("--port 1 --secret"), "`--secret` needs a value");
        assert_eq!(
            problem("--port 1 --secret s --inbox"),
            "`--inbox` needs a value"
        );
        assert_eq!(
            problem("--port 65536 --secret s"),
            "`65536` is not a port number (0 to 65535)"
        );
        assert_eq!(
            problem("--port x --secret s"),
            "`x` is not a port number (0 to 65535)"
        );
        assert_eq!(problem("--secret s"), "`--port` is required");
        assert_eq!(problem("--port 1"), "`--secret` is required");
        assert_eq!(
            problem("--port 1 --port 2 --secret s"),
            "`--port` is given twice"
        );
    }

    #[test]
    fn debug_output_hides_the_secret_and_the_store_password() {
        let options = parse("--port 1 --secret whsec_hush --dedup redis://:pw@h").unwrap();
        let debug = format!("{options:?}");
        assert!(!debug.contains("hush") && !debug.contains("pw"), "{debug}");
    }
}
