//! Where a delivery's event type and id are, and which part of the body is the event: the
//! [`PayloadFormat`] of each provider, read from its [`Provider`](crate::signature::Provider).
//! The event itself is parsed by `parse.rs`, which knows nothing of formats.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use axum::http::{HeaderMap, HeaderName};

use crate::Timestamp;
use crate::receiver::error::ReceiveError;
use crate::signature::{BodyShape, header_title};

/// The longest event type accepted, in bytes.
pub(crate) const MAX_EVENT_TYPE: usize = 256;

/// A user rule that names a delivery's event type from its headers and body.
pub type TypeRule = Arc<dyn Fn(&HeaderMap, &[u8]) -> Option<String> + Send + Sync>;

/// Where the event type is and which part of the body holds the event.
///
/// | format | event type | the event (what `T` is parsed from) | delivery id |
/// |---|---|---|---|
/// | [`Envelope`](Self::Envelope) (Standard Webhooks) | body `type` | body `data` | the scheme's (`webhook-id`) |
/// | [`Stripe`](Self::Stripe) | body `type` | body `data.object` (the PaymentIntent, Invoice, ...) | body `id` (`evt_...`) |
/// | [`Header`](Self::Header) (GitHub, Shopify) | a header (`X-GitHub-Event`, `X-Shopify-Topic`) | the whole body | the scheme's (`X-GitHub-Delivery`, `X-Shopify-Event-Id`) |
/// | [`Slack`](Self::Slack) (Slack Events API) | body `type` | the whole body | body `event_id` |
/// | [`BodyType`](Self::BodyType) | body `type` | the whole body | the scheme's |
/// | [`Rule`](Self::Rule) | your function of headers and body | the whole body | the scheme's |
///
/// [`for_scheme`](Self::for_scheme) picks the provider's format. Stripe users model the object
/// an event is about (`#[hookwire(event = "payment_intent.succeeded")] struct PaymentIntent`);
/// the event's id and `created` time come with the [`Delivery`](crate::receiver::Delivery),
/// the whole Stripe event object with [`Delivery::body`](crate::receiver::Delivery::body).
///
/// ```
/// use axum::http::HeaderMap;
/// use hookwire::receiver::PayloadFormat;
/// use hookwire::signature::{GitHub, Scheme, StandardWebhooks, Stripe};
///
/// assert!(matches!(PayloadFormat::for_scheme(&GitHub::new("s")?), PayloadFormat::Header(_)));
/// assert!(matches!(PayloadFormat::for_scheme(&Stripe::new("s")?), PayloadFormat::Stripe));
///
/// // Your own rule: the type is the body's `kind`, or `ping` when absent.
/// let rule = PayloadFormat::rule(|_headers: &HeaderMap, body: &[u8]| {
///     let value: serde_json::Value = serde_json::from_slice(body).ok()?;
///     Some(value.get("kind").and_then(|k| k.as_str()).unwrap_or("ping").to_owned())
/// });
/// assert_eq!(rule.event_type(&HeaderMap::new(), br#"{"kind":"a.b"}"#)?, "a.b");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum PayloadFormat {
    /// The Standard Webhooks envelope `{"type", "timestamp", "data"}`.
    Envelope,
    /// A Stripe event object: `{"id", "type", "created", "data": {"object"}, ...}`.
    Stripe,
    /// The type in the named header; the whole body is the event.
    Header(HeaderName),
    /// The type in the body's top-level `type`; the whole body is the event.
    BodyType,
    /// A Slack Events API callback: the type in the body's `type`, the delivery id in its
    /// `event_id` (absent from `url_verification`); the whole body is the event.
    Slack,
    /// The type from a user function; the whole body is the event.
    Rule(TypeRule),
}

impl PayloadFormat {
    /// The format a provider uses: the scheme's [event type
    /// header](crate::signature::Scheme::event_type_header) when it has one, [`Stripe`] for
    /// Stripe, [`BodyType`] for Slack, and the Standard Webhooks [`Envelope`] otherwise.
    ///
    /// [`Stripe`]: Self::Stripe
    /// [`BodyType`]: Self::BodyType
    /// [`Envelope`]: Self::Envelope
    ///
    /// ```
    /// # use hookwire::receiver::PayloadFormat;
    /// # use hookwire::signature::StandardWebhooks;
    /// let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// assert!(matches!(PayloadFormat::for_scheme(&scheme), PayloadFormat::Envelope));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn for_scheme(scheme: &dyn crate::signature::Scheme) -> Self {
        let provider = scheme.provider();
        match (provider.body_shape(), provider.event_type_header()) {
            (BodyShape::StripeEvent, _) => PayloadFormat::Stripe,
            (BodyShape::SlackEvent, _) => PayloadFormat::Slack,
            (BodyShape::Whole, Some(header)) => {
                PayloadFormat::Header(HeaderName::from_static(header))
            }
            (BodyShape::Whole, None) => PayloadFormat::BodyType,
            _ => PayloadFormat::Envelope,
        }
    }

    /// Which part of the body is the event.
    pub(crate) fn shape(&self) -> BodyShape {
        match self {
            PayloadFormat::Envelope => BodyShape::Envelope,
            PayloadFormat::Stripe => BodyShape::StripeEvent,
            PayloadFormat::Slack => BodyShape::SlackEvent,
            _ => BodyShape::Whole,
        }
    }

    /// A format whose event type comes from `rule`; the whole body is the event. Returning
    /// `None` rejects the delivery with `400`.
    ///
    /// ```
    /// # use hookwire::receiver::PayloadFormat;
    /// let fixed = PayloadFormat::rule(|_, _| Some("ping".to_owned()));
    /// ```
    pub fn rule(
        rule: impl Fn(&HeaderMap, &[u8]) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        PayloadFormat::Rule(Arc::new(rule))
    }

    /// Reads the event type of a delivery.
    ///
    /// # Errors
    /// [`ReceiveError::MissingEventType`] when it is absent, empty or longer than 256 bytes,
    /// [`ReceiveError::MalformedPayload`] when the body is not the format's JSON.
    ///
    /// ```
    /// # use axum::http::HeaderMap;
    /// # use hookwire::receiver::PayloadFormat;
    /// let body = br#"{"type":"order.shipped","timestamp":"2024-01-01T00:00:00Z","data":{}}"#;
    /// assert_eq!(PayloadFormat::Envelope.event_type(&HeaderMap::new(), body)?, "order.shipped");
    /// # Ok::<(), hookwire::receiver::ReceiveError>(())
    /// ```
    pub fn event_type(&self, headers: &HeaderMap, body: &[u8]) -> Result<String, ReceiveError> {
        self.locate(headers, body).map(|located| located.event_type)
    }

    /// Finds the event type, the delivery id when the body carries it, and for Stripe where
    /// the event (`data.object`) is and the event's `created`: one scan of the body, which
    /// the parse does not repeat (it reads only the event's bytes).
    pub(crate) fn locate(&self, headers: &HeaderMap, body: &[u8]) -> Result<Located, ReceiveError> {
        let located = match self {
            PayloadFormat::Envelope => match leading_type(body) {
                Some(event_type) => Located::new(event_type.to_owned(), None),
                None => body_head(body, "the envelope", IdField::None)?,
            },
            PayloadFormat::BodyType => body_head(body, "the body", IdField::None)?,
            PayloadFormat::Slack => body_head(body, "the slack event", IdField::EventId)?,
            PayloadFormat::Stripe => stripe_head(body)?,
            PayloadFormat::Header(name) => {
                let value = headers.get(name).ok_or_else(|| {
                    ReceiveError::MissingEventType(
                        format!("{} is missing", header_title(name.as_str())).into(),
                    )
                })?;
                let value = value.to_str().map_err(|_| {
                    ReceiveError::MissingEventType(
                        format!("{} is not ascii text", header_title(name.as_str())).into(),
                    )
                })?;
                Located::new(value.trim().to_owned(), None)
            }
            PayloadFormat::Rule(rule) => Located::new(
                rule(headers, body).ok_or(ReceiveError::MissingEventType(
                    "the event type rule found none".into(),
                ))?,
                None,
            ),
        };
        if located.event_type.is_empty() || located.event_type.len() > MAX_EVENT_TYPE {
            return Err(ReceiveError::MissingEventType(
                "the event type is empty or longer than 256 bytes".into(),
            ));
        }
        if let Some(id) = &located.body_id
            && crate::signature::check_id(id.as_bytes()).is_err()
        {
            return Err(ReceiveError::MalformedPayload(
                "the delivery id in the body is not 1 to 256 visible ascii characters".to_owned(),
            ));
        }
        Ok(located)
    }
}

/// What [`PayloadFormat::locate`] found in its scan, before the event is parsed.
pub(crate) struct Located {
    pub(crate) event_type: String,
    pub(crate) body_id: Option<String>,
    /// Stripe's event object, found by the same scan.
    pub(crate) stripe: Option<StripeEvent>,
}

impl Located {
    fn new(event_type: String, body_id: Option<String>) -> Self {
        Located {
            event_type,
            body_id,
            stripe: None,
        }
    }
}

/// Where a Stripe event's `data.object` is in the body (`None`: absent, an error when the
/// event is parsed), and its `created` time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StripeEvent {
    pub(crate) object: Option<Range<usize>>,
    pub(crate) created: Option<Timestamp>,
}

/// Which top-level field of the body holds the delivery id.
#[derive(Clone, Copy)]
enum IdField {
    None,
    EventId,
}

/// The body's top-level `type`, and its `event_id` (Slack) when present, as `what` names the
/// body; the rest skipped.
fn body_head(body: &[u8], what: &str, id_field: IdField) -> Result<Located, ReceiveError> {
    #[derive(Deserialize)]
    struct Head<'a> {
        #[serde(rename = "type", borrow)]
        event_type: Cow<'a, str>,
        #[serde(borrow, default)]
        event_id: Option<Cow<'a, str>>,
    }
    let head = serde_json::from_slice::<Head<'_>>(body)
        .map_err(|error| ReceiveError::malformed(what, &error))?;
    let id = match id_field {
        IdField::None => None,
        IdField::EventId => head.event_id.map(Cow::into_owned),
    };
    Ok(Located::new(head.event_type.into_owned(), id))
}

/// A Stripe event object's `type`, `id`, `created` and where `data.object` is, in one scan.
fn stripe_head(body: &[u8]) -> Result<Located, ReceiveError> {
    let (event_type, id, event) = scan_stripe(body)?;
    let mut located = Located::new(event_type, Some(id));
    located.stripe = Some(event);
    Ok(located)
}

/// Where a stored Stripe event's object is (the scan [`PayloadFormat::locate`] makes).
pub(crate) fn stripe_event(body: &[u8]) -> Result<StripeEvent, ReceiveError> {
    scan_stripe(body).map(|(_, _, event)| event)
}

/// The type, the id and the [`StripeEvent`] of a Stripe event object.
fn scan_stripe(body: &[u8]) -> Result<(String, String, StripeEvent), ReceiveError> {
    #[derive(Deserialize)]
    struct Head<'a> {
        #[serde(rename = "type", borrow)]
        event_type: Cow<'a, str>,
        #[serde(borrow, default)]
        id: Option<Cow<'a, str>>,
        #[serde(default)]
        created: Option<i64>,
        #[serde(borrow, default)]
        data: Option<Data<'a>>,
    }
    #[derive(Deserialize)]
    struct Data<'a> {
        #[serde(borrow, default)]
        object: Option<&'a RawValue>,
    }
    const WHAT: &str = "the stripe event";
    let head = serde_json::from_slice::<Head<'_>>(body)
        .map_err(|error| ReceiveError::malformed(WHAT, &error))?;
    let id = head
        .id
        .ok_or_else(|| ReceiveError::MalformedPayload(format!("{WHAT}: missing field `id`")))?;
    // The object's bytes are a part of `body` (borrowed from it): its place is their offset.
    let object = head.data.and_then(|data| data.object).map(|object| {
        let start = (object.get().as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
        start..start + object.get().len()
    });
    let event = StripeEvent {
        object,
        created: head.created.map(Timestamp::from_unix),
    };
    Ok((head.event_type.into_owned(), id.into_owned(), event))
}

/// The event type of a body that starts `{"type":"<plain string>"` (Standard Webhooks senders
/// put it first), read without parsing the rest; `None` sends the caller to a full scan.
fn leading_type(body: &[u8]) -> Option<&str> {
    fn ws(bytes: &[u8]) -> &[u8] {
        let start = bytes
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(bytes.len());
        &bytes[start..]
    }
    let rest = ws(body).strip_prefix(b"{")?;
    let rest = ws(rest).strip_prefix(b"\"type\"")?;
    let rest = ws(rest).strip_prefix(b":")?;
    let rest = ws(rest).strip_prefix(b"\"")?;
    let end = rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    if rest[end] != b'"' {
        return None;
    }
    std::str::from_utf8(&rest[..end]).ok()
}

impl fmt::Debug for PayloadFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadFormat::Envelope => f.write_str("Envelope"),
            PayloadFormat::Stripe => f.write_str("Stripe"),
            PayloadFormat::Header(name) => f.debug_tuple("Header").field(name).finish(),
            PayloadFormat::BodyType => f.write_str("BodyType"),
            PayloadFormat::Slack => f.write_str("Slack"),
            PayloadFormat::Rule(_) => f.write_str("Rule(..)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_type_reads_only_plain_leading_types() {
        assert_eq!(
            leading_type(br#" { "type" : "a.b", "data":1}"#),
            Some("a.b")
        );
        assert_eq!(leading_type(br#"{"type":"a\"b"}"#), None);
        assert_eq!(leading_type(br#"{"data":{},"type":"a"}"#), None);
        assert_eq!(leading_type(br#"{"type":"unterminated"#), None);
        assert_eq!(leading_type(b""), None);
        assert_eq!(leading_type(b"{\"type\":\"\xff\"}"), None);
    }

    #[test]
    fn locate_rejects_empty_and_long_types() {
        let headers = HeaderMap::new();
        let long = format!(r#"{{"type":"{}"}}"#, "a".repeat(300));
        for body in [br#"{"type":""}"#.as_slice(), long.as_bytes()] {
            assert!(matches!(
                PayloadFormat::Envelope.locate(&headers, body),
                Err(ReceiveError::MissingEventType(_))
            ));
        }
    }
}
