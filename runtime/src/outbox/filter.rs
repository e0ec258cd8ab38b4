//! What an endpoint subscribes to ([`TypeFilter`]) and the extra headers it may carry
//! ([`check_header`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::outbox::StoreError;

/// Which event types an endpoint receives: an exact name (`order.created`), a prefix written
/// with a trailing `*` (`order.*`, `*` for every event).
///
/// ```
/// use hookwire::outbox::TypeFilter;
///
/// let filter: TypeFilter = "order.*".parse()?;
/// assert!(filter.matches("order.created"));
/// assert!(!filter.matches("invoice.paid"));
/// assert_eq!(filter.to_string(), "order.*");
/// assert!("order.created".parse::<TypeFilter>()?.matches("order.created"));
/// # Ok::<(), hookwire::outbox::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TypeFilter {
    /// Exactly this event type.
    Exact(String),
    /// Every event type starting with this text (`order.` for `order.*`; empty for `*`).
    Prefix(String),
}

impl TypeFilter {
    /// Whether an event of type `event_type` passes the filter.
    ///
    /// ```
    /// # use hookwire::outbox::TypeFilter;
    /// assert!(TypeFilter::Prefix(String::new()).matches("anything"));
    /// ```
    pub fn matches(&self, event_type: &str) -> bool {
        match self {
            TypeFilter::Exact(name) => name == event_type,
            TypeFilter::Prefix(prefix) => event_type.starts_with(prefix.as_str()),
        }
    }

    pub(crate) fn parts(&self) -> (bool, &str) {
        match self {
            TypeFilter::Exact(name) => (false, name),
            TypeFilter::Prefix(prefix) => (true, prefix),
        }
    }

    pub(crate) fn from_parts(is_prefix: bool, value: String) -> Self {
        if is_prefix {
            TypeFilter::Prefix(value)
        } else {
            TypeFilter::Exact(value)
        }
    }
}

impl std::str::FromStr for TypeFilter {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, StoreError> {
        let (body, prefix) = match text.strip_suffix('*') {
            Some(body) => (body, true),
            None => (text, false),
        };
        // An exact filter is an event type; a prefix, the start of one (`order.`, `orders/`).
        let valid = if prefix {
            body.chars()
                .all(|c| crate::event_name::is_name_char(c) || matches!(c, '.' | '/'))
        } else {
            crate::check_event_type(body).is_ok()
        };
        if !valid {
            return Err(StoreError::invalid(
                "event type filter",
                format!(
                    "`{text}` is not an event type (`order.created`) or a prefix (`order.*`, `*`)"
                ),
            ));
        }
        Ok(TypeFilter::from_parts(prefix, body.to_owned()))
    }
}

impl TryFrom<String> for TypeFilter {
    type Error = StoreError;

    fn try_from(text: String) -> Result<Self, StoreError> {
        text.parse()
    }
}

impl From<TypeFilter> for String {
    fn from(filter: TypeFilter) -> String {
        filter.to_string()
    }
}

impl fmt::Display for TypeFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeFilter::Exact(name) => f.write_str(name),
            TypeFilter::Prefix(prefix) => write!(f, "{prefix}*"),
        }
    }
}

/// Checks an endpoint's extra header: a valid HTTP header name and value, and not one the
/// delivery sets itself (`webhook-*`, `svix-*`, `content-*`, `host`, `user-agent`,
/// `connection`, `transfer-encoding`, `traceparent`).
///
/// ```
/// use hookwire::outbox::check_header;
///
/// assert!(check_header("x-tenant", "acme").is_ok());
/// assert!(check_header("webhook-signature", "v1,forged").is_err());
/// assert!(check_header("x-a", "line\r\nbreak").is_err());
/// ```
pub fn check_header(name: &str, value: &str) -> Result<(), StoreError> {
    let lower = name.to_ascii_lowercase();
    let reserved = ["webhook-", "svix-", "content-"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
        || [
            "host",
            "user-agent",
            "connection",
            "transfer-encoding",
            "traceparent",
            "tracestate",
        ]
        .contains(&lower.as_str());
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token || reserved {
        return Err(StoreError::invalid(
            "header",
            format!(
                "`{}` cannot be an endpoint's header: {}",
                name.escape_default(),
                if token {
                    "the delivery sets it"
                } else {
                    "not a header name"
                }
            ),
        ));
    }
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) || value.len() > 4096 {
        return Err(StoreError::invalid(
            "header",
            format!("the value of `{name}` has control characters or is over 4096 bytes"),
        ));
    }
    Ok(())
}
