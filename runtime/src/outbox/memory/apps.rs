//! Applications and keyed records in the memory outbox.

use std::collections::{BTreeMap, HashSet};

use super::state::State;
use super::{MemoryOutbox, limit_of};
use crate::BoxFuture;
use crate::outbox::{
    AppId, Application, ApplicationStore, EndpointId, Erased, EventQuery, KeyedRecord,
    NewApplication, NewEndpoint, OutboxStore, RawEvent, StoreError, StoredEvent, WebhookEndpoint,
};

/// An application as kept.
#[derive(Debug)]
pub(super) struct App {
    uid: Option<String>,
    name: String,
    metadata: BTreeMap<String, String>,
    rate_limit: Option<u32>,
    created_at: i64,
    updated_at: i64,
}

/// A keyed record as kept: its value and when it was first written.
#[derive(Debug)]
pub(super) struct Record {
    value: String,
    created_at: i64,
}

fn view(id: i64, app: &App) -> Application {
    Application {
        id: AppId(id),
        uid: app.uid.clone(),
        name: app.name.clone(),
        metadata: app.metadata.clone(),
        rate_limit: app.rate_limit,
        created_at: app.created_at,
        updated_at: app.updated_at,
    }
}

fn no_app(id: i64) -> StoreError {
    StoreError::NotFound {
        what: "application",
        id,
    }
}

impl State {
    /// Refuses an endpoint of application `app` when it does not exist, or when `endpoint`'s
    /// uid is used by another endpoint (not `except`) of that application.
    pub(super) fn check_endpoint(
        &self,
        app: Option<i64>,
        endpoint: &NewEndpoint,
        except: Option<i64>,
    ) -> Result<(), StoreError> {
        if let Some(app) = app
            && !self.apps.contains_key(&app)
        {
            return Err(no_app(app));
        }
        if let Some(uid) = &endpoint.uid {
            let taken = self.endpoints.values().any(|e| {
                Some(e.id) != except && e.app == app && e.uid.as_deref() == Some(uid.as_str())
            });
            if taken {
                return Err(StoreError::Conflict {
                    what: "endpoint",
                    key: uid.clone(),
                });
            }
        }
        Ok(())
    }

    /// Refuses an event for an application that does not exist, or whose dedupe key is taken
    /// (by a stored event, or one in `keys`: earlier in the same batch).
    pub(super) fn check_publish(
        &self,
        event: &RawEvent,
        keys: &mut HashSet<(Option<i64>, String)>,
    ) -> Result<(), StoreError> {
        if let Some(key) = event.ordering() {
            crate::outbox::check_ordering_key(key)?;
        }
        let app = event.application().map(|app| app.0);
        if let Some(app) = app
            && !self.apps.contains_key(&app)
        {
            return Err(no_app(app));
        }
        if let Some(key) = event.dedupe() {
            let stored = self
                .events
                .values()
                .any(|e| e.app == app && e.dedupe_key.as_deref() == Some(key));
            if stored || !keys.insert((app, key.to_owned())) {
                return Err(StoreError::Conflict {
                    what: "event",
                    key: key.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// The default rate limit of application `app`'s endpoints.
    pub(super) fn app_rate_limit(&self, app: i64) -> Option<u32> {
        self.apps.get(&app).and_then(|kept| kept.rate_limit)
    }

    fn uid_taken(&self, uid: Option<&str>, except: Option<i64>) -> Result<(), StoreError> {
        match uid {
            Some(uid)
                if self
                    .apps
                    .iter()
                    .any(|(id, app)| Some(*id) != except && app.uid.as_deref() == Some(uid)) =>
            {
                Err(StoreError::Conflict {
                    what: "application",
                    key: uid.to_owned(),
                })
            }
            _ => Ok(()),
        }
    }

    fn erase(&mut self, id: i64) -> Erased {
        if self.apps.remove(&id).is_none() {
            return Erased::default();
        }
        let endpoints: Vec<i64> = self
            .endpoints
            .values()
            .filter(|e| e.app == Some(id))
            .map(|e| e.id)
            .collect();
        let events: HashSet<i64> = self
            .events
            .iter()
            .filter(|(_, e)| e.app == Some(id))
            .map(|(pk, _)| *pk)
            .collect();
        let before = self.deliveries.len();
        let log = &mut self.log;
        self.deliveries.retain(|delivery_id, d| {
            let keep = !endpoints.contains(&d.endpoint) && !events.contains(&d.event);
            if !keep {
                log.remove(delivery_id);
            }
            keep
        });
        for endpoint in &endpoints {
            self.endpoints.remove(endpoint);
        }
        self.events.retain(|pk, _| !events.contains(pk));
        Erased {
            existed: true,
            endpoints: endpoints.len() as u64,
            events: events.len() as u64,
            deliveries: (before - self.deliveries.len()) as u64,
        }
    }
}

impl ApplicationStore for MemoryOutbox {
    fn add_application<'a>(
        &'a self,
        app: &'a NewApplication,
    ) -> BoxFuture<'a, Result<Application, StoreError>> {
        Box::pin(async move {
            app.validate()?;
            let now = self.now();
            let mut state = self.state.lock().await;
            state.uid_taken(app.uid.as_deref(), None)?;
            state.next_app += 1;
            let id = state.next_app;
            let kept = App {
                uid: app.uid.clone(),
                name: app.name.clone(),
                metadata: app.metadata.clone(),
                rate_limit: app.rate_limit,
                created_at: now,
                updated_at: now,
            };
            let out = view(id, &kept);
            state.apps.insert(id, kept);
            Ok(out)
        })
    }

    fn update_application<'a>(
        &'a self,
        id: AppId,
        app: &'a NewApplication,
    ) -> BoxFuture<'a, Result<Application, StoreError>> {
        Box::pin(async move {
            app.validate()?;
            let now = self.now();
            let mut state = self.state.lock().await;
            state.uid_taken(app.uid.as_deref(), Some(id.0))?;
            let kept = state.apps.get_mut(&id.0).ok_or_else(|| no_app(id.0))?;
            kept.uid.clone_from(&app.uid);
            kept.name.clone_from(&app.name);
            kept.metadata.clone_from(&app.metadata);
            kept.rate_limit = app.rate_limit;
            kept.updated_at = now;
            Ok(view(id.0, kept))
        })
    }

    fn application(&self, id: AppId) -> BoxFuture<'_, Result<Option<Application>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            Ok(state.apps.get(&id.0).map(|app| view(id.0, app)))
        })
    }

    fn application_by_uid<'a>(
        &'a self,
        uid: &'a str,
    ) -> BoxFuture<'a, Result<Option<Application>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            Ok(state
                .apps
                .iter()
                .find(|(_, app)| app.uid.as_deref() == Some(uid))
                .map(|(id, app)| view(*id, app)))
        })
    }

    fn applications(
        &self,
        after: Option<AppId>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<Application>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            let from = after.map_or(0, |id| id.0).saturating_add(1);
            Ok(state
                .apps
                .range(from..)
                .take(limit_of(limit))
                .map(|(id, app)| view(*id, app))
                .collect())
        })
    }

    fn delete_application(&self, id: AppId) -> BoxFuture<'_, Result<Erased, StoreError>> {
        Box::pin(async move { Ok(self.state.lock().await.erase(id.0)) })
    }

    fn app_endpoints(
        &self,
        app: AppId,
        after: Option<EndpointId>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<WebhookEndpoint>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            let from = after.map_or(0, |id| id.0).saturating_add(1);
            Ok(state
                .endpoints
                .range(from..)
                .filter(|(_, e)| e.app == Some(app.0))
                .take(limit_of(limit))
                .map(|(_, e)| e.view())
                .collect())
        })
    }

    fn endpoint_by_uid<'a>(
        &'a self,
        app: AppId,
        uid: &'a str,
    ) -> BoxFuture<'a, Result<Option<WebhookEndpoint>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            Ok(state
                .endpoints
                .values()
                .find(|e| e.app == Some(app.0) && e.uid.as_deref() == Some(uid))
                .map(super::state::Endpoint::view))
        })
    }

    fn events<'a>(
        &'a self,
        query: &'a EventQuery,
    ) -> BoxFuture<'a, Result<Vec<StoredEvent>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            let app = query.app.map(|app| app.0);
            let matches = |(pk, e): &(&i64, &super::state::Event)| {
                e.app == app
                    && query.event_id.as_ref().is_none_or(|id| *id == e.event_id)
                    && query
                        .dedupe_key
                        .as_ref()
                        .is_none_or(|key| Some(key) == e.dedupe_key.as_ref())
                    && query.after.is_none_or(|after| {
                        if query.newest_first {
                            **pk < after
                        } else {
                            **pk > after
                        }
                    })
            };
            let info = |(pk, e): (&i64, &super::state::Event)| StoredEvent {
                position: *pk,
                event_id: e.event_id.clone(),
                event_type: e.event_type.clone(),
                app: e.app.map(AppId),
                dedupe_key: e.dedupe_key.clone(),
                is_message: e.is_message,
                payload: e.payload.clone(),
                created_at: e.created_at,
            };
            let limit = limit_of(query.limit);
            Ok(if query.newest_first {
                let rows = state.events.iter().rev().filter(matches).take(limit);
                rows.map(info).collect()
            } else {
                let rows = state.events.iter().filter(matches).take(limit);
                rows.map(info).collect()
            })
        })
    }

    fn put_record<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let now = self.now();
            let mut state = self.state.lock().await;
            let record = state
                .records
                .entry((space.to_owned(), key.to_owned()))
                .or_insert(Record {
                    value: String::new(),
                    created_at: now,
                });
            value.clone_into(&mut record.value);
            Ok(())
        })
    }

    fn insert_record<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<Option<KeyedRecord>, StoreError>> {
        Box::pin(async move {
            let now = self.now();
            let mut state = self.state.lock().await;
            let entry = (space.to_owned(), key.to_owned());
            if let Some(record) = state.records.get(&entry) {
                return Ok(Some(keyed(key, record)));
            }
            let record = Record {
                value: value.to_owned(),
                created_at: now,
            };
            state.records.insert(entry, record);
            Ok(None)
        })
    }

    fn record_of<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Option<KeyedRecord>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            let entry = (space.to_owned(), key.to_owned());
            Ok(state.records.get(&entry).map(|record| keyed(key, record)))
        })
    }

    fn records<'a>(
        &'a self,
        space: &'a str,
        after: Option<&'a str>,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<KeyedRecord>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            Ok(state
                .records
                .iter()
                .filter(|((s, k), _)| s == space && after.is_none_or(|after| k.as_str() > after))
                .take(limit_of(limit))
                .map(|((_, k), record)| keyed(k, record))
                .collect())
        })
    }

    fn delete_records<'a>(
        &'a self,
        space: &'a str,
        key: Option<&'a str>,
        before: i64,
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            let count = state.records.len();
            state.records.retain(|(s, k), record| {
                let hit = s == space
                    && match key {
                        Some(key) => k == key,
                        None => record.created_at < before,
                    };
                !hit
            });
            Ok((count - state.records.len()) as u64)
        })
    }
}

fn keyed(key: &str, record: &Record) -> KeyedRecord {
    KeyedRecord {
        key: key.to_owned(),
        value: record.value.clone(),
        created_at: record.created_at,
    }
}
