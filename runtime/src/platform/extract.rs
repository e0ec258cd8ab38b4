//! Reading a request as an operation (its `#[derive(Endpoint)]` struct), and finding the
//! application and endpoint a path names, as the caller may see them.

use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};

use super::errors::OperatorError;
use super::state::Platform;
use super::{AppRef, Caller, EndpointRef, parse_app_id, parse_endpoint_id};
use crate::endpoint::{Endpoint, Incoming};
use crate::outbox::{Application, ApplicationStore, WebhookEndpoint};

/// The largest body the API reads: 1 MiB.
const BODY_LIMIT: usize = 1024 * 1024;

/// An operation read from a request: path parameters, query, headers and JSON body, each
/// parsed by the operation's `#[derive(Endpoint)]` impl. What does not parse is answered with
/// `422` and the errors' places.
#[derive(Debug)]
pub(crate) struct Call<E>(pub(crate) E);

impl<S: Send + Sync, E: Endpoint> FromRequest<S> for Call<E> {
    type Rejection = OperatorError;

    async fn from_request(request: Request, state: &S) -> Result<Self, OperatorError> {
        let (mut parts, body) = request.into_parts();
        let params: Vec<(String, String)> = RawPathParams::from_request_parts(&mut parts, state)
            .await
            .map(|params| {
                params
                    .iter()
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
            OperatorError::invalid(["body"], "the body is over 1 MiB or was cut off")
        })?;
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first.is_some_and(|b| *b != b'{') {
            return Err(OperatorError::invalid(
                ["body"],
                "the body must be a JSON object",
            ));
        }
        let mut incoming = Incoming::new()
            .with_query(parts.uri.query().unwrap_or(""))
            .with_headers(&parts.headers)
            .with_body(&bytes);
        for (name, value) in &params {
            incoming = incoming.with_path_param(name.as_str(), value.as_str());
        }
        Ok(Call(E::read_request(&incoming)?))
    }
}

/// The application `reference` names (its id, else its uid), if `caller` may see it;
/// otherwise [`OperatorError::NotFound`], as if it did not exist.
pub(crate) async fn application<S: ApplicationStore>(
    platform: &Platform<S>,
    caller: Caller,
    reference: &AppRef,
) -> Result<Application, OperatorError> {
    find_application(platform, reference)
        .await?
        .filter(|app| caller.may_see(app.id))
        .ok_or(OperatorError::NotFound)
}

/// The application `reference` names, whoever asks.
pub(crate) async fn find_application<S: ApplicationStore>(
    platform: &Platform<S>,
    reference: &AppRef,
) -> Result<Option<Application>, OperatorError> {
    let store = platform.store();
    if let Some(id) = parse_app_id(reference.as_str())
        && let Some(app) = store.application(id).await?
    {
        return Ok(Some(app));
    }
    Ok(store.application_by_uid(reference.as_str()).await?)
}

/// The endpoint `reference` names in `app` (its id, else its uid).
pub(crate) async fn endpoint<S: ApplicationStore>(
    platform: &Platform<S>,
    app: &Application,
    reference: &EndpointRef,
) -> Result<WebhookEndpoint, OperatorError> {
    let store = platform.store();
    if let Some(id) = parse_endpoint_id(reference.as_str())
        && let Some(endpoint) = store.endpoint(id).await?
        && endpoint.app == Some(app.id)
    {
        return Ok(endpoint);
    }
    store
        .endpoint_by_uid(app.id, reference.as_str())
        .await?
        .ok_or(OperatorError::NotFound)
}
