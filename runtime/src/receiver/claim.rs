//! Step 5 of the request path, without an inbox: the duplicate claim. A delivery's id is
//! claimed in the [`DedupStore`] under the receiver's namespace before its handler runs; the
//! [`Held`] claim is completed after a success and abandoned otherwise.

use std::sync::Arc;

use axum::extract::MatchedPath;
use axum::http::request::Parts;

use crate::Timestamp;
use crate::dedup::{Claim, DedupError, DedupKey, DedupStore};
use crate::receiver::config::Inner;
use crate::receiver::error::ReceiveError;
use crate::signature::header_title;
use crate::{ClaimToken, Settled};

/// Claims delivery `id` in `namespace` (made only when there is a store) when there is one: `Duplicate` and `InFlight` come
/// back as errors, answered `200` and `409`; a full or unreachable store is `503`. A delivery
/// without an id is handled without deduplication, and logged as such.
pub(crate) async fn claim(
    inner: &Inner,
    namespace: impl FnOnce() -> Arc<str>,
    id: Option<&str>,
) -> Result<Option<Held>, ReceiveError> {
    let Some(store) = &inner.dedup else {
        return Ok(None);
    };
    let Some(id) = id else {
        let provider = inner.scheme.provider();
        let missing = match (provider.id_header(), provider.id_in_body()) {
            (Some(header), _) => format!("{} is missing", header_title(header)),
            (None, Some(field)) => format!("the body has no `{field}`"),
            (None, None) => "the scheme sends no delivery id".to_owned(),
        };
        tracing::warn!("{missing}: this delivery is not deduplicated");
        return Ok(None);
    };
    let key = DedupKey::new(namespace(), id);
    let now = inner.clock.now();
    // A store that answers at once (memory) is not asked for a boxed future.
    let claimed = match store.claim_now(&key, now, inner.dedup_lease) {
        Some(claimed) => claimed,
        None => store.claim(&key, now, inner.dedup_lease).await,
    };
    match claimed {
        Ok(Claim::New(token)) => Ok(Some(Held {
            store: Arc::clone(store),
            key,
            token,
            claimed_at: now,
            settled: false,
        })),
        Ok(Claim::InFlight) => Err(ReceiveError::InFlight),
        Ok(Claim::Done) => Err(ReceiveError::Duplicate),
        Err(error) => Err(ReceiveError::DedupUnavailable(error)),
    }
}

/// The receiver's dedup namespace: the configured one, else the provider and the route
/// (`stripe:/webhooks/billing`), which every replica shares and two routes do not.
pub(crate) fn namespace(inner: &Inner, parts: &Parts) -> Arc<str> {
    let path = parts
        .extensions
        .get::<MatchedPath>()
        .map_or_else(|| parts.uri.path(), MatchedPath::as_str);
    namespace_of(inner, path)
}

/// The namespace of the receiver mounted at route `path`.
pub(crate) fn namespace_of(inner: &Inner, path: &str) -> Arc<str> {
    if let Some(namespace) = &inner.dedup_namespace {
        return Arc::clone(namespace);
    }
    let (route, namespace) = inner.route_namespace.get_or_init(|| {
        let namespace = format!("{}:{path}", inner.scheme.name());
        (path.into(), namespace.into())
    });
    if **route == *path {
        Arc::clone(namespace)
    } else {
        format!("{}:{path}", inner.scheme.name()).into()
    }
}

/// A delivery claimed in the duplicate store, owned through its token:
/// [`complete`](Held::complete) it after the handler succeeded, [`abandon`](Held::abandon) it
/// otherwise. Dropped unsettled (a panic, a cancelled request), it is abandoned in the
/// background.
pub(crate) struct Held {
    store: Arc<dyn DedupStore>,
    key: DedupKey,
    token: ClaimToken,
    /// When it was claimed, on the receiver's clock: the lease and the handler's limit start
    /// here.
    pub(crate) claimed_at: Timestamp,
    settled: bool,
}

impl Held {
    pub(crate) async fn complete(mut self, inner: &Inner) -> Result<(), DedupError> {
        self.settled = true;
        let now = inner.clock.now();
        let (key, ttl) = (&self.key, inner.dedup_ttl);
        let settled = match self.store.complete_now(key, self.token, now, ttl) {
            Some(settled) => settled,
            None => self.store.complete(key, self.token, now, ttl).await,
        };
        match settled? {
            Settled::Applied => {}
            Settled::Lost => tracing::warn!(
                key = %self.key,
                "handled after the claim's lease ended and another request took it over"
            ),
        }
        Ok(())
    }

    pub(crate) async fn abandon(mut self) {
        self.settled = true;
        let settled = match self.store.abandon_now(&self.key, self.token) {
            Some(settled) => settled,
            None => self.store.abandon(&self.key, self.token).await,
        };
        if let Err(error) = settled {
            tracing::warn!(%error, "could not release the delivery id; it stays claimed until its lease ends");
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        if let Some(settled) = self.store.abandon_now(&self.key, self.token) {
            if let Err(error) = settled {
                tracing::warn!(%error, "could not release an abandoned delivery id");
            }
            return;
        }
        let store = Arc::clone(&self.store);
        let key = self.key.clone();
        let token = self.token;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = store.abandon(&key, token).await {
                    tracing::warn!(%error, "could not release an abandoned delivery id");
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::WebhookConfig;
    use crate::signature::{GitHub, Stripe};

    #[test]
    fn the_kept_namespace_is_only_for_its_route_and_its_configuration() {
        let config = WebhookConfig::new(GitHub::new("s").unwrap());
        let inner = config.inner();
        assert_eq!(&*namespace_of(inner, "/a"), "github:/a");
        assert_eq!(&*namespace_of(inner, "/a"), "github:/a");
        assert_eq!(&*namespace_of(inner, "/b"), "github:/b");
        // A configuration derived from it makes its own.
        let derived = config.clone().body_limit(10);
        assert_eq!(&*namespace_of(derived.inner(), "/b"), "github:/b");
        assert_eq!(&*namespace_of(derived.inner(), "/a"), "github:/a");
        let changed = config.clone().dedup_namespace("mine");
        assert_eq!(&*namespace_of(changed.inner(), "/a"), "mine");
        let stripe = WebhookConfig::new(Stripe::new("whsec_x").unwrap());
        assert_eq!(&*namespace_of(stripe.inner(), "/a"), "stripe:/a");
    }
}
