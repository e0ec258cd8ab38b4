//! Attempts: by endpoint and by message, each delivery's attempt log in order; and the
//! messages sent to an endpoint with their delivery's status and next attempt.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::apps::json;
use super::extract::{Call, application, endpoint};
use super::messages::message;
use super::operations::{ListAttemptedMessages, ListAttemptsByEndpoint, ListAttemptsByMessage};
use super::{
    Caller, EndpointMessageOut, ListIterator, ListResponse, MessageAttemptOut, OperatorError,
    Platform,
};
use crate::outbox::{ApplicationStore, DeliveryId, DeliveryQuery, EventQuery};

/// The attempts of one page of the deliveries `query` finds (`limit` deliveries; the
/// iterator is the last delivery's id).
async fn page<S: ApplicationStore>(
    platform: &Platform<S>,
    mut query: DeliveryQuery,
    limit: u32,
    iterator: Option<&ListIterator>,
) -> Result<ListResponse<MessageAttemptOut>, OperatorError> {
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
) -> Result<Response, OperatorError> {
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
) -> Result<Response, OperatorError> {
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

/// How many of the application's messages one page of [`attempted_messages`] looks through at
/// most: those not sent to the endpoint are skipped, so a page may hold fewer than `limit`
/// while `done` is false.
const SCAN: u32 = 1000;

/// The messages sent to one endpoint, newest first: the application's messages (newest
/// first) that have a delivery to it. The iterator is the last message's position.
pub(crate) async fn attempted_messages<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<ListAttemptedMessages>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let limit = request.limit.unwrap_or_default().get() as usize;
    let mut query = EventQuery::new(SCAN).app(app.id).newest_first();
    if let Some(after) = request
        .iterator
        .as_ref()
        .and_then(|i| i.as_str().parse::<i64>().ok())
    {
        query = query.after(after);
    }
    let store = platform.store();
    let events = store.events(&query).await?;
    let mut out = ListResponse {
        data: Vec::new(),
        iterator: None,
        prev_iterator: None,
        done: events.len() < SCAN as usize,
    };
    for event in &events {
        let sent = DeliveryQuery::new(1)
            .endpoint(endpoint.id)
            .event(event.event_id.clone());
        let Some(delivery) = store.deliveries(&sent).await?.pop() else {
            out.iterator = Some(event.position.to_string());
            continue;
        };
        if out.data.len() == limit {
            out.done = false;
            break;
        }
        out.data.push(EndpointMessageOut::of(event, &delivery));
        out.iterator = Some(event.position.to_string());
    }
    Ok(json(StatusCode::OK, &out))
}
