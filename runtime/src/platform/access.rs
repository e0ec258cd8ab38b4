//! Portal links (`app-portal-access`, and Svix's older `dashboard-access`), revoking an
//! application's portal tokens (`expire-all`), and `health`.

use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::apps::json;
use super::auth::{GENERATION_SPACE, generation};
use super::extract::{Call, application, find_application};
use super::operations::{AppPortalAccess, DashboardAccess, ExpireAllTokens, HealthCheck};
use super::{
    AppPortalAccessOut, AppRef, ApplicationIn, Caller, OperatorError, Platform, app_id_of,
    parse_app_id,
};
use crate::outbox::{Application, ApplicationStore};

/// Where the API is reached from the caller's side: the configured base URL, else the
/// request's `Host` (over `https` when `X-Forwarded-Proto` says so).
fn base(platform: &Platform<impl ApplicationStore>, headers: &HeaderMap) -> String {
    if let Some(base) = platform.base_url() {
        return base.to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| {
            host.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// The application for a link: the path's, or (with `application` given) a new one with the
/// path's uid.
async fn link_target<S: ApplicationStore>(
    platform: &Platform<S>,
    caller: Caller,
    reference: &AppRef,
    new: Option<&ApplicationIn>,
) -> Result<Application, OperatorError> {
    if let (Some(new), Caller::Operator) = (new, caller)
        && find_application(platform, reference).await?.is_none()
        && parse_app_id(reference.as_str()).is_none()
    {
        let mut new = new.to_new();
        new.uid = Some(reference.as_str().to_owned());
        return Ok(platform.store().add_application(&new).await?);
    }
    application(platform, caller, reference).await
}

/// The link and token for `app`, valid `expiry` seconds at most.
async fn link<S: ApplicationStore + 'static>(
    platform: &Platform<S>,
    headers: &HeaderMap,
    app: &Application,
    ttl: Option<Duration>,
) -> Result<Response, OperatorError> {
    let token = platform.portal_token_within(app.id, ttl).await?;
    let url = format!(
        "{}/portal/#app={}&token={}",
        base(platform, headers),
        app_id_of(app.id),
        token
    );
    Ok(json(StatusCode::OK, &AppPortalAccessOut { url, token }))
}

pub(crate) async fn portal_access<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Call(request): Call<AppPortalAccess>,
) -> Result<Response, OperatorError> {
    let app = link_target(
        &platform,
        caller,
        &request.app_id,
        request.body.application.as_ref(),
    )
    .await?;
    caller.operator()?;
    let expiry = request
        .body
        .expiry
        .map(|seconds| Duration::from_secs(seconds.get()));
    link(&platform, &headers, &app, expiry).await
}

pub(crate) async fn dashboard_access<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Call(request): Call<DashboardAccess>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    caller.operator()?;
    link(&platform, &headers, &app, None).await
}

pub(crate) async fn expire_all<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<ExpireAllTokens>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    caller.operator()?;
    let store = platform.store();
    let next = generation(store, app.id).await?.saturating_add(1);
    store
        .put_record(GENERATION_SPACE, &app.id.0.to_string(), &next.to_string())
        .await?;
    tracing::info!(app = %app_id_of(app.id), "portal tokens expired");
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn health<S: ApplicationStore + 'static>(
    State(_platform): State<Platform<S>>,
    Call(_request): Call<HealthCheck>,
) -> Result<Response, OperatorError> {
    Ok(StatusCode::NO_CONTENT.into_response())
}
