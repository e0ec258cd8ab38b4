//! Messages and attempts as the API shows them (Svix's `MessageIn`, `MessageOut`,
//! `MessageAttemptOut`), and the portal link (`AppPortalAccessIn`, `AppPortalAccessOut`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Timestamp;
use crate::outbox::{AttemptLog, DeliveryInfo, DeliveryState, StoredEvent};
use crate::platform::{ApplicationIn, Bounded, EventTypeName, Uid, endpoint_id_of};

/// A message to send to an application's endpoints.
///
/// ```
/// let message: hookwire::platform::MessageIn =
///     serde_json::from_str(r#"{"eventType": "invoice.paid", "payload": {"id": "in_1"}, "eventId": "in_1-paid"}"#)?;
/// assert_eq!(message.event_type.as_str(), "invoice.paid");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageIn {
    /// Its event type.
    pub event_type: EventTypeName,
    /// The body every endpoint receives, as given.
    pub payload: Map<String, Value>,
    /// A key no other message of the application may carry: a second message with it is
    /// refused with `409`.
    #[serde(default)]
    pub event_id: Option<Uid>,
    /// Creates the application (with the path's uid) when it does not exist.
    #[serde(default)]
    pub application: Option<ApplicationIn>,
    /// Svix's channels, which hookwire does not have: a list that is not empty is refused
    /// (`422`) rather than ignored, so no delivery goes where channels would not send it.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub channels: Option<Vec<String>>,
}

/// A message as the API shows it. Its id is the `webhook-id` (and `svix-id`) of every
/// delivery of it.
///
/// ```
/// # fn demo(message: hookwire::platform::MessageOut) {
/// println!("{} {}", message.id, message.event_type);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageOut {
    /// Its id.
    pub id: String,
    /// Its event type.
    pub event_type: String,
    /// Its payload.
    pub payload: Value,
    /// Its `eventId`, if given.
    pub event_id: Option<String>,
    /// Always `null`: hookwire has no channels.
    pub channels: Option<Vec<String>>,
    /// When it was accepted.
    pub timestamp: Timestamp,
}

impl From<&StoredEvent> for MessageOut {
    fn from(event: &StoredEvent) -> Self {
        MessageOut {
            id: event.event_id.clone(),
            event_type: event.event_type.clone(),
            payload: serde_json::from_str(&event.payload).unwrap_or(Value::Null),
            event_id: event.dedupe_key.clone(),
            channels: None,
            timestamp: Timestamp::from_unix(event.created_at),
        }
    }
}

/// One attempt to deliver a message to an endpoint.
///
/// ```
/// # fn demo(attempt: hookwire::platform::MessageAttemptOut) {
/// println!("{} -> {} {}", attempt.msg_id, attempt.endpoint_id, attempt.response_status_code);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageAttemptOut {
    /// Its id.
    pub id: String,
    /// The message.
    pub msg_id: String,
    /// The endpoint.
    pub endpoint_id: String,
    /// The endpoint's URL.
    pub url: String,
    /// The start of the endpoint's answer, or the error.
    pub response: String,
    /// The answer's status (0 without an answer).
    pub response_status_code: i32,
    /// How long the attempt took.
    pub response_duration_ms: u64,
    /// 0 success, 2 failure.
    #[schemars(range(min = 0, max = 4))]
    pub status: u8,
    /// `success` or `fail`.
    pub status_text: String,
    /// 0: scheduled.
    #[schemars(range(min = 0, max = 1))]
    pub trigger_type: u8,
    /// When it was recorded.
    pub timestamp: Timestamp,
}

impl MessageAttemptOut {
    /// The attempt `log` of `delivery`, to `url`.
    pub(crate) fn of(delivery: &DeliveryInfo, log: &AttemptLog, url: &str) -> Self {
        let success = log.outcome == "delivered";
        MessageAttemptOut {
            id: crate::platform::ids::attempt_id_of(delivery.id, log.attempt),
            msg_id: delivery.event_id.clone(),
            endpoint_id: endpoint_id_of(delivery.endpoint),
            url: url.to_owned(),
            response: log.excerpt.clone(),
            response_status_code: log.status.map_or(0, i32::from),
            response_duration_ms: log.duration_ms,
            status: if success { 0 } else { 2 },
            status_text: if success { "success" } else { "fail" }.to_owned(),
            trigger_type: 0,
            timestamp: Timestamp::from_unix(log.at),
        }
    }
}

/// A portal link request; every field is optional.
///
/// ```
/// let request: hookwire::platform::AppPortalAccessIn = serde_json::from_str("{}")?;
/// assert!(request.expiry.is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppPortalAccessIn {
    /// Creates the application (with the path's uid) when it does not exist.
    #[serde(default)]
    pub application: Option<ApplicationIn>,
    /// Seconds the token is valid (at most the platform's token lifetime).
    #[serde(default)]
    pub expiry: Option<Bounded<1, 31536000>>,
}

/// A portal link and its token.
///
/// ```
/// # fn demo(access: hookwire::platform::AppPortalAccessOut) {
/// println!("open {}", access.url);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AppPortalAccessOut {
    /// `<base>/portal/#app=<app_id>&token=<token>`.
    pub url: String,
    /// The application-scoped token (a `Bearer` token for this API).
    pub token: String,
}

/// A message sent to one endpoint, with its delivery's status there (Svix's
/// `EndpointMessageOut`).
///
/// ```
/// # fn demo(sent: hookwire::platform::EndpointMessageOut) {
/// println!("{} {} next: {:?}", sent.message.id, sent.status_text, sent.next_attempt);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointMessageOut {
    /// The message.
    #[serde(flatten)]
    pub message: MessageOut,
    /// 0 success, 1 pending (waiting for an attempt, or held while the endpoint is disabled),
    /// 2 failed (the retry schedule ran out), 3 sending.
    #[schemars(range(min = 0, max = 4))]
    pub status: u8,
    /// `success`, `pending`, `fail` or `sending`.
    pub status_text: String,
    /// When the next attempt is due, while one is scheduled.
    pub next_attempt: Option<Timestamp>,
}

impl EndpointMessageOut {
    /// `event` as delivered by `delivery`.
    pub(crate) fn of(event: &StoredEvent, delivery: &DeliveryInfo) -> Self {
        let (status, text) = match delivery.state {
            DeliveryState::Delivered => (0, "success"),
            DeliveryState::Failed => (2, "fail"),
            DeliveryState::InFlight => (3, "sending"),
            DeliveryState::Pending | DeliveryState::Disabled => (1, "pending"),
        };
        EndpointMessageOut {
            message: MessageOut::from(event),
            status,
            status_text: text.to_owned(),
            next_attempt: (delivery.state == DeliveryState::Pending)
                .then(|| Timestamp::from_unix(delivery.next_attempt_at)),
        }
    }
}
