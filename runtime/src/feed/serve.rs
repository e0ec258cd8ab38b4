//! Serving the feed with axum: `GET /events` answered from any [`FeedStore`], to the
//! [`FeedConsumers`] named, each page signed for the consumer that asked.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::HeaderValue;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};

use crate::endpoint::Endpoint;
use crate::feed::access::Refusal;
use crate::feed::scope;
use crate::feed::{FeedConsumers, FeedError, FeedStore, ListEvents};
use crate::problem::Problem;
use crate::server::Api;

/// A router serving [`ListEvents`] (`GET /events`) from `feed` to `consumers`: `200` with a
/// [`SignedPage`](crate::feed::SignedPage) signed with the asking consumer's secret, `401`
/// (problem body, `WWW-Authenticate: Bearer`) without a consumer's bearer token, `403` when a
/// consumer limited to some [types](crate::feed::FeedConsumer::types) asks only for others,
/// `400` for a malformed parameter or a cursor this feed did not hand out, `503` when the
/// database fails.
/// The token is checked before anything else is read. Serve it over TLS.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let path = std::env::temp_dir().join(format!("hookwire-feed-router-{}.db", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// use hookwire::feed::{FeedConsumer, FeedConsumers, FeedToken, router};
/// use hookwire::signature::StandardWebhooks;
/// use hookwire::sqlite::SqliteStore;
///
/// // From your secret store: the consumer's token, and the secret of its webhook endpoint.
/// let token = FeedToken::new("hwfeed_acme_0123456789abcdefghijklmnop")?;
/// let secret = StandardWebhooks::new("whsec_YWNtZSBzZWNyZXQ=")?;
/// let consumers = FeedConsumers::new().with(FeedConsumer::new("acme", &token, secret)?)?;
///
/// let db = SqliteStore::open(&format!("sqlite://{}", path.display())).await?;
/// let app: axum::Router = router(db.feed(), consumers);
/// # Ok(()) }
/// ```
pub fn router<S, F>(feed: F, consumers: FeedConsumers) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    F: FeedStore + Clone,
{
    // The handler is cloned for every request: share the consumers, don't copy their keys.
    let consumers = Arc::new(consumers);
    Router::new().route(
        ListEvents::PATH,
        get(move |request: Request| async move {
            let authorization = request.headers().get(AUTHORIZATION).map(HeaderValue::as_bytes);
            let consumer = match consumers.authenticate(authorization) {
                Ok(consumer) => consumer,
                Err(refusal) => return refused(refusal),
            };
            let Api(request) = match Api::<ListEvents>::from_request(request, &()).await {
                Ok(request) => request,
                Err(rejection) => return rejection.into_response(),
            };
            let Some(query) = scope::narrow(request.query(), consumer.scope()) else {
                return Problem::new(403, "Forbidden")
                    .with_detail("none of the types asked for is one this consumer may read")
                    .with_parameter("types")
                    .into_response();
            };
            let page = match feed.read(&query).await {
                Ok(page) => page,
                Err(error) => return problem(&error),
            };
            match page.sign(consumer.signer(), consumers.now()) {
                Ok(page) => axum::Json(page).into_response(),
                Err(error) => {
                    tracing::error!(consumer = consumer.name(), %error, "could not sign the events feed page");
                    Problem::new(500, "Events feed unavailable")
                        .with_detail("the events could not be signed for this consumer")
                        .into_response()
                }
            }
        }),
    )
}

/// `401` with a problem body and the challenge RFC 6750 asks for.
fn refused(refusal: Refusal) -> Response {
    let (challenge, detail) = match refusal {
        Refusal::Missing => (
            r#"Bearer realm="events""#,
            "the events feed needs `Authorization: Bearer <token>`: ask the shop for a feed token",
        ),
        Refusal::Invalid => (
            r#"Bearer realm="events", error="invalid_token""#,
            "the bearer token is not one this feed accepts: check the token the shop gave you",
        ),
    };
    tracing::warn!(
        missing = refusal == Refusal::Missing,
        "events feed request refused"
    );
    let mut response = Problem::new(401, "Unauthorized")
        .with_detail(detail)
        .into_response();
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

fn problem(error: &FeedError) -> Response {
    match error {
        FeedError::InvalidCursor(_) => Problem::new(400, "Invalid cursor")
            .with_detail(error.to_string())
            .with_parameter("after")
            .into_response(),
        _ => Problem::new(503, "Events feed unavailable")
            .with_detail("the events could not be read; retry later")
            .into_response(),
    }
}
