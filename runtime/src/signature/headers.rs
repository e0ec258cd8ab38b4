//! Reading request headers, with or without the `http` crate, and the headers a signer emits.

use std::fmt;

/// Read-only, case-insensitive access to request headers.
///
/// Implemented for [`http::HeaderMap`], for lists of `(name, value)` pairs (arrays, vectors and
/// slices of them, for users without an HTTP framework) and for [`SignedHeaders`]. Names are
/// compared ignoring ASCII case; when a header appears several times, the first value counts.
///
/// ```
/// use hookwire::signature::HeaderLookup;
///
/// let pairs = [("Webhook-Id", "msg_1"), ("webhook-timestamp", "1700000000")];
/// assert_eq!(pairs.header("webhook-id"), Some(&b"msg_1"[..]));
///
/// let mut map = http::HeaderMap::new();
/// map.insert("webhook-id", http::HeaderValue::from_static("msg_1"));
/// assert_eq!(map.header("Webhook-Id"), Some(&b"msg_1"[..]));
/// ```
pub trait HeaderLookup {
    /// The raw bytes of the first header called `name` (ASCII case-insensitive), if any.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl HeaderLookup for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(http::HeaderValue::as_bytes)
    }
}

fn find_pair<'a, K, V>(pairs: &'a [(K, V)], name: &str) -> Option<&'a [u8]>
where
    K: AsRef<str>,
    V: AsRef<[u8]>,
{
    pairs
        .iter()
        .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_ref())
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderLookup for &[(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find_pair(self, name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> HeaderLookup for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find_pair(self, name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderLookup for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find_pair(self, name)
    }
}

/// The headers a [`Scheme`](crate::signature::Scheme) produced for one signed message.
///
/// Names are lowercase `'static` strings; values are header-safe ASCII. Iterate to set them on
/// a request, convert into an [`http::HeaderMap`], or pass them straight to `verify` (they
/// implement [`HeaderLookup`]).
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{GitHub, Scheme};
///
/// let github = GitHub::new("It's a Secret to Everybody")?;
/// let signed = github.sign("delivery-1", Timestamp::from_unix(0), b"Hello, World!").unwrap();
/// assert_eq!(
///     signed.get("X-Hub-Signature-256"),
///     Some("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
/// );
/// let map: http::HeaderMap = signed.clone().into();
/// assert_eq!(map.len(), 2);
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SignedHeaders {
    headers: Vec<(&'static str, String)>,
}

impl SignedHeaders {
    /// An empty set of headers.
    ///
    /// ```
    /// # use hookwire::signature::SignedHeaders;
    /// assert!(SignedHeaders::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header. The value must be visible ASCII or spaces (every scheme's values are).
    ///
    /// ```
    /// # use hookwire::signature::SignedHeaders;
    /// let mut headers = SignedHeaders::new();
    /// headers.push("webhook-id", "msg_1".to_owned());
    /// assert_eq!(headers.get("webhook-id"), Some("msg_1"));
    /// ```
    pub fn push(&mut self, name: &'static str, value: String) {
        self.headers.push((name, value));
    }

    /// The value of the first header called `name` (ASCII case-insensitive).
    ///
    /// ```
    /// # use hookwire::signature::SignedHeaders;
    /// let mut headers = SignedHeaders::new();
    /// headers.push("webhook-id", "msg_1".to_owned());
    /// assert_eq!(headers.get("Webhook-Id"), Some("msg_1"));
    /// assert_eq!(headers.get("other"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The headers, in the order the scheme emitted them.
    ///
    /// ```
    /// # use hookwire::signature::SignedHeaders;
    /// let mut headers = SignedHeaders::new();
    /// headers.push("a", "1".to_owned());
    /// headers.push("b", "2".to_owned());
    /// let names: Vec<_> = headers.iter().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'static str, &str)> + '_ {
        self.headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
    }

    /// The number of headers.
    ///
    /// ```
    /// # use hookwire::signature::SignedHeaders;
    /// assert_eq!(SignedHeaders::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.headers.len()
    }

    /// Whether there are no headers.
    ///
    /// ```
    /// # use hookwire::signature::SignedHeaders;
    /// assert!(SignedHeaders::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }
}

impl fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl HeaderLookup for SignedHeaders {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(str::as_bytes)
    }
}

impl IntoIterator for SignedHeaders {
    type Item = (&'static str, String);
    type IntoIter = std::vec::IntoIter<(&'static str, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.headers.into_iter()
    }
}

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl From<SignedHeaders> for http::HeaderMap {
    fn from(signed: SignedHeaders) -> Self {
        let mut map = http::HeaderMap::with_capacity(signed.len());
        for (name, value) in signed {
            // Every scheme emits token names and visible-ASCII values, which are always valid;
            // a header pushed by hand that `http` rejects is skipped rather than panicking.
            let name = http::HeaderName::from_bytes(name.as_bytes());
            if let (Ok(name), Ok(value)) = (name, http::HeaderValue::try_from(value)) {
                map.append(name, value);
            }
        }
        map
    }
}

/// Reads a header as ASCII text, or reports it missing or malformed.
pub(crate) fn require<'h>(
    headers: &'h dyn HeaderLookup,
    name: &'static str,
) -> Result<&'h str, crate::signature::VerifyError> {
    let raw = headers
        .header(name)
        .ok_or(crate::signature::VerifyError::MissingHeader { name })?;
    ascii(raw, name)
}

/// Reads a timestamp header's value: a Unix time in seconds, as ASCII digits.
pub(crate) fn read_timestamp(
    raw: &[u8],
    name: &'static str,
) -> Result<crate::Timestamp, crate::signature::VerifyError> {
    crate::signature::encoding::parse_timestamp(raw)
        .map(crate::Timestamp::from_unix)
        .ok_or(crate::signature::VerifyError::MalformedHeader {
            name,
            reason: "expected a unix timestamp in seconds (ascii digits)",
        })
}

pub(crate) fn ascii<'h>(
    raw: &'h [u8],
    name: &'static str,
) -> Result<&'h str, crate::signature::VerifyError> {
    if raw.is_ascii() {
        // ASCII is valid UTF-8; the error arm is unreachable but handled without panicking.
        std::str::from_utf8(raw).map_err(|_| not_ascii(name))
    } else {
        Err(not_ascii(name))
    }
}

fn not_ascii(name: &'static str) -> crate::signature::VerifyError {
    crate::signature::VerifyError::MalformedHeader {
        name,
        reason: "expected ascii text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "http")]
    #[test]
    fn conversion_never_panics_on_hand_pushed_headers() {
        let mut headers = SignedHeaders::new();
        headers.push("X-Upper", "kept".to_owned());
        headers.push("bad name", "dropped".to_owned());
        headers.push("x-bad-value", "line\nbreak".to_owned());
        let map: http::HeaderMap = headers.into();
        assert_eq!(map.len(), 1);
        assert_eq!(map.header("x-upper"), Some(&b"kept"[..]));
    }

    #[test]
    fn lookups_are_case_insensitive_and_take_the_first() {
        let pairs = vec![("A", "1"), ("a", "2")];
        assert_eq!(pairs.header("a"), Some(&b"1"[..]));
        let slice: &[(&str, &str)] = &pairs;
        assert_eq!(slice.header("A"), Some(&b"1"[..]));
        assert_eq!(slice.header("b"), None);
    }
}
