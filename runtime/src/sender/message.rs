//! [`Message`]: one message to one endpoint, serialized once, and the errors of making one.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use reqwest::Url;

use super::id::new_id;
use crate::event::SendEvents;
use crate::timestamp::Timestamp;

/// One webhook message for one endpoint: its message id, the endpoint URL, the event type and
/// the body bytes, serialized once and sent unchanged by every attempt.
///
/// The id is `msg_` and 22 random characters unless set with [`with_id`](Message::with_id).
/// Cloning is cheap (the body is reference-counted). `Debug` shows the URL's scheme and host
/// only, since endpoint paths and queries often embed tokens.
///
/// ```
/// use hookwire::sender::Message;
///
/// let message = Message::new(
///     "http://127.0.0.1:8080/webhooks",
///     "order.shipped",
///     br#"{"type":"order.shipped","timestamp":"2023-11-14T22:13:20Z","data":{}}"#.to_vec(),
/// )?
/// .with_id("msg_2Lq5")?;
/// assert_eq!(message.id(), "msg_2Lq5");
/// assert_eq!(message.event_type(), "order.shipped");
/// assert_eq!(message.url().path(), "/webhooks");
/// # Ok::<(), hookwire::sender::SendError>(())
/// ```
#[derive(Clone)]
pub struct Message {
    id: String,
    url: Url,
    event_type: Cow<'static, str>,
    body: Bytes,
    headers: Vec<(http::HeaderName, http::HeaderValue)>,
}

impl Message {
    /// A message of pre-serialized `body` bytes, of type `event_type`, to `url`, with a new
    /// random id. The body is sent as `application/json`, exactly as given.
    ///
    /// # Errors
    ///
    /// [`SendError::InvalidUrl`] unless `url` is an absolute `http` or `https` URL with a
    /// host; [`SendError::InvalidEventType`] unless `event_type` is an event type name
    /// ([`check_event_type`](crate::check_event_type): `order.shipped`, `orders/create`).
    ///
    /// ```
    /// use hookwire::sender::{Message, SendError};
    ///
    /// let ok = Message::new("https://example.com/hook", "ping", b"{}".to_vec())?;
    /// assert!(ok.id().starts_with("msg_"));
    /// assert!(matches!(
    ///     Message::new("ftp://example.com", "ping", b"{}".to_vec()),
    ///     Err(SendError::InvalidUrl { .. })
    /// ));
    /// # Ok::<(), SendError>(())
    /// ```
    pub fn new(
        url: &str,
        event_type: impl Into<Cow<'static, str>>,
        body: impl Into<Bytes>,
    ) -> Result<Self, SendError> {
        let event_type = event_type.into();
        check_event_type(&event_type)?;
        Ok(Self {
            id: new_id(),
            url: parse_url(url)?,
            event_type,
            body: body.into(),
            headers: Vec::new(),
        })
    }

    /// A message of `event` to `url`: the Standard Webhooks envelope stamped with
    /// `timestamp` (when the event happened; each attempt's signature carries its own), serialized
    /// once.
    ///
    /// # Errors
    ///
    /// [`SendError::Serialize`] when the payload's `Serialize` impl fails, and the errors of
    /// [`new`](Message::new).
    ///
    /// ```
    /// use hookwire::sender::Message;
    /// use hookwire::{Event, Events, JsonSchema, Timestamp, schemars};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// #[hookwire(event = "order.shipped")]
    /// struct OrderShipped {
    ///     order_id: String,
    /// }
    ///
    /// #[derive(Events)]
    /// enum ShopEvent {
    ///     OrderShipped(OrderShipped),
    /// }
    ///
    /// let event = ShopEvent::OrderShipped(OrderShipped { order_id: "98765".into() });
    /// let message = Message::event("http://127.0.0.1:9/hooks", &event, Timestamp::from_unix(0))?;
    /// assert_eq!(message.event_type(), "order.shipped");
    /// assert_eq!(
    ///     &message.body()[..],
    ///     br#"{"type":"order.shipped","timestamp":"1970-01-01T00:00:00Z","data":{"order_id":"98765"}}"#
    /// );
    /// # Ok::<(), hookwire::sender::SendError>(())
    /// ```
    pub fn event<E: SendEvents>(
        url: &str,
        event: &E,
        timestamp: Timestamp,
    ) -> Result<Self, SendError> {
        let url = parse_url(url)?;
        let body = event.to_envelope(timestamp).map_err(SendError::Serialize)?;
        Ok(Self {
            id: new_id(),
            url,
            event_type: Cow::Borrowed(event.event_type()),
            body: body.into(),
            headers: Vec::new(),
        })
    }

    /// Replaces the generated id, for instance with the id of the event in your outbox so
    /// that a resent message keeps its id and the receiver can drop duplicates.
    ///
    /// # Errors
    ///
    /// [`SendError::InvalidId`] unless `id` is 1 to 256 visible ASCII characters.
    ///
    /// ```
    /// use hookwire::sender::Message;
    ///
    /// let message = Message::new("http://localhost/", "ping", "{}")?;
    /// assert_eq!(message.with_id("evt_42")?.id(), "evt_42");
    /// # Ok::<(), hookwire::sender::SendError>(())
    /// ```
    pub fn with_id(mut self, id: impl Into<String>) -> Result<Self, SendError> {
        let id = id.into();
        if let Err(crate::signature::SignError::InvalidId { reason }) =
            crate::signature::check_id(id.as_bytes())
        {
            return Err(SendError::InvalidId { reason });
        }
        self.id = id;
        Ok(self)
    }

    /// Adds an HTTP header sent with every attempt (an endpoint's own headers); the
    /// signature's and `content-type` are set by the attempt and win over these.
    ///
    /// ```
    /// # use hookwire::sender::{Message, SendError};
    /// let message = Message::new("http://localhost/", "ping", "{}")?.with_header("x-tenant", "acme")?;
    /// assert_eq!(message.headers().count(), 1);
    /// assert!(matches!(
    ///     Message::new("http://localhost/", "ping", "{}")?.with_header("bad name", "x"),
    ///     Err(SendError::InvalidHeader { .. })
    /// ));
    /// # Ok::<(), SendError>(())
    /// ```
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, SendError> {
        let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            SendError::InvalidHeader {
                reason: "not a header name",
            }
        })?;
        let value = http::HeaderValue::from_str(value).map_err(|_| SendError::InvalidHeader {
            reason: "a header value is visible ASCII, spaces and tabs",
        })?;
        self.headers.push((name, value));
        Ok(self)
    }

    /// The extra headers ([`with_header`](Self::with_header)).
    ///
    /// ```
    /// # use hookwire::sender::Message;
    /// assert_eq!(Message::new("http://localhost/", "ping", "{}")?.headers().count(), 0);
    /// # Ok::<(), hookwire::sender::SendError>(())
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&http::HeaderName, &http::HeaderValue)> {
        self.headers.iter().map(|(name, value)| (name, value))
    }

    /// The message id, the same for every attempt (`webhook-id` for Standard Webhooks).
    ///
    /// ```
    /// # use hookwire::sender::Message;
    /// let message = Message::new("http://localhost/", "ping", "{}")?;
    /// assert_eq!(message.id().len(), 26);
    /// # Ok::<(), hookwire::sender::SendError>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The endpoint URL.
    ///
    /// ```
    /// # use hookwire::sender::Message;
    /// let message = Message::new("http://localhost:3000/in", "ping", "{}")?;
    /// assert_eq!(message.url().port(), Some(3000));
    /// # Ok::<(), hookwire::sender::SendError>(())
    /// ```
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The event type, such as `order.shipped`.
    ///
    /// ```
    /// # use hookwire::sender::Message;
    /// let message = Message::new("http://localhost/", "ping", "{}")?;
    /// assert_eq!(message.event_type(), "ping");
    /// # Ok::<(), hookwire::sender::SendError>(())
    /// ```
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The body bytes, as sent.
    ///
    /// ```
    /// # use hookwire::sender::Message;
    /// let message = Message::new("http://localhost/", "ping", "{}")?;
    /// assert_eq!(&message.body()[..], b"{}");
    /// # Ok::<(), hookwire::sender::SendError>(())
    /// ```
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("id", &self.id)
            .field("endpoint", &Redacted(&self.url))
            .field("event_type", &self.event_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A URL shown as `scheme://host:port/…`: paths and queries of webhook URLs often hold tokens.
pub(crate) struct Redacted<'a>(pub(crate) &'a Url);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.0;
        write!(f, "{}://{}", url.scheme(), url.host_str().unwrap_or(""))?;
        if let Some(port) = url.port() {
            write!(f, ":{port}")?;
        }
        f.write_str("/…")
    }
}

/// Why a [`Message`] could not be made or sent. The error texts never contain the URL, a
/// secret or the body.
///
/// ```
/// use hookwire::sender::{Message, SendError};
///
/// let err = Message::new("not a url", "ping", "{}").unwrap_err();
/// assert!(matches!(err, SendError::InvalidUrl { .. }));
/// assert_eq!(err.to_string(), "invalid endpoint url: relative URL without a base");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The endpoint is not an absolute `http` or `https` URL with a host.
    #[error("invalid endpoint url: {reason}")]
    InvalidUrl {
        /// What was wrong.
        reason: Cow<'static, str>,
    },
    /// The message id cannot be sent in a header.
    #[error("invalid message id: {reason}")]
    InvalidId {
        /// What is accepted.
        reason: &'static str,
    },
    /// The event type is not a name [`check_event_type`](crate::check_event_type) accepts.
    #[error(
        "invalid event type: {reason}; expected {}",
        crate::EventTypeError::EXPECTED
    )]
    InvalidEventType {
        /// What breaks the rule.
        reason: crate::EventTypeError,
    },
    /// An extra header cannot be sent.
    #[error("invalid header: {reason}")]
    InvalidHeader {
        /// What is accepted.
        reason: &'static str,
    },
    /// The event payload failed to serialize.
    #[error("the event could not be serialized: {0}")]
    Serialize(#[source] serde_json::Error),
}

fn parse_url(url: &str) -> Result<Url, SendError> {
    let url = Url::parse(url).map_err(|e| SendError::InvalidUrl {
        // The parser's messages are fixed strings that never echo the input.
        reason: Cow::Owned(e.to_string()),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SendError::InvalidUrl {
            reason: Cow::Borrowed("expected an http or https url"),
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(SendError::InvalidUrl {
            reason: Cow::Borrowed("expected a host"),
        });
    }
    Ok(url)
}

fn check_event_type(event_type: &str) -> Result<(), SendError> {
    crate::check_event_type(event_type).map_err(|reason| SendError::InvalidEventType { reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_path_query_and_body() {
        let d = Message::new(
            "https://user:pw@hooks.example.com:8443/T0/B0/secret-token?key=abc",
            "ping",
            "{\"secret\":1}",
        )
        .unwrap();
        let text = format!("{d:?}");
        assert!(text.contains("https://hooks.example.com:8443/…"), "{text}");
        for hidden in ["secret", "token", "abc", "pw", "user"] {
            assert!(!text.contains(hidden), "{text}");
        }
    }

    #[test]
    fn rejects_bad_input_without_echoing_it() {
        for url in [
            "",
            "mailto:a@b.c",
            "file:///etc/passwd",
            "http://",
            "/relative",
        ] {
            let err = Message::new(url, "ping", "").unwrap_err();
            assert!(matches!(err, SendError::InvalidUrl { .. }), "{url}");
        }
        let err = Message::new("http://h/secret", "a b", "").unwrap_err();
        assert!(matches!(err, SendError::InvalidEventType { .. }));
        assert!(Message::new("http://h/", "", "").is_err());
        let d = Message::new("http://h/", "ping", "").unwrap();
        assert!(matches!(
            d.clone().with_id("bad id"),
            Err(SendError::InvalidId { .. })
        ));
        assert!(d.with_id("x".repeat(257)).is_err());
    }
}
