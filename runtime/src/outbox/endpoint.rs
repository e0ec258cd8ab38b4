//! Endpoints: where deliveries go, which events they subscribe to, and how hard to push them.

use std::fmt;

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::outbox::{AppId, Secrets, StoreError, TypeFilter, check_header};
use crate::signature::{SignError, StandardKey};

/// An endpoint's id, assigned by the store.
///
/// ```
/// use hookwire::outbox::EndpointId;
///
/// assert_eq!(EndpointId(3).to_string(), "3");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EndpointId(pub i64);

impl fmt::Display for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A new endpoint to add with [`OutboxStore::add_endpoint`](crate::outbox::OutboxStore::add_endpoint).
///
/// By default it receives every event, is enabled, holds at most 16 deliveries in flight and
/// has no rate limit.
///
/// ```
/// use hookwire::outbox::NewEndpoint;
///
/// let endpoint = NewEndpoint::new("https://example.com/webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
///     .types(["order.*".parse()?])
///     .max_in_flight(4)
///     .rate_per_second(50);
/// assert_eq!(endpoint.max_in_flight, 4);
/// # Ok::<(), hookwire::outbox::StoreError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewEndpoint {
    /// Where deliveries are POSTed.
    pub url: String,
    /// Signing secrets, newest first (at least one).
    pub secrets: Secrets,
    /// The event types it subscribes to; empty means every event.
    pub types: Vec<TypeFilter>,
    /// Whether deliveries may go to loopback, private and link-local addresses (tests and
    /// internal endpoints); the worker refuses them otherwise.
    pub allow_private: bool,
    /// At most this many of its deliveries are attempted at once, across all workers.
    pub max_in_flight: u32,
    /// At most this many attempts start per second, across all workers; `None`: no limit.
    pub rate_per_second: Option<u32>,
    /// A free-form description for people.
    pub description: String,
    /// The application it belongs to: it receives only that application's events. `None`:
    /// it receives the events published for no application (single-tenant use).
    pub app: Option<AppId>,
    /// An id of the user's choosing, unique within its application
    /// ([`check_uid`](crate::outbox::check_uid)).
    pub uid: Option<String>,
    /// Free-form key-value metadata.
    pub metadata: BTreeMap<String, String>,
    /// Extra HTTP headers sent with each of its deliveries (not the signature's, `content-*`,
    /// `host` or `user-agent`; see [`check_header`]).
    pub headers: BTreeMap<String, String>,
}

impl NewEndpoint {
    /// An endpoint at `url` signing with `secret`, receiving every event.
    ///
    /// ```
    /// # use hookwire::outbox::NewEndpoint;
    /// let endpoint = NewEndpoint::new("https://example.com/hook", "whsec_c2VjcmV0");
    /// assert!(endpoint.types.is_empty());
    /// ```
    pub fn new(url: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            secrets: Secrets::new([secret.into()]),
            types: Vec::new(),
            allow_private: false,
            max_in_flight: 16,
            rate_per_second: None,
            description: String::new(),
            app: None,
            uid: None,
            metadata: BTreeMap::new(),
            headers: BTreeMap::new(),
        }
    }

    /// Makes it an endpoint of `app`.
    ///
    /// ```
    /// # use hookwire::outbox::{AppId, NewEndpoint};
    /// assert_eq!(NewEndpoint::new("https://e.com/", "whsec_c2VjcmV0").app(AppId(2)).app, Some(AppId(2)));
    /// ```
    #[must_use]
    pub fn app(mut self, app: AppId) -> Self {
        self.app = Some(app);
        self
    }

    /// Sets its uid.
    ///
    /// ```
    /// # use hookwire::outbox::NewEndpoint;
    /// assert_eq!(NewEndpoint::new("https://e.com/", "whsec_c2VjcmV0").uid("crm").uid.as_deref(), Some("crm"));
    /// ```
    #[must_use]
    pub fn uid(mut self, uid: impl Into<String>) -> Self {
        self.uid = Some(uid.into());
        self
    }

    /// Adds an HTTP header sent with each delivery.
    ///
    /// ```
    /// # use hookwire::outbox::NewEndpoint;
    /// let endpoint = NewEndpoint::new("https://e.com/", "whsec_c2VjcmV0").header("x-tenant", "acme");
    /// assert_eq!(endpoint.headers["x-tenant"], "acme");
    /// ```
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .insert(name.into().to_ascii_lowercase(), value.into());
        self
    }

    /// Subscribes to these event types only.
    ///
    /// ```
    /// # use hookwire::outbox::{NewEndpoint, TypeFilter};
    /// let endpoint = NewEndpoint::new("https://example.com/hook", "whsec_c2VjcmV0")
    ///     .types([TypeFilter::Exact("order.created".into())]);
    /// assert_eq!(endpoint.types.len(), 1);
    /// ```
    #[must_use]
    pub fn types(mut self, types: impl IntoIterator<Item = TypeFilter>) -> Self {
        self.types = types.into_iter().collect();
        self
    }

    /// Allows loopback, private and link-local addresses for this endpoint.
    ///
    /// ```
    /// # use hookwire::outbox::NewEndpoint;
    /// assert!(NewEndpoint::new("http://127.0.0.1:9/", "whsec_c2VjcmV0").allow_private(true).allow_private);
    /// ```
    #[must_use]
    pub fn allow_private(mut self, allow: bool) -> Self {
        self.allow_private = allow;
        self
    }

    /// Caps the deliveries in flight to this endpoint (at least 1).
    ///
    /// ```
    /// # use hookwire::outbox::NewEndpoint;
    /// assert_eq!(NewEndpoint::new("https://e.com/", "whsec_c2VjcmV0").max_in_flight(0).max_in_flight, 1);
    /// ```
    #[must_use]
    pub fn max_in_flight(mut self, limit: u32) -> Self {
        self.max_in_flight = limit.max(1);
        self
    }

    /// Caps the attempts started per second to this endpoint (at least 1).
    ///
    /// ```
    /// # use hookwire::outbox::NewEndpoint;
    /// assert_eq!(NewEndpoint::new("https://e.com/", "whsec_c2VjcmV0").rate_per_second(10).rate_per_second, Some(10));
    /// ```
    #[must_use]
    pub fn rate_per_second(mut self, rate: u32) -> Self {
        self.rate_per_second = Some(rate.max(1));
        self
    }

    /// Sets the description.
    ///
    /// ```
    /// # use hookwire::outbox::NewEndpoint;
    /// assert_eq!(NewEndpoint::new("https://e.com/", "whsec_c2VjcmV0").description("crm").description, "crm");
    /// ```
    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    /// Checks the URL's scheme and the secrets: at least one, and each one a key that can
    /// sign (`whsec_` + base64, `whsk_` + an Ed25519 seed, or bare base64), so a mistyped
    /// secret is refused now rather than failing every delivery later
    /// ([`StoreError::InvalidSecret`]). Backends call it before inserting or updating.
    ///
    /// ```
    /// # use hookwire::outbox::{NewEndpoint, StoreError};
    /// assert!(NewEndpoint::new("ftp://e.com/", "whsec_c2VjcmV0").validate().is_err());
    /// assert!(NewEndpoint::new("https://e.com/", "whsec_c2VjcmV0").validate().is_ok());
    /// let not_base64 = NewEndpoint::new("https://e.com/", "whsec_not base64!").validate();
    /// assert!(matches!(not_base64, Err(StoreError::InvalidSecret { position: 1, .. })));
    /// ```
    pub fn validate(&self) -> Result<(), StoreError> {
        let rest = self
            .url
            .strip_prefix("https://")
            .or_else(|| self.url.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !host.starts_with('/') => {}
            _ => {
                return Err(StoreError::invalid(
                    "url",
                    format!(
                        "`{}` is not an http:// or https:// URL with a host",
                        self.url
                    ),
                ));
            }
        }
        if let Some(uid) = &self.uid {
            crate::outbox::check_uid(uid)?;
        }
        for (name, value) in &self.headers {
            check_header(name, value)?;
        }
        if self.secrets.expose().is_empty() || self.secrets.expose().iter().any(String::is_empty) {
            return Err(StoreError::invalid(
                "secrets",
                "an endpoint needs at least one non-empty signing secret",
            ));
        }
        for (index, secret) in self.secrets.expose().iter().enumerate() {
            let invalid =
                |source: Box<dyn std::error::Error + Send + Sync>| StoreError::InvalidSecret {
                    position: index + 1,
                    source,
                };
            let key = StandardKey::parse(secret.as_str()).map_err(|e| invalid(Box::new(e)))?;
            if !key.can_sign() {
                return Err(invalid(Box::new(SignError::NoSigningKey)));
            }
        }
        Ok(())
    }
}

/// Why an endpoint is disabled.
///
/// ```
/// use hookwire::outbox::DisabledReason;
///
/// assert_eq!(DisabledReason::Gone.as_str(), "gone");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DisabledReason {
    /// Someone disabled it.
    Manual,
    /// It answered `410 Gone`.
    Gone,
    /// Every attempt failed for the policy's sustained-failure period (5 days by default).
    Failing,
}

impl DisabledReason {
    /// The name stored in the database and printed by the CLI.
    ///
    /// ```
    /// # use hookwire::outbox::DisabledReason;
    /// assert_eq!(DisabledReason::Failing.as_str(), "failing");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            DisabledReason::Manual => "manual",
            DisabledReason::Gone => "gone",
            DisabledReason::Failing => "failing",
        }
    }

    /// The reason stored under `name`, if any.
    ///
    /// ```
    /// # use hookwire::outbox::DisabledReason;
    /// assert_eq!(DisabledReason::parse("gone"), Some(DisabledReason::Gone));
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "manual" => DisabledReason::Manual,
            "gone" => DisabledReason::Gone,
            "failing" => DisabledReason::Failing,
            _ => return None,
        })
    }
}

/// An endpoint as the store holds it.
///
/// ```
/// # async fn demo(store: &impl hookwire::outbox::OutboxStore) -> Result<(), hookwire::outbox::StoreError> {
/// for endpoint in store.endpoints(None, 100).await? {
///     println!("{} {} enabled={}", endpoint.id, endpoint.url, endpoint.disabled.is_none());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WebhookEndpoint {
    /// Its id.
    pub id: EndpointId,
    /// Where deliveries are POSTed.
    pub url: String,
    /// Signing secrets, newest first.
    #[serde(skip)]
    pub secrets: Secrets,
    /// Subscribed event types; empty: every event.
    pub types: Vec<TypeFilter>,
    /// Whether private addresses are allowed.
    pub allow_private: bool,
    /// Deliveries in flight at most.
    pub max_in_flight: u32,
    /// Attempts started per second at most.
    pub rate_per_second: Option<u32>,
    /// The description.
    pub description: String,
    /// `Some(reason)` when disabled: its deliveries are held, not attempted.
    pub disabled: Option<DisabledReason>,
    /// Attempts failed in a row (reset by a success).
    pub consecutive_failures: u32,
    /// Since when (Unix seconds) every attempt has failed; `None` after a success.
    pub failing_since: Option<i64>,
    /// No attempt starts before this time (Unix seconds): `429`, `Retry-After`, circuit breaker.
    /// A time in the past means it is not paused.
    pub paused_until: i64,
    /// How many times its circuit breaker opened since it last closed (0: closed); see
    /// [`breaker`](Self::breaker).
    pub breaker_opens: u32,
    /// Its application, if it belongs to one.
    pub app: Option<AppId>,
    /// Its uid, if given.
    pub uid: Option<String>,
    /// Its metadata.
    pub metadata: BTreeMap<String, String>,
    /// Extra headers sent with each delivery.
    pub headers: BTreeMap<String, String>,
    /// When it was added (Unix seconds).
    pub created_at: i64,
    /// When it was last updated (Unix seconds).
    pub updated_at: i64,
}

impl WebhookEndpoint {
    /// Its settings as a [`NewEndpoint`] (URL, secrets with their overlap, filters, limits,
    /// description, application, uid, metadata, headers): change what you need and pass it to
    /// [`update_endpoint`](crate::outbox::OutboxStore::update_endpoint), so nothing else is lost.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore, endpoint: WebhookEndpoint) -> Result<(), StoreError> {
    /// let mut settings = endpoint.settings();
    /// settings.description = "now with a description".into();
    /// store.update_endpoint(endpoint.id, &settings).await?;
    /// # Ok(()) }
    /// ```
    pub fn settings(&self) -> NewEndpoint {
        NewEndpoint {
            url: self.url.clone(),
            secrets: self.secrets.clone(),
            types: self.types.clone(),
            allow_private: self.allow_private,
            max_in_flight: self.max_in_flight,
            rate_per_second: self.rate_per_second,
            description: self.description.clone(),
            app: self.app,
            uid: self.uid.clone(),
            metadata: self.metadata.clone(),
            headers: self.headers.clone(),
        }
    }

    /// Whether it is paused at `now` (Unix seconds): no attempt starts before `paused_until`.
    ///
    /// ```
    /// # fn demo(endpoint: &hookwire::outbox::WebhookEndpoint, now: i64) {
    /// if endpoint.paused(now) {
    ///     println!("paused until {} ({})", endpoint.paused_until, endpoint.breaker(now).as_str());
    /// }
    /// # }
    /// ```
    pub fn paused(&self, now: i64) -> bool {
        self.paused_until > now
    }

    /// Where its circuit breaker stands at `now`.
    ///
    /// ```
    /// # fn demo(endpoint: &hookwire::outbox::WebhookEndpoint, now: i64) {
    /// println!("breaker {}", endpoint.breaker(now).as_str());
    /// # }
    /// ```
    pub fn breaker(&self, now: i64) -> crate::outbox::BreakerState {
        crate::outbox::BreakerState::at(self.breaker_opens, self.paused_until, now)
    }
}
