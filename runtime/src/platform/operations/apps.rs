//! Applications: their operations.

use crate::platform::*;

/// Lists applications (a portal token sees its own).
///
/// `GET /api/v1/app`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::ListApplications;
///
/// assert_eq!(ListApplications::PATH, "/api/v1/app");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app", response = ListResponse<ApplicationOut>)]
pub struct ListApplications {
    /// How many per page.
    #[hookwire(query)]
    pub limit: Option<Limit>,
    /// Where the page starts.
    #[hookwire(query)]
    pub iterator: Option<ListIterator>,
}

/// Creates an application; with `get_if_exists=true`, answers the one with the same uid (200) instead of 409.
///
/// `POST /api/v1/app`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::CreateApplication;
///
/// assert_eq!(CreateApplication::PATH, "/api/v1/app");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "POST", path = "/api/v1/app", response = ApplicationOut)]
pub struct CreateApplication {
    /// Answer the existing application with this uid.
    #[hookwire(query)]
    pub get_if_exists: Option<bool>,
    /// Answers a repeated request with the first answer.
    #[hookwire(header = "idempotency-key")]
    pub idempotency_key: Option<IdempotencyKey>,
    /// The application.
    #[hookwire(body)]
    pub body: ApplicationIn,
}

/// Gets an application.
///
/// `GET /api/v1/app/{app_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::GetApplication;
///
/// assert_eq!(GetApplication::PATH, "/api/v1/app/{app_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "GET", path = "/api/v1/app/{app_id}", response = ApplicationOut)]
pub struct GetApplication {
    /// Its id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
}

/// Replaces an application's fields, or creates it (201) with the path's uid.
///
/// `PUT /api/v1/app/{app_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::UpdateApplication;
///
/// assert_eq!(UpdateApplication::PATH, "/api/v1/app/{app_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "PUT", path = "/api/v1/app/{app_id}", response = ApplicationOut)]
pub struct UpdateApplication {
    /// Its id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// Its fields.
    #[hookwire(body)]
    pub body: ApplicationIn,
}

/// Changes the fields given.
///
/// `PATCH /api/v1/app/{app_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::PatchApplication;
///
/// assert_eq!(PatchApplication::PATH, "/api/v1/app/{app_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "PATCH", path = "/api/v1/app/{app_id}", response = ApplicationOut)]
pub struct PatchApplication {
    /// Its id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
    /// The changes.
    #[hookwire(body)]
    pub body: ApplicationPatch,
}

/// Deletes an application and erases its endpoints, messages and attempts.
///
/// `DELETE /api/v1/app/{app_id}`
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::platform::operations::DeleteApplication;
///
/// assert_eq!(DeleteApplication::PATH, "/api/v1/app/{app_id}");
/// ```
#[derive(Debug, crate::Endpoint)]
#[hookwire(crate = "crate", method = "DELETE", path = "/api/v1/app/{app_id}", response = ())]
pub struct DeleteApplication {
    /// Its id or uid.
    #[hookwire(path)]
    pub app_id: AppRef,
}
