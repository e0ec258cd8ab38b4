//! An endpoint's secret (get, rotate with an overlap), recovery, statistics and extra headers.

use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::apps::json;
use super::endpoints::new_secret;
use super::extract::{Call, application, endpoint};
use super::operations::{
    GetEndpointHeaders, GetEndpointSecret, GetEndpointStats, PatchEndpointHeaders, RecoverEndpoint,
    RotateEndpointSecret, UpdateEndpointHeaders,
};
use super::{
    Caller, EndpointHeadersOut, EndpointSecretOut, EndpointStatsOut, OperatorError, Platform,
    RecoverOut,
};
use crate::outbox::{ApplicationStore, DeliveryQuery, DeliveryState};

pub(crate) async fn secret<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<GetEndpointSecret>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let key = endpoint
        .secrets
        .expose()
        .first()
        .cloned()
        .unwrap_or_default();
    Ok(json(StatusCode::OK, &EndpointSecretOut { key }))
}

pub(crate) async fn rotate<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<RotateEndpointSecret>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let overlap = match request.body.grace_period_seconds {
        Some(seconds) => Duration::from_secs(seconds.get()),
        None => platform.rotation_overlap(),
    };
    let key = match request.body.key {
        Some(key) => key.as_str().to_owned(),
        None => new_secret()?,
    };
    let store = platform.store();
    let mut new = endpoint.settings();
    new.secrets = endpoint.secrets.rotate(key.clone(), store.now(), overlap);
    store.update_endpoint(endpoint.id, &new).await?;
    Ok(json(StatusCode::OK, &EndpointSecretOut { key }))
}

pub(crate) async fn recover<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<RecoverEndpoint>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let store = platform.store();
    let recovered = store
        .recover(endpoint.id, request.body.since.unix_seconds())
        .await?;
    tracing::info!(
        endpoint = endpoint.id.0,
        recovered,
        "endpoint recovered through the operator API"
    );
    let out = RecoverOut::finished(endpoint.id, store.now());
    Ok(json(StatusCode::ACCEPTED, &out))
}

pub(crate) async fn stats<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<GetEndpointStats>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let mut out = EndpointStatsOut::default();
    let mut query = DeliveryQuery::new(1000).endpoint(endpoint.id);
    loop {
        let page = platform.store().deliveries(&query).await?;
        for delivery in &page {
            match delivery.state {
                DeliveryState::Delivered => out.success += 1,
                DeliveryState::Failed => out.fail += 1,
                DeliveryState::InFlight => out.sending += 1,
                _ => out.pending += 1,
            }
        }
        match page.last() {
            Some(last) if page.len() == 1000 => query = query.after(last.id),
            _ => break,
        }
    }
    Ok(json(StatusCode::OK, &out))
}

pub(crate) async fn headers<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<GetEndpointHeaders>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let out = EndpointHeadersOut {
        headers: endpoint.headers,
        sensitive: Vec::new(),
    };
    Ok(json(StatusCode::OK, &out))
}

pub(crate) async fn set_headers<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<UpdateEndpointHeaders>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let mut new = endpoint.settings();
    new.headers = (*request.body.headers).clone();
    platform.store().update_endpoint(endpoint.id, &new).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn patch_headers<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<PatchEndpointHeaders>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let mut new = endpoint.settings();
    for name in &request.body.delete_headers {
        new.headers.remove(&name.to_ascii_lowercase());
    }
    for (name, value) in request.body.headers.iter() {
        match value {
            Some(value) => {
                new.headers.insert(name.clone(), value.clone());
            }
            None => {
                new.headers.remove(name);
            }
        }
    }
    platform.store().update_endpoint(endpoint.id, &new).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
