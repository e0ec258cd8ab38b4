//! What the HTTP feed puts on the wire: each event signed for the consumer that asked
//! ([`SignedEvent`], [`SignedPage`]), and why an item is refused ([`ItemRejected`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::feed::{Cursor, FeedEvent, FeedPage, RawEnvelope};
use crate::signature::{Scheme, SignError, StandardWebhooks, VerifyError};

impl FeedEvent {
    /// Signs the event for one consumer at `now`: Standard Webhooks over the envelope's bytes,
    /// with the event id as `webhook-id` and `now` as `webhook-timestamp`.
    ///
    /// # Errors
    /// The scheme holds no signing key, or the event id cannot be signed.
    ///
    /// ```
    /// use hookwire::Timestamp;
    /// use hookwire::feed::{Cursor, FeedEvent, RawEnvelope};
    /// use hookwire::signature::StandardWebhooks;
    ///
    /// let secret = StandardWebhooks::new("whsec_c2VjcmV0")?;
    /// let event = FeedEvent {
    ///     cursor: Cursor::parse("3")?,
    ///     id: "evt_1".into(),
    ///     event_type: "order.created".into(),
    ///     created_at: 1_700_000_000,
    ///     envelope: RawEnvelope::from_json(r#"{"type":"order.created","data":{}}"#.into())?,
    /// };
    /// let signed = event.clone().sign(&secret, Timestamp::from_unix(1_700_000_100))?;
    /// assert!(signed.signature.starts_with("v1,"));
    /// assert_eq!(signed.verify(&secret, Timestamp::from_unix(1_700_000_100))?, event);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign(self, scheme: &StandardWebhooks, now: Timestamp) -> Result<SignedEvent, SignError> {
        let headers = scheme.sign(&self.id, now, self.envelope.as_bytes())?;
        let signature = headers
            .get("webhook-signature")
            .ok_or(SignError::NoSigningKey)?
            .to_owned();
        Ok(SignedEvent {
            cursor: self.cursor,
            id: self.id,
            event_type: self.event_type,
            created_at: self.created_at,
            envelope: self.envelope,
            signed_at: now.unix_seconds(),
            signature,
        })
    }
}

/// One event as the HTTP feed serves it: a [`FeedEvent`] signed for the consumer that asked,
/// like a webhook (Standard Webhooks: `webhook-id` = `id`, `webhook-timestamp` = `signed_at`,
/// `webhook-signature` = `signature`, over the envelope's exact bytes).
///
/// The signature covers the id, the time of signing and the envelope (which holds the type);
/// `cursor` and `created_at` are not signed: a feed that is not the shop's can hold events
/// back, never make a handler run one the shop did not publish.
///
/// See [`FeedEvent::sign`] for an example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SignedEvent {
    /// Ask `after` this to read what follows this event.
    pub cursor: Cursor,
    /// The event id (the same `webhook-id` its deliveries carry): signed.
    pub id: String,
    /// The event type; it must equal the signed envelope's `type`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it was published, Unix seconds.
    pub created_at: i64,
    /// The envelope as published, byte for byte: signed.
    pub envelope: RawEnvelope,
    /// When the feed signed this item, Unix seconds (the signed `webhook-timestamp`).
    pub signed_at: i64,
    /// The `webhook-signature` value: `v1,<base64>` (or `v1a,` for Ed25519), one per key.
    pub signature: String,
}

impl SignedEvent {
    /// Checks the signature at `now` with the consumer's `scheme` (within its tolerance), and
    /// that the item's `type` is the signed envelope's.
    ///
    /// # Errors
    /// [`ItemRejected`]: forged, altered, signed with another secret, or signed too long ago.
    ///
    /// See [`FeedEvent::sign`] for an example.
    pub fn verify(
        self,
        scheme: &StandardWebhooks,
        now: Timestamp,
    ) -> Result<FeedEvent, ItemRejected> {
        let timestamp = self.signed_at.to_string();
        let headers = [
            ("webhook-id", self.id.as_str()),
            ("webhook-timestamp", timestamp.as_str()),
            ("webhook-signature", self.signature.as_str()),
        ];
        scheme
            .verify(&headers, self.envelope.as_bytes(), now)
            .map_err(|error| ItemRejected::Signature {
                event_id: shown(&self.id),
                error,
            })?;
        let signed_type = self.envelope.event_type();
        if signed_type.as_deref() != Some(self.event_type.as_str()) {
            return Err(ItemRejected::TypeMismatch {
                event_id: shown(&self.id),
                served: shown(&self.event_type),
                signed: signed_type.as_deref().map(shown),
            });
        }
        Ok(FeedEvent {
            cursor: self.cursor,
            id: self.id,
            event_type: self.event_type,
            created_at: self.created_at,
            envelope: self.envelope,
        })
    }
}

/// At most this much of a text the feed sent is repeated in an error.
fn shown(text: &str) -> String {
    text.chars().take(80).collect()
}

/// A feed item that did not verify: it reached no handler.
///
/// ```
/// use hookwire::feed::ItemRejected;
/// use hookwire::signature::VerifyError;
/// let error = ItemRejected::Signature { event_id: "evt_1".into(), error: VerifyError::NoMatchingSignature };
/// assert!(error.to_string().contains("evt_1"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ItemRejected {
    /// The signature does not verify: the item was forged or altered, signed with another
    /// secret, or signed outside the scheme's tolerance (a replayed page).
    #[error(
        "feed item {event_id} is not signed by the shop with this consumer's secret ({error}): \
         forged, altered, or the secret is wrong; nothing from it was handled"
    )]
    Signature {
        /// The item's id, as served (at most 80 characters).
        event_id: String,
        /// What the verification found.
        #[source]
        error: VerifyError,
    },
    /// The item's `type` is not the one inside its signed envelope.
    #[error(
        "feed item {event_id} says type `{served}` but its signed envelope says {}: altered; \
         nothing from it was handled",
        signed.as_deref().map_or_else(|| "none".to_owned(), |t| format!("`{t}`"))
    )]
    TypeMismatch {
        /// The item's id.
        event_id: String,
        /// The type the item claims.
        served: String,
        /// The type in its signed envelope, if any.
        signed: Option<String>,
    },
}

impl FeedPage {
    /// Signs every event for one consumer (see [`FeedEvent::sign`]).
    ///
    /// # Errors
    /// As [`FeedEvent::sign`].
    ///
    /// ```
    /// use hookwire::Timestamp;
    /// use hookwire::feed::FeedPage;
    /// use hookwire::signature::StandardWebhooks;
    ///
    /// let page = FeedPage { data: vec![], next: None, done: true };
    /// let signed = page.sign(&StandardWebhooks::new("whsec_c2VjcmV0")?, Timestamp::from_unix(0))?;
    /// assert!(signed.done);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign(self, scheme: &StandardWebhooks, now: Timestamp) -> Result<SignedPage, SignError> {
        Ok(SignedPage {
            data: self
                .data
                .into_iter()
                .map(|event| event.sign(scheme, now))
                .collect::<Result<_, _>>()?,
            next: self.next,
            done: self.done,
        })
    }
}

/// A page as the HTTP feed serves it (`GET /events`): every event signed for the consumer
/// that asked. [`FeedClient`](crate::feed::FeedClient) verifies it into a [`FeedPage`].
///
/// ```
/// use hookwire::feed::SignedPage;
/// let page: SignedPage = serde_json::from_str(r#"{"data":[],"next":"7","done":true}"#)?;
/// assert_eq!(page.next.unwrap().as_str(), "7");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SignedPage {
    /// Events in feed order, each signed.
    pub data: Vec<SignedEvent>,
    /// The cursor to ask `after` next (see [`FeedPage::next`]).
    pub next: Option<Cursor>,
    /// Whether this page reached the end of what can be read now.
    pub done: bool,
}

impl SignedPage {
    /// Verifies every event (see [`SignedEvent::verify`]): one that fails fails the page.
    ///
    /// # Errors
    /// The first [`ItemRejected`].
    ///
    /// ```
    /// use hookwire::Timestamp;
    /// use hookwire::feed::SignedPage;
    /// use hookwire::signature::StandardWebhooks;
    ///
    /// let page = SignedPage { data: vec![], next: None, done: true };
    /// let page = page.verify(&StandardWebhooks::new("whsec_c2VjcmV0")?, Timestamp::from_unix(0))?;
    /// assert!(page.data.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(
        self,
        scheme: &StandardWebhooks,
        now: Timestamp,
    ) -> Result<FeedPage, ItemRejected> {
        Ok(FeedPage {
            data: self
                .data
                .into_iter()
                .map(|event| event.verify(scheme, now))
                .collect::<Result<_, _>>()?,
            next: self.next,
            done: self.done,
        })
    }
}
