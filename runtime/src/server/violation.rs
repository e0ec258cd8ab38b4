//! [`Violation`]: one place a request breaks the API document, as reported in the `errors`
//! member of a `400` problem.

use serde::{Deserialize, Serialize};

use crate::endpoint::Location;

/// One place a request breaks what the document says: a parameter (named by `parameter`, with
/// `in` its location) or the JSON body (named by `pointer`, an RFC 6901 JSON pointer into it).
///
/// The `detail` says which rule was broken without repeating the value sent.
///
/// ```
/// use hookwire::endpoint::Location;
/// use hookwire::server::Violation;
///
/// let violation = Violation::param(Location::Query, "limit", "100 is greater than the maximum of 50");
/// assert_eq!(
///     serde_json::to_value(&violation)?,
///     serde_json::json!({
///         "in": "query",
///         "parameter": "limit",
///         "detail": "100 is greater than the maximum of 50"
///     })
/// );
/// let violation = Violation::body("/currency", "value does not match \"^[A-Z]{3}$\"");
/// assert_eq!(violation.pointer.as_deref(), Some("/currency"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Violation {
    /// Where: `path`, `query`, `header` or `body`.
    #[serde(rename = "in")]
    pub location: String,
    /// The parameter at fault, for `path`, `query` and `header`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The JSON pointer of the value at fault, for `body` (`""` is the whole body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Which rule of the schema the value breaks.
    pub detail: String,
}

/// `query parameter `limit`: ...` or `body at `/currency`: ...`.
///
/// ```
/// use hookwire::endpoint::Location;
/// use hookwire::server::Violation;
/// let violation = Violation::param(Location::Query, "limit", "value is not of type \"integer\"");
/// assert_eq!(violation.to_string(), "query parameter `limit`: value is not of type \"integer\"");
/// assert_eq!(Violation::body("", "a JSON body is required").to_string(), "body: a JSON body is required");
/// ```
impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.parameter, self.pointer.as_deref()) {
            (Some(name), _) => write!(f, "{} parameter `{name}`: {}", self.location, self.detail),
            (None, Some(pointer)) if !pointer.is_empty() => {
                write!(f, "{} at `{pointer}`: {}", self.location, self.detail)
            }
            _ => write!(f, "{}: {}", self.location, self.detail),
        }
    }
}

/// The `detail` of a problem listing `violations`: the one violation, or how many and the
/// first few.
pub(super) fn summary(violations: &[Violation]) -> String {
    const SHOWN: usize = 3;
    match violations {
        [one] => one.to_string(),
        _ => {
            let mut text = format!("{} violations of the API document: ", violations.len());
            let shown: Vec<String> = violations
                .iter()
                .take(SHOWN)
                .map(ToString::to_string)
                .collect();
            text.push_str(&shown.join("; "));
            if violations.len() > SHOWN {
                text.push_str(&format!("; and {} more", violations.len() - SHOWN));
            }
            text
        }
    }
}

impl Violation {
    /// A parameter breaks its schema.
    ///
    /// See [`Violation`] for an example.
    pub fn param(location: Location, name: &str, detail: impl Into<String>) -> Self {
        Violation {
            location: location.as_str().to_owned(),
            parameter: Some(name.to_owned()),
            pointer: None,
            detail: detail.into(),
        }
    }

    /// The body breaks its schema at `pointer`.
    ///
    /// See [`Violation`] for an example.
    pub fn body(pointer: &str, detail: impl Into<String>) -> Self {
        Violation {
            location: "body".to_owned(),
            parameter: None,
            pointer: Some(pointer.to_owned()),
            detail: detail.into(),
        }
    }
}
