//! What the feed reads: events with their envelope's exact bytes ([`FeedEvent`],
//! [`RawEnvelope`]) and a [`FeedPage`] of them.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::feed::{Cursor, FeedQuery};

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
    pub(crate) fn event_type(&self) -> Option<String> {
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

/// One published event, as a [`FeedStore`](crate::feed::FeedStore) reads it and as
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
}

/// A message's payload (sent as given) in the envelope the feed serves: `{"type", "timestamp",
/// "data"}`, stamped with when it was published.
pub(crate) fn message_envelope(
    event_type: &str,
    created_at: i64,
    payload: &str,
) -> Result<String, crate::feed::FeedError> {
    let data: &serde_json::value::RawValue = serde_json::from_str(payload)
        .map_err(|e| crate::feed::FeedError::Corrupt(format!("a message's payload: {e}")))?;
    let envelope = serde_json::json!({
        "type": event_type,
        "timestamp": crate::Timestamp::from_unix(created_at),
        "data": data,
    });
    Ok(envelope.to_string())
}

pub(crate) fn envelope(payload: String) -> Result<RawEnvelope, crate::feed::FeedError> {
    RawEnvelope::from_json(payload)
        .map_err(|e| crate::feed::FeedError::Corrupt(format!("envelope: {e}")))
}
