//! Applications: list, create (with `get_if_exists`), get, update (`PUT` upserts), patch,
//! delete (erasure).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::extract::{Call, application, find_application};
use super::operations::{
    CreateApplication, DeleteApplication, GetApplication, ListApplications, PatchApplication,
    UpdateApplication,
};
use super::{
    ApplicationOut, Caller, ListResponse, OperatorError, Platform, app_id_of, parse_app_id,
};
use crate::outbox::{Application, ApplicationStore, StoreError};

/// `200` (or `status`) with `body` as JSON.
pub(crate) fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    (status, axum::Json(body)).into_response()
}

pub(crate) async fn list<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<ListApplications>,
) -> Result<Response, OperatorError> {
    let limit = request.limit.unwrap_or_default().get();
    let after = request
        .iterator
        .as_ref()
        .and_then(|iterator| parse_app_id(iterator.as_str()));
    let apps: Vec<Application> = match caller {
        Caller::Operator => platform.store().applications(after, limit + 1).await?,
        Caller::Application(own) => platform
            .store()
            .application(own)
            .await?
            .into_iter()
            .filter(|app| after.is_none_or(|after| app.id > after))
            .collect(),
    };
    let out: Vec<ApplicationOut> = apps.iter().map(ApplicationOut::from).collect();
    let page = ListResponse::page(out, limit, |app| app.id.clone());
    Ok(json(StatusCode::OK, &page))
}

pub(crate) async fn create<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<CreateApplication>,
) -> Result<Response, OperatorError> {
    caller.operator()?;
    let new = request.body.to_new();
    match platform.store().add_application(&new).await {
        Ok(app) => Ok(json(StatusCode::CREATED, &ApplicationOut::from(&app))),
        Err(StoreError::Conflict { .. }) if request.get_if_exists == Some(true) => {
            let uid = new.uid.as_deref().unwrap_or_default();
            let app = platform
                .store()
                .application_by_uid(uid)
                .await?
                .ok_or(OperatorError::NotFound)?;
            Ok(json(StatusCode::OK, &ApplicationOut::from(&app)))
        }
        Err(error) => Err(error.into()),
    }
}

pub(crate) async fn get<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<GetApplication>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    Ok(json(StatusCode::OK, &ApplicationOut::from(&app)))
}

pub(crate) async fn update<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<UpdateApplication>,
) -> Result<Response, OperatorError> {
    let mut new = request.body.to_new();
    match find_application(&platform, &request.app_id).await? {
        Some(app) if caller.may_see(app.id) => {
            caller.operator()?;
            let app = platform.store().update_application(app.id, &new).await?;
            Ok(json(StatusCode::OK, &ApplicationOut::from(&app)))
        }
        Some(_) => Err(OperatorError::NotFound),
        None => {
            caller.operator().map_err(|_| OperatorError::NotFound)?;
            if parse_app_id(request.app_id.as_str()).is_some() {
                return Err(OperatorError::NotFound);
            }
            new.uid = Some(request.app_id.as_str().to_owned());
            let app = platform.store().add_application(&new).await?;
            Ok(json(StatusCode::CREATED, &ApplicationOut::from(&app)))
        }
    }
}

pub(crate) async fn patch<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<PatchApplication>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    caller.operator()?;
    let new = request.body.apply(&app);
    let app = platform.store().update_application(app.id, &new).await?;
    Ok(json(StatusCode::OK, &ApplicationOut::from(&app)))
}

pub(crate) async fn delete<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<DeleteApplication>,
) -> Result<Response, OperatorError> {
    let app = application(&platform, caller, &request.app_id).await?;
    caller.operator()?;
    platform.store().delete_application(app.id).await?;
    tracing::info!(app = %app_id_of(app.id), "application deleted through the operator API");
    Ok(StatusCode::NO_CONTENT.into_response())
}
