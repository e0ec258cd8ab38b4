//! The Standard Webhooks envelope, `{"type": ..., "timestamp": ..., "data": ...}`: writing a
//! catalog event into it, and reading one back by its type name.

use std::borrow::Cow;
use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::event::Events;
use crate::timestamp::Timestamp;

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

impl<E: Events> Envelope<E> {
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

    /// The type name of the event inside.
    ///
    /// ```
    /// # fn demo<E: hookwire::Events>(envelope: hookwire::Envelope<E>) -> &'static str {
    /// envelope.event_type()
    /// # }
    /// ```
    pub fn event_type(&self) -> &'static str {
        self.data.event_type()
    }
}

impl<E: Events> Serialize for Envelope<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        EnvelopeRef {
            timestamp: self.timestamp,
            event: &self.data,
        }
        .serialize(serializer)
    }
}

/// An envelope that borrows its event, so sending never clones one.
struct EnvelopeRef<'a, E> {
    timestamp: Timestamp,
    event: &'a E,
}

impl<E: Events> Serialize for EnvelopeRef<'_, E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The event's payload alone.
        struct Data<'a, E>(&'a E);
        impl<E: Events> Serialize for Data<'_, E> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize_data(serializer)
            }
        }
        let mut envelope = serializer.serialize_struct("Envelope", 3)?;
        envelope.serialize_field("type", self.event.event_type())?;
        envelope.serialize_field("timestamp", &self.timestamp)?;
        envelope.serialize_field("data", &Data(self.event))?;
        envelope.end()
    }
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

/// What [`Events::from_envelope`] found: an event the catalog lists, or one it does not.
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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The bytes are not a JSON object with a string `type`, an RFC 3339 `timestamp` and a
    /// `data` member (this includes bytes that are not UTF-8).
    #[error("the body is not a webhook envelope with `type`, `timestamp` and `data`: {0}")]
    Malformed(#[source] serde_json::Error),
    /// The catalog lists the event type, but `data` does not match the event's Rust type.
    #[error("the data of a `{event_type}` event does not match its type: {source}")]
    Data {
        /// The envelope's `type`.
        event_type: String,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
    },
}

/// The envelope's members, borrowed from the input; `data` is kept raw until `type` is known.
#[derive(Deserialize)]
struct RawEnvelope<'a> {
    #[serde(rename = "type", borrow)]
    event_type: Cow<'a, str>,
    timestamp: Timestamp,
    #[serde(borrow)]
    data: &'a RawValue,
}

pub(crate) fn to_vec<E: Events>(event: &E, timestamp: Timestamp) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&EnvelopeRef { timestamp, event })
}

pub(crate) fn parse<E: Events>(bytes: &[u8]) -> Result<Parsed<E>, EnvelopeError> {
    let raw: RawEnvelope<'_> = serde_json::from_slice(bytes).map_err(EnvelopeError::Malformed)?;
    match E::from_data(&raw.event_type, raw.data) {
        Some(Ok(data)) => Ok(Parsed::Known(Envelope {
            timestamp: raw.timestamp,
            data,
        })),
        Some(Err(source)) => Err(EnvelopeError::Data {
            event_type: raw.event_type.into_owned(),
            source,
        }),
        None => Ok(Parsed::Unknown(UnknownEvent {
            event_type: raw.event_type.into_owned(),
            timestamp: raw.timestamp,
            data: raw.data.to_owned(),
        })),
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
