//! Serving the feed with axum: `GET /events` answered from any [`FeedSource`].

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::endpoint::Endpoint;
use crate::feed::{FeedError, FeedSource, ListEvents};
use crate::problem::Problem;
use crate::server::Api;

/// A router serving [`ListEvents`] (`GET /events`) from `feed`: `200` with a
/// [`FeedPage`](crate::feed::FeedPage), `400` for a malformed parameter or a cursor this feed
/// did not hand out, `503` when the database fails. Merge it into your application's router
/// (behind your authentication layer: the feed holds every published event).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let path = std::env::temp_dir().join(format!("hookwire-feed-router-{}.db", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// use hookwire::feed::{SqliteFeed, router};
/// use hookwire::store::sqlite::SqliteOutbox;
///
/// let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display())).await?;
/// let app: axum::Router = router(SqliteFeed::new(outbox.pool().clone()));
/// # Ok(()) }
/// ```
pub fn router<S, F>(feed: F) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    F: FeedSource + Clone,
{
    Router::new().route(
        ListEvents::PATH,
        get(move |Api(request): Api<ListEvents>| async move {
            match feed.read_page(&request.query()).await {
                Ok(page) => axum::Json(page).into_response(),
                Err(error) => problem(&error),
            }
        }),
    )
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
