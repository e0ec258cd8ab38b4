//! The API's parameter types: each reads and checks one parameter, and its JSON Schema says
//! exactly what it accepts, so the document and the server agree. Lists come back as a
//! [`ListResponse`].

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

/// A page of a list (Svix's `ListResponse_*`): `iterator` is passed back to get the next page;
/// `done` says there is none.
///
/// ```
/// use hookwire::platform::ListResponse;
///
/// let page: ListResponse<u32> = ListResponse { data: vec![1], iterator: Some("1".into()), prev_iterator: None, done: true };
/// assert_eq!(serde_json::to_value(&page)?["prevIterator"], serde_json::Value::Null);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    /// The items.
    pub data: Vec<T>,
    /// Where the next page starts: pass it as `iterator`.
    pub iterator: Option<String>,
    /// Where the previous page would start (hookwire pages forward only: `null`).
    pub prev_iterator: Option<String>,
    /// Whether this is the last page.
    pub done: bool,
}

impl<T> ListResponse<T> {
    /// A page from up to `limit + 1` items (one more than asked, to know whether more
    /// follow); `key` gives an item's iterator.
    pub(crate) fn page(mut items: Vec<T>, limit: u32, key: impl Fn(&T) -> String) -> Self {
        let done = items.len() <= limit as usize;
        items.truncate(limit as usize);
        ListResponse {
            iterator: items.last().map(key),
            data: items,
            prev_iterator: None,
            done,
        }
    }
}

/// The largest `limit` a list takes.
pub(crate) const MAX_LIMIT: u32 = 250;

/// A list's `limit`: 1 to 250 (default 50).
///
/// ```
/// use hookwire::platform::Limit;
///
/// let limit: Limit = serde_json::from_str("20")?;
/// assert_eq!(limit.get(), 20);
/// assert!(serde_json::from_str::<Limit>("251").is_err());
/// assert_eq!(Limit::default().get(), 50);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Limit(u32);

impl Limit {
    /// Its value.
    ///
    /// ```
    /// assert_eq!(hookwire::platform::Limit::default().get(), 50);
    /// ```
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Self {
        Limit(50)
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = u64::deserialize(deserializer)?;
        match u32::try_from(value) {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Limit(n)),
            _ => Err(serde::de::Error::custom(format!(
                "limit must be 1 to {MAX_LIMIT}, not {value}"
            ))),
        }
    }
}

impl JsonSchema for Limit {
    fn schema_name() -> Cow<'static, str> {
        "Limit".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "How many items a page holds (1 to 250; 50 when absent).",
            "type": "integer",
            "format": "uint64",
            "minimum": 1,
            "maximum": MAX_LIMIT
        })
    }
}

/// Declares a string parameter type checked against a pattern and a length.
macro_rules! checked_text {
    ($(#[$doc:meta])* $name:ident, $pattern:literal, $max:literal, $what:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The text.
            ///
            #[doc = concat!("```\nlet value = hookwire::platform::", stringify!($name), "::parse(", stringify!($example), ").unwrap();\nassert_eq!(value.as_str(), ", stringify!($example), ");\n```")]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Checks `text`.
            ///
            /// # Errors
            /// A message naming what is accepted.
            ///
            #[doc = concat!("```\nassert!(hookwire::platform::", stringify!($name), "::parse(\"a b\").is_err());\n```")]
            pub fn parse(text: &str) -> Result<Self, String> {
                let valid = (1..=$max).contains(&text.len()) && matches_rule(text, $pattern);
                if valid {
                    Ok($name(text.to_owned()))
                } else {
                    Err(format!(
                        "`{}` is not {}: 1 to {} characters matching {}",
                        text.escape_default(),
                        $what,
                        $max,
                        $pattern
                    ))
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = Cow::<str>::deserialize(deserializer)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "description": concat!("The ", $what, "."),
                    "type": "string",
                    "minLength": 1,
                    "maxLength": $max,
                    "pattern": $pattern,
                    "examples": [$example]
                })
            }
        }
    };
}

/// The rules the patterns above spell, checked without a regex engine.
fn matches_rule(text: &str, pattern: &str) -> bool {
    let plain = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    match pattern {
        UID_PATTERN => text.bytes().all(|b| plain(b) || b == b'.'),
        EVENT_TYPE_PATTERN => crate::check_event_type(text).is_ok() && !text.contains('/'),
        _ => false,
    }
}

/// A uid's pattern (also an id's).
pub(crate) const UID_PATTERN: &str = "^[a-zA-Z0-9\\-_.]+$";
/// An event type's pattern: segments of `A-Za-z0-9_-` separated by `.`.
pub(crate) const EVENT_TYPE_PATTERN: &str = "^[a-zA-Z0-9_\\-]+(\\.[a-zA-Z0-9_\\-]+)*$";

checked_text!(
    /// An application named by its id (`app_...`) or its uid.
    ///
    /// ```
    /// use hookwire::platform::AppRef;
    /// assert!(AppRef::parse("merchant-42").is_ok());
    /// assert!(AppRef::parse("a/b").is_err());
    /// ```
    AppRef, "^[a-zA-Z0-9\\-_.]+$", 256, "an application's id or uid", "app_0000000000000000000000001"
);
checked_text!(
    /// An endpoint named by its id (`ep_...`) or its uid.
    ///
    /// ```
    /// assert!(hookwire::platform::EndpointRef::parse("crm").is_ok());
    /// ```
    EndpointRef, "^[a-zA-Z0-9\\-_.]+$", 256, "an endpoint's id or uid", "ep_00000000000000000000000001"
);
checked_text!(
    /// A message named by its id or its `eventId`.
    ///
    /// ```
    /// assert!(hookwire::platform::MessageRef::parse("evt_1").is_ok());
    /// ```
    MessageRef, "^[a-zA-Z0-9\\-_.]+$", 256, "a message's id or eventId", "evt_4b1b2f0c9a8e4d0f8e1b2c3d4e5f6a7b"
);
checked_text!(
    /// An event type's name: segments of letters, digits, `_` and `-` separated by `.`.
    ///
    /// ```
    /// use hookwire::platform::EventTypeName;
    /// assert!(EventTypeName::parse("invoice.paid").is_ok());
    /// assert!(EventTypeName::parse("invoice..paid").is_err());
    /// ```
    EventTypeName, "^[a-zA-Z0-9_\\-]+(\\.[a-zA-Z0-9_\\-]+)*$", 256, "an event type's name", "invoice.paid"
);
checked_text!(
    /// A uid (of an application or an endpoint) or an `eventId`.
    ///
    /// ```
    /// assert!(hookwire::platform::Uid::parse("merchant-42").is_ok());
    /// ```
    Uid, "^[a-zA-Z0-9\\-_.]+$", 256, "a uid", "unique-identifier"
);

/// A list's `iterator`: what the previous page returned.
///
/// ```
/// let iterator: hookwire::platform::ListIterator = serde_json::from_str("\"app_1\"")?;
/// assert_eq!(iterator.as_str(), "app_1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ListIterator(String);

impl<'de> Deserialize<'de> for ListIterator {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.chars().count() > 256 {
            return Err(serde::de::Error::custom(
                "an iterator is at most 256 characters",
            ));
        }
        Ok(ListIterator(text))
    }
}

impl ListIterator {
    /// The text.
    ///
    /// ```
    /// # let iterator: hookwire::platform::ListIterator = serde_json::from_str("\"x\"").unwrap();
    /// assert_eq!(iterator.as_str(), "x");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl JsonSchema for ListIterator {
    fn schema_name() -> Cow<'static, str> {
        "ListIterator".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The `iterator` of the previous page; an iterator this list did not return starts from the beginning.",
            "type": "string",
            "maxLength": 256
        })
    }
}
