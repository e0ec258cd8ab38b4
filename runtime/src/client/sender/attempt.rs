//! One attempt: sign with a fresh timestamp, POST, read the start of the response, classify.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, HeaderName, HeaderValue};

use super::delivery::Delivery;
use super::report::{Attempt, AttemptError, ErrorKind, Outcome};
use super::retry::{RetryPolicy, Verdict, classify, parse_retry_after};
use super::sleep::Sleeper;
use crate::clock::Clock;
use crate::signature::Scheme;

/// What a sender is configured with, shared by every delivery.
pub(crate) struct Config {
    pub(crate) client: reqwest::Client,
    pub(crate) scheme: Arc<dyn Scheme>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) max_response_body: usize,
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// The delivery is over.
    Done(Outcome),
    /// Try again if the schedule allows.
    Retry,
}

/// Makes attempt number `number` of `delivery`.
pub(crate) async fn attempt(config: &Config, delivery: &Delivery, number: u32) -> (Attempt, Next) {
    let timestamp = config.clock.now();
    let mut record = Attempt {
        number,
        timestamp,
        status: None,
        error: None,
        duration: Duration::ZERO,
        response_body: Bytes::new(),
        retry_after: None,
        next_delay: None,
    };
    let headers = match headers(config, delivery, timestamp) {
        Ok(headers) => headers,
        Err(error) => {
            record.error = Some(error);
            return (record, Next::Done(Outcome::Failed));
        }
    };

    let started = Instant::now();
    let sent = config
        .client
        .post(delivery.url().clone())
        .headers(headers)
        .body(delivery.body().clone())
        .timeout(config.timeout)
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(error) => {
            record.duration = started.elapsed();
            let (kind, retry) = transport_error(&error, delivery);
            record.error = Some(AttemptError::new(kind, error_chain(&error)));
            let next = if retry {
                Next::Retry
            } else {
                Next::Done(Outcome::Failed)
            };
            return (record, next);
        }
    };

    let status = response.status();
    record.status = Some(status);
    record.retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| parse_retry_after(value.as_bytes(), config.clock.now()));
    let redirected = response.url() != delivery.url();
    // Reading the body lets the connection be reused; an error here does not change what
    // the status says.
    record.response_body = read_prefix(&mut response, config.max_response_body).await;
    record.duration = started.elapsed();

    if redirected {
        record.error = Some(AttemptError::new(
            ErrorKind::Redirected,
            "the http client followed a redirect; build it with reqwest::redirect::Policy::none()",
        ));
        return (record, Next::Retry);
    }
    let verdict = classify(status);
    if verdict != Verdict::Delivered {
        record.error = Some(AttemptError::new(
            ErrorKind::Status,
            format!("the endpoint answered {status}"),
        ));
    }
    let next = match verdict {
        Verdict::Delivered => Next::Done(Outcome::Delivered),
        Verdict::Gone => Next::Done(Outcome::Gone),
        Verdict::Rejected => Next::Done(Outcome::Rejected(status)),
        Verdict::Retry => Next::Retry,
    };
    (record, next)
}

/// The signed headers, `content-type`, and the event type for schemes that send it in a header.
fn headers(
    config: &Config,
    delivery: &Delivery,
    timestamp: i64,
) -> Result<HeaderMap, AttemptError> {
    let signed = config
        .scheme
        .sign(delivery.id(), timestamp, delivery.body())
        .map_err(|e| AttemptError::new(ErrorKind::Sign, e.to_string()))?;
    let mut headers = HeaderMap::with_capacity(signed.len() + 2);
    for (name, value) in signed {
        // Every scheme's values are visible ASCII; one that is not is left out, not a panic.
        if let (Some(name), Ok(value)) = (header_name(name), HeaderValue::try_from(value)) {
            headers.append(name, value);
        }
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(name) = config.scheme.event_type_header().and_then(header_name) {
        // Event types are checked to be visible ASCII when the delivery is made.
        if let Ok(value) = HeaderValue::from_str(delivery.event_type()) {
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
fn transport_error(error: &reqwest::Error, delivery: &Delivery) -> (ErrorKind, bool) {
    if error.is_timeout() {
        (ErrorKind::Timeout, true)
    } else if error.is_builder() || no_tls(error, delivery) {
        (ErrorKind::Request, false)
    } else if error.is_connect() {
        (ErrorKind::Connect, true)
    } else if error.is_redirect() {
        (ErrorKind::Redirected, true)
    } else {
        (ErrorKind::Connection, true)
    }
}

/// An `https` endpoint with a client built without TLS support: hyper's connector refuses
/// the scheme, which no retry will change.
fn no_tls(error: &reqwest::Error, delivery: &Delivery) -> bool {
    delivery.url().scheme() == "https" && error_chain(error).contains("scheme is not http")
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
