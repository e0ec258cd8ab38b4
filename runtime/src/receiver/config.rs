//! [`WebhookConfig`]: the scheme, the payload format, the limits and the duplicate store one
//! endpoint receives with.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;

use crate::clock::{Clock, SystemClock};
use crate::dedup::{DedupStore, MemoryDedup};
use crate::receiver::error::ReceiveError;
use crate::receiver::format::PayloadFormat;
use crate::signature::Scheme;

/// The content types a receiver accepts.
///
/// A request without `Content-Type` is accepted (the signature, not the header, is what is
/// trusted); one with a content type outside the set is answered `415`. Parameters such as
/// `; charset=utf-8` are ignored.
///
/// ```
/// use hookwire::receiver::ContentTypes;
///
/// assert!(ContentTypes::Json.accepts("application/json; charset=utf-8"));
/// assert!(ContentTypes::Json.accepts("application/cloudevents+json"));
/// assert!(!ContentTypes::Json.accepts("text/plain"));
/// assert!(ContentTypes::JsonOrForm.accepts("application/x-www-form-urlencoded"));
/// assert!(ContentTypes::Any.accepts("text/plain"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContentTypes {
    /// `application/json` and `application/*+json`: Standard Webhooks, Stripe, GitHub (its
    /// JSON setting), Shopify.
    Json,
    /// JSON or `application/x-www-form-urlencoded`: Slack (Events API in JSON, slash commands
    /// and interactivity as forms).
    JsonOrForm,
    /// Anything.
    Any,
}

impl ContentTypes {
    /// The set a scheme's senders use: [`JsonOrForm`](Self::JsonOrForm) for Slack,
    /// [`Json`](Self::Json) otherwise.
    ///
    /// ```
    /// # use hookwire::receiver::ContentTypes;
    /// # use hookwire::signature::Slack;
    /// let slack = Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?;
    /// assert_eq!(ContentTypes::for_scheme(&slack), ContentTypes::JsonOrForm);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn for_scheme(scheme: &dyn Scheme) -> Self {
        let types = scheme.provider().content_types();
        if types.contains(&"application/x-www-form-urlencoded") {
            ContentTypes::JsonOrForm
        } else {
            ContentTypes::Json
        }
    }

    /// Whether a `Content-Type` value is in the set.
    ///
    /// ```
    /// # use hookwire::receiver::ContentTypes;
    /// assert!(ContentTypes::Json.accepts("Application/JSON"));
    /// ```
    pub fn accepts(self, content_type: &str) -> bool {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        let json = essence.eq_ignore_ascii_case("application/json")
            || (essence.len() > "application/+json".len()
                && essence
                    .get(..12)
                    .is_some_and(|p| p.eq_ignore_ascii_case("application/"))
                && essence
                    .get(essence.len() - 5..)
                    .is_some_and(|s| s.eq_ignore_ascii_case("+json")));
        match self {
            ContentTypes::Json => json,
            ContentTypes::JsonOrForm => {
                json || essence.eq_ignore_ascii_case("application/x-www-form-urlencoded")
            }
            ContentTypes::Any => true,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            ContentTypes::Json => "application/json",
            ContentTypes::JsonOrForm => "application/json or application/x-www-form-urlencoded",
            ContentTypes::Any => "any",
        }
    }

    pub(crate) fn check(self, headers: &HeaderMap) -> Result<(), ReceiveError> {
        match headers.get(CONTENT_TYPE) {
            None => Ok(()),
            Some(value) if value.to_str().is_ok_and(|v| self.accepts(v)) => Ok(()),
            Some(_) => Err(ReceiveError::UnsupportedContentType {
                expected: self.expected(),
            }),
        }
    }
}

/// How one webhook endpoint receives: the [`Scheme`] that verifies, the [`PayloadFormat`], the
/// body size limit, the accepted content types, the clock and the duplicate store.
///
/// Cheap to clone (one `Arc`). It is the router state the [`VerifiedWebhook`] and
/// [`Webhook`] extractors read (through `FromRef`, so it can be a field of your own state),
/// and what [`Receiver`] is built from.
///
/// Defaults: the format and content types of the scheme's provider, a 1 MiB body limit, the
/// system clock, and a [`MemoryDedup`] store whose done ids live 3 days
/// ([`dedup_ttl`](Self::dedup_ttl)) and whose in-flight claims last 5 minutes
/// ([`dedup_lease`](Self::dedup_lease)), keyed in the namespace `{provider}:{route}`
/// ([`dedup_namespace`](Self::dedup_namespace)).
///
/// [`VerifiedWebhook`]: crate::receiver::VerifiedWebhook
/// [`Webhook`]: crate::receiver::Webhook
/// [`Receiver`]: crate::receiver::Receiver
///
/// ```
/// use hookwire::receiver::{MemoryDedup, WebhookConfig};
/// use hookwire::signature::StandardWebhooks;
///
/// let config = WebhookConfig::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)
///     .body_limit(256 * 1024)
///     .dedup(MemoryDedup::new().capacity(10_000));
/// assert_eq!(config.scheme().name(), "standard-webhooks");
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
#[derive(Clone)]
pub struct WebhookConfig {
    inner: Arc<Inner>,
}

#[derive(Clone)]
pub(crate) struct Inner {
    pub(crate) scheme: Arc<dyn Scheme>,
    pub(crate) format: PayloadFormat,
    pub(crate) content_types: ContentTypes,
    pub(crate) body_limit: usize,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) dedup: Option<Arc<dyn DedupStore>>,
    pub(crate) dedup_ttl: Duration,
    pub(crate) dedup_lease: Duration,
    pub(crate) handler_timeout: Option<Duration>,
    pub(crate) dedup_namespace: Option<Arc<str>>,
    /// The namespace made for the first route this receiver answered on, with the route: a
    /// receiver is usually mounted once, so most requests reuse it instead of formatting one.
    /// Emptied by every change to the configuration.
    pub(crate) route_namespace: OnceLock<(Box<str>, Arc<str>)>,
}

impl Inner {
    /// The handler's time limit: the one set if it is shorter than the duplicate claim's
    /// lease, else the lease minus its margin.
    pub(crate) fn handler_timeout(&self) -> Duration {
        match self.handler_timeout {
            Some(limit) if limit < self.dedup_lease && !limit.is_zero() => limit,
            _ => crate::receiver::deadline::below(self.dedup_lease),
        }
    }
}

impl WebhookConfig {
    /// The default body limit: 1 MiB.
    pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;
    /// How long a handled delivery id is remembered by default: 3 days, longer than the
    /// retry schedules of Standard Webhooks senders (about a day) and Stripe (3 days).
    pub const DEFAULT_DEDUP_TTL: Duration = Duration::from_secs(3 * 24 * 60 * 60);
    /// How long an in-flight claim lasts by default: 5 minutes, after which a copy of the
    /// delivery may run (the first handler is presumed dead).
    pub const DEFAULT_DEDUP_LEASE: Duration = Duration::from_secs(5 * 60);

    /// A configuration for `scheme` with the defaults of its provider.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// let config = WebhookConfig::new(GitHub::new("It's a Secret to Everybody")?);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn new(scheme: impl Scheme) -> Self {
        Self::from_arc(Arc::new(scheme))
    }

    /// [`new`](Self::new) for a scheme chosen at run time.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::{Scheme, Shopify};
    /// let scheme: Arc<dyn Scheme> = Arc::new(Shopify::new("hush")?);
    /// let config = WebhookConfig::from_arc(scheme);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn from_arc(scheme: Arc<dyn Scheme>) -> Self {
        WebhookConfig {
            inner: Arc::new(Inner {
                format: PayloadFormat::for_scheme(&*scheme),
                content_types: ContentTypes::for_scheme(&*scheme),
                scheme,
                body_limit: Self::DEFAULT_BODY_LIMIT,
                clock: Arc::new(SystemClock),
                dedup: Some(Arc::new(MemoryDedup::new())),
                dedup_ttl: Self::DEFAULT_DEDUP_TTL,
                dedup_lease: Self::DEFAULT_DEDUP_LEASE,
                handler_timeout: None,
                dedup_namespace: None,
                route_namespace: OnceLock::new(),
            }),
        }
    }

    fn with(mut self, change: impl FnOnce(&mut Inner)) -> Self {
        let inner = Arc::make_mut(&mut self.inner);
        change(inner);
        inner.route_namespace = OnceLock::new();
        self
    }

    /// Where the event type is and which part of the body is the event.
    ///
    /// ```
    /// # use hookwire::receiver::{PayloadFormat, WebhookConfig};
    /// # use hookwire::signature::StandardWebhooks;
    /// # let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// let config = WebhookConfig::new(scheme).format(PayloadFormat::rule(|headers, _body| {
    ///     headers.get("x-event-kind")?.to_str().ok().map(str::to_owned)
    /// }));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn format(self, format: PayloadFormat) -> Self {
        self.with(|inner| inner.format = format)
    }

    /// The content types accepted.
    ///
    /// ```
    /// # use hookwire::receiver::{ContentTypes, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let config = WebhookConfig::new(GitHub::new("s")?).content_types(ContentTypes::Any);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn content_types(self, content_types: ContentTypes) -> Self {
        self.with(|inner| inner.content_types = content_types)
    }

    /// The largest body accepted, in bytes; a longer one is answered `413` without being
    /// read past the limit.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// // GitHub caps payloads at 25 MB.
    /// let config = WebhookConfig::new(GitHub::new("s")?).body_limit(25 << 20);
    /// assert_eq!(config.limit(), 25 << 20);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn body_limit(self, limit: usize) -> Self {
        self.with(|inner| inner.body_limit = limit)
    }

    /// How long a handled delivery id is remembered.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// let config = WebhookConfig::new(GitHub::new("s")?).dedup_ttl(std::time::Duration::from_secs(86_400));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn dedup_ttl(self, ttl: Duration) -> Self {
        self.with(|inner| inner.dedup_ttl = ttl)
    }

    /// How long an in-flight claim lasts before a copy of the delivery may run again. The
    /// handler's [time limit](Self::handler_timeout) sits below it.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// let config = WebhookConfig::new(GitHub::new("s")?).dedup_lease(std::time::Duration::from_secs(60));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn dedup_lease(self, lease: Duration) -> Self {
        self.with(|inner| inner.dedup_lease = lease)
    }

    /// The longest a handler may run when the [`Receiver`] runs it during the request (no
    /// inbox), measured from the duplicate claim on the config's [clock](Self::clock). Then
    /// it is stopped (its future dropped at its next `.await`), the claim released and the
    /// request answered `503` with `Retry-After` ([`ReceiveError::HandlerTimeout`]), so the
    /// sender retries and no copy ever runs beside it.
    ///
    /// Leases and limits together: the [`dedup_lease`](Self::dedup_lease) (5 minutes) is how
    /// long a claimed delivery id is held before a copy may run; the handler limit sits below
    /// it by a margin of a quarter of the lease, at most 15 s (default 4 min 45 s). A limit not
    /// shorter than the lease is replaced by that default. Providers give up on an answer far
    /// sooner (GitHub after 10 s, Shopify 5 s): for slow work, store first with an
    /// [inbox](crate::receiver::Receiver::inbox), whose workers have their own lease and limit.
    ///
    /// [`Receiver`]: crate::receiver::Receiver
    /// [`ReceiveError::HandlerTimeout`]: crate::receiver::ReceiveError::HandlerTimeout
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// let config = WebhookConfig::new(GitHub::new("s")?).handler_timeout(std::time::Duration::from_secs(8));
    /// assert_eq!(config.effective_handler_timeout(), std::time::Duration::from_secs(8));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn handler_timeout(self, limit: Duration) -> Self {
        self.with(|inner| inner.handler_timeout = Some(limit))
    }

    /// The handler limit in force: the one set, or the lease minus its margin.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// let config = WebhookConfig::new(GitHub::new("s")?);
    /// assert_eq!(config.effective_handler_timeout(), Duration::from_secs(285));
    /// let short = config.dedup_lease(Duration::from_secs(60));
    /// assert_eq!(short.effective_handler_timeout(), Duration::from_secs(45));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn effective_handler_timeout(&self) -> Duration {
        self.inner.handler_timeout()
    }

    /// The namespace of this receiver's keys in the duplicate store, instead of
    /// `{provider}:{route}` (`stripe:/webhooks/billing`). Receivers sharing a store need
    /// different namespaces (Stripe sends one `evt_` id to every endpoint); replicas of one
    /// receiver need the same.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::Stripe;
    /// let config = WebhookConfig::new(Stripe::new("whsec_x")?).dedup_namespace("stripe-billing");
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn dedup_namespace(self, namespace: impl Into<Arc<str>>) -> Self {
        let namespace = namespace.into();
        self.with(|inner| inner.dedup_namespace = Some(namespace))
    }

    /// The clock verification and the duplicate store read (tolerance, leases, TTL), for
    /// tests.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::clock::FixedClock;
    /// # use hookwire::signature::Stripe;
    /// let config = WebhookConfig::new(Stripe::new("whsec_x")?).clock(FixedClock::new(1_700_000_000));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn clock(self, clock: impl Clock + 'static) -> Self {
        let clock: Arc<dyn Clock> = Arc::new(clock);
        self.with(|inner| inner.clock = clock)
    }

    /// The duplicate store, replacing the default [`MemoryDedup`].
    ///
    /// ```
    /// # use hookwire::receiver::{MemoryDedup, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let config = WebhookConfig::new(GitHub::new("s")?).dedup(MemoryDedup::new().capacity(1_000));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn dedup(self, store: impl DedupStore) -> Self {
        self.dedup_arc(Arc::new(store))
    }

    /// [`dedup`](Self::dedup) with a store shared with other receivers.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::receiver::{DedupStore, MemoryDedup, WebhookConfig};
    /// # use hookwire::signature::{GitHub, Shopify};
    /// let store: Arc<dyn DedupStore> = Arc::new(MemoryDedup::new());
    /// // Each receiver's keys live in its own namespace: sharing is safe.
    /// let github = WebhookConfig::new(GitHub::new("s")?).dedup_arc(store.clone());
    /// let shopify = WebhookConfig::new(Shopify::new("s")?).dedup_arc(store);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn dedup_arc(self, store: Arc<dyn DedupStore>) -> Self {
        self.with(|inner| inner.dedup = Some(store))
    }

    /// No duplicate detection: every verified delivery runs its handler.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// let config = WebhookConfig::new(GitHub::new("s")?).without_dedup();
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn without_dedup(self) -> Self {
        self.with(|inner| inner.dedup = None)
    }

    /// The scheme that verifies deliveries.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// assert_eq!(WebhookConfig::new(GitHub::new("s")?).scheme().name(), "github");
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn scheme(&self) -> &Arc<dyn Scheme> {
        &self.inner.scheme
    }

    /// The payload format.
    ///
    /// ```
    /// # use hookwire::receiver::{PayloadFormat, WebhookConfig};
    /// # use hookwire::signature::Stripe;
    /// let config = WebhookConfig::new(Stripe::new("whsec_x")?);
    /// assert!(matches!(config.payload_format(), PayloadFormat::Stripe));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn payload_format(&self) -> &PayloadFormat {
        &self.inner.format
    }

    /// The body limit, in bytes.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// assert_eq!(WebhookConfig::new(GitHub::new("s")?).limit(), 1 << 20);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn limit(&self) -> usize {
        self.inner.body_limit
    }

    /// The duplicate store, if any.
    ///
    /// ```
    /// # use hookwire::receiver::WebhookConfig;
    /// # use hookwire::signature::GitHub;
    /// assert!(WebhookConfig::new(GitHub::new("s")?).without_dedup().dedup_store().is_none());
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn dedup_store(&self) -> Option<&Arc<dyn DedupStore>> {
        self.inner.dedup.as_ref()
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("scheme", &self.inner.scheme.name())
            .field("format", &self.inner.format)
            .field("content_types", &self.inner.content_types)
            .field("body_limit", &self.inner.body_limit)
            .field("dedup", &self.inner.dedup.is_some())
            .finish_non_exhaustive()
    }
}
