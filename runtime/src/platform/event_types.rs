//! Event types: the catalog customers choose from. Each is a keyed record (space
//! `event_type`); the Rust catalog given to the builder is registered when the platform is
//! built, its JSON Schema as version `"1"`.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::apps::json;
use super::extract::Call;
use super::operations::{
    CreateEventType, DeleteEventType, GetEventType, ListEventTypes, PatchEventType, UpdateEventType,
};
use super::{Caller, EventTypeOut, ListResponse, OperatorError, Platform};
use crate::Timestamp;
use crate::outbox::{ApplicationStore, KeyedRecord, StoreError};

/// The keyed-record space of event types.
const SPACE: &str = "event_type";

/// One event of the Rust catalog, to register.
#[derive(Debug, Clone)]
pub(crate) struct CatalogEntry {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) schema: Value,
    pub(crate) deprecated: bool,
}

/// An event type as stored (the record's value).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    description: String,
    archived: bool,
    deprecated: bool,
    schemas: Option<Map<String, Value>>,
    group_name: Option<String>,
    updated_at: i64,
}

impl Stored {
    /// An event type with these fields, changed at `now`.
    fn of(
        description: &super::Text<4096>,
        archived: bool,
        deprecated: bool,
        schemas: Option<Map<String, Value>>,
        group: Option<&super::EventTypeName>,
        now: i64,
    ) -> Self {
        Stored {
            description: description.as_str().to_owned(),
            archived,
            deprecated,
            schemas,
            group_name: group.map(|name| name.as_str().to_owned()),
            updated_at: now,
        }
    }

    fn out(&self, name: &str, created_at: i64, with_content: bool) -> EventTypeOut {
        EventTypeOut {
            name: name.to_owned(),
            description: self.description.clone(),
            archived: self.archived,
            deprecated: self.deprecated,
            schemas: if with_content {
                self.schemas.clone()
            } else {
                None
            },
            group_name: self.group_name.clone(),
            feature_flags: None,
            created_at: Timestamp::from_unix(created_at),
            updated_at: Timestamp::from_unix(self.updated_at),
        }
    }

    fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

fn read(record: &KeyedRecord) -> Result<Stored, OperatorError> {
    serde_json::from_str(&record.value).map_err(|e| {
        OperatorError::Internal(format!(
            "event type `{}` is stored unreadably: {e}",
            record.key
        ))
    })
}

/// Registers the catalog's event types the store does not hold yet.
pub(crate) async fn register_catalog<S: ApplicationStore>(
    platform: &Platform<S>,
) -> Result<(), StoreError> {
    let store = platform.store();
    for entry in platform.catalog() {
        let mut schemas = Map::new();
        schemas.insert("1".to_owned(), entry.schema.clone());
        let stored = Stored {
            description: entry.description.clone(),
            archived: false,
            deprecated: entry.deprecated,
            schemas: Some(schemas),
            group_name: None,
            updated_at: store.now(),
        };
        store
            .insert_record(SPACE, &entry.name, &stored.text())
            .await?;
    }
    Ok(())
}

pub(crate) async fn list<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Call(request): Call<ListEventTypes>,
) -> Result<Response, OperatorError> {
    let limit = request.limit.unwrap_or_default().get();
    let with_content = request.with_content.unwrap_or(false);
    let include_archived = request.include_archived.unwrap_or(false);
    let mut after = request.iterator.as_ref().map(|i| i.as_str().to_owned());
    let mut out = Vec::new();
    // Archived types are skipped, so a page may take more than one read.
    loop {
        let records = platform
            .store()
            .records(SPACE, after.as_deref(), limit + 1)
            .await?;
        let exhausted = records.len() <= limit as usize;
        for record in &records {
            let stored = read(record)?;
            if include_archived || !stored.archived {
                out.push(stored.out(&record.key, record.created_at, with_content));
            }
            after = Some(record.key.clone());
            if out.len() > limit as usize {
                break;
            }
        }
        if exhausted || out.len() > limit as usize {
            break;
        }
    }
    let page = ListResponse::page(out, limit, |event_type| event_type.name.clone());
    Ok(json(StatusCode::OK, &page))
}

pub(crate) async fn create<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<CreateEventType>,
) -> Result<Response, OperatorError> {
    caller.operator()?;
    let body = request.body;
    let store = platform.store();
    let stored = Stored::of(
        &body.description,
        body.archived,
        body.deprecated,
        body.schemas,
        body.group_name.as_ref(),
        store.now(),
    );
    let name = body.name.as_str();
    if store
        .insert_record(SPACE, name, &stored.text())
        .await?
        .is_some()
    {
        return Err(OperatorError::Conflict(format!(
            "event type `{name}` already exists"
        )));
    }
    Ok(json(
        StatusCode::CREATED,
        &stored.out(name, store.now(), true),
    ))
}

pub(crate) async fn get<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Call(request): Call<GetEventType>,
) -> Result<Response, OperatorError> {
    let name = request.event_type_name.as_str();
    let record = platform
        .store()
        .record_of(SPACE, name)
        .await?
        .ok_or(OperatorError::NotFound)?;
    let stored = read(&record)?;
    Ok(json(
        StatusCode::OK,
        &stored.out(name, record.created_at, true),
    ))
}

pub(crate) async fn update<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<UpdateEventType>,
) -> Result<Response, OperatorError> {
    caller.operator()?;
    let name = request.event_type_name.as_str();
    let body = request.body;
    let store = platform.store();
    let existing = store.record_of(SPACE, name).await?;
    let stored = Stored::of(
        &body.description,
        body.archived,
        body.deprecated,
        body.schemas,
        body.group_name.as_ref(),
        store.now(),
    );
    store.put_record(SPACE, name, &stored.text()).await?;
    let (status, created_at) = match existing {
        Some(record) => (StatusCode::OK, record.created_at),
        None => (StatusCode::CREATED, store.now()),
    };
    Ok(json(status, &stored.out(name, created_at, true)))
}

pub(crate) async fn patch<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<PatchEventType>,
) -> Result<Response, OperatorError> {
    caller.operator()?;
    let name = request.event_type_name.as_str();
    let store = platform.store();
    let record = store
        .record_of(SPACE, name)
        .await?
        .ok_or(OperatorError::NotFound)?;
    let mut stored = read(&record)?;
    let patch = request.body;
    if let Some(description) = patch.description {
        stored.description = description.as_str().to_owned();
    }
    if let Some(archived) = patch.archived {
        stored.archived = archived;
    }
    if let Some(deprecated) = patch.deprecated {
        stored.deprecated = deprecated;
    }
    if let Some(schemas) = patch.schemas {
        stored.schemas = schemas;
    }
    if let Some(group) = patch.group_name {
        stored.group_name = group.map(|name| name.as_str().to_owned());
    }
    stored.updated_at = store.now();
    store.put_record(SPACE, name, &stored.text()).await?;
    Ok(json(
        StatusCode::OK,
        &stored.out(name, record.created_at, true),
    ))
}

pub(crate) async fn delete<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    Extension(caller): Extension<Caller>,
    Call(request): Call<DeleteEventType>,
) -> Result<Response, OperatorError> {
    caller.operator()?;
    let name = request.event_type_name.as_str();
    let store = platform.store();
    if store.delete_records(SPACE, Some(name), i64::MAX).await? == 0 {
        return Err(OperatorError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
