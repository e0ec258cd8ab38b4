//! Request-response API endpoints: the [`Endpoint`] trait that `#[derive(Endpoint)]` implements,
//! and the framework-free pieces both sides use: [`Outgoing`] (a client writes a request) and
//! [`Incoming`] (a server reads one).
//!
//! An endpoint is a struct whose fields are the request's parameters, each marked with where
//! it travels: `#[hookwire(path)]`, `#[hookwire(query)]`, `#[hookwire(header = "X-Name")]` or
//! `#[hookwire(body)]` (at most one). The struct names the method, the path template and the
//! response type.
//!
//! ```
//! use hookwire::endpoint::{Endpoint, Incoming, Outgoing};
//! use hookwire::{JsonSchema, schemars};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, JsonSchema)]
//! pub struct Product {
//!     pub product_id: String,
//!     pub name: String,
//! }
//!
//! /// Fetches one product.
//! #[derive(Debug, PartialEq, hookwire::Endpoint)]
//! #[hookwire(method = "GET", path = "/products/{product_id}", response = Product)]
//! pub struct GetProduct {
//!     #[hookwire(path)]
//!     pub product_id: String,
//!     #[hookwire(query)]
//!     pub fields: Option<String>,
//! }
//!
//! assert_eq!(GetProduct::PATH, "/products/{product_id}");
//! assert_eq!(GetProduct::OPERATION_ID, "getProduct");
//!
//! // A client writes the request...
//! let request = GetProduct { product_id: "a/b c".into(), fields: None };
//! let outgoing = Outgoing::of(&request)?;
//! assert_eq!(outgoing.path_and_query(), "/products/a%2Fb%20c");
//!
//! // ...and a server reads it back from the decoded parts.
//! let incoming = Incoming::new()
//!     .with_path_param("product_id", "a/b c")
//!     .with_query("fields=name%2Cprice");
//! let read = GetProduct::read_request(&incoming)?;
//! assert_eq!(read.fields.as_deref(), Some("name,price"));
//! # Ok::<(), hookwire::endpoint::ParamError>(())
//! ```

mod describe;
mod incoming;
mod outgoing;
mod param;

pub use describe::{DescribeEndpoint, ParamInfo};
pub use incoming::Incoming;
pub use outgoing::Outgoing;

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Where a parameter travels.
///
/// ```
/// use hookwire::endpoint::Location;
/// assert_eq!(Location::Query.to_string(), "query");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// A `{name}` segment of the path template.
    Path,
    /// A `name=value` pair of the query string.
    Query,
    /// A request header.
    Header,
}

impl Location {
    /// The name OpenAPI uses in a parameter's `in`.
    ///
    /// ```
    /// # use hookwire::endpoint::Location;
    /// assert_eq!(Location::Header.as_str(), "header");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request parameter that could not be written or read.
///
/// Its message names the parameter and where it travels, never its value beyond what the
/// caller sent.
///
/// ```
/// use hookwire::endpoint::{Incoming, Location, ParamError};
/// let error = ParamError::missing(Location::Query, "page");
/// assert_eq!(error.to_string(), "missing query parameter `page`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamError {
    /// A required parameter is absent.
    #[error("missing {location} parameter `{name}`")]
    Missing {
        /// Where it should have been.
        location: Location,
        /// Its name.
        name: String,
    },
    /// A parameter is present but does not parse as its type.
    #[error("invalid {location} parameter `{name}`: {reason}")]
    Invalid {
        /// Where it was.
        location: Location,
        /// Its name.
        name: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The JSON body is absent, or does not parse as its type.
    #[error("invalid request body: {reason}")]
    Body {
        /// Why.
        reason: String,
    },
}

impl ParamError {
    /// A required parameter is absent.
    ///
    /// See [`ParamError`] for an example.
    pub fn missing(location: Location, name: &str) -> Self {
        ParamError::Missing {
            location,
            name: name.to_owned(),
        }
    }

    /// A parameter does not parse as its type.
    ///
    /// ```
    /// # use hookwire::endpoint::{Location, ParamError};
    /// let error = ParamError::invalid(Location::Path, "id", "expected u64");
    /// assert_eq!(error.to_string(), "invalid path parameter `id`: expected u64");
    /// ```
    pub fn invalid(location: Location, name: &str, reason: impl fmt::Display) -> Self {
        ParamError::Invalid {
            location,
            name: name.to_owned(),
            reason: reason.to_string(),
        }
    }

    /// The name of the parameter at fault, or `None` for the body.
    ///
    /// ```
    /// # use hookwire::endpoint::{Location, ParamError};
    /// assert_eq!(ParamError::missing(Location::Query, "page").name(), Some("page"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        match self {
            ParamError::Missing { name, .. } | ParamError::Invalid { name, .. } => Some(name),
            ParamError::Body { .. } => None,
        }
    }
}

/// An API endpoint: a request struct that knows its method, path template, parameters and
/// response type. Derive it with `#[derive(Endpoint)]`; see the [module docs](self).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a hookwire endpoint",
    note = "derive it: `#[derive(hookwire::Endpoint)]` with \
            `#[hookwire(method = \"GET\", path = \"/things/{{id}}\", response = Thing)]`"
)]
pub trait Endpoint: Sized + Send + 'static {
    /// What a successful call returns, as JSON.
    type Response: Serialize + DeserializeOwned + schemars::JsonSchema + Send;

    /// The HTTP method.
    const METHOD: http::Method;
    /// The path template, with `{name}` for each path parameter: `/products/{product_id}`.
    const PATH: &'static str;
    /// A unique camelCase name for the operation (from the struct's name unless given).
    const OPERATION_ID: &'static str;
    /// What the endpoint does, from the struct's doc comment.
    const DESCRIPTION: Option<&'static str> = None;
    /// Whether the struct is `#[deprecated]`.
    const DEPRECATED: bool = false;
    /// The error statuses the handler may answer with (as an RFC 9457 problem), besides those
    /// the server gives by itself (`400`, `405`, `413`, `415`, `500`): `errors(404, 409)` in
    /// the derive. They are listed under the operation's `responses`, the client turns each
    /// into [`ApiError::Problem`](https://docs.rs/hookwire/latest/hookwire/client/enum.ApiError.html),
    /// and in debug builds a handler answering an undeclared status is reported.
    ///
    /// ```
    /// # use hookwire::endpoint::Endpoint;
    /// # use hookwire::{JsonSchema, schemars};
    /// # #[derive(serde::Serialize, serde::Deserialize, JsonSchema)]
    /// # pub struct Product { pub id: String }
    /// #[derive(hookwire::Endpoint)]
    /// #[hookwire(method = "GET", path = "/products/{id}", response = Product)]
    /// pub struct GetProduct {
    ///     #[hookwire(path)]
    ///     pub id: String,
    /// }
    /// assert!(GetProduct::ERRORS.is_empty());
    /// ```
    const ERRORS: &'static [u16] = &[];

    /// Writes this request's parameters and body.
    ///
    /// # Errors
    /// A parameter that cannot be written as text (a map in a query parameter, say).
    fn write_request(&self, request: &mut Outgoing) -> Result<(), ParamError>;

    /// Reads a request from its decoded parts.
    ///
    /// # Errors
    /// The first parameter that is missing or does not parse, or a body that does not parse.
    fn read_request(request: &Incoming<'_>) -> Result<Self, ParamError>;

    /// Tells `describe` about each parameter and the body, for the OpenAPI document.
    fn describe<D: DescribeEndpoint>(describe: &mut D);
}
