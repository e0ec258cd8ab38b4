//! Endpoints: list, create, get, update (`PUT` upserts), patch, delete. URLs are checked as
//! the worker will send to them: `http(s)`, a host, and (unless the platform allows private
//! endpoints) no loopback, private or link-local address.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::apps::json;
use super::extract::{Call, application, endpoint};
use super::operations::{
    CreateEndpoint, DeleteEndpoint, GetEndpoint, ListEndpoints, PatchEndpoint, UpdateEndpoint,
};
use super::{
    Caller, EndpointIn, EndpointOut, ListResponse, OperatorError, Platform, parse_endpoint_id,
};
use crate::outbox::{
    Application, ApplicationStore, NewEndpoint, Secrets, TypeFilter, WebhookEndpoint,
};

/// A new secret: `whsec_` and 32 random bytes in base64.
pub(crate) fn new_secret() -> Result<String, OperatorError> {
    let secret = crate::signature::StandardKey::generate_hmac_secret()
        .map_err(|e| OperatorError::Internal(format!("no randomness for a secret: {e}")))?;
    String::from_utf8(secret.expose_secret().to_vec())
        .map_err(|_| OperatorError::Internal("a generated secret is not text".to_owned()))
}

/// Refuses a URL the API does not take: not matching the documented pattern, or (unless
/// `allow_private`) naming a loopback, private or link-local address.
pub(crate) fn check_url(url: &str, allow_private: bool) -> Result<(), OperatorError> {
    let refuse = |why: String| OperatorError::invalid(["body", "url"], why);
    if url.len() > 65536 || !super::url_rule::matches(url) {
        return Err(refuse(format!(
            "`{}` is not an http:// or https:// URL with a host name or IPv4 address",
            url.escape_default()
        )));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| refuse(format!("not a URL: {e}")))?;
    if allow_private {
        return Ok(());
    }
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return Err(refuse(format!(
            "`{host}` is a loopback host: endpoints on private addresses are refused (the server allows them with --allow-private-endpoints)"
        )));
    }
    crate::ssrf::check_url(&parsed).map_err(|e| {
        refuse(format!(
            "{e}: endpoints on private addresses are refused (the server allows them with --allow-private-endpoints)"
        ))
    })
}

/// Refuses channels: hookwire has none, and ignoring them would send more than asked.
pub(crate) fn no_channels(channels: Option<&[String]>) -> Result<(), OperatorError> {
    match channels {
        Some(list) if !list.is_empty() => Err(OperatorError::invalid(
            ["body", "channels"],
            "hookwire has no channels: leave `channels` out (event types filter endpoints)",
        )),
        _ => Ok(()),
    }
}

/// The endpoint `body` describes, for `app`, keeping `secrets` when the body gives none.
fn to_new(
    platform: &Platform<impl ApplicationStore>,
    app: &Application,
    body: &EndpointIn,
    secrets: Option<Secrets>,
) -> Result<NewEndpoint, OperatorError> {
    check_url(&body.url, platform.allow_private())?;
    no_channels(body.channels.as_deref())?;
    let secrets = match (&body.secret, secrets) {
        (Some(secret), _) => Secrets::new([secret.as_str()]),
        (None, Some(kept)) => kept,
        (None, None) => Secrets::new([new_secret()?]),
    };
    let mut new = NewEndpoint::new(body.url.clone(), String::new())
        .app(app.id)
        .description(body.description.as_str())
        .allow_private(platform.allow_private());
    new.secrets = secrets;
    new.uid = body.uid.as_ref().map(|uid| uid.as_str().to_owned());
    new.metadata = body.metadata.clone();
    new.headers = (*body.headers).clone();
    new.types = types(body.event_types.as_deref());
    new.rate_per_second = body
        .throttle_rate
        .map(super::model::rate)
        .or(app.rate_limit);
    Ok(new)
}

/// Filters for event type names (already checked).
pub(crate) fn types(names: Option<&[super::EventTypeName]>) -> Vec<TypeFilter> {
    names
        .unwrap_or_default()
        .iter()
        .map(|name| TypeFilter::Exact(name.as_str().to_owned()))
        .collect()
}

/// Adds `new`, disabled if asked, and answers it.
async fn add<S: ApplicationStore>(
    platform: &Platform<S>,
    new: &NewEndpoint,
    disabled: bool,
) -> Result<WebhookEndpoint, OperatorError> {
    let store = platform.store();
    let id = store.add_endpoint(new).await?;
    if disabled {
        store.set_enabled(id, false).await?;
    }
    store.endpoint(id).await?.ok_or(OperatorError::NotFound)
}

pub(crate) async fn list<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<ListEndpoints>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let limit = request.limit.unwrap_or_default().get();
    let after = request
        .iterator
        .as_ref()
        .and_then(|iterator| parse_endpoint_id(iterator.as_str()));
    let endpoints = platform
        .store()
        .app_endpoints(app.id, after, limit + 1)
        .await?;
    let out: Vec<EndpointOut> = endpoints.iter().map(EndpointOut::from).collect();
    let page = ListResponse::page(out, limit, |endpoint| endpoint.id.clone());
    Ok(json(StatusCode::OK, &page))
}

pub(crate) async fn create<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<CreateEndpoint>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let new = to_new(&platform, &app, &request.body, None)?;
    let endpoint = add(&platform, &new, request.body.disabled).await?;
    Ok(json(StatusCode::CREATED, &EndpointOut::from(&endpoint)))
}

pub(crate) async fn get<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<GetEndpoint>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    Ok(json(StatusCode::OK, &EndpointOut::from(&endpoint)))
}

pub(crate) async fn update<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<UpdateEndpoint>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let store = platform.store();
    match endpoint(&platform, &app, &request.endpoint_id).await {
        Ok(existing) => {
            let new = to_new(
                &platform,
                &app,
                &request.body,
                Some(existing.secrets.clone()),
            )?;
            store.update_endpoint(existing.id, &new).await?;
            if request.body.disabled != existing.disabled.is_some() {
                store
                    .set_enabled(existing.id, !request.body.disabled)
                    .await?;
            }
            let endpoint = store
                .endpoint(existing.id)
                .await?
                .ok_or(OperatorError::NotFound)?;
            Ok(json(StatusCode::OK, &EndpointOut::from(&endpoint)))
        }
        Err(OperatorError::NotFound)
            if parse_endpoint_id(request.endpoint_id.as_str()).is_none() =>
        {
            let mut new = to_new(&platform, &app, &request.body, None)?;
            new.uid = Some(request.endpoint_id.as_str().to_owned());
            let endpoint = add(&platform, &new, request.body.disabled).await?;
            Ok(json(StatusCode::CREATED, &EndpointOut::from(&endpoint)))
        }
        Err(error) => Err(error),
    }
}

pub(crate) async fn patch<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<PatchEndpoint>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let existing = endpoint(&platform, &app, &request.endpoint_id).await?;
    let patch = request.body;
    no_channels(patch.channels.as_deref())?;
    let mut new = existing.settings();
    if let Some(url) = patch.url {
        check_url(&url, platform.allow_private())?;
        new.url = url;
    }
    if let Some(description) = patch.description {
        new.description = description.as_str().to_owned();
    }
    if let Some(uid) = patch.uid {
        new.uid = uid.map(|uid| uid.as_str().to_owned());
    }
    if let Some(names) = patch.event_types {
        new.types = types(names.as_deref());
    }
    if let Some(rate) = patch.throttle_rate {
        new.rate_per_second = rate.map(super::model::rate);
    }
    if let Some(metadata) = patch.metadata {
        new.metadata = metadata;
    }
    let store = platform.store();
    store.update_endpoint(existing.id, &new).await?;
    if let Some(disabled) = patch.disabled
        && disabled != existing.disabled.is_some()
    {
        store.set_enabled(existing.id, !disabled).await?;
    }
    let endpoint = store
        .endpoint(existing.id)
        .await?
        .ok_or(OperatorError::NotFound)?;
    Ok(json(StatusCode::OK, &EndpointOut::from(&endpoint)))
}

pub(crate) async fn delete<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<DeleteEndpoint>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    let endpoint = endpoint(&platform, &app, &request.endpoint_id).await?;
    platform.store().delete_endpoint(endpoint.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
