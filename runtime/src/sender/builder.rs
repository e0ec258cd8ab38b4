//! [`SenderBuilder`]: the sender's configuration.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use super::attempt::AttemptOptions;
use super::sleep::{Sleeper, TokioSleeper};
use super::{Config, Inner, Sender};
use crate::clock::{Clock, SystemClock};
use crate::retry::RetryPolicy;
use crate::signature::{Scheme, SignError};

/// The user agent of the client the sender builds.
const USER_AGENT: &str = concat!("hookwire/", env!("CARGO_PKG_VERSION"));

/// Configures a [`Sender`]; made by [`Sender::builder`].
///
/// | setting | default |
/// |---|---|
/// | [`client`](SenderBuilder::client) | a new `reqwest::Client` that does not follow redirects |
/// | [`timeout`](SenderBuilder::timeout) | 15 seconds per attempt |
/// | [`retry`](SenderBuilder::retry) | [`RetryPolicy::default`]: 8 attempts over about 28 hours |
/// | [`max_in_flight`](SenderBuilder::max_in_flight) | 64 requests at once |
/// | [`clock`](SenderBuilder::clock) | [`SystemClock`] |
/// | [`sleeper`](SenderBuilder::sleeper) | [`TokioSleeper`] |
/// | [`max_response_body`](SenderBuilder::max_response_body) | 1 KiB kept per response |
/// | [`stop_on`](SenderBuilder::stop_on) | none: every non-2xx status but `410` is retried |
///
/// ```
/// use std::time::Duration;
/// use hookwire::sender::Sender;
/// use hookwire::retry::RetryPolicy;
/// use hookwire::signature::StandardWebhooks;
///
/// let sender = Sender::builder(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)
///     .timeout(Duration::from_secs(5))
///     .retry(RetryPolicy::exponential(Duration::from_secs(1), 2, Duration::from_secs(60), 6))
///     .max_in_flight(16)
///     .build()?;
/// # let _ = sender;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub struct SenderBuilder {
    scheme: Arc<dyn Scheme>,
    client: Option<reqwest::Client>,
    roots: Vec<reqwest::Certificate>,
    options: AttemptOptions,
    retry: RetryPolicy,
    max_in_flight: usize,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleeper>,
}

impl fmt::Debug for SenderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SenderBuilder")
            .field("scheme", &self.scheme.name())
            .field("custom_client", &self.client.is_some())
            .field("options", &self.options)
            .field("retry", &self.retry)
            .field("max_in_flight", &self.max_in_flight)
            .field("sleeper", &self.sleeper)
            .finish_non_exhaustive()
    }
}

impl SenderBuilder {
    /// [`Sender::builder`] for a scheme chosen at run time, already shared.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use hookwire::sender::SenderBuilder;
    /// use hookwire::signature::{Scheme, Shopify};
    ///
    /// let scheme: Arc<dyn Scheme> = Arc::new(Shopify::new("hush")?);
    /// let sender = SenderBuilder::from_arc(scheme).build()?;
    /// # let _ = sender;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_arc(scheme: Arc<dyn Scheme>) -> Self {
        Self {
            scheme,
            client: None,
            roots: Vec::new(),
            options: AttemptOptions::default(),
            retry: RetryPolicy::default(),
            max_in_flight: 64,
            clock: Arc::new(SystemClock),
            sleeper: Arc::new(TokioSleeper),
        }
    }

    /// Sends with your own client: its TLS, proxies, connection pool and timeouts apply (the
    /// per-attempt timeout is set on each request and overrides the client's).
    ///
    /// Build it with `reqwest::redirect::Policy::none()`: the sender treats a redirect as a
    /// failed attempt and, when the client follows one anyway, records the attempt as
    /// [`ErrorKind::Redirected`](super::ErrorKind::Redirected) (the target may have received the
    /// body; receivers drop duplicates by id).
    ///
    /// The client the sender builds otherwise speaks HTTPS with rustls, trusting the system's
    /// roots (and `SSL_CERT_FILE`) plus those given to
    /// [`root_certificates`](Self::root_certificates).
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::GitHub;
    /// let client = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .pool_max_idle_per_host(32)
    ///     .build()?;
    /// let sender = Sender::builder(GitHub::new("It's a Secret to Everybody")?)
    ///     .client(client)
    ///     .build()?;
    /// # let _ = sender;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Certificate authorities trusted beside the system's roots by the client the sender
    /// builds (a private CA, a test CA). Passing your own [`client`](Self::client) as well is a
    /// [`BuildError::InvalidConfig`]: add them to that client instead.
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::StandardWebhooks;
    /// # let ca = hookwire_test_tls::TestCa::new("a private CA");
    /// # let pem = ca.pem().as_bytes();
    /// let roots = reqwest::Certificate::from_pem_bundle(pem)?;
    /// let sender = Sender::builder(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)
    ///     .root_certificates(roots)
    ///     .build()?;
    /// # let _ = sender;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn root_certificates(
        mut self,
        roots: impl IntoIterator<Item = reqwest::Certificate>,
    ) -> Self {
        self.roots.extend(roots);
        self
    }

    /// The time one attempt may take, from connecting to the end of the response.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::Shopify;
    /// let builder = Sender::builder(Shopify::new("hush")?).timeout(Duration::from_secs(3));
    /// # builder.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options = self.options.timeout(timeout);
        self
    }

    /// The retry schedule.
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::retry::RetryPolicy;
    /// # use hookwire::signature::Shopify;
    /// let builder = Sender::builder(Shopify::new("hush")?).retry(RetryPolicy::never());
    /// # builder.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The most requests in flight at once, over every message of this sender and its
    /// clones. Deliveries waiting between retries hold no slot.
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::Shopify;
    /// let builder = Sender::builder(Shopify::new("hush")?).max_in_flight(8);
    /// # builder.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_in_flight(mut self, max: usize) -> Self {
        self.max_in_flight = max;
        self
    }

    /// Where signature timestamps and envelope timestamps come from.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::sender::Sender;
    /// # use hookwire::clock::FixedClock;
    /// # use hookwire::signature::Shopify;
    /// let clock = Arc::new(FixedClock::new(1_700_000_000));
    /// let builder = Sender::builder(Shopify::new("hush")?).clock(clock.clone());
    /// # builder.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How the sender waits between attempts; see [`Sleeper`].
    ///
    /// ```
    /// # use hookwire::sender::{Sender, TokioSleeper};
    /// # use hookwire::signature::Shopify;
    /// let builder = Sender::builder(Shopify::new("hush")?).sleeper(TokioSleeper);
    /// # builder.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sleeper(mut self, sleeper: impl Sleeper) -> Self {
        self.sleeper = Arc::new(sleeper);
        self
    }

    /// How many bytes of each response body to keep in the report; the connection is reused
    /// when the body fits.
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::Shopify;
    /// let builder = Sender::builder(Shopify::new("hush")?).max_response_body(4096);
    /// # builder.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.options = self.options.max_response_body(bytes);
        self
    }

    /// Statuses that end a message at once ([`Outcome::Stopped`](super::Outcome::Stopped))
    /// instead of being retried; see [`AttemptOptions::stop_on`]. Empty by default: every
    /// non-2xx answer but `410 Gone` is retried, as Standard Webhooks, Svix and Stripe do.
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::Shopify;
    /// use http::StatusCode;
    ///
    /// let builder = Sender::builder(Shopify::new("hush")?)
    ///     .stop_on([StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY]);
    /// # builder.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stop_on(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.options = self.options.stop_on(statuses);
        self
    }

    /// Builds the sender. No I/O happens until the first message.
    ///
    /// # Errors
    ///
    /// [`BuildError::CannotSign`] when the scheme holds only verifying keys,
    /// [`BuildError::InvalidConfig`] for a zero timeout or `max_in_flight`, and
    /// [`BuildError::Client`] when reqwest cannot build its client.
    ///
    /// ```
    /// use hookwire::sender::{BuildError, Sender};
    /// use hookwire::signature::StandardWebhooks;
    ///
    /// let public = StandardWebhooks::new("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=")?;
    /// let err = Sender::builder(public).build().unwrap_err();
    /// assert!(matches!(err, BuildError::CannotSign(_)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(self) -> Result<Sender, BuildError> {
        if self.max_in_flight == 0 {
            return Err(BuildError::InvalidConfig {
                reason: "max_in_flight must be at least 1",
            });
        }
        if self.options.timeout_duration().is_zero() {
            return Err(BuildError::InvalidConfig {
                reason: "the timeout must be longer than zero",
            });
        }
        if let Err(error @ SignError::NoSigningKey) =
            self.scheme
                .sign("msg_probe", crate::Timestamp::from_unix(0), b"")
        {
            return Err(BuildError::CannotSign(error));
        }
        let client = match self.client {
            Some(_) if !self.roots.is_empty() => {
                return Err(BuildError::InvalidConfig {
                    reason: "root certificates apply to the client the sender builds: add them \
                             to the client you pass instead",
                });
            }
            Some(client) => client,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(USER_AGENT)
                .tls_certs_merge(self.roots)
                .build()
                .map_err(BuildError::Client)?,
        };
        let max_in_flight = self.max_in_flight;
        Ok(Sender {
            inner: Arc::new(Inner {
                config: Config {
                    client,
                    scheme: self.scheme,
                    clock: self.clock,
                    sleeper: self.sleeper,
                    retry: self.retry,
                    options: self.options,
                },
                pool: Arc::new(super::pool::Pool::new(max_in_flight)),
                max_in_flight,
            }),
        })
    }
}

/// Why a [`Sender`] could not be built.
///
/// ```
/// use hookwire::sender::{BuildError, Sender};
/// use hookwire::signature::Slack;
///
/// let err = Sender::builder(Slack::new("secret")?).max_in_flight(0).build().unwrap_err();
/// assert_eq!(err.to_string(), "invalid sender configuration: max_in_flight must be at least 1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The scheme cannot sign (it holds only public keys).
    #[error("the signature scheme cannot sign: {0}")]
    CannotSign(#[source] SignError),
    /// A setting is out of range.
    #[error("invalid sender configuration: {reason}")]
    InvalidConfig {
        /// Which setting and what is accepted.
        reason: &'static str,
    },
    /// reqwest could not build its client (TLS backend initialisation, for instance).
    #[error("the http client could not be built")]
    Client(#[source] reqwest::Error),
}
