//! [`Problem`]: an RFC 9457 problem details object, the body of every error response hookwire's
//! servers and receivers write (`application/problem+json`).

#[cfg(feature = "schema")]
use std::borrow::Cow;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The media type of a [`Problem`].
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem details object: `type`, `title`, `status`, `detail`, and extension
/// members, of which hookwire uses two: `parameter` (the request parameter at fault) and `code`
/// (a stable snake_case name for programs).
///
/// hookwire keeps `detail` short and never puts a secret, a signature or a request body in it.
///
/// ```
/// use hookwire::problem::Problem;
///
/// let problem = Problem::new(400, "Bad Request")
///     .with_detail("missing query parameter `page`")
///     .with_parameter("page");
/// assert_eq!(problem.parameter(), Some("page"));
/// assert_eq!(
///     serde_json::to_string(&problem)?,
///     r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"missing query parameter `page`","parameter":"page"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Problem {
    /// A URI naming the problem type (the member `type`); `about:blank` when the status says it
    /// all, and when the member is absent.
    pub problem_type: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request; absent (or `null`) when `None`.
    pub detail: Option<String>,
    /// Extension members, such as `parameter` and `code`: every other member of the object.
    pub extensions: Map<String, Value>,
}

/// One object: `type`, `title`, `status`, `detail` when there is one, then the extensions.
impl Serialize for Problem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", &self.problem_type)?;
        map.serialize_entry("title", &self.title)?;
        map.serialize_entry("status", &self.status)?;
        if let Some(detail) = &self.detail {
            map.serialize_entry("detail", detail)?;
        }
        for (name, value) in &self.extensions {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// `title` and `status` are required; every member other than the four named ones is an
/// extension.
impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fn member<'de, T: Deserialize<'de>, E: serde::de::Error>(value: Value) -> Result<T, E> {
            T::deserialize(value).map_err(E::custom)
        }
        let mut members = Map::<String, Value>::deserialize(deserializer)?;
        let problem_type = match members.remove("type") {
            Some(value) => member(value)?,
            None => about_blank(),
        };
        let title = members
            .remove("title")
            .ok_or_else(|| D::Error::missing_field("title"))?;
        let status = members
            .remove("status")
            .ok_or_else(|| D::Error::missing_field("status"))?;
        let detail = match members.remove("detail") {
            Some(value) => member(value)?,
            None => None,
        };
        Ok(Problem {
            problem_type,
            title: member(title)?,
            status: member(status)?,
            detail,
            extensions: members,
        })
    }
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
            extensions: Map::new(),
        }
    }

    /// Sets `detail`.
    ///
    /// See [`Problem`] for an example.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Sets the `parameter` member: the request parameter at fault.
    ///
    /// See [`Problem`] for an example.
    pub fn with_parameter(self, name: impl Into<String>) -> Self {
        self.with_extension("parameter", name.into())
    }

    /// Sets the `code` member: a stable name of the problem for programs.
    ///
    /// ```
    /// # use hookwire::problem::Problem;
    /// let problem = Problem::new(401, "Unauthorized").with_code("invalid_signature");
    /// assert_eq!(problem.code(), Some("invalid_signature"));
    /// ```
    pub fn with_code(self, code: impl Into<String>) -> Self {
        self.with_extension("code", code.into())
    }

    /// Sets an extension member.
    ///
    /// ```
    /// # use hookwire::problem::Problem;
    /// let problem = Problem::new(429, "Too Many Requests").with_extension("retry_in", 30);
    /// assert_eq!(problem.extensions["retry_in"], 30);
    /// ```
    pub fn with_extension(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extensions.insert(name.into(), value.into());
        self
    }

    /// The `parameter` member, when it is a string.
    ///
    /// See [`Problem`] for an example.
    pub fn parameter(&self) -> Option<&str> {
        self.extensions.get("parameter").and_then(Value::as_str)
    }

    /// The `code` member, when it is a string.
    ///
    /// See [`with_code`](Problem::with_code) for an example.
    pub fn code(&self) -> Option<&str> {
        self.extensions.get("code").and_then(Value::as_str)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Problem {
    fn schema_name() -> Cow<'static, str> {
        "Problem".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "hookwire::problem::Problem".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "An RFC 9457 problem details object.",
            "properties": {
                "type": {
                    "type": "string",
                    "description": "A URI naming the problem type; `about:blank` when the status says it all.",
                    "default": "about:blank"
                },
                "title": { "type": "string", "description": "A short summary of the problem type." },
                "status": { "type": "integer", "minimum": 100, "maximum": 599, "description": "The HTTP status code." },
                "detail": { "type": "string", "description": "What went wrong with this request." },
                "parameter": { "type": "string", "description": "The request parameter at fault, when there is one." },
                "code": { "type": "string", "description": "A stable snake_case name of the problem, for programs." },
                "errors": {
                    "type": "array",
                    "description": "The places a request breaks the API document: the first 20.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "in": { "enum": ["path", "query", "header", "body"], "description": "Where the value travels." },
                            "parameter": { "type": "string", "description": "The parameter at fault." },
                            "pointer": { "type": "string", "description": "The JSON pointer of the value at fault in the body." },
                            "detail": { "type": "string", "description": "Which rule the value breaks." }
                        },
                        "required": ["in", "detail"]
                    }
                },
                "errors_omitted": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "How many more places break the API document than `errors` lists."
                }
            },
            "required": ["title", "status"]
        })
    }
}

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
/// A [`Problem`] answers with its own `status` and an `application/problem+json` body.
///
/// ```
/// use axum::response::IntoResponse;
/// use hookwire::problem::Problem;
///
/// let response = Problem::new(404, "Not Found").with_detail("no product `9`").into_response();
/// assert_eq!(response.status(), 404);
/// ```
impl axum::response::IntoResponse for Problem {
    fn into_response(self) -> axum::response::Response {
        let status = axum::http::StatusCode::from_u16(self.status)
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        response(status, &self)
    }
}

/// A problem details response with `status` (which may differ from the problem's own, for
/// answers such as `413` that axum decides).
#[cfg(feature = "axum")]
pub(crate) fn response(
    status: axum::http::StatusCode,
    problem: &Problem,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (
        status,
        [(axum::http::header::CONTENT_TYPE, PROBLEM_JSON)],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::Problem;

    #[test]
    fn round_trips_with_extensions_and_reads_what_the_rfc_allows() {
        let problem = Problem::new(422, "Unprocessable Content")
            .with_detail("bad `page`")
            .with_code("bad_page");
        let text = serde_json::to_string(&problem).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"type":"about:blank","title":"Unprocessable Content","status":422,"detail":"bad `page`","code":"bad_page"}"#
        );
        assert_eq!(serde_json::from_str::<Problem>(&text).ok(), Some(problem));

        let minimal: Problem =
            serde_json::from_str(r#"{"title":"Gone","status":410,"detail":null,"x":[1]}"#)
                .unwrap_or_else(|error| Problem::new(0, error.to_string()));
        assert_eq!(minimal.problem_type, "about:blank");
        assert_eq!((minimal.status, minimal.detail), (410, None));
        assert_eq!(minimal.extensions["x"], serde_json::json!([1]));

        for (text, error) in [
            (r#"{"status":400}"#, "missing field `title`"),
            (r#"{"title":"x"}"#, "missing field `status`"),
            (r#"{"title":"x","status":70000}"#, "70000"),
            (r#"[1]"#, "map"),
        ] {
            let message = serde_json::from_str::<Problem>(text)
                .err()
                .map(|error| error.to_string())
                .unwrap_or_default();
            assert!(message.contains(error), "{text}: {message}");
        }
    }
}
