//! Serving the API with axum: endpoints as extractors and routes whose handlers take the
//! request struct and must return the endpoint's response type, with every request checked
//! against the endpoint's OpenAPI document before the handler sees it.
//!
//! **Request checks.** [`Api`] (and so [`EndpointRouter::endpoint`]) validates path, query,
//! header parameters and the JSON body against the schemas the document lists for the
//! operation (patterns, lengths, ranges, formats, enums, required members), compiled once per
//! endpoint into a JSON Schema validator ([`Contract`]). Violations are answered with
//! **`400 Bad Request`** and an `application/problem+json` body whose `errors` member lists
//! the first 20 ([`Violation`]: `in` and `parameter`, or `pointer` into the body), with
//! `errors_omitted` counting the rest when there are more ([`Violations`]); `parameter` names
//! the first parameter at fault. The server's own answers are `400`, `405` (another
//! method), `413` (a body over [`BODY_LIMIT`]), `415` (a body that is not JSON) and `500`;
//! every one is listed in the document with the problem schema.
//!
//! **Response checks.** In debug builds (and so in tests), a handler's `200` body is checked
//! against the response schema and its error statuses against the endpoint's declared
//! `errors(...)`; a break is logged and answered with `500`, so a test sees it at once.

mod contract;
mod docs;
mod params;
mod violation;

pub use contract::{Checked, Contract, ContractError};
pub use docs::{DOCS_HTML, docs_router};
pub use violation::{Violation, Violations};

use std::future::Future;

use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};

use crate::endpoint::{Endpoint, Incoming, ParamError};
use crate::problem::Problem;

/// The largest request body an [`Api`] extractor reads: 2 MiB, as axum's default.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// An axum extractor that reads endpoint `E` from the request: path parameters, query,
/// headers and JSON body, each checked against the endpoint's document first. A request that
/// breaks it is answered with `400` and an `application/problem+json` body listing the first
/// 20 [`Violation`]s and counting the rest ([`Violations`]).
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

/// Like [`Api`], but reads the request with serde only, without checking it against the
/// document: for a route whose callers are trusted, and to measure what the checks cost.
///
/// ```
/// use axum::Router;
/// use axum::routing::get;
/// use hookwire::server::Unchecked;
/// # use hookwire::{Endpoint, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, JsonSchema)]
/// # pub struct Product { pub product_id: String }
/// # #[derive(Endpoint)]
/// # #[hookwire(method = "GET", path = "/products/{product_id}", response = Product)]
/// # pub struct GetProduct { #[hookwire(path)] pub product_id: String }
///
/// async fn get_product(Unchecked(request): Unchecked<GetProduct>) -> axum::Json<Product> {
///     axum::Json(Product { product_id: request.product_id })
/// }
/// let app: Router = Router::new().route(GetProduct::PATH, get(get_product));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unchecked<E>(pub E);

/// Why a request could not be read as an endpoint: answered with `400` (or `405`, `413`,
/// `415`, `500`) and a problem details body.
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
    /// Parameters or the body break the document's schemas: the first 20 places, and how many
    /// more.
    #[error("{}", violation::summary(.0))]
    Invalid(Violations),
    /// The body is larger than [`BODY_LIMIT`] or could not be read.
    #[error("the request body could not be read within {BODY_LIMIT} bytes")]
    Body,
    /// The body is not declared as JSON.
    #[error("the request body must be `application/json`")]
    MediaType,
    /// The request's method is not the endpoint's.
    #[error("method not allowed")]
    Method,
    /// The endpoint's schema does not compile, so no request can be checked.
    #[error(transparent)]
    Contract(#[from] ContractError),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = match &self {
            Rejection::Param(_) | Rejection::Invalid(_) => StatusCode::BAD_REQUEST,
            Rejection::Body => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::MediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Rejection::Method => StatusCode::METHOD_NOT_ALLOWED,
            Rejection::Contract(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if let Rejection::Contract(error) = &self {
            tracing::error!(%error, "endpoint schema does not compile");
        }
        let mut problem = Problem::new(
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error"),
        )
        .with_detail(self.to_string());
        match self {
            Rejection::Param(error) => {
                let violation = match (&error, error.name()) {
                    (ParamError::Missing { location, .. }, Some(name))
                    | (ParamError::Invalid { location, .. }, Some(name)) => {
                        Violation::param(*location, name, error.to_string())
                    }
                    _ => Violation::body("", error.to_string()),
                };
                problem = with_violations(problem, Violations::from(vec![violation]));
            }
            Rejection::Invalid(violations) => problem = with_violations(problem, violations),
            _ => {}
        }
        problem_response(status, &problem)
    }
}

/// Adds `parameter` (the first one at fault), `errors` (at most 20) and, when there were more,
/// `errors_omitted` (how many) to a problem.
fn with_violations(mut problem: Problem, violations: Violations) -> Problem {
    if let Some(name) = violations.iter().find_map(|v| v.parameter.clone()) {
        problem = problem.with_parameter(name);
    }
    let omitted = violations.omitted;
    let errors = serde_json::to_value(violations.listed).unwrap_or_default();
    problem = problem.with_extension("errors", errors);
    if omitted > 0 {
        problem = problem.with_extension("errors_omitted", omitted);
    }
    problem
}

/// A problem details response with `status`.
fn problem_response(status: StatusCode, problem: &Problem) -> Response {
    crate::problem::response(status, problem)
}

/// Reads the parts of a request: method check, path parameters, body within the limit.
async fn read_parts<S: Send + Sync, E: Endpoint>(
    request: Request,
    state: &S,
) -> Result<
    (
        axum::http::request::Parts,
        Vec<(String, String)>,
        bytes::Bytes,
    ),
    Rejection,
> {
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
    Ok((parts, params, bytes))
}

/// The decoded parts as an [`Incoming`].
fn incoming<'a>(
    parts: &'a axum::http::request::Parts,
    params: &'a [(String, String)],
    bytes: &'a [u8],
) -> Incoming<'a> {
    let mut incoming = Incoming::new()
        .with_query(parts.uri.query().unwrap_or(""))
        .with_headers(&parts.headers)
        .with_body(bytes);
    for (name, value) in params {
        incoming = incoming.with_path_param(name.as_str(), value.as_str());
    }
    incoming
}

/// Whether a `Content-Type` is JSON (`application/json` or any `+json`); absent counts as JSON.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .rsplit_once('+')
            .is_some_and(|(kind, suffix)| kind.contains('/') && suffix.eq_ignore_ascii_case("json"))
}

impl<S: Send + Sync, E: Endpoint> FromRequest<S> for Api<E> {
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Rejection> {
        let contract = Contract::of::<E>()?;
        let (parts, params, bytes) = read_parts::<S, E>(request, state).await?;
        if contract.has_body() && !is_json(&parts.headers) {
            return Err(Rejection::MediaType);
        }
        let incoming = incoming(&parts, &params, &bytes);
        let checked = contract
            .check_request(&incoming)
            .map_err(Rejection::Invalid)?;
        match &checked.body {
            Some(body) => Ok(Api(E::read_request(&incoming.with_body(body))?)),
            None => Ok(Api(E::read_request(&incoming)?)),
        }
    }
}

impl<S: Send + Sync, E: Endpoint> FromRequest<S> for Unchecked<E> {
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Rejection> {
        let (parts, params, bytes) = read_parts::<S, E>(request, state).await?;
        Ok(Unchecked(E::read_request(&incoming(
            &parts, &params, &bytes,
        ))?))
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
/// assert_eq!(Reply::<String>::into_result("ok".to_owned()).ok().as_deref(), Some("ok"));
/// ```
pub trait Reply<T> {
    /// The response value, or the error response the handler chose (boxed: a `Response` is
    /// large, and the error path is the rare one).
    ///
    /// # Errors
    /// The handler's own error, as a response.
    fn into_result(self) -> Result<T, Box<Response>>;
}

impl<T: serde::Serialize> Reply<T> for T {
    fn into_result(self) -> Result<T, Box<Response>> {
        Ok(self)
    }
}

impl<T: serde::Serialize, E: IntoResponse> Reply<T> for Result<T, E> {
    fn into_result(self) -> Result<T, Box<Response>> {
        self.map_err(|error| Box::new(error.into_response()))
    }
}

/// Adds endpoint routes to an axum [`Router`](axum::Router).
///
/// `.endpoint(handler)` routes `E::METHOD E::PATH` to `handler`, which takes the request
/// struct and returns `E::Response` (or `Result<E::Response, impl IntoResponse>`): a handler
/// returning anything else does not compile. Requests are checked as [`Api`] does; another
/// method on the path is answered `405` with a problem body and `Allow`.
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
        if let Err(error) = Contract::of::<E>() {
            tracing::error!(%error, "endpoint schema does not compile; its route answers 500");
        }
        let filter = MethodFilter::try_from(E::METHOD).unwrap_or(MethodFilter::GET);
        let route = on(filter, move |Api(request): Api<E>| {
            let handler = handler.clone();
            async move { respond::<E>(handler(request).await.into_result()) }
        })
        .fallback(|| async { Rejection::Method });
        self.route(E::PATH, route)
    }
}

/// The handler's result as a response; in debug builds, checked against the document first.
fn respond<E: Endpoint>(result: Result<E::Response, Box<Response>>) -> Response {
    let contract = match Contract::of::<E>() {
        Ok(contract) if contract.checks_responses() => contract,
        _ => {
            return match result {
                Ok(value) => axum::Json(value).into_response(),
                Err(response) => *response,
            };
        }
    };
    let broken = |detail: String| {
        tracing::error!(operation = contract.operation(), %detail, "response breaks the API document");
        Problem::new(500, "Internal Server Error")
            .with_detail(detail)
            .into_response()
    };
    match result {
        Ok(value) => {
            let value = match serde_json::to_value(&value) {
                Ok(value) => value,
                Err(error) => return broken(format!("the response does not serialize: {error}")),
            };
            match contract.check_response(&value) {
                Ok(()) => axum::Json(value).into_response(),
                Err(errors) => broken(format!(
                    "the response of `{}` breaks its schema: {}",
                    contract.operation(),
                    errors.join("; ")
                )),
            }
        }
        Err(response) if contract.documents(response.status().as_u16()) => *response,
        Err(response) => broken(format!(
            "`{}` answered {}, a status it does not declare: add it to `errors(...)`",
            contract.operation(),
            response.status().as_u16()
        )),
    }
}
