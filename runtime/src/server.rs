//! Serving the API with axum: endpoints as extractors and routes whose handlers take the
//! request struct and must return the endpoint's response type.

use std::future::Future;

use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};

use crate::endpoint::{Endpoint, Incoming, ParamError};
use crate::problem::{PROBLEM_JSON, Problem};

/// The largest request body an [`Api`] extractor reads: 2 MiB, as axum's default.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// An axum extractor that reads endpoint `E` from the request: path parameters, query,
/// headers and JSON body. A missing or malformed parameter is answered with `400` and an
/// `application/problem+json` body whose `parameter` names it.
///
/// ```
/// use axum::Router;
/// use axum::routing::get;
/// use hookwire::server::Api;
/// # use hookwire::{Endpoint, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, JsonSchema)]
/// # pub struct Product { pub product_id: String }
/// # #[derive(Endpoint)]
/// # #[hookwire(method = "GET", path = "/products/{product_id}", response = Product)]
/// # pub struct GetProduct { #[hookwire(path)] pub product_id: String }
///
/// async fn get_product(Api(request): Api<GetProduct>) -> axum::Json<Product> {
///     axum::Json(Product { product_id: request.product_id })
/// }
/// let app: Router = Router::new().route(GetProduct::PATH, get(get_product));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api<E>(pub E);

/// Why a request could not be read as an endpoint: answered with `400` (or `405`, `413`) and a
/// problem details body.
///
/// ```
/// use axum::response::IntoResponse;
/// use hookwire::endpoint::{Location, ParamError};
/// use hookwire::server::Rejection;
///
/// let response = Rejection::from(ParamError::missing(Location::Query, "page")).into_response();
/// assert_eq!(response.status(), 400);
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// A parameter or the body is missing or malformed.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The body is larger than [`BODY_LIMIT`] or could not be read.
    #[error("the request body could not be read within {BODY_LIMIT} bytes")]
    Body,
    /// The request's method is not the endpoint's.
    #[error("method not allowed")]
    Method,
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let (status, parameter) = match &self {
            Rejection::Param(error) => (StatusCode::BAD_REQUEST, error.name().map(str::to_owned)),
            Rejection::Body => (StatusCode::PAYLOAD_TOO_LARGE, None),
            Rejection::Method => (StatusCode::METHOD_NOT_ALLOWED, None),
        };
        let mut problem = Problem::new(
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error"),
        )
        .with_detail(self.to_string());
        if let Some(parameter) = parameter {
            problem = problem.with_parameter(parameter);
        }
        problem_response(status, &problem)
    }
}

/// A [`Problem`] answers with its own `status` and an `application/problem+json` body.
///
/// ```
/// use axum::response::IntoResponse;
/// use hookwire::problem::Problem;
///
/// let response = Problem::new(404, "Not Found").with_detail("no product `9`").into_response();
/// assert_eq!(response.status(), 404);
/// ```
impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        problem_response(status, &self)
    }
}

/// A problem details response with `status`.
fn problem_response(status: StatusCode, problem: &Problem) -> Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, PROBLEM_JSON)], body).into_response()
}

impl<S: Send + Sync, E: Endpoint> FromRequest<S> for Api<E> {
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Rejection> {
        let (mut parts, body) = request.into_parts();
        if parts.method != E::METHOD {
            return Err(Rejection::Method);
        }
        let params = RawPathParams::from_request_parts(&mut parts, state)
            .await
            .map(|params| {
                params
                    .iter()
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(body, BODY_LIMIT)
            .await
            .map_err(|_| Rejection::Body)?;
        let mut incoming = Incoming::new()
            .with_query(parts.uri.query().unwrap_or(""))
            .with_headers(&parts.headers)
            .with_body(&bytes);
        for (name, value) in params {
            incoming = incoming.with_path_param(name, value);
        }
        Ok(Api(E::read_request(&incoming)?))
    }
}

/// What an endpoint handler may return: the endpoint's response type (answered `200` with
/// JSON), or a `Result` of it whose error is any axum response.
///
/// ```
/// use axum::http::StatusCode;
/// use hookwire::server::Reply;
///
/// fn check<R: Reply<String>>() {}
/// check::<String>();
/// check::<Result<String, StatusCode>>();
/// ```
pub trait Reply<T> {
    /// Turns the handler's result into a response.
    fn into_reply(self) -> Response;
}

impl<T: serde::Serialize> Reply<T> for T {
    fn into_reply(self) -> Response {
        axum::Json(self).into_response()
    }
}

impl<T: serde::Serialize, E: IntoResponse> Reply<T> for Result<T, E> {
    fn into_reply(self) -> Response {
        match self {
            Ok(value) => axum::Json(value).into_response(),
            Err(error) => error.into_response(),
        }
    }
}

/// Adds endpoint routes to an axum [`Router`](axum::Router).
///
/// `.endpoint(handler)` routes `E::METHOD E::PATH` to `handler`, which takes the request
/// struct and returns `E::Response` (or `Result<E::Response, impl IntoResponse>`): a handler
/// returning anything else does not compile.
///
/// ```
/// use axum::Router;
/// use hookwire::server::EndpointRouter;
/// # use hookwire::{Endpoint, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, JsonSchema)]
/// # pub struct Product { pub product_id: String }
/// # #[derive(Endpoint)]
/// # #[hookwire(method = "GET", path = "/products/{product_id}", response = Product)]
/// # pub struct GetProduct { #[hookwire(path)] pub product_id: String }
///
/// let app: Router = Router::new().endpoint(|request: GetProduct| async move {
///     Product { product_id: request.product_id }
/// });
/// ```
pub trait EndpointRouter: Sized {
    /// Routes endpoint `E` to `handler`.
    fn endpoint<E, H, Fut, R>(self, handler: H) -> Self
    where
        E: Endpoint,
        H: Fn(E) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: Reply<E::Response> + 'static;
}

impl<S: Clone + Send + Sync + 'static> EndpointRouter for axum::Router<S> {
    fn endpoint<E, H, Fut, R>(self, handler: H) -> Self
    where
        E: Endpoint,
        H: Fn(E) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: Reply<E::Response> + 'static,
    {
        let filter = MethodFilter::try_from(E::METHOD).unwrap_or(MethodFilter::GET);
        let route = on(filter, move |Api(request): Api<E>| {
            let handler = handler.clone();
            async move { handler(request).await.into_reply() }
        });
        self.route(E::PATH, route)
    }
}
