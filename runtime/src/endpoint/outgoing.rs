//! [`Outgoing`]: a request as a client writes it, independent of any HTTP library.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::param::to_texts;
use super::{Endpoint, Location, ParamError};

/// Everything but RFC 3986's unreserved characters is percent-encoded, in path segments and in
/// query names and values alike.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request being written by an [`Endpoint`]: its method, the path template's values, the
/// query, the headers and the JSON body. An HTTP client turns it into a real request.
///
/// ```
/// use hookwire::endpoint::{Endpoint, Outgoing};
/// # use hookwire::{JsonSchema, schemars};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, JsonSchema)]
/// # pub struct Order { pub id: String }
/// #[derive(hookwire::Endpoint)]
/// #[hookwire(method = "POST", path = "/shops/{shop}/orders", response = Order)]
/// pub struct CreateOrder {
///     #[hookwire(path)]
///     pub shop: String,
///     #[hookwire(query)]
///     pub tags: Vec<String>,
///     #[hookwire(header = "Idempotency-Key")]
///     pub key: String,
///     #[hookwire(body)]
///     pub order: Order,
/// }
///
/// let request = CreateOrder {
///     shop: "main".into(),
///     tags: vec!["a b".into(), "c".into()],
///     key: "k-1".into(),
///     order: Order { id: "9".into() },
/// };
/// let outgoing = Outgoing::of(&request)?;
/// assert_eq!(outgoing.method(), &http::Method::POST);
/// assert_eq!(outgoing.path_and_query(), "/shops/main/orders?tags=a%20b&tags=c");
/// assert_eq!(outgoing.headers().collect::<Vec<_>>(), [("Idempotency-Key", "k-1")]);
/// assert_eq!(outgoing.body_bytes(), Some(&br#"{"id":"9"}"#[..]));
/// # Ok::<(), hookwire::endpoint::ParamError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Outgoing {
    method: http::Method,
    template: &'static str,
    path: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
}

impl Outgoing {
    /// Writes `endpoint` into a new request.
    ///
    /// # Errors
    /// See [`Endpoint::write_request`].
    pub fn of<E: Endpoint>(endpoint: &E) -> Result<Self, ParamError> {
        let mut outgoing = Outgoing {
            method: E::METHOD,
            template: E::PATH,
            path: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        };
        endpoint.write_request(&mut outgoing)?;
        Ok(outgoing)
    }

    /// Sets the value of the path template's `{name}`.
    ///
    /// # Errors
    /// A value that is not exactly one string, number or boolean.
    pub fn path<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), ParamError> {
        let mut texts =
            to_texts(value).map_err(|reason| ParamError::invalid(Location::Path, name, reason))?;
        match (texts.pop(), texts.is_empty()) {
            (Some(text), true) => {
                self.path.push((name, text));
                Ok(())
            }
            (None, _) => Err(ParamError::missing(Location::Path, name)),
            (Some(_), false) => Err(ParamError::invalid(
                Location::Path,
                name,
                "expected one value, found a list",
            )),
        }
    }

    /// Adds query pairs for `value`: none for `None`, one per item of a list.
    ///
    /// # Errors
    /// A value that is a map or a list of maps.
    pub fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), ParamError> {
        let texts =
            to_texts(value).map_err(|reason| ParamError::invalid(Location::Query, name, reason))?;
        self.query
            .extend(texts.into_iter().map(|text| (name, text)));
        Ok(())
    }

    /// Sets header `name` to `value` (nothing for `None`).
    ///
    /// # Errors
    /// A value that is a list or a map, or text that is not a valid header value.
    pub fn header<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), ParamError> {
        let mut texts = to_texts(value)
            .map_err(|reason| ParamError::invalid(Location::Header, name, reason))?;
        if texts.len() > 1 {
            return Err(ParamError::invalid(
                Location::Header,
                name,
                "expected one value, found a list",
            ));
        }
        if let Some(text) = texts.pop() {
            if http::HeaderValue::from_str(&text).is_err() {
                return Err(ParamError::invalid(
                    Location::Header,
                    name,
                    "not a valid header value",
                ));
            }
            self.headers.push((name, text));
        }
        Ok(())
    }

    /// Sets the JSON body.
    ///
    /// # Errors
    /// A value whose `Serialize` impl fails.
    pub fn body<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        let bytes = serde_json::to_vec(value).map_err(|error| ParamError::Body {
            reason: error.to_string(),
        })?;
        self.body = Some(bytes);
        Ok(())
    }

    /// The HTTP method.
    ///
    /// See [`Outgoing`] for an example.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The path with every `{name}` replaced by its percent-encoded value, then the query.
    ///
    /// See [`Outgoing`] for an example.
    pub fn path_and_query(&self) -> String {
        let mut out = String::with_capacity(self.template.len() + 16);
        let mut rest = self.template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                rest = "";
                break;
            };
            let name = &after[..close];
            if let Some((_, value)) = self.path.iter().find(|(param, _)| *param == name) {
                out.extend(utf8_percent_encode(value, ENCODE));
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        for (index, (name, value)) in self.query.iter().enumerate() {
            out.push(if index == 0 { '?' } else { '&' });
            out.extend(utf8_percent_encode(name, ENCODE));
            out.push('=');
            out.extend(utf8_percent_encode(value, ENCODE));
        }
        out
    }

    /// The headers, as names and values.
    ///
    /// See [`Outgoing`] for an example.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
    }

    /// The JSON body, when the endpoint has one.
    ///
    /// See [`Outgoing`] for an example.
    pub fn body_bytes(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// Takes the JSON body out, for an HTTP client that needs it owned.
    ///
    /// ```
    /// # fn demo(mut outgoing: hookwire::endpoint::Outgoing) {
    /// let body: Option<Vec<u8>> = outgoing.take_body();
    /// # }
    /// ```
    pub fn take_body(&mut self) -> Option<Vec<u8>> {
        self.body.take()
    }
}
