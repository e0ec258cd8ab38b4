//! The route table: every operation, its handler, who may call it and its success status.
//! The router, the OpenAPI document and the isolation test all read this one list, so a
//! route cannot be served without being documented and checked.

use axum::Router;
use axum::routing::{MethodFilter, on};

use super::operations::*;
use super::state::Platform;
use super::{access, apps, attempts, endpoint_extras, endpoints, event_types, messages};
use crate::endpoint::Endpoint;
use crate::outbox::ApplicationStore;
use crate::schema::OpenApi;

/// Who may call a route.
///
/// ```
/// use hookwire::platform::Scope;
///
/// assert!(Scope::Public.is_public());
/// assert!(!Scope::Application.is_public());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// Anyone, without a token (`health`).
    Public,
    /// Any token; nothing of one application in it (the event type catalog, the list of
    /// applications, which a portal token sees filtered to its own).
    Shared,
    /// An operator token only (creating applications, writing the catalog).
    Operator,
    /// The objects of the application in the path: an operator, or that application's
    /// portal token. Another application's token gets `404`, as if nothing existed.
    Application,
}

impl Scope {
    /// Whether the route needs no token.
    ///
    /// ```
    /// assert!(hookwire::platform::Scope::Public.is_public());
    /// ```
    pub fn is_public(self) -> bool {
        matches!(self, Scope::Public)
    }
}

/// One route of the API.
///
/// ```
/// let routes = hookwire::platform::routes();
/// assert!(routes.iter().any(|route| route.path == "/api/v1/app/{app_id}/msg" && route.method == "POST"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RouteInfo {
    /// The method, upper case.
    pub method: &'static str,
    /// The path template (axum's `{name}` syntax).
    pub path: &'static str,
    /// The OpenAPI `operationId`.
    pub operation: &'static str,
    /// Who may call it.
    pub scope: Scope,
    /// The status of a success (`200`, `201`, `202`, `204`).
    pub success: u16,
}

impl RouteInfo {
    fn of<E: Endpoint>(scope: Scope, success: u16) -> Self {
        RouteInfo {
            method: method_name::<E>(),
            path: E::PATH,
            operation: E::OPERATION_ID,
            scope,
            success,
        }
    }
}

fn method_name<E: Endpoint>() -> &'static str {
    match E::METHOD.as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        _ => "OTHER",
    }
}

fn filter<E: Endpoint>() -> MethodFilter {
    MethodFilter::try_from(E::METHOD).unwrap_or(MethodFilter::GET)
}

macro_rules! table {
    ($($op:ty => $module:ident::$handler:ident, $scope:ident, $success:literal;)*) => {
        /// Every route the API serves, in the order the document lists them.
        ///
        /// ```
        /// let routes = hookwire::platform::routes();
        /// assert!(routes.len() >= 33);
        /// assert!(routes.iter().all(|route| route.path.starts_with("/api/v1/")));
        /// ```
        pub fn routes() -> Vec<RouteInfo> {
            vec![$(RouteInfo::of::<$op>(Scope::$scope, $success),)*]
        }

        /// Adds the routes that are public (or those that are not) to `router`.
        pub(crate) fn add<S: ApplicationStore + 'static>(
            mut router: Router<Platform<S>>,
            public: bool,
        ) -> Router<Platform<S>> {
            $(
                if Scope::$scope.is_public() == public {
                    router = router.route(
                        <$op as Endpoint>::PATH,
                        on(filter::<$op>(), $module::$handler::<S>),
                    );
                }
            )*
            router
        }

        /// Describes every operation.
        pub(crate) fn describe(document: OpenApi) -> OpenApi {
            document $(.endpoint::<$op>())*
        }
    };
}

table! {
    ListApplications => apps::list, Shared, 200;
    CreateApplication => apps::create, Operator, 201;
    GetApplication => apps::get, Application, 200;
    UpdateApplication => apps::update, Application, 200;
    PatchApplication => apps::patch, Application, 200;
    DeleteApplication => apps::delete, Application, 204;
    ListEndpoints => endpoints::list, Application, 200;
    CreateEndpoint => endpoints::create, Application, 201;
    GetEndpoint => endpoints::get, Application, 200;
    UpdateEndpoint => endpoints::update, Application, 200;
    PatchEndpoint => endpoints::patch, Application, 200;
    DeleteEndpoint => endpoints::delete, Application, 204;
    GetEndpointSecret => endpoint_extras::secret, Application, 200;
    RotateEndpointSecret => endpoint_extras::rotate, Application, 200;
    RecoverEndpoint => endpoint_extras::recover, Application, 202;
    GetEndpointStats => endpoint_extras::stats, Application, 200;
    GetEndpointHeaders => endpoint_extras::headers, Application, 200;
    UpdateEndpointHeaders => endpoint_extras::set_headers, Application, 204;
    PatchEndpointHeaders => endpoint_extras::patch_headers, Application, 204;
    ListMessages => messages::list, Application, 200;
    CreateMessage => messages::create, Application, 202;
    GetMessage => messages::get, Application, 200;
    ResendMessage => messages::resend, Application, 202;
    ListAttemptsByEndpoint => attempts::by_endpoint, Application, 200;
    ListAttemptsByMessage => attempts::by_message, Application, 200;
    ListAttemptedMessages => attempts::attempted_messages, Application, 200;
    ListEventTypes => event_types::list, Shared, 200;
    CreateEventType => event_types::create, Operator, 201;
    GetEventType => event_types::get, Shared, 200;
    UpdateEventType => event_types::update, Operator, 200;
    PatchEventType => event_types::patch, Operator, 200;
    DeleteEventType => event_types::delete, Operator, 204;
    AppPortalAccess => access::portal_access, Application, 200;
    DashboardAccess => access::dashboard_access, Application, 200;
    ExpireAllTokens => access::expire_all, Application, 204;
    HealthCheck => access::health, Public, 204;
}
