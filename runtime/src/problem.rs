//! [`Problem`]: an RFC 9457 problem details object, the body of every error response hookwire's
//! servers and receivers write (`application/problem+json`).

use serde::{Deserialize, Serialize};

/// The media type of a [`Problem`].
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem details object.
///
/// hookwire keeps `detail` short and never puts a secret, a signature or a request body in it.
///
/// ```
/// use hookwire::problem::Problem;
///
/// let problem = Problem::new(400, "Bad Request").with_detail("missing query parameter `page`");
/// assert_eq!(
///     serde_json::to_string(&problem)?,
///     r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"missing query parameter `page`"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type", default = "about_blank")]
    pub problem_type: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request parameter at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// A stable snake_case name of the problem, for programs (`invalid_signature`, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    /// A problem with `status` and `title`, of type `about:blank`.
    ///
    /// See [`Problem`] for an example.
    pub fn new(status: u16, title: impl Into<String>) -> Self {
        Problem {
            problem_type: about_blank(),
            title: title.into(),
            status,
            detail: None,
            parameter: None,
            code: None,
        }
    }

    /// Sets `detail`.
    ///
    /// See [`Problem`] for an example.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Sets `parameter`, the request parameter at fault.
    ///
    /// ```
    /// # use hookwire::problem::Problem;
    /// let problem = Problem::new(400, "Bad Request").with_parameter("page");
    /// assert_eq!(problem.parameter.as_deref(), Some("page"));
    /// ```
    pub fn with_parameter(mut self, name: impl Into<String>) -> Self {
        self.parameter = Some(name.into());
        self
    }

    /// Sets `code`, a stable name of the problem for programs.
    ///
    /// ```
    /// # use hookwire::problem::Problem;
    /// let problem = Problem::new(401, "Unauthorized").with_code("invalid_signature");
    /// assert_eq!(problem.code.as_deref(), Some("invalid_signature"));
    /// ```
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }
}
