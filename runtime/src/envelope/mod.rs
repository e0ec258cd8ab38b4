//! The Standard Webhooks envelope, `{"type": ..., "timestamp": ..., "data": ...}`: the values a
//! delivery carries, writing one, and reading one in a single pass ([`read`]).
//!
//! This module knows nothing of events or catalogs: it reads and writes the envelope around any
//! data, so `event` builds on it and never the other way round.

mod read;

use std::fmt;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use serde_json::value::RawValue;

use crate::timestamp::Timestamp;

pub(crate) use read::{DataSeed, ReadError, read};

/// An event of catalog `E` with the time it occurred: what a webhook delivery carries.
///
/// Serializes as `{"type": ..., "timestamp": ..., "data": ...}`.
///
/// ```
/// use hookwire::{Envelope, Event, Events, JsonSchema, Timestamp, schemars};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "ping")]
/// struct Ping {}
///
/// #[derive(Events)]
/// enum Catalog {
///     Ping(Ping),
/// }
///
/// let envelope = Envelope::new(Timestamp::from_unix(0), Catalog::Ping(Ping {}));
/// assert_eq!(envelope.event_type(), "ping");
/// assert_eq!(
///     serde_json::to_string(&envelope)?,
///     r#"{"type":"ping","timestamp":"1970-01-01T00:00:00Z","data":{}}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Envelope<E> {
    /// When the event occurred.
    pub timestamp: Timestamp,
    /// The event.
    pub data: E,
}

impl<E> Envelope<E> {
    /// Wraps an event with its timestamp.
    ///
    /// ```
    /// # use hookwire::{Envelope, Timestamp};
    /// # fn demo<E: hookwire::Events>(event: E) -> Envelope<E> {
    /// Envelope::new(Timestamp::from_unix(1_700_000_000), event)
    /// # }
    /// ```
    pub fn new(timestamp: Timestamp, data: E) -> Self {
        Envelope { timestamp, data }
    }
}

/// Writes `{"type": event_type, "timestamp": timestamp, "data": data}`, the members in that
/// order, serializing `data` straight into the output.
pub(crate) fn write<S: Serializer, D: Serialize + ?Sized>(
    serializer: S,
    event_type: &str,
    timestamp: Timestamp,
    data: &D,
) -> Result<S::Ok, S::Error> {
    let mut envelope = serializer.serialize_struct("Envelope", 3)?;
    envelope.serialize_field("type", event_type)?;
    envelope.serialize_field("timestamp", &timestamp)?;
    envelope.serialize_field("data", data)?;
    envelope.end()
}

/// An envelope whose type the catalog does not list, kept whole so nothing is lost: log it,
/// store it, or forward it.
///
/// ```
/// use hookwire::{Event, Events, JsonSchema, Parsed, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// # #[hookwire(event = "ping")]
/// # struct Ping {}
/// # #[derive(Events)]
/// # enum Catalog { Ping(Ping) }
///
/// let body = br#"{"type":"invoice.paid","timestamp":"2024-05-01T12:00:00.5Z","data":[1,2]}"#;
/// match Catalog::from_envelope(body)? {
///     Parsed::Unknown(unknown) => {
///         assert_eq!(unknown.event_type, "invoice.paid");
///         assert_eq!(unknown.timestamp.unix_seconds(), 1_714_564_800);
///         assert_eq!(unknown.data.get(), "[1,2]");
///     }
///     Parsed::Known(_) => unreachable!(),
/// }
/// # Ok::<(), hookwire::EnvelopeError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The envelope's `type`.
    pub event_type: String,
    /// The envelope's `timestamp`.
    pub timestamp: Timestamp,
    /// The envelope's `data`, exactly as received.
    pub data: Box<RawValue>,
}

/// What [`Events::from_envelope`](crate::Events::from_envelope) found: an event the catalog lists, or one it does not.
///
/// ```
/// # use hookwire::{Events, Parsed};
/// fn handle<E: Events + std::fmt::Debug>(parsed: Parsed<E>) {
///     match parsed {
///         Parsed::Known(envelope) => println!("{}: {:?}", envelope.event_type(), envelope.data),
///         Parsed::Unknown(unknown) => println!("ignoring {}", unknown.event_type),
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub enum Parsed<E> {
    /// An event the catalog lists, parsed into its type.
    Known(Envelope<E>),
    /// An event the catalog does not list, with its raw payload.
    Unknown(UnknownEvent),
}

impl<E> Parsed<E> {
    /// The envelope of a known event, or `None` for an unknown one.
    ///
    /// ```
    /// # use hookwire::{Events, Parsed, Envelope};
    /// # fn demo<E: Events>(parsed: Parsed<E>) -> Option<Envelope<E>> {
    /// parsed.known()
    /// # }
    /// ```
    pub fn known(self) -> Option<Envelope<E>> {
        match self {
            Parsed::Known(envelope) => Some(envelope),
            Parsed::Unknown(_) => None,
        }
    }
}

/// A delivery's event parsed into catalog `E`, or kept raw when `E` does not list its type.
///
/// ```
/// # #[cfg(feature = "axum")] {
/// use hookwire::receiver::Payload;
///
/// fn describe<E: std::fmt::Debug>(payload: &Payload<E>) -> String {
///     match payload {
///         Payload::Known(event) => format!("{event:?}"),
///         Payload::Unknown(raw) => format!("unknown: {}", raw.get()),
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "axum"), allow(unreachable_pub))]
pub enum Payload<E> {
    /// An event the catalog lists, parsed.
    Known(E),
    /// An event the catalog does not list, exactly as received.
    Unknown(Box<RawValue>),
}

/// Why bytes could not be read as an envelope of a catalog.
///
/// ```
/// # use hookwire::{Event, Events, EnvelopeError, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Serialize, Deserialize, JsonSchema, Event)]
/// # #[hookwire(event = "ping")]
/// # struct Ping { n: u32 }
/// # #[derive(Debug, Events)]
/// # enum Catalog { Ping(Ping) }
/// let wrong = br#"{"type":"ping","timestamp":"2024-05-01T12:00:00Z","data":{"n":"x"}}"#;
/// match Catalog::from_envelope(wrong) {
///     Err(EnvelopeError::Data { event_type, .. }) => assert_eq!(event_type, "ping"),
///     other => panic!("{other:?}"),
/// }
/// assert!(matches!(Catalog::from_envelope(b"[]"), Err(EnvelopeError::Malformed(_))));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The bytes are not a JSON object with a string `type`, an RFC 3339 `timestamp` and a
    /// `data` member (this includes bytes that are not UTF-8).
    Malformed(serde_json::Error),
    /// The catalog lists the event type, but `data` does not match the event's Rust type.
    Data {
        /// The envelope's `type`.
        event_type: String,
        /// What serde_json reported.
        source: serde_json::Error,
    },
}

impl std::fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnvelopeError::Malformed(source) => write!(
                f,
                "the body is not a webhook envelope with `type`, `timestamp` and `data`: {source}"
            ),
            EnvelopeError::Data { event_type, source } => write!(
                f,
                "the data of a `{event_type}` event does not match its type: {source}"
            ),
        }
    }
}

impl std::error::Error for EnvelopeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EnvelopeError::Malformed(source) | EnvelopeError::Data { source, .. } => Some(source),
        }
    }
}

impl fmt::Display for UnknownEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown event `{}` at {}",
            self.event_type, self.timestamp
        )
    }
}
