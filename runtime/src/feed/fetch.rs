//! One `GET /events` over HTTP, bounded: redirects only within the feed's origin, a connect
//! and a total timeout, a cap on the page's size. Everything the feed sends is untrusted.

use std::time::Duration;

use http::StatusCode;
use reqwest::redirect::Policy;

use crate::endpoint::{Outgoing, ParamError};
use crate::feed::{FeedToken, ItemRejected, ListEvents, SignedPage};
use crate::problem::Problem;

/// At most this many redirects within the feed's origin are followed.
const MAX_REDIRECTS: usize = 5;

/// Why a page of the events feed could not be read, or the client could not be built. No
/// message includes the bearer token.
///
/// ```
/// use hookwire::feed::FeedReadError;
/// let error = FeedReadError::TooLarge { limit: 1024 };
/// assert!(error.to_string().contains("1024"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedReadError {
    /// The feed's base URL does not parse, or is not http(s) without a query.
    #[error("invalid events feed URL `{url}`: {reason}")]
    BaseUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The HTTP client could not be built (its TLS configuration, say).
    #[error("could not build the events feed's HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// A query parameter could not be written.
    #[error("could not build the events feed request: {0}")]
    Request(#[source] ParamError),
    /// The request did not complete: connection refused or reset, a certificate not trusted
    /// or not for the feed's host (the message names the problem).
    #[error("the events feed request failed: {}", chain(.0))]
    Transport(#[source] reqwest::Error),
    /// No connection within the connect timeout, or no whole page within the total timeout.
    #[error(
        "the events feed did not answer in time (connect timeout {connect:?}, total {total:?}): {}",
        chain(.source)
    )]
    Timeout {
        /// The connect timeout.
        connect: Duration,
        /// The total timeout for one page.
        total: Duration,
        /// What reqwest reported.
        #[source]
        source: reqwest::Error,
    },
    /// The feed redirected to another origin (scheme, host or port), or more than 5 times:
    /// not followed, so the token and the trust placed in the feed's address go nowhere else.
    #[error(
        "the events feed answered {status} redirecting to {}: not followed (redirects are \
         followed only within the feed's own scheme, host and port, at most 5); use the feed's \
         final URL",
        location.as_deref().unwrap_or("nowhere")
    )]
    Redirected {
        /// The redirect's status.
        status: StatusCode,
        /// The origin (`scheme://host:port`) it pointed to, when it had a valid `Location`.
        location: Option<String>,
    },
    /// The feed refused the bearer token (`401`) or the consumer (`403`).
    #[error(
        "the events feed refused this consumer ({status}{}): check the feed token",
        detail(.problem)
    )]
    Unauthorized {
        /// `401` or `403`.
        status: StatusCode,
        /// The problem details, when the body was one.
        problem: Option<Box<Problem>>,
    },
    /// The feed answered another error status.
    #[error("the events feed answered {status}{}", detail(.problem))]
    Status {
        /// The status.
        status: StatusCode,
        /// The problem details, when the body was one.
        problem: Option<Box<Problem>>,
    },
    /// The page is larger than the client accepts.
    #[error(
        "the events feed sent a page over {limit} bytes: ask for fewer events per page \
         (`page_size`) or raise `max_page_bytes`"
    )]
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// A `2xx` body that is not a feed page.
    #[error("the events feed's answer is not a feed page: {0}")]
    Decode(#[source] serde_json::Error),
    /// An item did not verify with the consumer's secret: nothing of its page was handled.
    #[error(transparent)]
    Rejected(#[from] ItemRejected),
}

/// The error and its sources (the TLS or connection reason), joined by `: `. The URL was
/// taken out of the error when it was made.
fn chain(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    for _ in 0..8 {
        let Some(cause) = source else { break };
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

fn detail(problem: &Option<Box<Problem>>) -> String {
    problem
        .as_ref()
        .and_then(|problem| problem.detail.as_deref())
        .map(|detail| format!(": {}", detail.chars().take(200).collect::<String>()))
        .unwrap_or_default()
}

/// The origin of `url`, as compared and as shown.
fn origin(url: &reqwest::Url) -> (String, Option<String>, Option<u16>) {
    (
        url.scheme().to_owned(),
        url.host_str().map(str::to_owned),
        url.port_or_known_default(),
    )
}

/// Follows a redirect only to the origin of the first request, at most [`MAX_REDIRECTS`]
/// times; any other is not followed and its response comes back as is.
pub(crate) fn same_origin_redirects() -> Policy {
    Policy::custom(|attempt| {
        let same = attempt
            .previous()
            .first()
            .is_some_and(|first| origin(first) == origin(attempt.url()));
        if same && attempt.previous().len() <= MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// How the client reaches the feed.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
    pub(crate) token: FeedToken,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_page_bytes: usize,
}

impl Transport {
    /// Checks `url`: an absolute http(s) URL without a query.
    pub(crate) fn base(url: String) -> Result<String, FeedReadError> {
        match reqwest::Url::parse(&url) {
            Ok(parsed)
                if matches!(parsed.scheme(), "http" | "https") && parsed.query().is_none() =>
            {
                Ok(url.trim_end_matches('/').to_owned())
            }
            Ok(_) => Err(FeedReadError::BaseUrl {
                url,
                reason: "expected an http or https URL without a query".to_owned(),
            }),
            Err(error) => Err(FeedReadError::BaseUrl {
                reason: error.to_string(),
                url,
            }),
        }
    }

    /// Reads one page, unverified.
    pub(crate) async fn get(&self, request: &ListEvents) -> Result<SignedPage, FeedReadError> {
        let outgoing = Outgoing::of(request).map_err(FeedReadError::Request)?;
        let url = format!("{}{}", self.base, outgoing.path_and_query());
        let mut response = self
            .http
            .get(url)
            .header(http::header::ACCEPT, "application/json")
            .bearer_auth(self.token.expose_secret())
            .send()
            .await
            .map_err(|error| self.failed(error))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| response.url().join(value).ok())
                .map(|url| url.origin().ascii_serialization());
            return Err(FeedReadError::Redirected { status, location });
        }
        let body = self.read_capped(&mut response).await?;
        if !status.is_success() {
            let problem = serde_json::from_slice::<Problem>(&body).ok().map(Box::new);
            return Err(match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    FeedReadError::Unauthorized { status, problem }
                }
                _ => FeedReadError::Status { status, problem },
            });
        }
        serde_json::from_slice(&body).map_err(FeedReadError::Decode)
    }

    /// The body, refused as soon as it would exceed the cap (declared or received).
    async fn read_capped(
        &self,
        response: &mut reqwest::Response,
    ) -> Result<Vec<u8>, FeedReadError> {
        let limit = self.max_page_bytes;
        let too_large = || FeedReadError::TooLarge { limit };
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| self.failed(error))? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn failed(&self, error: reqwest::Error) -> FeedReadError {
        let error = error.without_url();
        if error.is_timeout() {
            FeedReadError::Timeout {
                connect: self.connect_timeout,
                total: self.timeout,
                source: error,
            }
        } else {
            FeedReadError::Transport(error)
        }
    }
}
