//! Webhooks as a product for your customers: the Svix-compatible operator API and the
//! customer portal, served by axum routers you mount into your own service or run with
//! `hookwire server`.
//!
//! - [`portal`]: the page your customers use to manage their endpoints and see their
//!   deliveries, reached through the link `POST /api/v1/auth/app-portal-access/{app_id}`
//!   returns and embeddable in your own page in an iframe; [`Platform::router`] serves it at
//!   `/portal/`.
//!
//! [`Platform`] holds the store (any [`ApplicationStore`]: memory, SQLite, PostgreSQL), the
//! operator tokens and the settings; [`Platform::router`] serves the core of Svix's
//! `/api/v1` with the same paths, JSON field names, status codes, pagination (`iterator`,
//! `limit`, `done`) and `Idempotency-Key` handling, so Svix's official client libraries work
//! against it unchanged. [`routes`] lists every route with who may call it; Svix routes not
//! in it answer `501` with `{"code": "not_implemented", "detail"}`.
//!
//! - **Ids**: applications `app_` + 27 characters, endpoints `ep_` + 27 ([`app_id_of`],
//!   [`endpoint_id_of`]); `{app_id}` and `{endpoint_id}` take the id or the uid. A message's
//!   id is its event id, the `webhook-id` of each delivery; `{msg_id}` also takes its `eventId`.
//! - **Tokens**: `Authorization: Bearer <token>`. Operator tokens reach everything; an
//!   application's portal token (`POST /api/v1/auth/app-portal-access/{app_id}`, signed,
//!   expiring, revoked by `expire-all`) reaches only that application: another's objects
//!   answer `404`, operator routes `403`.
//! - **Errors**: `{"code", "detail"}` (`404 not_found`, `409 conflict`, `401`, `403`), and
//!   `422` with `{"detail": [{"loc", "msg", "type"}]}`.
//! - **Deliveries**: a message's body is its `payload` as given, signed with the endpoint's
//!   secrets (both during a rotation's overlap), with the same id on every endpoint and attempt.
//!
//! ```
//! use std::sync::Arc;
//! use axum::body::Body;
//! use axum::http::Request;
//! use hookwire::outbox::MemoryOutbox;
//! use hookwire::platform::Platform;
//! use tower::ServiceExt;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let platform = Platform::builder(Arc::new(MemoryOutbox::new()))
//!     .operator_token("an-operator-token-0001")
//!     .build()
//!     .await?;
//! let app = platform.router();
//! let created = app
//!     .oneshot(
//!         Request::post("/api/v1/app")
//!             .header("authorization", "Bearer an-operator-token-0001")
//!             .header("content-type", "application/json")
//!             .body(Body::from(r#"{"name": "Acme", "uid": "acme"}"#))?,
//!     )
//!     .await?;
//! assert_eq!(created.status(), 201);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod access;
mod apps;
mod attempts;
mod auth;
mod endpoint_extras;
mod endpoints;
mod errors;
mod event_types;
mod extract;
mod fields;
mod headers;
mod idempotency;
mod ids;
mod messages;
mod model;
mod openapi;
pub mod operations;
mod params;
pub mod portal;
mod routes;
mod state;
mod url_rule;

pub use auth::Caller;
pub use errors::{HttpErrorOut, HttpValidationError, OperatorError, ValidationError};
pub use fields::{Bounded, IdempotencyKey, Name, SigningSecret, Text};
pub use headers::{Headers, HeadersPatch};
pub use ids::{app_id_of, endpoint_id_of, parse_app_id, parse_endpoint_id};
pub use model::*;
pub use openapi::openapi;
pub use params::{
    AppRef, EndpointRef, EventTypeName, Limit, ListIterator, ListResponse, MessageRef, Uid,
};
pub use routes::{RouteInfo, Scope, routes};
pub use state::{Platform, PlatformBuilder, PlatformError};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};

use crate::outbox::ApplicationStore;

impl<S: ApplicationStore + 'static> Platform<S> {
    /// The API's router, its state and authentication included: merge it into your own
    /// (`Router::merge`), or serve it. It serves the routes of [`routes`], the OpenAPI
    /// document at `/api/v1/openapi.json`, `501` for any other path under `/api/v1/`, and the
    /// [`portal`] at `/portal/`.
    ///
    /// See the [module docs](self) for an example.
    pub fn router(&self) -> Router {
        let protected = routes::add(Router::new(), false)
            .route_layer(from_fn_with_state(
                self.clone(),
                idempotency::idempotency::<S>,
            ))
            .route_layer(from_fn_with_state(self.clone(), auth::authenticate::<S>));
        let document = openapi().map(|document| serde_json::to_vec(&document).unwrap_or_default());
        let public = routes::add(Router::new(), true)
            .route(
                "/api/v1/openapi.json",
                get(move || {
                    let document = document.clone();
                    async move {
                        match document {
                            Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes)
                                .into_response(),
                            Err(error) => {
                                OperatorError::Internal(error.to_string()).into_response()
                            }
                        }
                    }
                }),
            )
            .route("/api/v1/{*rest}", any(not_implemented));
        protected
            .merge(public)
            .with_state(self.clone())
            .merge(portal::router_with(self.portal()))
    }
}

/// The answer to a Svix route hookwire does not serve.
async fn not_implemented() -> Response {
    let error = OperatorError::NotImplemented(
        "hookwire does not implement this Svix route; see hookwire::platform::routes() for those it serves"
            .to_owned(),
    );
    (StatusCode::NOT_IMPLEMENTED, error).into_response()
}
