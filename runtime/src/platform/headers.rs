//! Extra headers of an endpoint, as the API reads them: names are HTTP tokens, values
//! visible ASCII, and none of the headers a delivery sets itself.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// A header name's pattern (an HTTP token).
const HEADER_NAME: &str = "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$";
/// A header value's pattern: visible ASCII, spaces and tabs.
const HEADER_VALUE: &str = "^[\\t -~]*$";

fn header_ok(name: &str, value: Option<&str>) -> Result<(), String> {
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b));
    if !token {
        return Err(format!("`{}` is not a header name", name.escape_default()));
    }
    if let Some(value) = value {
        if value.len() > 4096
            || !value
                .bytes()
                .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            return Err(format!(
                "the value of `{name}` must be at most 4096 characters of visible ASCII, spaces and tabs"
            ));
        }
        crate::outbox::check_header(name, value).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Extra headers sent with each delivery: names are HTTP tokens (not `webhook-*`, `svix-*`,
/// `content-*`, `host` and the like), values visible ASCII.
///
/// ```
/// let headers: hookwire::platform::Headers = serde_json::from_str(r#"{"X-Tenant": "acme"}"#)?;
/// assert_eq!(headers.get("x-tenant").map(String::as_str), Some("acme"));
/// assert!(serde_json::from_str::<hookwire::platform::Headers>(r#"{"host": "x"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Headers(BTreeMap<String, String>);

impl std::ops::Deref for Headers {
    type Target = BTreeMap<String, String>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, String>::deserialize(deserializer)?;
        let mut headers = BTreeMap::new();
        for (name, value) in map {
            header_ok(&name, Some(&value)).map_err(D::Error::custom)?;
            headers.insert(name.to_ascii_lowercase(), value);
        }
        Ok(Headers(headers))
    }
}

impl JsonSchema for Headers {
    fn schema_name() -> Cow<'static, str> {
        "Headers".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Header names (HTTP tokens; not `webhook-*`, `svix-*`, `content-*`, `host`, `user-agent`, `connection`, `transfer-encoding`, `traceparent`, `tracestate`) and values (visible ASCII).",
            "type": "object",
            "propertyNames": { "pattern": HEADER_NAME },
            "additionalProperties": { "type": "string", "maxLength": 4096, "pattern": HEADER_VALUE }
        })
    }
}

/// Headers to set (a value) or remove (`null`).
///
/// ```
/// let patch: hookwire::platform::HeadersPatch = serde_json::from_str(r#"{"x-a": null, "x-b": "1"}"#)?;
/// assert_eq!(patch.get("x-a"), Some(&None));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct HeadersPatch(BTreeMap<String, Option<String>>);

impl std::ops::Deref for HeadersPatch {
    type Target = BTreeMap<String, Option<String>>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'de> Deserialize<'de> for HeadersPatch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, Option<String>>::deserialize(deserializer)?;
        let mut headers = BTreeMap::new();
        for (name, value) in map {
            header_ok(&name, value.as_deref()).map_err(D::Error::custom)?;
            headers.insert(name.to_ascii_lowercase(), value);
        }
        Ok(HeadersPatch(headers))
    }
}

impl JsonSchema for HeadersPatch {
    fn schema_name() -> Cow<'static, str> {
        "HeadersPatch".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Headers to set (a value) or remove (`null`); names and values as in `Headers`.",
            "type": "object",
            "propertyNames": { "pattern": HEADER_NAME },
            "additionalProperties": { "type": ["string", "null"], "maxLength": 4096, "pattern": HEADER_VALUE }
        })
    }
}
