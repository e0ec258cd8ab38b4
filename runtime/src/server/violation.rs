//! [`Violation`]: one place a request breaks the API document, as reported in the `errors`
//! member of a `400` problem; [`Violations`]: the first 20 of a request's, and how many more
//! (the problem's `errors_omitted`).

use serde::{Deserialize, Serialize};

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;

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

/// The violations of one request: the first [`LIMIT`](Self::LIMIT) listed, in document order,
/// and how many more there were. A request can break its schema a million times over (a 2 MiB
/// array of wrong types), so neither the problem body nor the work to build it grows with it.
/// Derefs to the listed ones.
///
/// ```
/// use hookwire::server::{Violation, Violations};
///
/// let all = (0..50).map(|n| Violation::body(&format!("/tags/{n}"), "value is not of type \"string\""));
/// let violations = Violations::capped(all);
/// assert_eq!((violations.len(), violations.omitted, violations.total()), (20, 30, 50));
/// assert_eq!(violations[0].pointer.as_deref(), Some("/tags/0"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Violations {
    /// The first violations, at most [`LIMIT`](Self::LIMIT).
    pub listed: Vec<Violation>,
    /// How many more there were.
    pub omitted: usize,
}

impl Violations {
    /// The most violations listed: 20, enough to fix a request by, small enough to answer.
    pub const LIMIT: usize = 20;

    /// The first [`LIMIT`](Self::LIMIT) of `all`, the rest counted (and dropped).
    ///
    /// See [`Violations`] for an example.
    pub fn capped(all: impl IntoIterator<Item = Violation>) -> Self {
        let mut all = all.into_iter();
        let listed = all.by_ref().take(Self::LIMIT).collect();
        Violations {
            listed,
            omitted: all.count(),
        }
    }

    /// Listed and omitted together.
    ///
    /// See [`Violations`] for an example.
    pub fn total(&self) -> usize {
        self.listed.len().saturating_add(self.omitted)
    }
}

impl From<Vec<Violation>> for Violations {
    /// The first [`Violations::LIMIT`] of `all`, the rest counted.
    fn from(all: Vec<Violation>) -> Self {
        Violations::capped(all)
    }
}

impl std::ops::Deref for Violations {
    type Target = [Violation];

    fn deref(&self) -> &[Violation] {
        &self.listed
    }
}

/// The `detail` of a problem listing `violations`: the one violation, or how many and the
/// first few.
pub(super) fn summary(violations: &Violations) -> String {
    const SHOWN: usize = 3;
    let total = violations.total();
    match violations.listed.as_slice() {
        [one] if total == 1 => one.to_string(),
        listed => {
            let mut text = format!("{total} violations of the API document: ");
            let shown: Vec<String> = listed.iter().take(SHOWN).map(ToString::to_string).collect();
            text.push_str(&shown.join("; "));
            if total > SHOWN {
                text.push_str(&format!("; and {} more", total - SHOWN));
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

/// One validation error as a [`Violation`]: the location and parameter from the first two
/// segments of its instance path, or the JSON pointer into the body.
pub(super) fn violation(error: &jsonschema::ValidationError<'_>) -> Violation {
    let mut segments = error.instance_path().segments();
    let location = segments.next().map(|segment| match segment {
        LocationSegment::Property(name) => name.to_string(),
        LocationSegment::Index(index) => index.to_string(),
    });
    let missing = match error.kind() {
        ValidationErrorKind::Required { property } => property.as_str().map(str::to_owned),
        _ => None,
    };
    let detail = error.masked().to_string();
    match location.as_deref() {
        None => match missing.as_deref() {
            Some("body") => Violation::body("", "a JSON body is required".to_owned()),
            _ => Violation::body("", detail),
        },
        Some("body") => {
            let path = error.instance_path().as_str();
            let mut pointer = path.strip_prefix("/body").unwrap_or(path).to_owned();
            if let Some(property) = missing {
                pointer.push('/');
                pointer.push_str(&property.replace('~', "~0").replace('/', "~1"));
            }
            Violation::body(&pointer, detail)
        }
        Some(location) => {
            let location = match location {
                "path" => Location::Path,
                "header" => Location::Header,
                _ => Location::Query,
            };
            let name = segments
                .next()
                .map(|segment| match segment {
                    LocationSegment::Property(name) => name.to_string(),
                    LocationSegment::Index(index) => index.to_string(),
                })
                .or(missing)
                .unwrap_or_default();
            Violation::param(location, &name, detail)
        }
    }
}
