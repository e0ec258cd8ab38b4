//! [`ApiClient`]: a typed client for the request-response API beside the webhooks.

use bytes::Bytes;
use http::StatusCode;

use crate::endpoint::{Endpoint, Outgoing, ParamError};
use crate::problem::Problem;

/// Calls [`Endpoint`]s over HTTP with a [`reqwest::Client`] you may configure yourself (timeouts,
/// TLS, proxies, default headers).
///
/// `call` builds the URL from the endpoint's path template (path values percent-encoded), adds
/// the query string, the headers and the JSON body, sends the request, and decodes a 2xx
/// response as the endpoint's `Response` type. Anything else is a typed [`ApiError`] that
/// carries the status and the body.
///
/// `https://` URLs work as they are: the client speaks TLS with rustls and trusts the system's
/// roots (and `SSL_CERT_FILE`). To trust a private CA too, pass a client built with
/// `reqwest::Client::builder().tls_certs_merge(...)` to [`ApiClient::with_client`].
///
/// ```no_run
/// use hookwire::client::ApiClient;
/// # use hookwire::{Endpoint, JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Serialize, Deserialize, JsonSchema)]
/// # pub struct Product { pub product_id: String }
/// # #[derive(Endpoint)]
/// # #[hookwire(method = "GET", path = "/products/{product_id}", response = Product)]
/// # pub struct GetProduct { #[hookwire(path)] pub product_id: String }
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let client = ApiClient::new("http://127.0.0.1:8080")?;
/// let product = client.call(&GetProduct { product_id: "12345".into() }).await?;
/// println!("{product:?}");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
}

/// Why an API call failed.
///
/// ```
/// use hookwire::client::ApiError;
/// use hookwire::endpoint::{Location, ParamError};
///
/// let error = ApiError::Request(ParamError::missing(Location::Path, "id"));
/// assert_eq!(error.status(), None);
/// assert_eq!(error.to_string(), "could not build the request: missing path parameter `id`");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The base URL given to the client does not parse.
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl {
        /// The URL as given.
        url: String,
        /// Why it does not parse.
        reason: String,
    },
    /// A parameter or the body could not be written.
    #[error("could not build the request: {0}")]
    Request(#[source] ParamError),
    /// The request did not complete: connection refused or reset, timeout, TLS.
    #[error("the request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The server answered with an error the endpoint documents (one of its declared
    /// [`Endpoint::ERRORS`], or the server's own `400`, `405`, `413`, `415`, `500`) and an RFC
    /// 9457 problem body: match on `status` to handle each.
    #[error("the server answered {status}{}", detail_suffix(.problem.detail.as_deref()))]
    Problem {
        /// The status, one the endpoint documents.
        status: StatusCode,
        /// The problem details (`errors` lists each violation of a `400`).
        problem: Box<Problem>,
    },
    /// The server answered with a status other than 2xx that the endpoint does not document,
    /// or a documented one without a problem body.
    #[error("the server answered {status}{}", problem_detail(.problem))]
    Status {
        /// The status.
        status: StatusCode,
        /// The problem details, when the body is `application/problem+json` or parses as one.
        problem: Option<Box<Problem>>,
        /// The body as received.
        body: Bytes,
    },
    /// A 2xx response whose body is not the endpoint's response type.
    #[error("the {status} response does not match the expected type: {source}")]
    Decode {
        /// The status.
        status: StatusCode,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
        /// The body as received.
        body: Bytes,
    },
}

fn problem_detail(problem: &Option<Box<Problem>>) -> String {
    detail_suffix(
        problem
            .as_ref()
            .and_then(|problem| problem.detail.as_deref()),
    )
}

fn detail_suffix(detail: Option<&str>) -> String {
    detail
        .map(|detail| format!(": {detail}"))
        .unwrap_or_default()
}

/// Whether `status` is an error endpoint `E` documents: declared, or the server's own.
fn documents<E: Endpoint>(status: StatusCode) -> bool {
    let status = status.as_u16();
    matches!(status, 400 | 405 | 413 | 415 | 500) || E::ERRORS.contains(&status)
}

impl ApiError {
    /// The problem details of an error response, documented or not.
    ///
    /// ```
    /// use hookwire::client::ApiError;
    /// use hookwire::problem::Problem;
    ///
    /// let error = ApiError::Problem {
    ///     status: http::StatusCode::NOT_FOUND,
    ///     problem: Box::new(Problem::new(404, "Not Found").with_detail("no product `9`")),
    /// };
    /// assert_eq!(error.problem().and_then(|p| p.detail.as_deref()), Some("no product `9`"));
    /// assert_eq!(error.to_string(), "the server answered 404 Not Found: no product `9`");
    /// ```
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ApiError::Problem { problem, .. } => Some(problem),
            ApiError::Status { problem, .. } => problem.as_deref(),
            _ => None,
        }
    }

    /// The response status, when the server answered.
    ///
    /// See [`ApiError`] for an example.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ApiError::Problem { status, .. }
            | ApiError::Status { status, .. }
            | ApiError::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl ApiClient {
    /// A client for the API at `base_url` (such as `https://api.example.com/v1`), with a
    /// default `reqwest::Client`.
    ///
    /// # Errors
    /// [`ApiError::BaseUrl`] when `base_url` is not an absolute http(s) URL.
    ///
    /// ```
    /// # use hookwire::client::ApiClient;
    /// assert!(ApiClient::new("http://127.0.0.1:8080/api/").is_ok());
    /// assert!(ApiClient::new("not a url").is_err());
    /// ```
    pub fn new(base_url: impl Into<String>) -> Result<Self, ApiError> {
        ApiClient::with_client(reqwest::Client::new(), base_url)
    }

    /// A client for the API at `base_url` that sends with your own configured `client`.
    ///
    /// # Errors
    /// As [`ApiClient::new`].
    ///
    /// ```
    /// # use hookwire::client::ApiClient;
    /// let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build()?;
    /// let client = ApiClient::with_client(http, "http://127.0.0.1:8080")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_client(
        client: reqwest::Client,
        base_url: impl Into<String>,
    ) -> Result<Self, ApiError> {
        let url = base_url.into();
        match reqwest::Url::parse(&url) {
            Ok(parsed)
                if matches!(parsed.scheme(), "http" | "https") && parsed.query().is_none() =>
            {
                Ok(ApiClient {
                    http: client,
                    base: url.trim_end_matches('/').to_owned(),
                })
            }
            Ok(_) => Err(ApiError::BaseUrl {
                url,
                reason: "expected an http or https URL without a query".to_owned(),
            }),
            Err(error) => Err(ApiError::BaseUrl {
                reason: error.to_string(),
                url,
            }),
        }
    }

    /// The full URL `endpoint` would be sent to.
    ///
    /// # Errors
    /// [`ApiError::Request`] when a parameter cannot be written.
    ///
    /// ```
    /// # use hookwire::client::ApiClient;
    /// # use hookwire::{Endpoint, JsonSchema, schemars};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, JsonSchema)]
    /// # pub struct Product { pub product_id: String }
    /// # #[derive(Endpoint)]
    /// # #[hookwire(method = "GET", path = "/products/{product_id}", response = Product)]
    /// # pub struct GetProduct { #[hookwire(path)] pub product_id: String }
    /// let client = ApiClient::new("http://127.0.0.1:8080/v1/")?;
    /// let url = client.url_for(&GetProduct { product_id: "a b".into() })?;
    /// assert_eq!(url, "http://127.0.0.1:8080/v1/products/a%20b");
    /// # Ok::<(), hookwire::client::ApiError>(())
    /// ```
    pub fn url_for<E: Endpoint>(&self, endpoint: &E) -> Result<String, ApiError> {
        let outgoing = Outgoing::of(endpoint).map_err(ApiError::Request)?;
        Ok(format!("{}{}", self.base, outgoing.path_and_query()))
    }

    /// Calls `endpoint` and decodes its response.
    ///
    /// # Errors
    /// [`ApiError`]: the request could not be built or sent, the status was not 2xx, or the body
    /// did not decode.
    pub async fn call<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response, ApiError> {
        let mut outgoing = Outgoing::of(endpoint).map_err(ApiError::Request)?;
        let url = format!("{}{}", self.base, outgoing.path_and_query());
        let mut request = self
            .http
            .request(outgoing.method().clone(), url)
            .header(http::header::ACCEPT, "application/json");
        for (name, value) in outgoing.headers() {
            request = request.header(name, value);
        }
        if let Some(body) = outgoing.take_body() {
            request = request
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request.send().await.map_err(ApiError::Transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(ApiError::Transport)?;
        if !status.is_success() {
            let problem = serde_json::from_slice::<Problem>(&body).ok().map(Box::new);
            return Err(match problem {
                Some(problem) if documents::<E>(status) => ApiError::Problem { status, problem },
                problem => ApiError::Status {
                    status,
                    problem,
                    body,
                },
            });
        }
        // An empty 2xx body reads as JSON `null`, so a unit response type decodes.
        let json: &[u8] = if body.is_empty() { b"null" } else { &body };
        serde_json::from_slice(json).map_err(|source| ApiError::Decode {
            status,
            source,
            body,
        })
    }
}
