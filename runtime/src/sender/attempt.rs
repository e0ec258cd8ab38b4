//! One attempt: sign with the given timestamp, POST, read the start of the answer, classify.
//!
//! [`attempt`] is the building block every sender in hookwire uses: the in-memory
//! [`Sender`](super::Sender) and the outbox workers. It knows no schedule and no store.

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::message::Message;
use super::retry::parse_retry_after;
use super::verdict::{Attempt, AttemptError, ErrorKind, Verdict};
use crate::signature::Scheme;
use crate::timestamp::Timestamp;

/// How [`attempt`] makes one attempt: its timeout, how much of the answer it keeps, and which
/// statuses stop the message instead of being retried.
///
/// | setting | default |
/// |---|---|
/// | [`timeout`](AttemptOptions::timeout) | 15 seconds, from connecting to the end of the answer |
/// | [`max_response_body`](AttemptOptions::max_response_body) | 1 KiB of the response body kept |
/// | [`stop_on`](AttemptOptions::stop_on) | none: every non-2xx status but `410` is retried |
///
/// ```
/// use std::time::Duration;
/// use http::StatusCode;
/// use hookwire::sender::AttemptOptions;
///
/// let options = AttemptOptions::new()
///     .timeout(Duration::from_secs(5))
///     .max_response_body(4096)
///     .stop_on([StatusCode::BAD_REQUEST, StatusCode::NOT_FOUND]);
/// assert_eq!(options.stops(), [StatusCode::BAD_REQUEST, StatusCode::NOT_FOUND]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOptions {
    timeout: Duration,
    max_response_body: usize,
    stop_on: Vec<StatusCode>,
}

impl Default for AttemptOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(15),
            max_response_body: 1024,
            stop_on: Vec::new(),
        }
    }
}

impl AttemptOptions {
    /// The defaults (see [`AttemptOptions`]).
    ///
    /// ```
    /// # use hookwire::sender::AttemptOptions;
    /// assert_eq!(AttemptOptions::new(), AttemptOptions::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The time one attempt may take, from connecting to the end of the response. It is set
    /// on the request and overrides the client's own timeout. A zero timeout fails every
    /// attempt.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::sender::AttemptOptions;
    /// let options = AttemptOptions::new().timeout(Duration::from_secs(3));
    /// assert_eq!(options.timeout_duration(), Duration::from_secs(3));
    /// ```
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many bytes of the response body to keep; the connection is reused when the body
    /// fits.
    ///
    /// ```
    /// # use hookwire::sender::AttemptOptions;
    /// let options = AttemptOptions::new().max_response_body(256);
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Statuses that end the message ([`Verdict::Stopped`]) instead of being retried, for an
    /// integration whose receivers use a status to mean "never send this again". Replaces
    /// the list set before. 2xx and `410` keep their meaning.
    ///
    /// By default the list is empty: receivers answer `409` while they handle the same
    /// message, `422` for an event type they do not know yet, `401` while a secret rotates, and
    /// a retry later succeeds.
    ///
    /// ```
    /// use http::StatusCode;
    /// use hookwire::sender::AttemptOptions;
    ///
    /// let options = AttemptOptions::new().stop_on([StatusCode::UNPROCESSABLE_ENTITY]);
    /// assert_eq!(options.stops(), [StatusCode::UNPROCESSABLE_ENTITY]);
    /// ```
    #[must_use]
    pub fn stop_on(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.stop_on = statuses.into_iter().collect();
        self
    }

    /// The per-attempt timeout.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::sender::AttemptOptions;
    /// assert_eq!(AttemptOptions::new().timeout_duration(), Duration::from_secs(15));
    /// ```
    pub fn timeout_duration(&self) -> Duration {
        self.timeout
    }

    /// The statuses that stop the message.
    ///
    /// ```
    /// # use hookwire::sender::AttemptOptions;
    /// assert!(AttemptOptions::new().stops().is_empty());
    /// ```
    pub fn stops(&self) -> &[StatusCode] {
        &self.stop_on
    }
}

/// Makes one attempt of `message`: signs it with `scheme` at `timestamp`, POSTs it with
/// `client`, reads at most [`max_response_body`](AttemptOptions::max_response_body) bytes of
/// the answer, and classifies it ([`Verdict`]). It never panics and never retries: a schedule
/// (the [`Sender`](super::Sender)'s, or an outbox's) decides what comes next.
///
/// The request carries the scheme's signature headers, `content-type: application/json` and,
/// for schemes that send it in a header (GitHub, Shopify), the event type. The body is sent
/// exactly as the message holds it.
///
/// Pass your own `client` to control connection pooling, proxies, TLS or DNS (a resolver that
/// refuses private addresses, for instance). Build it with
/// `reqwest::redirect::Policy::none()`: a followed redirect is recorded as
/// [`ErrorKind::Redirected`] and retried.
///
/// ```
/// use std::time::Duration;
/// use hookwire::Timestamp;
/// use hookwire::sender::{AttemptOptions, Message, Verdict, attempt};
/// use hookwire::signature::StandardWebhooks;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let url = format!("http://{}/webhooks", listener.local_addr()?);
/// # let app = axum::Router::new().route("/webhooks", axum::routing::post(|| async {
/// #     (axum::http::StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "30")], "busy")
/// # }));
/// # tokio::spawn(async move { axum::serve(listener, app).await });
/// let client = reqwest::Client::builder()
///     .redirect(reqwest::redirect::Policy::none())
///     .build()?;
/// let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let message = Message::new(&url, "order.shipped", r#"{"type":"order.shipped"}"#)?
///     .with_id("msg_2Lq5")?;
/// let options = AttemptOptions::new().timeout(Duration::from_secs(5));
///
/// let result = attempt(&client, &scheme, &message, Timestamp::now(), &options).await;
/// // This endpoint answers 503 with `Retry-After: 30` and the body `busy`.
/// assert_eq!(result.verdict, Verdict::Retry);
/// assert_eq!(result.status.map(|s| s.as_u16()), Some(503));
/// assert_eq!(result.retry_after, Some(Duration::from_secs(30)));
/// assert_eq!(&result.response_body[..], b"busy");
/// # Ok(())
/// # }
/// ```
pub async fn attempt(
    client: &reqwest::Client,
    scheme: &dyn Scheme,
    message: &Message,
    timestamp: Timestamp,
    options: &AttemptOptions,
) -> Attempt {
    let mut record = Attempt::new(timestamp);
    let headers = match headers(scheme, message, timestamp) {
        Ok(headers) => headers,
        Err(error) => {
            record.error = Some(error);
            return record;
        }
    };

    let started = Instant::now();
    let sent = client
        .post(message.url().clone())
        .headers(headers)
        .body(message.body().clone())
        .timeout(options.timeout)
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(error) => {
            record.duration = started.elapsed();
            let (kind, retry) = transport_error(&error);
            record.error = Some(AttemptError::new(kind, error_chain(&error)));
            record.verdict = if retry {
                Verdict::NoResponse
            } else {
                Verdict::Failed
            };
            return record;
        }
    };

    let status = response.status();
    record.status = Some(status);
    record.retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| parse_retry_after(value.as_bytes(), timestamp));
    let redirected = response.url() != message.url();
    // Reading the body lets the connection be reused; an error here does not change what
    // the status says.
    record.response_body = read_prefix(&mut response, options.max_response_body).await;
    record.duration = started.elapsed();

    if redirected {
        record.verdict = Verdict::Retry;
        record.error = Some(AttemptError::new(
            ErrorKind::Redirected,
            "the http client followed a redirect; build it with reqwest::redirect::Policy::none()",
        ));
        return record;
    }
    record.verdict = Verdict::of(status, &options.stop_on);
    if record.verdict != Verdict::Delivered {
        record.error = Some(AttemptError::new(
            ErrorKind::Status,
            format!("the endpoint answered {status}"),
        ));
    }
    record
}

/// The signed headers, `content-type`, and the event type for schemes that send it in a header.
fn headers(
    scheme: &dyn Scheme,
    message: &Message,
    timestamp: Timestamp,
) -> Result<HeaderMap, AttemptError> {
    let signed = scheme
        .sign(message.id(), timestamp, message.body())
        .map_err(|e| AttemptError::new(ErrorKind::Sign, e.to_string()))?;
    let mut headers = HeaderMap::with_capacity(signed.len() + 2 + message.headers().count());
    for (name, value) in signed {
        // Every scheme's values are visible ASCII; one that is not is left out, not a panic.
        if let (Some(name), Ok(value)) = (header_name(name), HeaderValue::try_from(value)) {
            headers.append(name, value);
        }
    }
    for (name, value) in message.headers() {
        if !headers.contains_key(name) {
            headers.append(name.clone(), value.clone());
        }
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(name) = scheme.event_type_header().and_then(header_name) {
        // Event types are checked to be visible ASCII when the message is made.
        if let Ok(value) = HeaderValue::from_str(message.event_type()) {
            headers.insert(name, value);
        }
    }
    Ok(headers)
}

/// A header name from a scheme's `'static` name, without copying it when it is lowercase
/// (every scheme's are), and `None` when it is not a valid name.
fn header_name(name: &'static str) -> Option<HeaderName> {
    let lowercase_token = !name.is_empty()
        && name
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if lowercase_token {
        // Cannot panic: `from_static` accepts every non-empty lowercase token.
        Some(HeaderName::from_static(name))
    } else {
        HeaderName::from_bytes(name.as_bytes()).ok()
    }
}

/// The kind of a transport error and whether a later attempt might succeed.
fn transport_error(error: &reqwest::Error) -> (ErrorKind, bool) {
    if error.is_timeout() {
        (ErrorKind::Timeout, true)
    } else if error.is_builder() {
        (ErrorKind::Request, false)
    } else if error.is_connect() {
        (ErrorKind::Connect, true)
    } else if error.is_redirect() {
        (ErrorKind::Redirected, true)
    } else {
        (ErrorKind::Connection, true)
    }
}

/// The error and its sources, joined by `: `, without the URL (its path or query may hold a
/// token), at most about 1 KiB.
fn error_chain(error: &reqwest::Error) -> String {
    let mut message = String::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut depth = 0;
    while let Some(err) = current {
        if depth == 8 || message.len() > 1024 {
            break;
        }
        let text = match err.downcast_ref::<reqwest::Error>() {
            Some(err) => without_url(err),
            None => err.to_string(),
        };
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
        current = err.source();
        depth += 1;
    }
    message
}

/// reqwest writes ` for url (...)` after its own errors' message.
fn without_url(error: &reqwest::Error) -> String {
    let text = error.to_string();
    match error.url() {
        Some(url) => text.replace(&format!(" for url ({url})"), ""),
        None => text,
    }
}

/// Up to `limit` bytes of the response body; stops (dropping the rest) past the limit or at
/// the first error.
async fn read_prefix(response: &mut reqwest::Response, limit: usize) -> Bytes {
    let mut first: Option<Bytes> = None;
    let mut rest = BytesMut::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        match first.take() {
            None if rest.is_empty() => first = Some(chunk),
            Some(prev) => {
                rest.extend_from_slice(&prev);
                rest.extend_from_slice(&chunk);
            }
            None => rest.extend_from_slice(&chunk),
        }
        let len = first.as_ref().map_or(rest.len(), Bytes::len);
        if len >= limit {
            break;
        }
    }
    let mut body = first.unwrap_or_else(|| rest.freeze());
    body.truncate(limit);
    body
}
