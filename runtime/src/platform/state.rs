//! The platform: the store, the keys, the settings and the event catalog, shared by every
//! route; built once with [`PlatformBuilder`].

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::auth::Keys;
use super::event_types::CatalogEntry;
use super::portal::PortalConfig;
use crate::outbox::{ApplicationStore, StoreError};

/// The operator API's state: cheap to clone (one `Arc`).
///
/// ```
/// use std::sync::Arc;
/// use hookwire::outbox::MemoryOutbox;
/// use hookwire::platform::Platform;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let platform = Platform::builder(Arc::new(MemoryOutbox::new()))
///     .operator_token("an-operator-token-0001")
///     .build()
///     .await?;
/// let app: axum::Router = platform.router();
/// # Ok::<(), hookwire::platform::PlatformError>(())
/// # }).unwrap();
/// ```
pub struct Platform<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for Platform<S> {
    fn clone(&self) -> Self {
        Platform {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<S> std::fmt::Debug for Platform<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Platform")
            .field("base_url", &self.inner.base_url)
            .field("allow_private", &self.inner.allow_private)
            .field("event_types", &self.inner.catalog.len())
            .finish_non_exhaustive()
    }
}

struct Inner<S> {
    store: Arc<S>,
    keys: Keys,
    base_url: Option<String>,
    allow_private: bool,
    rotation_overlap: Duration,
    portal_ttl: Duration,
    portal: PortalConfig,
    catalog: Vec<CatalogEntry>,
}

/// Why a [`Platform`] could not be built.
///
/// ```
/// use hookwire::platform::PlatformError;
///
/// assert!(PlatformError::NoOperatorToken.to_string().contains("operator token"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlatformError {
    /// No operator token was given: nobody could call the API.
    #[error("the operator API needs at least one operator token (`operator_token`)")]
    NoOperatorToken,
    /// An operator token is shorter than 16 characters.
    #[error("an operator token must be at least 16 characters long")]
    WeakOperatorToken,
    /// The catalog's event types could not be registered.
    #[error("could not register the event catalog: {0}")]
    Store(#[from] StoreError),
}

/// Builds a [`Platform`]: the store, operator tokens, and optional settings.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use hookwire::outbox::MemoryOutbox;
/// use hookwire::platform::Platform;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let platform = Platform::builder(Arc::new(MemoryOutbox::new()))
///     .operator_token("a-long-operator-token")
///     .base_url("https://hooks.example.com")
///     .rotation_overlap(Duration::from_secs(3600))
///     .event_type("invoice.paid", "An invoice was paid.", serde_json::json!({"type": "object"}))
///     .build()
///     .await?;
/// # let _ = platform;
/// # Ok::<(), hookwire::platform::PlatformError>(())
/// # }).unwrap();
/// ```
pub struct PlatformBuilder<S> {
    store: Arc<S>,
    operators: Vec<String>,
    portal_key: Option<[u8; 32]>,
    base_url: Option<String>,
    allow_private: bool,
    rotation_overlap: Duration,
    portal_ttl: Duration,
    portal: PortalConfig,
    catalog: Vec<CatalogEntry>,
}

impl<S> std::fmt::Debug for PlatformBuilder<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformBuilder")
            .field("operator_tokens", &self.operators.len())
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl<S: ApplicationStore + 'static> Platform<S> {
    /// Starts building a platform on `store`.
    ///
    /// ```
    /// let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// ```
    pub fn builder(store: Arc<S>) -> PlatformBuilder<S> {
        PlatformBuilder {
            store,
            operators: Vec::new(),
            portal_key: None,
            base_url: None,
            allow_private: false,
            rotation_overlap: Duration::from_secs(24 * 3600),
            portal_ttl: Duration::from_secs(7 * 24 * 3600),
            portal: PortalConfig::default(),
            catalog: Vec::new(),
        }
    }
}

impl<S: ApplicationStore> Platform<S> {
    /// The store.
    ///
    /// ```
    /// # async fn demo(platform: hookwire::platform::Platform<hookwire::outbox::MemoryOutbox>) {
    /// let apps = hookwire::outbox::ApplicationStore::applications(platform.store(), None, 10).await;
    /// # }
    /// ```
    pub fn store(&self) -> &S {
        &self.inner.store
    }

    /// A portal token for `app`, valid for the configured time (7 days by default) or until
    /// the application's tokens are expired.
    ///
    /// # Errors
    /// The store failed reading the application's token generation.
    ///
    /// ```
    /// # async fn demo(platform: hookwire::platform::Platform<hookwire::outbox::MemoryOutbox>) -> Result<(), hookwire::platform::OperatorError> {
    /// let token = platform.portal_token(hookwire::outbox::AppId(1)).await?;
    /// assert!(token.starts_with("hwpt_"));
    /// # Ok(()) }
    /// ```
    pub async fn portal_token(
        &self,
        app: crate::outbox::AppId,
    ) -> Result<String, super::OperatorError> {
        self.portal_token_within(app, None).await
    }

    /// A portal token for `app`, valid for `ttl` (at most the configured time).
    pub(crate) async fn portal_token_within(
        &self,
        app: crate::outbox::AppId,
        ttl: Option<Duration>,
    ) -> Result<String, super::OperatorError> {
        let generation = super::auth::generation(self.store(), app).await?;
        let ttl = ttl.map_or(self.inner.portal_ttl, |ttl| ttl.min(self.inner.portal_ttl));
        let ttl = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
        let expires = self.store().now().saturating_add(ttl);
        Ok(self.inner.keys.portal_token(app, generation, expires))
    }

    pub(crate) fn keys(&self) -> &Keys {
        &self.inner.keys
    }

    pub(crate) fn base_url(&self) -> Option<&str> {
        self.inner.base_url.as_deref()
    }

    pub(crate) fn allow_private(&self) -> bool {
        self.inner.allow_private
    }

    pub(crate) fn rotation_overlap(&self) -> Duration {
        self.inner.rotation_overlap
    }

    pub(crate) fn portal(&self) -> &PortalConfig {
        &self.inner.portal
    }

    pub(crate) fn catalog(&self) -> &[CatalogEntry] {
        &self.inner.catalog
    }
}

impl<S: ApplicationStore + 'static> PlatformBuilder<S> {
    /// Accepts `token` (at least 16 characters) as an operator token: full access. Call it
    /// again to accept several (a rotation).
    ///
    /// ```
    /// # let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// let builder = builder.operator_token("an-operator-token-0001");
    /// ```
    #[must_use]
    pub fn operator_token(mut self, token: impl Into<String>) -> Self {
        self.operators.push(token.into());
        self
    }

    /// Signs portal tokens with `key` instead of a key derived from the first operator token.
    /// Servers that share a database must share it (or the operator token).
    ///
    /// ```
    /// # let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// let builder = builder.portal_key([7; 32]);
    /// ```
    #[must_use]
    pub fn portal_key(mut self, key: [u8; 32]) -> Self {
        self.portal_key = Some(key);
        self
    }

    /// The URL the API is reached at (`https://hooks.example.com`, or with the prefix it is
    /// nested under), for the portal links `app-portal-access` returns. Without it, links are
    /// built from the request's `Host` header.
    ///
    /// ```
    /// # let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// let builder = builder.base_url("https://hooks.example.com");
    /// ```
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Lets endpoints created through the API use loopback, private and link-local addresses
    /// (tests, internal networks). Off by default: such URLs are refused with `422`.
    ///
    /// ```
    /// # let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// let builder = builder.allow_private_endpoints(true);
    /// ```
    #[must_use]
    pub fn allow_private_endpoints(mut self, allow: bool) -> Self {
        self.allow_private = allow;
        self
    }

    /// How long the previous secret keeps signing after `secret/rotate` when the request does
    /// not say (default 24 hours, as Svix).
    ///
    /// ```
    /// # let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// let builder = builder.rotation_overlap(std::time::Duration::from_secs(3600));
    /// ```
    #[must_use]
    pub fn rotation_overlap(mut self, overlap: Duration) -> Self {
        self.rotation_overlap = overlap;
        self
    }

    /// How the customer portal is served: which pages may show it in a frame (any, by
    /// default; see [`PortalConfig::frame_ancestors`]).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use axum::body::Body;
    /// use axum::http::Request;
    /// use hookwire::outbox::MemoryOutbox;
    /// use hookwire::platform::Platform;
    /// use hookwire::platform::portal::PortalConfig;
    /// use tower::ServiceExt;
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let platform = Platform::builder(Arc::new(MemoryOutbox::new()))
    ///     .operator_token("an-operator-token-0001")
    ///     .portal(PortalConfig::new().frame_ancestors("https://dashboard.example.com")?)
    ///     .build()
    ///     .await?;
    /// let page = platform.router().oneshot(Request::get("/portal/").body(Body::empty())?).await?;
    /// let policy = page.headers()["content-security-policy"].to_str()?;
    /// assert!(policy.ends_with("frame-ancestors https://dashboard.example.com"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    #[must_use]
    pub fn portal(mut self, config: PortalConfig) -> Self {
        self.portal = config;
        self
    }

    /// How long a portal token is valid (default 7 days).
    ///
    /// ```
    /// # let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// let builder = builder.portal_token_ttl(std::time::Duration::from_secs(900));
    /// ```
    #[must_use]
    pub fn portal_token_ttl(mut self, ttl: Duration) -> Self {
        self.portal_ttl = ttl;
        self
    }

    /// Registers every event of catalog `C`, with its description and JSON Schema, as an
    /// event type (created when the platform is built, unless it exists).
    ///
    /// ```
    /// use hookwire::{Event, Events, JsonSchema, schemars};
    /// use serde::{Deserialize, Serialize};
    ///
    /// /// An invoice was paid.
    /// #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// #[hookwire(event = "invoice.paid")]
    /// struct InvoicePaid { id: String }
    ///
    /// #[derive(Events)]
    /// enum Billing { InvoicePaid(InvoicePaid) }
    ///
    /// # let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// let builder = builder.catalog::<Billing>();
    /// ```
    #[must_use]
    pub fn catalog<C: crate::DescribeEvents>(mut self) -> Self {
        let infos = crate::schema::events::<C>();
        for ((name, schema), info) in crate::schema::event_schemas::<C>().into_iter().zip(infos) {
            self.catalog.push(CatalogEntry {
                name: name.to_owned(),
                description: info.description.unwrap_or_default().to_owned(),
                schema: schema.to_value(),
                deprecated: info.deprecated,
            });
        }
        self
    }

    /// Registers one event type with its description and JSON Schema (from a
    /// `hookwire::schema` export, say).
    ///
    /// ```
    /// # let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// let builder = builder.event_type("invoice.paid", "Paid.", serde_json::json!({"type": "object"}));
    /// ```
    #[must_use]
    pub fn event_type(
        mut self,
        name: impl Into<String>,
        description: impl Into<String>,
        schema: Value,
    ) -> Self {
        self.catalog.push(CatalogEntry {
            name: name.into(),
            description: description.into(),
            schema,
            deprecated: false,
        });
        self
    }

    /// Builds the platform and registers the catalog's event types that the store does not
    /// hold yet.
    ///
    /// # Errors
    /// [`PlatformError::NoOperatorToken`] or [`PlatformError::WeakOperatorToken`]; the store
    /// failing to register the catalog.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let builder = hookwire::platform::Platform::builder(std::sync::Arc::new(hookwire::outbox::MemoryOutbox::new()));
    /// let error = builder.build().await.unwrap_err();
    /// assert!(matches!(error, hookwire::platform::PlatformError::NoOperatorToken));
    /// # });
    /// ```
    pub async fn build(self) -> Result<Platform<S>, PlatformError> {
        if self.operators.is_empty() {
            return Err(PlatformError::NoOperatorToken);
        }
        if self.operators.iter().any(|token| token.len() < 16) {
            return Err(PlatformError::WeakOperatorToken);
        }
        let platform = Platform {
            inner: Arc::new(Inner {
                store: self.store,
                keys: Keys::new(&self.operators, self.portal_key),
                base_url: self.base_url,
                allow_private: self.allow_private,
                rotation_overlap: self.rotation_overlap,
                portal_ttl: self.portal_ttl,
                portal: self.portal,
                catalog: self.catalog,
            }),
        };
        super::event_types::register_catalog(&platform).await?;
        Ok(platform)
    }
}
