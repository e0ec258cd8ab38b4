//! A verified delivery before its event is parsed ([`Head`]), and the parse that makes it a
//! [`Delivery`]. The [`Receiver`], the [`Webhook`] extractor, [`VerifiedWebhook::parse`] and
//! the inbox's workers all go through here; the body moves from the request into the delivery
//! and is never copied.
//!
//! [`Receiver`]: crate::receiver::Receiver
//! [`Webhook`]: crate::receiver::Webhook
//! [`VerifiedWebhook::parse`]: crate::receiver::VerifiedWebhook::parse

use axum::http::HeaderMap;
use bytes::Bytes;

use crate::receiver::Delivery;
use crate::receiver::error::ReceiveError;
use crate::receiver::format::{Located, PayloadFormat, StripeEvent};
use crate::receiver::parse::{self, CatalogSeed, DataSeed, Payload};
use crate::signature::{BodyShape, Verified};
use crate::{Events, Timestamp};

/// What is known of a verified delivery before its event is parsed.
pub(crate) struct Head {
    /// From the body when the format puts it there (Stripe, Slack), else the scheme's header.
    pub(crate) id: Option<String>,
    pub(crate) event_type: String,
    /// The signed timestamp, when the scheme has one.
    pub(crate) signed_at: Option<Timestamp>,
    pub(crate) body: Bytes,
    /// Where a Stripe event's object is, when the body was located (not for stored ones).
    stripe: Option<StripeEvent>,
}

impl Head {
    /// The head of a delivery `verified` now, whose type and id `located` found in `body`
    /// (the bytes `verified` holds).
    pub(crate) fn new(verified: Verified<'_>, located: Located, body: Bytes) -> Self {
        let signed_at = verified.timestamp();
        Head {
            id: located.body_id.or_else(|| verified.into_id()),
            event_type: located.event_type,
            signed_at,
            body,
            stripe: located.stripe,
        }
    }

    /// The head of a delivery verified earlier and stored (inbox, feed, a queue of yours),
    /// with the id and time known then.
    pub(crate) fn stored(
        id: Option<String>,
        event_type: String,
        signed_at: Option<Timestamp>,
        body: Bytes,
    ) -> Self {
        Head {
            id,
            event_type,
            signed_at,
            body,
            stripe: None,
        }
    }

    /// The head of a delivery verified earlier, located now in `format`.
    fn located(
        format: &PayloadFormat,
        headers: &HeaderMap,
        id: Option<String>,
        signed_at: Option<Timestamp>,
        body: Bytes,
    ) -> Result<Self, ReceiveError> {
        let located = format.locate(headers, &body)?;
        Ok(Head {
            id: located.body_id.or(id),
            event_type: located.event_type,
            signed_at,
            body,
            stripe: located.stripe,
        })
    }

    /// Parses the event with `P` and moves the body into the delivery. The time is the
    /// body's (the envelope's `timestamp`, Stripe's `created`), else the signed one.
    pub(crate) fn parse<P: DataSeed>(
        self,
        shape: BodyShape,
    ) -> Result<Delivery<P::Out>, ReceiveError> {
        let (timestamp, event) =
            parse::parse::<P>(shape, &self.body, &self.event_type, self.stripe.as_ref())?;
        Ok(Delivery {
            id: self.id,
            event_type: self.event_type,
            timestamp: timestamp.or(self.signed_at),
            body: self.body,
            event,
        })
    }

    /// Parses a delivery verified earlier (with its id and time then) into catalog `E`.
    pub(crate) fn parse_verified<E: Events>(
        format: &PayloadFormat,
        headers: &HeaderMap,
        id: Option<String>,
        signed_at: Option<Timestamp>,
        body: Bytes,
    ) -> Result<Delivery<Payload<E>>, ReceiveError> {
        Head::located(format, headers, id, signed_at, body)?.parse::<CatalogSeed<E>>(format.shape())
    }
}

impl PayloadFormat {
    /// Parses a delivery into catalog `E`: what the [`Webhook`](crate::receiver::Webhook)
    /// extractor does after verification, for bytes verified earlier (taken from a queue, say).
    /// The body moves into the [`Delivery`] (a [`Bytes`] is a counted reference: no copy). The
    /// delivery id is filled in only when the body carries it (Stripe, Slack).
    ///
    /// # Errors
    /// As [`event_type`](Self::event_type), and [`ReceiveError::MalformedPayload`] when the
    /// event does not match its Rust type.
    ///
    /// ```
    /// use axum::http::HeaderMap;
    /// use axum::body::Bytes;
    /// use hookwire::receiver::{Payload, PayloadFormat};
    /// use hookwire::{Event, Events};
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize, Event)]
    /// #[hookwire(event = "ping")]
    /// struct Ping {
    ///     n: u32,
    /// }
    /// #[derive(Events)]
    /// enum Catalog {
    ///     Ping(Ping),
    /// }
    ///
    /// let body = Bytes::from_static(br#"{"type":"ping","timestamp":"2024-01-01T00:00:00Z","data":{"n":7}}"#);
    /// let delivery = PayloadFormat::Envelope.parse::<Catalog>(&HeaderMap::new(), body)?;
    /// assert!(matches!(delivery.event, Payload::Known(Catalog::Ping(Ping { n: 7 }))));
    /// # Ok::<(), hookwire::receiver::ReceiveError>(())
    /// ```
    pub fn parse<E: Events>(
        &self,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<Delivery<Payload<E>>, ReceiveError> {
        Head::parse_verified(self, headers, None, None, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_moves_into_the_delivery_without_a_copy() {
        let body =
            Bytes::from_static(br#"{"type":"a.b","timestamp":"2024-01-01T00:00:00Z","data":{}}"#);
        let head = Head::located(
            &PayloadFormat::Envelope,
            &HeaderMap::new(),
            Some("msg_1".into()),
            None,
            body.clone(),
        )
        .unwrap();
        let delivery = head.parse::<parse::RawSeed>(BodyShape::Envelope).unwrap();
        // Same allocation: the delivery's body is the request's.
        assert_eq!(delivery.body.as_ptr(), body.as_ptr());
        assert_eq!(delivery.id.as_deref(), Some("msg_1"));
        assert_eq!(delivery.event.get(), "{}");
    }

    #[test]
    fn body_ids_win_over_header_ids() {
        let body = Bytes::from_static(br#"{"type":"event_callback","event_id":"Ev123"}"#);
        let head =
            Head::located(&PayloadFormat::Slack, &HeaderMap::new(), None, None, body).unwrap();
        assert_eq!(head.id.as_deref(), Some("Ev123"));
        assert_eq!(head.event_type, "event_callback");
    }
}
