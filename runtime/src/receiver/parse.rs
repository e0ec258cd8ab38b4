//! Parsing a verified body in one pass once its event type is known: the event is
//! deserialized straight from where the format puts it, never captured and parsed again.

use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::value::RawValue;

use crate::envelope;
pub(crate) use crate::envelope::DataSeed;
pub use crate::envelope::Payload;
pub(crate) use crate::event::CatalogSeed;
use crate::receiver::error::ReceiveError;
use crate::receiver::format::{self, StripeEvent};
use crate::signature::BodyShape;
use crate::{Event, Events, Timestamp};

/// One event type, `T`.
pub(crate) struct TypedSeed<T>(PhantomData<fn() -> T>);

impl<T: Event> DataSeed for TypedSeed<T> {
    type Out = T;
    fn parse<'de, D: Deserializer<'de>>(_: &str, data: D) -> Result<T, D::Error> {
        T::deserialize(data)
    }
}

/// Catalog `E`, for the types it lists (a receiver routes only those to it).
pub(crate) struct KnownSeed<E>(PhantomData<fn() -> E>);

impl<E: Events> DataSeed for KnownSeed<E> {
    type Out = E;
    fn parse<'de, D: Deserializer<'de>>(event_type: &str, data: D) -> Result<E, D::Error> {
        match E::index_of(event_type) {
            Some(index) => E::from_data(index, data),
            None => Err(de::Error::custom("the catalog does not list this type")),
        }
    }
}

/// The raw event, for handlers of unknown types.
pub(crate) struct RawSeed;

impl DataSeed for RawSeed {
    type Out = Box<RawValue>;
    fn parse<'de, D: Deserializer<'de>>(_: &str, data: D) -> Result<Box<RawValue>, D::Error> {
        Box::<RawValue>::deserialize(data)
    }
}

/// Parses `body` of a delivery of `event_type` in `shape`, returning the shape's timestamp
/// (the envelope's `timestamp`, Stripe's `created`) and the event. An envelope is read in one
/// pass; of a Stripe event only `data.object` is read, where the scan that located the
/// delivery found it (`stripe`; a stored delivery, never located, is scanned here).
pub(crate) fn parse<P: DataSeed>(
    shape: BodyShape,
    body: &[u8],
    event_type: &str,
    stripe: Option<&StripeEvent>,
) -> Result<(Option<Timestamp>, P::Out), ReceiveError> {
    let malformed = |error: &serde_json::Error| {
        ReceiveError::malformed(&format!("a `{event_type}` event"), error)
    };
    let (timestamp, event) = match shape {
        BodyShape::Envelope => {
            return envelope::read::<P>(body, Some(event_type))
                .map(|read| (Some(read.timestamp), read.data))
                .map_err(|error| malformed(error.source()));
        }
        BodyShape::StripeEvent => {
            let scanned;
            let stripe = match stripe {
                Some(stripe) => stripe,
                None => {
                    scanned = format::stripe_event(body)?;
                    &scanned
                }
            };
            let missing = || <serde_json::Error as de::Error>::missing_field("object");
            let object = stripe.object.clone().ok_or_else(|| malformed(&missing()))?;
            let event = body.get(object).ok_or_else(|| malformed(&missing()))?;
            (stripe.created, event)
        }
        _ => (None, body),
    };
    let mut de = serde_json::Deserializer::from_slice(event);
    P::parse(event_type, &mut de)
        .and_then(|data| de.end().map(|()| (timestamp, data)))
        .map_err(|error| malformed(&error))
}
