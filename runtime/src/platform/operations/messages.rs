//! Messages, attempts, event types, access and health: their operations.

use crate::platform::*;

/// Lists an application's messages, newest first.
///
/// `GET /api/v1/app/{app_id}/msg`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::ListMessages;
///
/// assert_eq!(ListMessages::PATH, "/api/v1/app/{app_id}/msg");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/msg", response = ListResponse<MessageOut>)]
pub struct ListMessages {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// How many per page.
    #[hookwire(query)]
    pub limit: Option<Limit>,
    /// Where the page starts.
    #[hookwire(query)]
    pub iterator: Option<ListIterator>,
}

/// Sends a message to every endpoint of the application subscribed to its event type. A repeated `eventId` is refused (409).
///
/// `POST /api/v1/app/{app_id}/msg`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::CreateMessage;
///
/// assert_eq!(CreateMessage::PATH, "/api/v1/app/{app_id}/msg");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/app/{app_id}/msg", response = MessageOut)]
pub struct CreateMessage {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
    /// The message.
    #[hookwire(body)]
    pub body: MessageIn,
}

/// Gets a message by its id or `eventId`.
///
/// `GET /api/v1/app/{app_id}/msg/{msg_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::GetMessage;
///
/// assert_eq!(GetMessage::PATH, "/api/v1/app/{app_id}/msg/{msg_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/msg/{msg_id}", response = MessageOut)]
pub struct GetMessage {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or eventId.
    #[hookwire(path)]
    pub msg_id: MessageRef,
}

/// Lists the attempts to deliver to an endpoint.
///
/// `GET /api/v1/app/{app_id}/attempt/endpoint/{endpoint_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::ListAttemptsByEndpoint;
///
/// assert_eq!(ListAttemptsByEndpoint::PATH, "/api/v1/app/{app_id}/attempt/endpoint/{endpoint_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/attempt/endpoint/{endpoint_id}", response = ListResponse<MessageAttemptOut>)]
pub struct ListAttemptsByEndpoint {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// The endpoint's id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
    /// How many deliveries per page.
    #[hookwire(query)]
    pub limit: Option<Limit>,
    /// Where the page starts.
    #[hookwire(query)]
    pub iterator: Option<ListIterator>,
}

/// Lists the attempts to deliver a message.
///
/// `GET /api/v1/app/{app_id}/attempt/msg/{msg_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::ListAttemptsByMessage;
///
/// assert_eq!(ListAttemptsByMessage::PATH, "/api/v1/app/{app_id}/attempt/msg/{msg_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/attempt/msg/{msg_id}", response = ListResponse<MessageAttemptOut>)]
pub struct ListAttemptsByMessage {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// The message's id or eventId.
    #[hookwire(path)]
    pub msg_id: MessageRef,
    /// Only attempts to this endpoint.
    #[hookwire(query)]
    pub endpoint_id: Option<EndpointRef>,
    /// How many deliveries per page.
    #[hookwire(query)]
    pub limit: Option<Limit>,
    /// Where the page starts.
    #[hookwire(query)]
    pub iterator: Option<ListIterator>,
}

/// Sends a message to an endpoint again, now.
///
/// `POST /api/v1/app/{app_id}/msg/{msg_id}/endpoint/{endpoint_id}/resend`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::ResendMessage;
///
/// assert_eq!(ResendMessage::PATH, "/api/v1/app/{app_id}/msg/{msg_id}/endpoint/{endpoint_id}/resend");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/app/{app_id}/msg/{msg_id}/endpoint/{endpoint_id}/resend", response = EmptyResponse)]
pub struct ResendMessage {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// The message's id or eventId.
    #[hookwire(path)]
    pub msg_id: MessageRef,
    /// The endpoint's id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
}

/// Lists event types (with their schemas when `with_content=true`).
///
/// `GET /api/v1/event-type`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::ListEventTypes;
///
/// assert_eq!(ListEventTypes::PATH, "/api/v1/event-type");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/event-type", response = ListResponse<EventTypeOut>)]
pub struct ListEventTypes {
    /// How many per page.
    #[hookwire(query)]
    pub limit: Option<Limit>,
    /// Where the page starts.
    #[hookwire(query)]
    pub iterator: Option<ListIterator>,
    /// Include archived ones.
    #[hookwire(query)]
    pub include_archived: Option<bool>,
    /// Include schemas.
    #[hookwire(query)]
    pub with_content: Option<bool>,
}

/// Creates an event type (409 if it exists).
///
/// `POST /api/v1/event-type`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::CreateEventType;
///
/// assert_eq!(CreateEventType::PATH, "/api/v1/event-type");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/event-type", response = EventTypeOut)]
pub struct CreateEventType {
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
    /// The event type.
    #[hookwire(body)]
    pub body: EventTypeIn,
}

/// Gets an event type.
///
/// `GET /api/v1/event-type/{event_type_name}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::GetEventType;
///
/// assert_eq!(GetEventType::PATH, "/api/v1/event-type/{event_type_name}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/event-type/{event_type_name}", response = EventTypeOut)]
pub struct GetEventType {
    /// Its name.
    #[hookwire(path)]
    pub event_type_name: EventTypeName,
}

/// Replaces an event type's fields, or creates it (201).
///
/// `PUT /api/v1/event-type/{event_type_name}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::UpdateEventType;
///
/// assert_eq!(UpdateEventType::PATH, "/api/v1/event-type/{event_type_name}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "PUT", path = "/api/v1/event-type/{event_type_name}", response = EventTypeOut)]
pub struct UpdateEventType {
    /// Its name.
    #[hookwire(path)]
    pub event_type_name: EventTypeName,
    /// Its fields.
    #[hookwire(body)]
    pub body: EventTypeUpdate,
}

/// Changes the fields given.
///
/// `PATCH /api/v1/event-type/{event_type_name}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::PatchEventType;
///
/// assert_eq!(PatchEventType::PATH, "/api/v1/event-type/{event_type_name}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "PATCH", path = "/api/v1/event-type/{event_type_name}", response = EventTypeOut)]
pub struct PatchEventType {
    /// Its name.
    #[hookwire(path)]
    pub event_type_name: EventTypeName,
    /// The changes.
    #[hookwire(body)]
    pub body: EventTypePatch,
}

/// Deletes an event type (`expunge` is accepted and changes nothing).
///
/// `DELETE /api/v1/event-type/{event_type_name}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::DeleteEventType;
///
/// assert_eq!(DeleteEventType::PATH, "/api/v1/event-type/{event_type_name}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "DELETE", path = "/api/v1/event-type/{event_type_name}", response = ())]
pub struct DeleteEventType {
    /// Its name.
    #[hookwire(path)]
    pub event_type_name: EventTypeName,
    /// Delete it rather than archive it.
    #[hookwire(query)]
    pub expunge: Option<bool>,
}

/// A link to the portal for one application, with an application-scoped token.
///
/// `POST /api/v1/auth/app-portal-access/{app_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::AppPortalAccess;
///
/// assert_eq!(AppPortalAccess::PATH, "/api/v1/auth/app-portal-access/{app_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/auth/app-portal-access/{app_id}", response = AppPortalAccessOut)]
pub struct AppPortalAccess {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
    /// Options.
    #[hookwire(body)]
    pub body: AppPortalAccessIn,
}

/// The same as `app-portal-access` (Svix's older route).
///
/// `POST /api/v1/auth/dashboard-access/{app_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::DashboardAccess;
///
/// assert_eq!(DashboardAccess::PATH, "/api/v1/auth/dashboard-access/{app_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/auth/dashboard-access/{app_id}", response = AppPortalAccessOut)]
pub struct DashboardAccess {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
}

/// Revokes every portal token of the application.
///
/// `POST /api/v1/auth/app/{app_id}/expire-all`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::ExpireAllTokens;
///
/// assert_eq!(ExpireAllTokens::PATH, "/api/v1/auth/app/{app_id}/expire-all");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/auth/app/{app_id}/expire-all", response = ())]
pub struct ExpireAllTokens {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
}

/// Answers 204 while the server runs.
///
/// `GET /api/v1/health`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::HealthCheck;
///
/// assert_eq!(HealthCheck::PATH, "/api/v1/health");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/health", response = (), operation_id = "health")]
pub struct HealthCheck {}

/// Lists the messages sent to an endpoint, newest first, each with its delivery's status and
/// next attempt (Svix's "list attempted messages").
///
/// `GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/msg`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::ListAttemptedMessages;
///
/// assert_eq!(ListAttemptedMessages::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}/msg");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}/msg", response = ListResponse<EndpointMessageOut>)]
pub struct ListAttemptedMessages {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// The endpoint's id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
    /// How many per page.
    #[hookwire(query)]
    pub limit: Option<Limit>,
    /// Where the page starts.
    #[hookwire(query)]
    pub iterator: Option<ListIterator>,
}
