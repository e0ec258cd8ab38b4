//! Endpoints: their operations.

use crate::platform::*;

/// Lists an application's endpoints.
///
/// `GET /api/v1/app/{app_id}/endpoint`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::ListEndpoints;
///
/// assert_eq!(ListEndpoints::PATH, "/api/v1/app/{app_id}/endpoint");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/endpoint", response = ListResponse<EndpointOut>)]
pub struct ListEndpoints {
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

/// Adds an endpoint. URLs on loopback, private or link-local addresses are refused (422) unless the server allows them.
///
/// `POST /api/v1/app/{app_id}/endpoint`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::CreateEndpoint;
///
/// assert_eq!(CreateEndpoint::PATH, "/api/v1/app/{app_id}/endpoint");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/app/{app_id}/endpoint", response = EndpointOut)]
pub struct CreateEndpoint {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
    /// The endpoint.
    #[hookwire(body)]
    pub body: EndpointIn,
}

/// Gets an endpoint.
///
/// `GET /api/v1/app/{app_id}/endpoint/{endpoint_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::GetEndpoint;
///
/// assert_eq!(GetEndpoint::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}", response = EndpointOut)]
pub struct GetEndpoint {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
}

/// Replaces an endpoint's fields, or creates it (201) with the path's uid.
///
/// `PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::UpdateEndpoint;
///
/// assert_eq!(UpdateEndpoint::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "PUT", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}", response = EndpointOut)]
pub struct UpdateEndpoint {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
    /// Its fields.
    #[hookwire(body)]
    pub body: EndpointIn,
}

/// Changes the fields given (`disabled` disables or enables it).
///
/// `PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::PatchEndpoint;
///
/// assert_eq!(PatchEndpoint::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "PATCH", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}", response = EndpointOut)]
pub struct PatchEndpoint {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
    /// The changes.
    #[hookwire(body)]
    pub body: EndpointPatch,
}

/// Deletes an endpoint with its attempts.
///
/// `DELETE /api/v1/app/{app_id}/endpoint/{endpoint_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::DeleteEndpoint;
///
/// assert_eq!(DeleteEndpoint::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "DELETE", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}", response = ())]
pub struct DeleteEndpoint {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
}

/// Gets the secret deliveries are signed with.
///
/// `GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::GetEndpointSecret;
///
/// assert_eq!(GetEndpointSecret::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}/secret");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}/secret", response = EndpointSecretOut)]
pub struct GetEndpointSecret {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
}

/// Rotates the secret and answers the new one: the previous one keeps signing for the grace period (24 hours by default), so deliveries carry both signatures meanwhile.
///
/// `POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret/rotate`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::RotateEndpointSecret;
///
/// assert_eq!(RotateEndpointSecret::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}/secret/rotate");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}/secret/rotate", response = EndpointSecretOut)]
pub struct RotateEndpointSecret {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
    /// The new secret and grace period.
    #[hookwire(body)]
    pub body: EndpointSecretRotateIn,
}

/// Sends again every failed delivery to the endpoint since a time.
///
/// `POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/recover`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::RecoverEndpoint;
///
/// assert_eq!(RecoverEndpoint::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}/recover");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}/recover", response = RecoverOut)]
pub struct RecoverEndpoint {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
    /// Since when.
    #[hookwire(body)]
    pub body: RecoverIn,
}

/// Counts the endpoint's deliveries by state.
///
/// `GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/stats`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::GetEndpointStats;
///
/// assert_eq!(GetEndpointStats::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}/stats");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}/stats", response = EndpointStatsOut)]
pub struct GetEndpointStats {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
}

/// Gets the extra headers sent with each delivery.
///
/// `GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::GetEndpointHeaders;
///
/// assert_eq!(GetEndpointHeaders::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers", response = EndpointHeadersOut)]
pub struct GetEndpointHeaders {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
}

/// Replaces the extra headers.
///
/// `PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::UpdateEndpointHeaders;
///
/// assert_eq!(UpdateEndpointHeaders::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "PUT", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers", response = ())]
pub struct UpdateEndpointHeaders {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
    /// The headers.
    #[hookwire(body)]
    pub body: EndpointHeadersIn,
}

/// Sets or removes some extra headers.
///
/// `PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::PatchEndpointHeaders;
///
/// assert_eq!(PatchEndpointHeaders::PATH, "/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "PATCH", path = "/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers", response = ())]
pub struct PatchEndpointHeaders {
    /// The application's id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its id or uid.
    #[hookwire(path)]
    pub endpoint_id: EndpointRef,
    /// The changes.
    #[hookwire(body)]
    pub body: EndpointHeadersPatchIn,
}
