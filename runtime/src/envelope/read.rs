//! The one envelope reader: a single pass over the bytes that hands the `data` member to a
//! [`DataSeed`] as soon as the event type is known, so the event is deserialized straight from
//! the input, never captured and parsed again.
//!
//! `Events::from_envelope` and the receiver both read envelopes with [`read`].

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::error::Category;
use serde_json::value::RawValue;

use crate::timestamp::Timestamp;

/// Parses the event part of a body once its type is known; generic over the deserializer so
/// that each event type is read straight from the input.
pub(crate) trait DataSeed {
    /// What the seed produces.
    type Out;
    /// Parses `data`, an event of type `event_type`.
    fn parse<'de, D: Deserializer<'de>>(event_type: &str, data: D) -> Result<Self::Out, D::Error>;
}

/// A [`DataSeed`] as a serde seed, with the event type it parses.
pub(crate) struct Seed<'t, P> {
    event_type: &'t str,
    seed: PhantomData<fn() -> P>,
}

impl<'t, P> Seed<'t, P> {
    pub(crate) fn new(event_type: &'t str) -> Self {
        Seed {
            event_type,
            seed: PhantomData,
        }
    }
}

impl<'de, P: DataSeed> DeserializeSeed<'de> for Seed<'_, P> {
    type Value = P::Out;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<P::Out, D::Error> {
        P::parse(self.event_type, deserializer)
    }
}

/// An envelope read by [`read`]: its type, its time and its data as the seed made it.
pub(crate) struct Read<'de, T> {
    pub(crate) event_type: Cow<'de, str>,
    pub(crate) timestamp: Timestamp,
    pub(crate) data: T,
}

/// Why [`read`] failed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The bytes are not an envelope: not JSON, not an object, a member missing or twice.
    Envelope(serde_json::Error),
    /// The envelope is fine, but its `data` did not parse as the named event type.
    Data {
        event_type: String,
        source: serde_json::Error,
    },
}

impl ReadError {
    /// What serde_json reported (the receiver reports either kind alike).
    #[cfg(feature = "axum")]
    pub(crate) fn source(&self) -> &serde_json::Error {
        match self {
            ReadError::Envelope(source) | ReadError::Data { source, .. } => source,
        }
    }
}

/// Reads the envelope in `bytes` in one pass, parsing `data` with `P`.
///
/// With `expected`, the caller already knows the event type (a receiver reads it first), and
/// the body's `type` must be the same. Without it, the type is taken from the body: when `type`
/// comes before `data`, as senders write it, `data` is parsed in the same pass; when it comes
/// after, `data` is kept as a borrowed slice of the input and parsed once the map ends.
pub(crate) fn read<'de, P: DataSeed>(
    bytes: &'de [u8],
    expected: Option<&str>,
) -> Result<Read<'de, P::Out>, ReadError> {
    let failed_type = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let visitor = EnvelopeVisitor::<P> {
        expected,
        failed_type: &failed_type,
        seed: PhantomData,
    };
    let result = (&mut de)
        .deserialize_map(visitor)
        .and_then(|read| de.end().map(|()| read));
    // A syntax error inside `data` (bytes that are not JSON) makes a malformed envelope; only
    // JSON that does not fit the event's type is a data error.
    result.map_err(|source| match failed_type.into_inner() {
        Some(event_type) if source.classify() == Category::Data => {
            ReadError::Data { event_type, source }
        }
        _ => ReadError::Envelope(source),
    })
}

/// An envelope member's name: `type`, `timestamp`, `data`, or another one, which is skipped.
enum Key {
    Type,
    Timestamp,
    Data,
    Other,
}

impl Key {
    fn of(name: &[u8]) -> Key {
        match name {
            b"type" => Key::Type,
            b"timestamp" => Key::Timestamp,
            b"data" => Key::Data,
            _ => Key::Other,
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("field identifier")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
                Ok(Key::of(name.as_bytes()))
            }
            fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Key, E> {
                Ok(Key::of(name))
            }
            fn visit_u64<E: de::Error>(self, index: u64) -> Result<Key, E> {
                Ok(match index {
                    0 => Key::Type,
                    1 => Key::Timestamp,
                    2 => Key::Data,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct EnvelopeVisitor<'t, P> {
    expected: Option<&'t str>,
    /// Set to the event type when `data` fails to parse, to tell that apart from a bad envelope.
    failed_type: &'t RefCell<Option<String>>,
    seed: PhantomData<fn() -> P>,
}

impl<'t, P: DataSeed> EnvelopeVisitor<'t, P> {
    fn data_failed<E>(&self, event_type: &str, error: E) -> E {
        *self.failed_type.borrow_mut() = Some(event_type.to_owned());
        error
    }
}

impl<'de, P: DataSeed> Visitor<'de> for EnvelopeVisitor<'_, P> {
    type Value = Read<'de, P::Out>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an envelope with `type`, `timestamp` and `data`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut event_type: Option<Cow<'de, str>> = None;
        let mut timestamp = None;
        let mut data = None;
        let mut deferred: Option<&'de RawValue> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Type if event_type.is_some() => {
                    return Err(de::Error::duplicate_field("type"));
                }
                Key::Type => {
                    let found: Cow<'de, str> = map.next_value()?;
                    if let Some(expected) = self.expected.filter(|expected| *expected != found) {
                        return Err(de::Error::custom(format_args!(
                            "the envelope's `type` is `{found}`, not `{expected}`"
                        )));
                    }
                    event_type = Some(found);
                }
                Key::Timestamp if timestamp.is_some() => {
                    return Err(de::Error::duplicate_field("timestamp"));
                }
                Key::Timestamp => timestamp = Some(map.next_value::<Timestamp>()?),
                Key::Data if data.is_some() || deferred.is_some() => {
                    return Err(de::Error::duplicate_field("data"));
                }
                Key::Data => match event_type.as_deref().or(self.expected) {
                    Some(known) => {
                        let parsed = map
                            .next_value_seed(Seed::<P>::new(known))
                            .map_err(|error| self.data_failed(known, error))?;
                        data = Some(parsed);
                    }
                    None => deferred = Some(map.next_value()?),
                },
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let event_type = event_type.ok_or_else(|| de::Error::missing_field("type"))?;
        let timestamp = timestamp.ok_or_else(|| de::Error::missing_field("timestamp"))?;
        let data = match (data, deferred) {
            (Some(data), _) => data,
            (None, Some(raw)) => P::parse(&event_type, raw)
                .map_err(|error| self.data_failed(&event_type, de::Error::custom(error)))?,
            (None, None) => return Err(de::Error::missing_field("data")),
        };
        Ok(Read {
            event_type,
            timestamp,
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keeps the data raw, with the type it was parsed as.
    struct Raw;

    impl DataSeed for Raw {
        type Out = (String, Box<RawValue>);
        fn parse<'de, D: Deserializer<'de>>(t: &str, data: D) -> Result<Self::Out, D::Error> {
            Box::<RawValue>::deserialize(data).map(|raw| (t.to_owned(), raw))
        }
    }

    /// Fails on anything but a number.
    struct Number;

    impl DataSeed for Number {
        type Out = u32;
        fn parse<'de, D: Deserializer<'de>>(_: &str, data: D) -> Result<u32, D::Error> {
            u32::deserialize(data)
        }
    }

    #[test]
    fn reads_data_before_or_after_the_type() {
        for body in [
            br#"{"type":"a.b","timestamp":"2024-01-01T00:00:00Z","data":{"x":[1]}}"#.as_slice(),
            br#"{"data":{"x":[1]},"extra":true,"timestamp":"2024-01-01T00:00:00Z","type":"a.b"}"#,
        ] {
            let read = read::<Raw>(body, None).unwrap();
            assert_eq!(read.event_type, "a.b");
            assert_eq!(read.timestamp.unix_seconds(), 1_704_067_200);
            assert_eq!(read.data.0, "a.b");
            assert_eq!(read.data.1.get(), r#"{"x":[1]}"#);
        }
    }

    #[test]
    fn an_expected_type_must_match_the_body() {
        let body = br#"{"type":"a.b","timestamp":"2024-01-01T00:00:00Z","data":1}"#;
        assert_eq!(read::<Number>(body, Some("a.b")).unwrap().data, 1);
        match read::<Number>(body, Some("c.d")) {
            Err(ReadError::Envelope(error)) => {
                assert!(error.to_string().contains("not `c.d`"), "{error}");
            }
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn data_errors_are_told_apart_from_envelope_errors() {
        for body in [
            br#"{"type":"a.b","timestamp":"2024-01-01T00:00:00Z","data":"x"}"#.as_slice(),
            br#"{"data":"x","timestamp":"2024-01-01T00:00:00Z","type":"a.b"}"#,
        ] {
            match read::<Number>(body, None) {
                Err(ReadError::Data { event_type, .. }) => assert_eq!(event_type, "a.b"),
                other => panic!("{:?}", other.err()),
            }
        }
        for body in [
            br#"{"type":"a.b","data":1}"#.as_slice(),
            br#"{"type":"a.b","type":"a.b","timestamp":"2024-01-01T00:00:00Z","data":1}"#,
            br#"{"type":"a.b","timestamp":"2024-01-01T00:00:00Z","data":1,"data":2}"#,
            br#"{"type":"a.b","timestamp":"2024-01-01T00:00:00Z","data":1} x"#,
            br#"{"type":"a.b","timestamp":"2024-01-01T00:00:00Z","data":1e999}"#,
            br#"[]"#,
        ] {
            let error = read::<Number>(body, None).err().unwrap();
            assert!(matches!(error, ReadError::Envelope(_)), "{error:?}");
        }
    }
}
