//! Every operation of the API as a `#[derive(Endpoint)]` struct: how its request is read
//! (path, query, headers, body; what does not parse is answered `422`) and how the OpenAPI
//! document describes it. A typed client can call them too
//! ([`ApiClient`](crate::client::ApiClient)).
//!
//! ```
//! use hookwire::Endpoint;
//! use hookwire::platform::operations::GetApplication;
//!
//! assert_eq!(GetApplication::METHOD, http::Method::GET);
//! assert_eq!(GetApplication::PATH, "/api/v1/app/{app_id}");
//! ```

mod apps;
mod endpoints;
mod messages;

pub use apps::{
    CreateApplication, DeleteApplication, GetApplication, ListApplications, PatchApplication,
    UpdateApplication,
};
pub use endpoints::{
    CreateEndpoint, DeleteEndpoint, GetEndpoint, GetEndpointHeaders, GetEndpointSecret,
    GetEndpointStats, ListEndpoints, PatchEndpoint, PatchEndpointHeaders, RecoverEndpoint,
    RotateEndpointSecret, UpdateEndpoint, UpdateEndpointHeaders,
};
pub use messages::{
    AppPortalAccess, CreateEventType, CreateMessage, DashboardAccess, DeleteEventType,
    ExpireAllTokens, GetEventType, GetMessage, HealthCheck, ListAttemptedMessages,
    ListAttemptsByEndpoint, ListAttemptsByMessage, ListEventTypes, ListMessages, PatchEventType,
    ResendMessage, UpdateEventType,
};
