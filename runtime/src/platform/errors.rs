//! Errors as Svix answers them: `{"code", "detail"}` with a 4xx status, and validation errors
//! as `422` with a `detail` list of `{"loc", "msg", "type"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::endpoint::{Location, ParamError};
use crate::outbox::StoreError;

/// The body of an error answer (Svix's `HttpErrorOut`).
///
/// ```
/// use hookwire::platform::HttpErrorOut;
///
/// let body = HttpErrorOut { code: "not_found".into(), detail: "Entity not found".into() };
/// assert_eq!(serde_json::to_string(&body)?, r#"{"code":"not_found","detail":"Entity not found"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HttpErrorOut {
    /// A short machine-readable code: `not_found`, `conflict`, `authentication_failed`, ...
    pub code: String,
    /// What went wrong, for people.
    pub detail: String,
}

/// One validation error (Svix's `ValidationError`).
///
/// ```
/// use hookwire::platform::ValidationError;
///
/// let error = ValidationError { loc: vec!["body".into(), "url".into()], msg: "not a URL".into(), kind: "value_error".into() };
/// assert_eq!(serde_json::to_value(&error)?["type"], "value_error");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValidationError {
    /// Where: `["body", "url"]`, `["query", "limit"]`, `["path", "app_id"]`.
    pub loc: Vec<String>,
    /// What is wrong.
    pub msg: String,
    /// The kind of error (`value_error`, `type_error`).
    #[serde(rename = "type")]
    pub kind: String,
}

/// The body of a `422` answer (Svix's `HTTPValidationError`).
///
/// ```
/// let body = hookwire::platform::HttpValidationError { detail: Vec::new() };
/// assert_eq!(serde_json::to_string(&body)?, r#"{"detail":[]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "HTTPValidationError")]
pub struct HttpValidationError {
    /// Each error.
    pub detail: Vec<ValidationError>,
}

/// Why the API refused or failed a request; it answers as Svix does.
///
/// ```
/// use axum::response::IntoResponse;
/// use hookwire::platform::OperatorError;
///
/// let response = OperatorError::NotFound.into_response();
/// assert_eq!(response.status(), 404);
/// let response = OperatorError::invalid(["body", "url"], "not an http(s) URL").into_response();
/// assert_eq!(response.status(), 422);
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum OperatorError {
    /// No such object, or not one the caller may see: `404 not_found`.
    NotFound,
    /// A uid or `eventId` already taken, or a request with the same `Idempotency-Key` still
    /// running: `409 conflict`.
    Conflict(String),
    /// Input that breaks a rule: `422` with each error.
    Invalid(Vec<ValidationError>),
    /// No valid token: `401 authentication_failed`.
    Unauthorized,
    /// A valid token that may not do this (an application's token on an operator route):
    /// `403 forbidden`.
    Forbidden,
    /// A Svix route hookwire does not serve: `501 not_implemented`.
    NotImplemented(String),
    /// The store failed: `500` (the cause is logged, not sent).
    Internal(String),
}

impl OperatorError {
    /// One validation error at `loc`.
    ///
    /// ```
    /// let error = hookwire::platform::OperatorError::invalid(["query", "limit"], "at most 250");
    /// assert!(matches!(error, hookwire::platform::OperatorError::Invalid(errors) if errors.len() == 1));
    /// ```
    pub fn invalid<'a>(loc: impl IntoIterator<Item = &'a str>, msg: impl Into<String>) -> Self {
        OperatorError::Invalid(vec![ValidationError {
            loc: loc.into_iter().map(str::to_owned).collect(),
            msg: msg.into(),
            kind: "value_error".to_owned(),
        }])
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            OperatorError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            OperatorError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            OperatorError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            OperatorError::Unauthorized => (StatusCode::UNAUTHORIZED, "authentication_failed"),
            OperatorError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            OperatorError::NotImplemented(_) => (StatusCode::NOT_IMPLEMENTED, "not_implemented"),
            OperatorError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
        }
    }
}

impl std::fmt::Display for OperatorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OperatorError::NotFound => f.write_str("Entity not found"),
            OperatorError::Conflict(detail) | OperatorError::NotImplemented(detail) => {
                f.write_str(detail)
            }
            OperatorError::Invalid(errors) => {
                let first = errors.first().map_or("", |e| e.msg.as_str());
                write!(f, "invalid request: {first}")
            }
            OperatorError::Unauthorized => f.write_str("Invalid or missing token"),
            OperatorError::Forbidden => f.write_str("Insufficient access for the given operation"),
            OperatorError::Internal(_) => f.write_str("Internal server error"),
        }
    }
}

impl std::error::Error for OperatorError {}

impl IntoResponse for OperatorError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        match self {
            OperatorError::Invalid(detail) => {
                (status, axum::Json(HttpValidationError { detail })).into_response()
            }
            other => {
                if let OperatorError::Internal(cause) = &other {
                    tracing::error!(%cause, "operator API request failed");
                }
                let body = HttpErrorOut {
                    code: code.to_owned(),
                    detail: other.to_string(),
                };
                (status, axum::Json(body)).into_response()
            }
        }
    }
}

impl From<StoreError> for OperatorError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => OperatorError::NotFound,
            StoreError::Conflict { what, key } => {
                OperatorError::Conflict(format!("{what} `{key}` already exists"))
            }
            StoreError::Invalid { field, reason } => {
                OperatorError::invalid(["body", field], reason)
            }
            error @ StoreError::InvalidSecret { .. } => {
                OperatorError::invalid(["body", "secret"], error.to_string())
            }
            other => OperatorError::Internal(other.to_string()),
        }
    }
}

impl From<ParamError> for OperatorError {
    fn from(error: ParamError) -> Self {
        let loc = match (&error, error.name()) {
            (
                ParamError::Missing { location, .. } | ParamError::Invalid { location, .. },
                Some(name),
            ) => {
                let place = match location {
                    Location::Path => "path",
                    Location::Query => "query",
                    Location::Header => "header",
                };
                vec![place.to_owned(), name.to_owned()]
            }
            _ => vec!["body".to_owned()],
        };
        OperatorError::Invalid(vec![ValidationError {
            loc,
            msg: error.to_string(),
            kind: "value_error".to_owned(),
        }])
    }
}
