//! What the feed serves: events with their envelope's exact bytes ([`FeedEvent`],
//! [`RawEnvelope`]), a [`FeedPage`] of them, and the signed form the HTTP feed puts on the wire
//! ([`SignedEvent`], [`SignedPage`]).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::Timestamp;
use crate::feed::{Cursor, FeedQuery};
use crate::signature::{Scheme, SignError, StandardWebhooks, VerifyError};

/// An event's envelope exactly as the outbox stored it: the bytes its webhooks carry.
///
/// It is written into a feed page as JSON (not as a string) and read back byte for byte, so a
/// catch-up hands handlers the same bytes a webhook would have carried, and a signature made
/// over them on the server verifies on the client.
///
/// ```
/// use hookwire::feed::RawEnvelope;
///
/// let stored = r#"{"type":"order.created", "timestamp":"2024-01-01T00:00:00Z","data":{"note":"caf\u00e9"}}"#;
/// let envelope = RawEnvelope::from_json(stored.to_owned())?;
/// assert_eq!(envelope.as_bytes(), stored.as_bytes());
/// let value: serde_json::Value = envelope.parse()?;
/// assert_eq!(value["data"]["note"], "café");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawEnvelope(Box<RawValue>);

impl RawEnvelope {
    /// Wraps stored envelope text, checking that it is one JSON value. Leading and trailing
    /// whitespace is not part of the value (the outbox writes none).
    ///
    /// # Errors
    /// The text is not JSON.
    ///
    /// ```
    /// # use hookwire::feed::RawEnvelope;
    /// assert!(RawEnvelope::from_json("{\"type\":\"a\"}".into()).is_ok());
    /// assert!(RawEnvelope::from_json("{".into()).is_err());
    /// ```
    pub fn from_json(json: String) -> Result<Self, serde_json::Error> {
        RawValue::from_string(json).map(RawEnvelope)
    }

    /// The envelope's bytes.
    ///
    /// ```
    /// # use hookwire::feed::RawEnvelope;
    /// assert_eq!(RawEnvelope::from_json("[1]".into())?.as_bytes(), b"[1]");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        self.0.get().as_bytes()
    }

    /// The envelope's text.
    ///
    /// ```
    /// # use hookwire::feed::RawEnvelope;
    /// assert_eq!(RawEnvelope::from_json("[1]".into())?.as_str(), "[1]");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The envelope's bytes, moved out (no copy).
    ///
    /// ```
    /// # use hookwire::feed::RawEnvelope;
    /// assert_eq!(RawEnvelope::from_json("[1]".into())?.into_bytes(), b"[1]");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn into_bytes(self) -> Vec<u8> {
        let text: Box<str> = self.0.into();
        String::from(text).into_bytes()
    }

    /// Parses the envelope (into a `serde_json::Value`, or your own type).
    ///
    /// # Errors
    /// The envelope does not match `T`.
    ///
    /// ```
    /// # use hookwire::feed::RawEnvelope;
    /// let numbers: Vec<u8> = RawEnvelope::from_json("[1,2]".into())?.parse()?;
    /// assert_eq!(numbers, [1, 2]);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    /// The envelope's `type`, if it has one.
    fn event_type(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct Head {
            #[serde(rename = "type")]
            event_type: Option<String>,
        }
        serde_json::from_str::<Head>(self.0.get())
            .ok()
            .and_then(|head| head.event_type)
    }
}

impl fmt::Debug for RawEnvelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawEnvelope").field(&self.as_str()).finish()
    }
}

impl PartialEq for RawEnvelope {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for RawEnvelope {}

impl JsonSchema for RawEnvelope {
    fn schema_name() -> Cow<'static, str> {
        "RawEnvelope".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "The envelope as published (`type`, `timestamp`, `data`), byte for byte \
                            as its webhooks carry it: the signature covers these bytes.",
        })
    }
}

/// One published event, as a [`FeedSource`](crate::feed::FeedSource) reads it and as
/// [`FeedClient`](crate::feed::FeedClient) hands it on once its signature verified.
///
/// ```
/// use hookwire::feed::{Cursor, FeedEvent, RawEnvelope};
/// let event = FeedEvent {
///     cursor: Cursor::parse("3")?,
///     id: "evt_1".into(),
///     event_type: "order.created".into(),
///     created_at: 1_700_000_000,
///     envelope: RawEnvelope::from_json(r#"{"type":"order.created","data":{}}"#.into())?,
/// };
/// assert_eq!(event.envelope.as_str(), r#"{"type":"order.created","data":{}}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// Ask `after` this to read what follows this event.
    pub cursor: Cursor,
    /// The event id (the same `webhook-id` base its deliveries carry).
    pub id: String,
    /// The event type.
    pub event_type: String,
    /// When it was published, Unix seconds.
    pub created_at: i64,
    /// The envelope as published (`type`, `timestamp`, `data`), byte for byte.
    pub envelope: RawEnvelope,
}

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

/// A page of the feed: the events, and where to continue.
///
/// ```
/// use hookwire::feed::{Cursor, FeedPage};
/// let page = FeedPage { data: vec![], next: Some(Cursor::parse("9")?), done: true };
/// assert!(page.data.is_empty());
/// # Ok::<(), hookwire::feed::FeedError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPage {
    /// Events in feed order.
    pub data: Vec<FeedEvent>,
    /// The cursor to ask `after` next: past everything this page looked at. That is the last
    /// event's cursor, or, on a read filtered by type, past the events of other types it
    /// scanned (so a filter that matches nothing still moves on); the one asked with when
    /// nothing was scanned (`null` only for an empty feed read from the start).
    ///
    /// A cursor is a position in the whole feed, not in a filtered view: keep reading a stored
    /// cursor with the same types. To add a type, read from an earlier cursor (or the start;
    /// the receiver's duplicate check absorbs what was handled already).
    pub next: Option<Cursor>,
    /// Whether this page reached the end of what can be read now.
    pub done: bool,
}

impl FeedPage {
    /// The page a scan of `scanned` rows (at most the query's
    /// [`scan_window`](FeedQuery::scan_window)) built: `data` the matching events, `last` the
    /// cursor of the last row looked at. Backends return rows up to the `limit`-th match.
    #[cfg_attr(not(any(feature = "postgres", feature = "sqlite")), allow(dead_code))]
    pub(crate) fn scanned(
        data: Vec<FeedEvent>,
        last: Option<Cursor>,
        scanned: usize,
        query: &FeedQuery,
    ) -> Self {
        let full = data.len() >= query.limit_or_default() as usize;
        let done = !full && scanned < query.scan_window() as usize;
        let next = last.or_else(|| query.cursor().cloned());
        FeedPage { data, next, done }
    }

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

#[cfg(any(feature = "postgres", feature = "sqlite"))]
pub(crate) fn envelope(payload: String) -> Result<RawEnvelope, crate::feed::FeedError> {
    RawEnvelope::from_json(payload)
        .map_err(|e| crate::feed::FeedError::Corrupt(format!("envelope: {e}")))
}
