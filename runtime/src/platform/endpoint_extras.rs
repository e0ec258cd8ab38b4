//! An endpoint's secret (get, rotate with an overlap), recovery, statistics and extra headers.

use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::apps::json;
use super::endpoints::{as_new, new_secret};
use super::extract::{Call, application, endpoint};
use super::operations::{
    GetEndpointHeaders, GetEndpointSecret, GetEndpointStats, PatchEndpointHeaders, RecoverEndpoint,
    RotateEndpointSecret, UpdateEndpointHeaders,
};
use super::{
    ApiError, Caller, EndpointHeadersOut, EndpointSecretOut, EndpointStatsOut, Platform, RecoverOut,
};
use crate::outbox::{ApplicationStore, DeliveryQuery, DeliveryState, check_header};

pub(crate) async fn secret<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<GetEndpointSecret>,
) -> Result<Response, ApiError> {
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
) -> Result<Response, ApiError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let overlap = match request.body.grace_period_seconds {
        Some(seconds) if seconds > 7 * 24 * 3600 => {
            return Err(ApiError::invalid(
                ["body", "gracePeriodSeconds"],
                "at most 604800 seconds (7 days)",
            ));
        }
        Some(seconds) => Duration::from_secs(u64::from(seconds)),
        None => platform.rotation_overlap(),
    };
    let key = match request.body.key {
        Some(key) => key,
        None => new_secret()?,
    };
    let store = platform.store();
    let mut new = as_new(&endpoint);
    new.secrets = endpoint.secrets.rotate(key.clone(), store.now(), overlap);
    store.update_endpoint(endpoint.id, &new).await?;
    Ok(json(StatusCode::OK, &EndpointSecretOut { key }))
}

pub(crate) async fn recover<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<RecoverEndpoint>,
) -> Result<Response, ApiError> {
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
) -> Result<Response, ApiError> {
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
) -> Result<Response, ApiError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let out = EndpointHeadersOut {
        headers: endpoint.headers,
        sensitive: Vec::new(),
    };
    Ok(json(StatusCode::OK, &out))
}

/// Checks every header, naming the first refused one.
fn check_all<'a>(
    headers: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Result<(), ApiError> {
    for (name, value) in headers {
        check_header(name, value)
            .map_err(|e| ApiError::invalid(["body", "headers", name.as_str()], e.to_string()))?;
    }
    Ok(())
}

pub(crate) async fn set_headers<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<UpdateEndpointHeaders>,
) -> Result<Response, ApiError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    check_all(&request.body.headers)?;
    let mut new = as_new(&endpoint);
    new.headers = request
        .body
        .headers
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .collect();
    platform.store().update_endpoint(endpoint.id, &new).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn patch_headers<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<PatchEndpointHeaders>,
) -> Result<Response, ApiError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    let mut new = as_new(&endpoint);
    for name in &request.body.delete_headers {
        new.headers.remove(&name.to_ascii_lowercase());
    }
    for (name, value) in &request.body.headers {
        match value {
            Some(value) => {
                check_all([(name, value)])?;
                new.headers.insert(name.to_ascii_lowercase(), value.clone());
            }
            None => {
                new.headers.remove(&name.to_ascii_lowercase());
            }
        }
    }
    platform.store().update_endpoint(endpoint.id, &new).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
