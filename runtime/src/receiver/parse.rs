//! Parsing a verified body in one pass once its event type is known: the event is
//! deserialized straight from where the format puts it, never captured and parsed again.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

pub(crate) use crate::envelope::DataSeed;
pub use crate::envelope::Payload;
use crate::envelope::{self, Seed};
pub(crate) use crate::event::CatalogSeed;
use crate::receiver::error::ReceiveError;
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
/// (the envelope's `timestamp`, Stripe's `created`) and the event, in one pass.
pub(crate) fn parse<P: DataSeed>(
    shape: BodyShape,
    body: &[u8],
    event_type: &str,
) -> Result<(Option<Timestamp>, P::Out), ReceiveError> {
    if let BodyShape::Envelope = shape {
        return envelope::read::<P>(body, Some(event_type))
            .map(|read| (Some(read.timestamp), read.data))
            .map_err(|error| {
                ReceiveError::malformed(&format!("a `{event_type}` event"), error.source())
            });
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let seed = Seed::<P>::new(event_type);
    let parsed = match shape {
        BodyShape::StripeEvent => (&mut de).deserialize_map(StripeVisitor { seed }),
        _ => P::parse(event_type, &mut de).map(|data| (None, data)),
    };
    parsed
        .and_then(|parsed| de.end().map(|()| parsed))
        .map_err(|error| ReceiveError::malformed(&format!("a `{event_type}` event"), &error))
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum StripeKey {
    Data,
    Created,
    Object,
    #[serde(other)]
    Other,
}

/// A Stripe event object: the event is `data.object`, the timestamp `created`.
struct StripeVisitor<'t, P> {
    seed: Seed<'t, P>,
}

impl<'de, P: DataSeed> Visitor<'de> for StripeVisitor<'_, P> {
    type Value = (Option<Timestamp>, P::Out);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stripe event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seed = Some(self.seed);
        let (mut created, mut object) = (None, None);
        while let Some(key) = map.next_key::<StripeKey>()? {
            match key {
                StripeKey::Data => {
                    let seed = seed
                        .take()
                        .ok_or_else(|| de::Error::duplicate_field("data"))?;
                    object = Some(map.next_value_seed(StripeData(seed))?);
                }
                StripeKey::Created => created = Some(map.next_value::<i64>()?),
                StripeKey::Object | StripeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let object = object.ok_or_else(|| de::Error::missing_field("data"))?;
        Ok((created.map(Timestamp::from_unix), object))
    }
}

/// Stripe's `data`: `{"object": ..., "previous_attributes": ...}`.
struct StripeData<'t, P>(Seed<'t, P>);

impl<'de, P: DataSeed> DeserializeSeed<'de> for StripeData<'_, P> {
    type Value = P::Out;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<P::Out, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, P: DataSeed> Visitor<'de> for StripeData<'_, P> {
    type Value = P::Out;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stripe event data with an `object`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<P::Out, A::Error> {
        let mut seed = Some(self.0);
        let mut object = None;
        while let Some(key) = map.next_key::<StripeKey>()? {
            if matches!(key, StripeKey::Object) {
                let seed = seed
                    .take()
                    .ok_or_else(|| de::Error::duplicate_field("object"))?;
                object = Some(map.next_value_seed(seed)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        object.ok_or_else(|| de::Error::missing_field("object"))
    }
}
