//! What an endpoint tells the OpenAPI builder about its parameters and body.

use super::Location;

/// One parameter of an endpoint, for documentation.
///
/// ```
/// use hookwire::endpoint::{Location, ParamInfo};
/// let info = ParamInfo::new(Location::Query, "page", false, Some("Which page."));
/// assert_eq!(info.name, "page");
/// assert!(!info.required);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParamInfo {
    /// Where it travels.
    pub location: Location,
    /// Its name in the path template, query string or headers.
    pub name: &'static str,
    /// Whether a request must carry it (path parameters always; others unless `Option`).
    pub required: bool,
    /// The field's doc comment.
    pub description: Option<&'static str>,
}

impl ParamInfo {
    /// Describes a parameter.
    ///
    /// See [`ParamInfo`] for an example.
    pub const fn new(
        location: Location,
        name: &'static str,
        required: bool,
        description: Option<&'static str>,
    ) -> Self {
        ParamInfo {
            location,
            name,
            required,
            description,
        }
    }
}

/// Receives an endpoint's parameters and body with their types; implemented by the OpenAPI
/// builder, and by anything else that wants to list them.
///
/// ```
/// use hookwire::endpoint::{DescribeEndpoint, Endpoint, ParamInfo};
/// # use hookwire::{JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, JsonSchema)]
/// # pub struct Product { pub id: String }
/// #[derive(hookwire::Endpoint)]
/// #[hookwire(method = "GET", path = "/products/{id}", response = Product)]
/// pub struct GetProduct {
///     #[hookwire(path)]
///     pub id: String,
/// }
///
/// struct Names(Vec<&'static str>);
/// impl DescribeEndpoint for Names {
///     fn param<T: JsonSchema>(&mut self, info: ParamInfo) {
///         self.0.push(info.name);
///     }
///     fn body<T: JsonSchema>(&mut self, _: Option<&'static str>) {}
/// }
/// let mut names = Names(Vec::new());
/// GetProduct::describe(&mut names);
/// assert_eq!(names.0, ["id"]);
/// ```
pub trait DescribeEndpoint {
    /// A path, query or header parameter of type `T`.
    fn param<T: schemars::JsonSchema>(&mut self, info: ParamInfo);
    /// The JSON body, of type `T`, with the field's doc comment.
    fn body<T: schemars::JsonSchema>(&mut self, description: Option<&'static str>);
}
