//! Messages: create (an `eventId` repeated in the application is refused with `409`), get (by
//! id or `eventId`), list (newest first), and resend to one endpoint.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::apps::json;
use super::extract::{Call, application, endpoint, find_application};
use super::operations::{CreateMessage, GetMessage, ListMessages, ResendMessage};
use super::{Caller, ListResponse, MessageOut, MessageRef, OperatorError, Platform, parse_app_id};
use crate::outbox::{
    AppId, Application, ApplicationStore, DeliveryQuery, EventQuery, RawEvent, StoredEvent,
};

/// The message `reference` names in `app`: its id, else its `eventId`.
pub(crate) async fn message<S: ApplicationStore>(
    platform: &Platform<S>,
    app: AppId,
    reference: &MessageRef,
) -> Result<StoredEvent, OperatorError> {
    let store = platform.store();
    let by_id = EventQuery::new(1).app(app).event(reference.as_str());
    if let Some(event) = store.events(&by_id).await?.pop() {
        return Ok(event);
    }
    let by_key = EventQuery::new(1).app(app).dedupe_key(reference.as_str());
    store
        .events(&by_key)
        .await?
        .pop()
        .ok_or(OperatorError::NotFound)
}

/// The path's application, or (for an operator sending `application`) a new one with the
/// path's uid.
async fn target<S: ApplicationStore>(
    platform: &Platform<S>,
    caller: Caller,
    request: &CreateMessage,
) -> Result<Application, OperatorError> {
    match (&request.body.application, caller) {
        (Some(new), Caller::Operator) => {
            if let Some(app) = find_application(platform, &request.app_id).await? {
                return Ok(app);
            }
            if parse_app_id(request.app_id.as_str()).is_some() {
                return Err(OperatorError::NotFound);
            }
            let mut new = new.to_new();
            new.uid = Some(request.app_id.as_str().to_owned());
            Ok(platform.store().add_application(&new).await?)
        }
        _ => application(platform, caller, &request.app_id).await,
    }
}

pub(crate) async fn create<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<CreateMessage>,
) -> Result<Response, OperatorError> {
    super::endpoints::no_channels(request.body.channels.as_deref())?;
    let app = target(&platform, caller, &request).await?;
    let body = &request.body;
    let payload = Value::Object(body.payload.clone());
    let mut event = RawEvent::message(body.event_type.as_str(), payload)?.app(app.id);
    if let Some(event_id) = &body.event_id {
        event = event.dedupe_key(event_id.as_str());
    }
    let store = platform.store();
    let id = store
        .publish_raw(std::slice::from_ref(&event))
        .await?
        .pop()
        .ok_or_else(|| OperatorError::Internal("publishing returned no id".to_owned()))?;
    let stored = store
        .events(&EventQuery::new(1).app(app.id).event(id))
        .await?
        .pop()
        .ok_or(OperatorError::NotFound)?;
    Ok(json(StatusCode::ACCEPTED, &MessageOut::from(&stored)))
}

pub(crate) async fn get<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<GetMessage>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let event = message(&platform, app.id, &request.msg_id).await?;
    Ok(json(StatusCode::OK, &MessageOut::from(&event)))
}

pub(crate) async fn list<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<ListMessages>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let limit = request.limit.unwrap_or_default().get();
    let mut query = EventQuery::new(limit + 1).app(app.id).newest_first();
    if let Some(position) = request
        .iterator
        .as_ref()
        .and_then(|iterator| iterator.as_str().parse::<i64>().ok())
    {
        query = query.after(position);
    }
    let events = platform.store().events(&query).await?;
    let positions: Vec<i64> = events.iter().map(|event| event.position).collect();
    let out: Vec<(i64, MessageOut)> = positions
        .into_iter()
        .zip(events.iter().map(MessageOut::from))
        .collect();
    let page = ListResponse::page(out, limit, |(position, _)| position.to_string());
    let page = ListResponse {
        data: page.data.into_iter().map(|(_, message)| message).collect(),
        iterator: page.iterator,
        prev_iterator: page.prev_iterator,
        done: page.done,
    };
    Ok(json(StatusCode::OK, &page))
}

pub(crate) async fn resend<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<ResendMessage>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let event = message(&platform, app.id, &request.msg_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let store = platform.store();
    let query = DeliveryQuery::new(1)
        .endpoint(endpoint.id)
        .event(event.event_id);
    let delivery = store
        .deliveries(&query)
        .await?
        .pop()
        .ok_or(OperatorError::NotFound)?;
    store.retry(delivery.id).await?;
    Ok(json(StatusCode::ACCEPTED, &super::EmptyResponse {}))
}
