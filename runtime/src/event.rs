//! The traits the derives implement: [`Event`] for one payload, [`Events`] for the list of a
//! service's events, and what sending ([`SendEvents`]) and documenting ([`DescribeEvents`],
//! [`DescribeEvent`]) add on top. Nothing here does I/O.
//!
//! Receiving needs the least: an event is `Deserialize` and has a name. Sending adds
//! `Serialize`, documenting adds `JsonSchema`; each is asked for only where it is used.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::envelope::{
    self, DataSeed, Envelope, EnvelopeError, Parsed, Payload, ReadError, UnknownEvent,
};
use crate::timestamp::Timestamp;

/// A webhook payload with a type name, such as `order.shipped`.
///
/// Derive it with `#[derive(Event)]` and `#[hookwire(event = "...")]`; the doc comment becomes
/// the description and `#[deprecated]` marks the event deprecated in the OpenAPI document.
///
/// An event only has to be `Deserialize`: that is all a receiver needs. Sending it (in a
/// catalog, see [`SendEvents`]) also needs `Serialize`, documenting it ([`DescribeEvent`])
/// needs `JsonSchema`. A struct for GitHub's `push` that you only receive is:
///
/// ```
/// use hookwire::Event;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, Event)]
/// #[hookwire(event = "push")]
/// struct Push {
///     after: String,
/// }
/// assert_eq!(Push::TYPE, "push");
/// ```
///
/// and one you send and document as well:
///
/// ```
/// use hookwire::{Event, JsonSchema, schemars};
/// use serde::{Deserialize, Serialize};
///
/// /// An order left the warehouse.
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "order.shipped", version = "2")]
/// struct OrderShipped {
///     order_id: String,
/// }
///
/// assert_eq!(OrderShipped::TYPE, "order.shipped");
/// assert_eq!(OrderShipped::VERSION, Some("2"));
/// assert_eq!(OrderShipped::DESCRIPTION, Some("An order left the warehouse."));
/// assert!(!OrderShipped::DEPRECATED);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a hookwire event",
    label = "not an event",
    note = "derive it: `#[derive(Deserialize, hookwire::Event)]` with \
            `#[hookwire(event = \"order.shipped\")]` (add `Serialize` to send it, \
            `JsonSchema` to document it)"
)]
pub trait Event: DeserializeOwned {
    /// The event type name, as sent in the envelope's `type` or the provider's type header:
    /// letters, digits, `_` and `-` in segments separated by `.` or `/`, such as
    /// `order.shipped`, `orders/create` or `pull_request`.
    const TYPE: &'static str;
    /// The version of the payload's shape, when the sender versions it.
    const VERSION: Option<&'static str> = None;
    /// What the event means, from the type's doc comment.
    const DESCRIPTION: Option<&'static str> = None;
    /// Whether the payload type is `#[deprecated]`.
    const DEPRECATED: bool = false;
}

#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
/// An event that can be documented: an [`Event`] that is also `JsonSchema`.
///
/// Implemented for every such type; the schema and OpenAPI builders ask for it.
///
/// ```
/// use hookwire::{DescribeEvent, Event, JsonSchema, schemars};
/// use serde::Deserialize;
///
/// #[derive(Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "ping")]
/// struct Ping {}
///
/// fn documented<E: DescribeEvent>() -> &'static str {
///     E::TYPE
/// }
/// assert_eq!(documented::<Ping>(), "ping");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be documented: it is not `JsonSchema`",
    label = "needs `JsonSchema` to be documented",
    note = "derive it: `#[derive(JsonSchema)]` beside `Event`, with `use hookwire::schemars;` \
            in scope (no schemars dependency needed); events that are only received need not"
)]
pub trait DescribeEvent: Event + schemars::JsonSchema {}

#[cfg(feature = "schema")]
impl<T: Event + schemars::JsonSchema> DescribeEvent for T {}

#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
/// Something that is told about each event of a catalog in turn, with its type.
///
/// [`DescribeEvents::visit`] calls [`visit`](EventVisitor::visit) once per variant, in
/// declaration order. This is how the schema and OpenAPI builders reach every event type
/// without the catalog knowing about them.
///
/// ```
/// use hookwire::{DescribeEvent, DescribeEvents, Event, EventVisitor, Events, JsonSchema, schemars};
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
/// struct Names(Vec<&'static str>);
/// impl EventVisitor for Names {
///     fn visit<E: DescribeEvent>(&mut self) {
///         self.0.push(E::TYPE);
///     }
/// }
///
/// let mut names = Names(Vec::new());
/// Catalog::visit(&mut names);
/// assert_eq!(names.0, ["ping"]);
/// ```
pub trait EventVisitor {
    /// Called with one event type of the catalog.
    fn visit<E: DescribeEvent>(&mut self);
}

/// The events a service sends or receives, as an enum with one variant per event.
///
/// Derive it on an enum whose variants each hold one [`Event`]. The catalog reads the Standard
/// Webhooks envelope `{"type": ..., "timestamp": ..., "data": ...}` ([`from_envelope`]) and, when
/// its events are `Serialize`, writes it ([`to_envelope`], see [`SendEvents`]). An envelope
/// whose type the catalog does not list is not an error: it comes back as [`Parsed::Unknown`]
/// with its raw payload, so a sender adding events never breaks a receiver.
///
/// Two variants whose events share a type name are a compile error.
///
/// [`from_envelope`]: Events::from_envelope
/// [`to_envelope`]: Events::to_envelope
///
/// ```
/// use hookwire::{Event, Events, JsonSchema, Parsed, Timestamp, schemars};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "order.shipped")]
/// struct OrderShipped {
///     order_id: String,
/// }
///
/// #[derive(Debug, PartialEq, Events)]
/// enum ShopEvent {
///     OrderShipped(OrderShipped),
/// }
///
/// let event = ShopEvent::OrderShipped(OrderShipped { order_id: "98765".into() });
/// let bytes = event.to_envelope(Timestamp::from_unix(1_700_000_000))?;
/// assert_eq!(
///     bytes,
///     br#"{"type":"order.shipped","timestamp":"2023-11-14T22:13:20Z","data":{"order_id":"98765"}}"#
/// );
///
/// let Parsed::Known(envelope) = ShopEvent::from_envelope(&bytes)? else { unreachable!() };
/// assert_eq!(envelope.data, event);
///
/// let unknown = br#"{"type":"order.lost","timestamp":"2023-11-14T22:13:20Z","data":{"x":1}}"#;
/// let Parsed::Unknown(other) = ShopEvent::from_envelope(unknown)? else { unreachable!() };
/// assert_eq!(other.event_type, "order.lost");
/// assert_eq!(other.data.get(), r#"{"x":1}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a hookwire catalog of events",
    note = "derive it on the enum that lists your events: \
            `#[derive(hookwire::Events)] enum MyEvents {{ OrderShipped(OrderShipped) }}`"
)]
pub trait Events: Sized {
    /// The event type names, one per variant, in declaration order.
    const TYPES: &'static [&'static str];

    /// The type name of this value's event.
    fn event_type(&self) -> &'static str;

    /// The position of `event_type` in [`TYPES`](Self::TYPES), or `None` when the catalog does
    /// not list it. The derive finds it with one binary search over hashes sorted at compile
    /// time; this default scans the list.
    ///
    /// ```
    /// # use hookwire::{Event, Events};
    /// # #[derive(serde::Deserialize, Event)]
    /// # #[hookwire(event = "orders/create")]
    /// # struct OrderCreate {}
    /// # #[derive(Events)]
    /// # enum Shopify { OrderCreate(OrderCreate) }
    /// assert_eq!(Shopify::index_of("orders/create"), Some(0));
    /// assert_eq!(Shopify::index_of("orders/delete"), None);
    /// ```
    fn index_of(event_type: &str) -> Option<usize> {
        Self::TYPES.iter().position(|listed| *listed == event_type)
    }

    /// Parses the payload of the event at `index` in [`TYPES`](Self::TYPES) (as
    /// [`index_of`](Self::index_of) found it) from any serde deserializer.
    ///
    /// Generic over the deserializer so that no parsing code is generated until it is used.
    ///
    /// # Errors
    /// Whatever the event's `Deserialize` impl reports; an `index` past the end of `TYPES`
    /// is an error too.
    fn from_data<'de, D: Deserializer<'de>>(index: usize, data: D) -> Result<Self, D::Error>;

    /// Parses envelope bytes in one pass, dispatching on `type`; see [`Parsed`].
    ///
    /// # Errors
    /// [`EnvelopeError`] when the bytes are not an envelope, or when a listed event's data does
    /// not match its type.
    fn from_envelope(bytes: &[u8]) -> Result<Parsed<Self>, EnvelopeError> {
        match envelope::read::<CatalogSeed<Self>>(bytes, None) {
            Ok(read) => Ok(match read.data {
                Payload::Known(data) => Parsed::Known(Envelope::new(read.timestamp, data)),
                Payload::Unknown(data) => Parsed::Unknown(UnknownEvent {
                    event_type: read.event_type.into_owned(),
                    timestamp: read.timestamp,
                    data,
                }),
            }),
            Err(ReadError::Envelope(source)) => Err(EnvelopeError::Malformed(source)),
            Err(ReadError::Data { event_type, source }) => {
                Err(EnvelopeError::Data { event_type, source })
            }
        }
    }

    /// Serializes this event in the Standard Webhooks envelope, stamped with `timestamp`.
    /// Needs a catalog whose events are `Serialize` ([`SendEvents`]).
    ///
    /// # Errors
    /// A payload whose `Serialize` impl fails (a map with non-string keys, say).
    fn to_envelope(&self, timestamp: Timestamp) -> serde_json::Result<Vec<u8>>
    where
        Self: SendEvents,
    {
        serde_json::to_vec(&EnvelopeRef {
            timestamp,
            event: self,
        })
    }
}

/// A catalog that can be sent: every event in it is `Serialize`.
///
/// `#[derive(Events)]` implements it whenever each variant's type is `Serialize`; the sender
/// and [`Events::to_envelope`] ask for it. A catalog of events you only receive does not have
/// it, and sending one is a compile error that names the event lacking `Serialize`.
///
/// ```
/// use hookwire::{Event, Events, SendEvents};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Event)]
/// #[hookwire(event = "ping")]
/// struct Ping {}
///
/// #[derive(Events)]
/// enum Catalog {
///     Ping(Ping),
/// }
///
/// let mut out = Vec::new();
/// Catalog::Ping(Ping {}).serialize_data(&mut serde_json::Serializer::new(&mut out))?;
/// assert_eq!(out, b"{}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "the events of `{Self}` cannot be sent: not all of them are `Serialize`",
    label = "a catalog with an event that is not `Serialize`",
    note = "add `Serialize` to the derives of each event the catalog lists; \
            catalogs you only receive need not have it"
)]
pub trait SendEvents: Events {
    /// Serializes this value's event payload (the envelope's `data`).
    ///
    /// # Errors
    /// Whatever the payload's `Serialize` impl or the serializer reports.
    fn serialize_data<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
/// A catalog that can be documented: every event in it is `JsonSchema`.
///
/// `#[derive(Events)]` implements it whenever each variant's type is `JsonSchema`; the
/// schema and OpenAPI builders ask for it.
///
/// See [`EventVisitor`] for an example.
#[diagnostic::on_unimplemented(
    message = "the events of `{Self}` cannot be documented: not all of them are `JsonSchema`",
    label = "a catalog with an event that is not `JsonSchema`",
    note = "add `JsonSchema` to the derives of each event the catalog lists \
            (with `use hookwire::schemars;`); catalogs you only receive need not have it"
)]
pub trait DescribeEvents: Events {
    /// Calls `visitor` once per event type, in declaration order.
    fn visit<V: EventVisitor>(visitor: &mut V);
}

impl<E: Events> Envelope<E> {
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

/// `{"type": ..., "timestamp": ..., "data": ...}`, the members in that order.
impl<E: SendEvents> Serialize for Envelope<E> {
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

impl<E: SendEvents> Serialize for EnvelopeRef<'_, E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The event's payload alone.
        struct Data<'a, E>(&'a E);
        impl<E: SendEvents> Serialize for Data<'_, E> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize_data(serializer)
            }
        }
        let event_type = self.event.event_type();
        envelope::write(serializer, event_type, self.timestamp, &Data(self.event))
    }
}

/// Any event of catalog `E`, found with one lookup by type; an unlisted type is kept raw.
pub(crate) struct CatalogSeed<E>(PhantomData<fn() -> E>);

impl<E: Events> DataSeed for CatalogSeed<E> {
    type Out = Payload<E>;
    fn parse<'de, D: Deserializer<'de>>(event_type: &str, data: D) -> Result<Payload<E>, D::Error> {
        match E::index_of(event_type) {
            Some(index) => E::from_data(index, data).map(Payload::Known),
            None => Box::<RawValue>::deserialize(data).map(Payload::Unknown),
        }
    }
}
