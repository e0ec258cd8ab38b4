//! Applications, their endpoints and events, and keyed records, for both dialects
//! ([`ApplicationStore`]). Every statement has the same text in SQLite and PostgreSQL.

use super::ops::{endpoint_row, with_types};
use super::statements::endpoint_columns;
use super::{Arg, Dialect, SqlOutbox, db};
use crate::BoxFuture;
use crate::outbox::application::{metadata_from, metadata_json};
use crate::outbox::{
    AppId, Application, ApplicationStore, EndpointId, Erased, EventQuery, KeyedRecord,
    NewApplication, OutboxStore, StoreError, StoredEvent, WebhookEndpoint,
};

macro_rules! app_columns {
    () => {
        "SELECT id, uid, name, metadata, rate_limit, created_at, updated_at FROM hw_application "
    };
}

const APP: &str = concat!(app_columns!(), "WHERE id = $1");
const APP_BY_UID: &str = concat!(app_columns!(), "WHERE uid = $1");
const APPS: &str = concat!(app_columns!(), "WHERE id > $1 ORDER BY id LIMIT $2");
const APP_EXISTS: &str = "SELECT id FROM hw_application WHERE id = $1";

const INSERT_APP: &str = "\
INSERT INTO hw_application (uid, name, metadata, rate_limit, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";

const UPDATE_APP: &str = "\
UPDATE hw_application SET uid = $2, name = $3, metadata = $4, rate_limit = $5, updated_at = $6
WHERE id = $1";

/// Erasing an application: the attempt log and deliveries of its endpoints and events, its
/// endpoints' subscriptions, its endpoints, its events, itself.
const ERASE: [&str; 6] = [
    "DELETE FROM hw_attempt WHERE delivery_id IN (SELECT d.id FROM hw_delivery d \
     WHERE d.endpoint_id IN (SELECT id FROM hw_endpoint WHERE app_id = $1) \
        OR d.event_pk IN (SELECT id FROM hw_event WHERE app_id = $1))",
    "DELETE FROM hw_delivery WHERE endpoint_id IN (SELECT id FROM hw_endpoint WHERE app_id = $1) \
        OR event_pk IN (SELECT id FROM hw_event WHERE app_id = $1)",
    "DELETE FROM hw_endpoint_type WHERE endpoint_id IN (SELECT id FROM hw_endpoint WHERE app_id = $1)",
    "DELETE FROM hw_endpoint WHERE app_id = $1",
    "DELETE FROM hw_event WHERE app_id = $1",
    "DELETE FROM hw_application WHERE id = $1",
];

const APP_ENDPOINTS: &str = concat!(
    endpoint_columns!(),
    "WHERE app_id = $1 AND id > $2 ORDER BY id LIMIT $3"
);
const ENDPOINT_BY_UID: &str = concat!(endpoint_columns!(), "WHERE app_id = $1 AND uid = $2");

macro_rules! events {
    ($compare:literal, $order:literal) => {
        concat!(
            "SELECT id, event_id, event_type, app_id, dedupe_key, is_message, payload, created_at \
             FROM hw_event WHERE app_id IS NOT DISTINCT FROM CAST($1 AS BIGINT) \
               AND (CAST($2 AS TEXT) IS NULL OR event_id = $2) \
               AND (CAST($3 AS TEXT) IS NULL OR dedupe_key = $3) \
               AND id ",
            $compare,
            " $4 ORDER BY id ",
            $order,
            " LIMIT $5"
        )
    };
}
const EVENTS_OLDEST: &str = events!(">", "ASC");
const EVENTS_NEWEST: &str = events!("<", "DESC");

const PUT_RECORD: &str = "\
INSERT INTO hw_record (space, key, value, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (space, key) DO UPDATE SET value = excluded.value";
const INSERT_RECORD: &str = "\
INSERT INTO hw_record (space, key, value, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (space, key) DO NOTHING RETURNING key";
const RECORD: &str = "SELECT key, value, created_at FROM hw_record WHERE space = $1 AND key = $2";
const RECORDS: &str = "\
SELECT key, value, created_at FROM hw_record WHERE space = $1 AND key > $2 ORDER BY key LIMIT $3";
const DELETE_RECORD: &str = "DELETE FROM hw_record WHERE space = $1 AND key = $2";
const DELETE_RECORDS: &str = "DELETE FROM hw_record WHERE space = $1 AND created_at < $2";

/// [`StoreError::NotFound`] unless application `app` exists.
pub(super) async fn require_app<D: Dialect>(
    conn: &mut D::Connection,
    app: i64,
) -> Result<(), StoreError> {
    match D::fetch_optional(conn, APP_EXISTS, &[Arg::Int(app)]).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound {
            what: "application",
            id: app,
        }),
    }
}

/// A unique index's refusal as [`StoreError::Conflict`] on `what` `key`; other errors as they are.
pub(super) fn conflict(error: StoreError, what: &'static str, key: &str) -> StoreError {
    let unique = match &error {
        StoreError::Database(source) => source
            .downcast_ref::<sqlx::Error>()
            .and_then(sqlx::Error::as_database_error)
            .is_some_and(|e| e.is_unique_violation()),
        _ => false,
    };
    if unique {
        StoreError::Conflict {
            what,
            key: key.to_owned(),
        }
    } else {
        error
    }
}

fn app_row<D: Dialect>(row: &D::Row) -> Result<Application, StoreError> {
    let rate = D::maybe_int(row, 4)?;
    Ok(Application {
        id: AppId(D::int(row, 0)?),
        uid: D::maybe_text(row, 1)?,
        name: D::text(row, 2)?,
        metadata: metadata_from("hw_application", &D::text(row, 3)?)?,
        rate_limit: rate.map(|r| u32::try_from(r).unwrap_or(u32::MAX)),
        created_at: D::int(row, 5)?,
        updated_at: D::int(row, 6)?,
    })
}

fn record_row<D: Dialect>(row: &D::Row) -> Result<KeyedRecord, StoreError> {
    Ok(KeyedRecord {
        key: D::text(row, 0)?,
        value: D::text(row, 1)?,
        created_at: D::int(row, 2)?,
    })
}

fn event_row<D: Dialect>(row: &D::Row) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        position: D::int(row, 0)?,
        event_id: D::text(row, 1)?,
        event_type: D::text(row, 2)?,
        app: D::maybe_int(row, 3)?.map(AppId),
        dedupe_key: D::maybe_text(row, 4)?,
        is_message: D::flag(row, 5)?,
        payload: D::text(row, 6)?,
        created_at: D::int(row, 7)?,
    })
}

fn limit_arg(limit: u32) -> Arg<'static> {
    Arg::Int(i64::from(limit.clamp(1, 1000)))
}

impl<D: Dialect> SqlOutbox<D> {
    async fn one_app(
        &self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<Option<Application>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let row = D::fetch_optional(&mut conn, sql, args).await?;
        row.as_ref().map(app_row::<D>).transpose()
    }

    async fn write_app(
        &self,
        id: Option<AppId>,
        app: &NewApplication,
    ) -> Result<Application, StoreError> {
        app.validate()?;
        let now = self.now();
        let metadata = metadata_json(&app.metadata);
        let rate = app.rate_limit.map(i64::from);
        let uid = app.uid.as_deref();
        let mut tx = self.begin().await?;
        let id = match id {
            None => {
                let args = [
                    Arg::MaybeText(uid),
                    Arg::Text(&app.name),
                    Arg::Text(&metadata),
                    Arg::MaybeInt(rate),
                    Arg::Int(now),
                ];
                let row = D::fetch_optional(&mut tx, INSERT_APP, &args)
                    .await
                    .map_err(|e| conflict(e, "application", uid.unwrap_or_default()))?;
                match row {
                    Some(row) => D::int(&row, 0)?,
                    None => return Err(db(sqlx::Error::RowNotFound)),
                }
            }
            Some(id) => {
                let args = [
                    Arg::Int(id.0),
                    Arg::MaybeText(uid),
                    Arg::Text(&app.name),
                    Arg::Text(&metadata),
                    Arg::MaybeInt(rate),
                    Arg::Int(now),
                ];
                let changed = D::execute(&mut tx, UPDATE_APP, &args)
                    .await
                    .map_err(|e| conflict(e, "application", uid.unwrap_or_default()))?;
                if changed == 0 {
                    return Err(StoreError::NotFound {
                        what: "application",
                        id: id.0,
                    });
                }
                id.0
            }
        };
        let row = D::fetch_optional(&mut tx, APP, &[Arg::Int(id)]).await?;
        let app = row.as_ref().map(app_row::<D>).transpose()?;
        tx.commit().await.map_err(db)?;
        app.ok_or_else(|| db(sqlx::Error::RowNotFound))
    }

    async fn erase(&self, id: AppId) -> Result<Erased, StoreError> {
        let mut tx = self.begin().await?;
        let mut counts = [0; 6];
        for (count, statement) in counts.iter_mut().zip(ERASE) {
            *count = D::execute(&mut tx, statement, &[Arg::Int(id.0)]).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(Erased {
            existed: counts[5] > 0,
            endpoints: counts[3],
            events: counts[4],
            deliveries: counts[1],
        })
    }

    async fn endpoints_where(
        &self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let rows = D::fetch_all(&mut conn, sql, args).await?;
        drop(conn);
        let endpoints = rows
            .iter()
            .map(endpoint_row::<D>)
            .collect::<Result<_, _>>()?;
        with_types(self, endpoints).await
    }

    async fn list_events(&self, query: &EventQuery) -> Result<Vec<StoredEvent>, StoreError> {
        let (sql, start) = if query.newest_first {
            (EVENTS_NEWEST, i64::MAX)
        } else {
            (EVENTS_OLDEST, 0)
        };
        let args = [
            Arg::MaybeInt(query.app.map(|app| app.0)),
            Arg::MaybeText(query.event_id.as_deref()),
            Arg::MaybeText(query.dedupe_key.as_deref()),
            Arg::Int(query.after.unwrap_or(start)),
            limit_arg(query.limit),
        ];
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let rows = D::fetch_all(&mut conn, sql, &args).await?;
        rows.iter().map(event_row::<D>).collect()
    }

    async fn records_where(
        &self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<Vec<KeyedRecord>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let rows = D::fetch_all(&mut conn, sql, args).await?;
        rows.iter().map(record_row::<D>).collect()
    }

    /// Writes a record: replacing (`replace`) or, when the key is taken, returning the
    /// record that holds it.
    async fn write_record(
        &self,
        replace: bool,
        space: &str,
        key: &str,
        value: &str,
    ) -> Result<Option<KeyedRecord>, StoreError> {
        let now = self.now();
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let args = [
            Arg::Text(space),
            Arg::Text(key),
            Arg::Text(value),
            Arg::Int(now),
        ];
        if replace {
            D::execute(&mut conn, PUT_RECORD, &args).await?;
            return Ok(None);
        }
        if D::fetch_optional(&mut conn, INSERT_RECORD, &args)
            .await?
            .is_some()
        {
            return Ok(None);
        }
        let row = D::fetch_optional(&mut conn, RECORD, &[Arg::Text(space), Arg::Text(key)]).await?;
        row.as_ref().map(record_row::<D>).transpose()
    }

    async fn remove_records(
        &self,
        space: &str,
        key: Option<&str>,
        before: i64,
    ) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        match key {
            Some(key) => {
                D::execute(
                    &mut conn,
                    DELETE_RECORD,
                    &[Arg::Text(space), Arg::Text(key)],
                )
                .await
            }
            None => {
                D::execute(
                    &mut conn,
                    DELETE_RECORDS,
                    &[Arg::Text(space), Arg::Int(before)],
                )
                .await
            }
        }
    }
}

impl<D: Dialect> ApplicationStore for SqlOutbox<D> {
    fn add_application<'a>(
        &'a self,
        app: &'a NewApplication,
    ) -> BoxFuture<'a, Result<Application, StoreError>> {
        Box::pin(self.write_app(None, app))
    }

    fn update_application<'a>(
        &'a self,
        id: AppId,
        app: &'a NewApplication,
    ) -> BoxFuture<'a, Result<Application, StoreError>> {
        Box::pin(self.write_app(Some(id), app))
    }

    fn application(&self, id: AppId) -> BoxFuture<'_, Result<Option<Application>, StoreError>> {
        Box::pin(async move { self.one_app(APP, &[Arg::Int(id.0)]).await })
    }

    fn application_by_uid<'a>(
        &'a self,
        uid: &'a str,
    ) -> BoxFuture<'a, Result<Option<Application>, StoreError>> {
        Box::pin(async move { self.one_app(APP_BY_UID, &[Arg::Text(uid)]).await })
    }

    fn applications(
        &self,
        after: Option<AppId>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<Application>, StoreError>> {
        Box::pin(async move {
            let mut conn = self.pool.acquire().await.map_err(db)?;
            let args = [Arg::Int(after.map_or(0, |id| id.0)), limit_arg(limit)];
            let rows = D::fetch_all(&mut conn, APPS, &args).await?;
            rows.iter().map(app_row::<D>).collect()
        })
    }

    fn delete_application(&self, id: AppId) -> BoxFuture<'_, Result<Erased, StoreError>> {
        Box::pin(self.erase(id))
    }

    fn app_endpoints(
        &self,
        app: AppId,
        after: Option<EndpointId>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<WebhookEndpoint>, StoreError>> {
        Box::pin(async move {
            let args = [
                Arg::Int(app.0),
                Arg::Int(after.map_or(0, |id| id.0)),
                limit_arg(limit),
            ];
            self.endpoints_where(APP_ENDPOINTS, &args).await
        })
    }

    fn endpoint_by_uid<'a>(
        &'a self,
        app: AppId,
        uid: &'a str,
    ) -> BoxFuture<'a, Result<Option<WebhookEndpoint>, StoreError>> {
        Box::pin(async move {
            let args = [Arg::Int(app.0), Arg::Text(uid)];
            Ok(self.endpoints_where(ENDPOINT_BY_UID, &args).await?.pop())
        })
    }

    fn events<'a>(
        &'a self,
        query: &'a EventQuery,
    ) -> BoxFuture<'a, Result<Vec<StoredEvent>, StoreError>> {
        Box::pin(self.list_events(query))
    }

    fn put_record<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { self.write_record(true, space, key, value).await.map(drop) })
    }

    fn insert_record<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<Option<KeyedRecord>, StoreError>> {
        Box::pin(self.write_record(false, space, key, value))
    }

    fn record_of<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Option<KeyedRecord>, StoreError>> {
        Box::pin(async move {
            Ok(self
                .records_where(RECORD, &[Arg::Text(space), Arg::Text(key)])
                .await?
                .pop())
        })
    }

    fn records<'a>(
        &'a self,
        space: &'a str,
        after: Option<&'a str>,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<KeyedRecord>, StoreError>> {
        Box::pin(async move {
            let args = [
                Arg::Text(space),
                Arg::Text(after.unwrap_or("")),
                limit_arg(limit),
            ];
            self.records_where(RECORDS, &args).await
        })
    }

    fn delete_records<'a>(
        &'a self,
        space: &'a str,
        key: Option<&'a str>,
        before: i64,
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(self.remove_records(space, key, before))
    }
}
