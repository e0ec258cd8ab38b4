//! Attempts: by endpoint and by message, each delivery's attempt log in order.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::apps::json;
use super::extract::{Call, application, endpoint};
use super::messages::message;
use super::operations::{ListAttemptsByEndpoint, ListAttemptsByMessage};
use super::{ApiError, Caller, ListIterator, ListResponse, MessageAttemptOut, Platform};
use crate::outbox::{ApplicationStore, DeliveryId, DeliveryQuery};

/// The attempts of one page of the deliveries `query` finds (`limit` deliveries; the
/// iterator is the last delivery's id).
async fn page<S: ApplicationStore>(
    platform: &Platform<S>,
    mut query: DeliveryQuery,
    limit: u32,
    iterator: Option<&ListIterator>,
) -> Result<ListResponse<MessageAttemptOut>, ApiError> {
    if let Some(after) = iterator.and_then(|i| i.as_str().parse::<i64>().ok()) {
        query = query.after(DeliveryId(after));
    }
    query.limit = limit + 1;
    let store = platform.store();
    let deliveries = store.deliveries(&query).await?;
    let page = ListResponse::page(deliveries, limit, |delivery| delivery.id.0.to_string());
    let mut data = Vec::new();
    for delivery in &page.data {
        let url = store
            .endpoint(delivery.endpoint)
            .await?
            .map(|endpoint| endpoint.url)
            .unwrap_or_default();
        for log in store.attempts(delivery.id).await? {
            data.push(MessageAttemptOut::of(delivery, &log, &url));
        }
    }
    Ok(ListResponse {
        data,
        iterator: page.iterator,
        prev_iterator: None,
        done: page.done,
    })
}

pub(crate) async fn by_endpoint<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<ListAttemptsByEndpoint>,
) -> Result<Response, ApiError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let limit = request.limit.unwrap_or_default().get();
    let query = DeliveryQuery::new(limit).endpoint(endpoint.id);
    let out = page(&platform, query, limit, request.iterator.as_ref()).await?;
    Ok(json(StatusCode::OK, &out))
}

pub(crate) async fn by_message<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<ListAttemptsByMessage>,
) -> Result<Response, ApiError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let event = message(&platform, app.id, &request.msg_id).await?;
    let limit = request.limit.unwrap_or_default().get();
    let mut query = DeliveryQuery::new(limit).event(event.event_id);
    if let Some(reference) = &request.endpoint_id {
        query = query.endpoint(endpoint(&platform, &app, reference).await?.id);
    }
    let out = page(&platform, query, limit, request.iterator.as_ref()).await?;
    Ok(json(StatusCode::OK, &out))
}
