//! The traits the derives implement: [`Event`] for one payload, [`Events`] for the list of a
//! service's events. Nothing here does I/O.

use serde::de::DeserializeOwned;
use serde::{Deserializer, Serialize, Serializer};

use crate::envelope::{self, EnvelopeError, Parsed};
use crate::timestamp::Timestamp;

/// A webhook payload with a type name, such as `order.shipped`.
///
/// Derive it with `#[derive(Event)]` and `#[hookwire(event = "...")]`; the doc comment becomes
/// the description and `#[deprecated]` marks the event deprecated in the OpenAPI document.
/// Events are sent, received and documented, so an event is also `Serialize`, `Deserialize` and
/// `JsonSchema`.
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
    note = "derive it: `#[derive(Serialize, Deserialize, JsonSchema, hookwire::Event)]` \
            with `#[hookwire(event = \"order.shipped\")]`"
)]
pub trait Event: Serialize + DeserializeOwned + schemars::JsonSchema {
    /// The event type name, as sent in the envelope's `type`: dot-separated segments of
    /// `[A-Za-z0-9_-]`, such as `order.shipped`.
    const TYPE: &'static str;
    /// The version of the payload's shape, when the sender versions it.
    const VERSION: Option<&'static str> = None;
    /// What the event means, from the type's doc comment.
    const DESCRIPTION: Option<&'static str> = None;
    /// Whether the payload type is `#[deprecated]`.
    const DEPRECATED: bool = false;
}

/// Something that is told about each event of a catalog in turn, with its type.
///
/// [`Events::visit`] calls [`visit`](EventVisitor::visit) once per variant, in declaration order.
/// This is how the schema and OpenAPI builders reach every event type without the catalog
/// knowing about them.
///
/// ```
/// use hookwire::{Event, EventVisitor, Events, JsonSchema, schemars};
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
///     fn visit<E: Event>(&mut self) {
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
    fn visit<E: Event>(&mut self);
}

/// The events a service sends, as an enum with one variant per event.
///
/// Derive it on an enum whose variants each hold one [`Event`]. The catalog turns a value into
/// the Standard Webhooks envelope `{"type": ..., "timestamp": ..., "data": ...}` and back. An
/// envelope whose type the catalog does not list is not an error: it comes back as
/// [`Parsed::Unknown`] with its raw payload, so a sender adding events never breaks a receiver.
///
/// Two variants whose events share a type name are a compile error.
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

    /// Serializes this value's event payload (the envelope's `data`).
    ///
    /// # Errors
    /// Whatever the payload's `Serialize` impl or the serializer reports.
    fn serialize_data<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;

    /// Parses a payload of the named event type from any serde deserializer; `None` when the
    /// catalog does not list the type.
    ///
    /// Generic over the deserializer so that no parsing code is generated until it is used.
    fn from_data<'de, D: Deserializer<'de>>(
        event_type: &str,
        data: D,
    ) -> Option<Result<Self, D::Error>>;

    /// Calls `visitor` once per event type, in declaration order.
    fn visit<V: EventVisitor>(visitor: &mut V);

    /// Serializes this event in the Standard Webhooks envelope, stamped with `timestamp`.
    ///
    /// # Errors
    /// A payload whose `Serialize` impl fails (a map with non-string keys, say).
    fn to_envelope(&self, timestamp: Timestamp) -> serde_json::Result<Vec<u8>> {
        envelope::to_vec(self, timestamp)
    }

    /// Parses envelope bytes, dispatching on `type`; see [`Parsed`].
    ///
    /// # Errors
    /// [`EnvelopeError`] when the bytes are not an envelope, or when a listed event's data does
    /// not match its type.
    fn from_envelope(bytes: &[u8]) -> Result<Parsed<Self>, EnvelopeError> {
        envelope::parse(bytes)
    }
}
