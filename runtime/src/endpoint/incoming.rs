//! [`Incoming`]: a request's decoded parts as a server reads them, independent of any framework.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

use super::param::{TextError, from_texts};
use super::{Location, ParamError};

/// The decoded parts of a request an [`Endpoint`](super::Endpoint) is read from: path
/// parameters, query pairs, headers and the body.
///
/// ```
/// use hookwire::endpoint::Incoming;
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("x-page-size", "50".parse().unwrap());
/// let incoming = Incoming::new()
///     .with_path_param("id", "7")
///     .with_query("sort=desc&tag=a+b&tag=c")
///     .with_headers(&headers)
///     .with_body(br#"{"name":"x"}"#);
///
/// assert_eq!(incoming.path::<u64>("id")?, 7);
/// assert_eq!(incoming.query::<Vec<String>>("tag")?, ["a b", "c"]);
/// assert_eq!(incoming.query::<Option<u8>>("page")?, None);
/// assert_eq!(incoming.header::<u32>("X-Page-Size")?, 50);
/// let body: serde_json::Value = incoming.body()?;
/// assert_eq!(body["name"], "x");
/// # Ok::<(), hookwire::endpoint::ParamError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Incoming<'a> {
    path: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    query: Vec<(String, String)>,
    headers: Option<&'a http::HeaderMap>,
    body: &'a [u8],
}

impl<'a> Incoming<'a> {
    /// An empty request.
    ///
    /// See [`Incoming`] for an example.
    pub fn new() -> Self {
        Incoming::default()
    }

    /// Adds a decoded path parameter.
    ///
    /// See [`Incoming`] for an example.
    pub fn with_path_param(
        mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<Cow<'a, str>>,
    ) -> Self {
        self.path.push((name.into(), value.into()));
        self
    }

    /// Adds the pairs of a raw query string (`a=1&b=x%20y`, without the `?`), decoding
    /// `application/x-www-form-urlencoded` escapes. Malformed escapes are kept as written.
    ///
    /// See [`Incoming`] for an example.
    pub fn with_query(mut self, raw: &str) -> Self {
        for pair in raw.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            self.query.push((form_decode(name), form_decode(value)));
        }
        self
    }

    /// Sets the request headers.
    ///
    /// See [`Incoming`] for an example.
    pub fn with_headers(mut self, headers: &'a http::HeaderMap) -> Self {
        self.headers = Some(headers);
        self
    }

    /// Sets the raw body.
    ///
    /// See [`Incoming`] for an example.
    pub fn with_body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }

    /// The texts parameter `name` arrived as at `location`, in order (none when absent); header
    /// values that are not UTF-8 are decoded lossily.
    ///
    /// ```
    /// use hookwire::endpoint::{Incoming, Location};
    /// let incoming = Incoming::new().with_query("tag=a&tag=b");
    /// assert_eq!(incoming.texts(Location::Query, "tag"), ["a", "b"]);
    /// assert!(incoming.texts(Location::Path, "id").is_empty());
    /// ```
    pub fn texts(&self, location: Location, name: &str) -> Vec<Cow<'_, str>> {
        match location {
            Location::Path => self
                .path
                .iter()
                .filter(|(param, _)| param == name)
                .map(|(_, value)| Cow::Borrowed(value.as_ref()))
                .collect(),
            Location::Query => self
                .query
                .iter()
                .filter(|(param, _)| param == name)
                .map(|(_, value)| Cow::Borrowed(value.as_str()))
                .collect(),
            Location::Header => self
                .headers
                .map(|headers| {
                    headers
                        .get_all(name)
                        .iter()
                        .map(|value| String::from_utf8_lossy(value.as_bytes()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The raw body.
    ///
    /// ```
    /// let incoming = hookwire::endpoint::Incoming::new().with_body(b"{}");
    /// assert_eq!(incoming.raw_body(), b"{}");
    /// ```
    pub fn raw_body(&self) -> &'a [u8] {
        self.body
    }

    /// Reads path parameter `name` as a `T`.
    ///
    /// # Errors
    /// [`ParamError::Missing`] or [`ParamError::Invalid`].
    pub fn path<T: DeserializeOwned>(&self, name: &str) -> Result<T, ParamError> {
        let texts: Vec<&str> = self
            .path
            .iter()
            .filter(|(param, _)| param == name)
            .map(|(_, value)| value.as_ref())
            .collect();
        parse(Location::Path, name, &texts)
    }

    /// Reads query parameter `name` as a `T`: `Option` when it may be absent, `Vec` when it
    /// may repeat.
    ///
    /// # Errors
    /// [`ParamError::Missing`] or [`ParamError::Invalid`].
    pub fn query<T: DeserializeOwned>(&self, name: &str) -> Result<T, ParamError> {
        let texts: Vec<&str> = self
            .query
            .iter()
            .filter(|(param, _)| param == name)
            .map(|(_, value)| value.as_str())
            .collect();
        parse(Location::Query, name, &texts)
    }

    /// Reads header `name` (any case) as a `T`.
    ///
    /// # Errors
    /// [`ParamError::Missing`], or [`ParamError::Invalid`] for a value that is not UTF-8 or
    /// does not parse.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<T, ParamError> {
        let mut texts = Vec::new();
        if let Some(headers) = self.headers {
            for value in headers.get_all(name) {
                let text = value.to_str().map_err(|_| {
                    ParamError::invalid(Location::Header, name, "not visible ASCII")
                })?;
                texts.push(text);
            }
        }
        parse(Location::Header, name, &texts)
    }

    /// Reads the JSON body as a `T`.
    ///
    /// # Errors
    /// [`ParamError::Body`] for an empty body or one that does not parse.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, ParamError> {
        if self.body.is_empty() {
            return Err(ParamError::Body {
                reason: "expected a JSON body, found none".to_owned(),
            });
        }
        serde_json::from_slice(self.body).map_err(|error| ParamError::Body {
            reason: error.to_string(),
        })
    }
}

fn parse<T: DeserializeOwned>(
    location: Location,
    name: &str,
    texts: &[&str],
) -> Result<T, ParamError> {
    from_texts(texts).map_err(|TextError { missing, reason }| {
        if missing {
            ParamError::missing(location, name)
        } else {
            ParamError::invalid(location, name, reason)
        }
    })
}

fn form_decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}
