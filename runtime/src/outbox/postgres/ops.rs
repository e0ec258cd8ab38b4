//! Endpoints, listings, retry, recover, purge and statistics on PostgreSQL.

use std::collections::BTreeMap;

use sqlx::Row;
use sqlx::postgres::{PgConnection, PgRow};

use super::{PgOutbox, db, sql};
use crate::outbox::{
    AttemptLog, DeliveryId, DeliveryInfo, DeliveryQuery, DeliveryState, DisabledReason, WebhookEndpoint,
    EndpointId, EndpointStats, NewEndpoint, OutboxStats, Purged, Secrets, StoreError, TypeFilter,
};

async fn write_types(
    conn: &mut PgConnection,
    id: i64,
    types: &[TypeFilter],
) -> Result<(), StoreError> {
    sqlx::query(sql::DELETE_TYPES)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    for filter in types {
        let (is_prefix, value) = filter.parts();
        sqlx::query(sql::INSERT_TYPE)
            .bind(id)
            .bind(is_prefix)
            .bind(value)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

pub(super) async fn add_endpoint(
    store: &PgOutbox,
    endpoint: &NewEndpoint,
) -> Result<EndpointId, StoreError> {
    endpoint.validate()?;
    let mut tx = store.pool.begin().await.map_err(db)?;
    let id: i64 = sqlx::query(sql::INSERT_ENDPOINT)
        .bind(&endpoint.url)
        .bind(endpoint.secrets.to_json())
        .bind(endpoint.types.is_empty())
        .bind(endpoint.allow_private)
        .bind(i64::from(endpoint.max_in_flight.max(1)))
        .bind(endpoint.rate_per_second.map(|r| i64::from(r.max(1))))
        .bind(&endpoint.description)
        .bind(store.clock.now().unix_seconds())
        .fetch_one(&mut *tx)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(db)?;
    write_types(&mut tx, id, &endpoint.types).await?;
    tx.commit().await.map_err(db)?;
    Ok(EndpointId(id))
}

pub(super) async fn update_endpoint(
    store: &PgOutbox,
    id: EndpointId,
    endpoint: &NewEndpoint,
) -> Result<(), StoreError> {
    endpoint.validate()?;
    let mut tx = store.pool.begin().await.map_err(db)?;
    let changed = sqlx::query(sql::UPDATE_ENDPOINT)
        .bind(id.0)
        .bind(&endpoint.url)
        .bind(endpoint.secrets.to_json())
        .bind(endpoint.types.is_empty())
        .bind(endpoint.allow_private)
        .bind(i64::from(endpoint.max_in_flight.max(1)))
        .bind(endpoint.rate_per_second.map(|r| i64::from(r.max(1))))
        .bind(&endpoint.description)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound {
            what: "endpoint",
            id: id.0,
        });
    }
    write_types(&mut tx, id.0, &endpoint.types).await?;
    tx.commit().await.map_err(db)
}

fn endpoint_row(row: &PgRow) -> Result<WebhookEndpoint, StoreError> {
    let secrets: String = row.try_get("secrets").map_err(db)?;
    let disabled: Option<String> = row.try_get("disabled").map_err(db)?;
    let disabled = match disabled {
        None => None,
        Some(name) => Some(
            DisabledReason::parse(&name).ok_or_else(|| StoreError::Corrupt {
                table: "hw_endpoint",
                reason: format!("unknown disabled reason `{name}`"),
            })?,
        ),
    };
    let count = |name: &str| -> Result<u32, StoreError> {
        let value: i64 = row.try_get(name).map_err(db)?;
        Ok(u32::try_from(value).unwrap_or(u32::MAX))
    };
    let rate: Option<i64> = row.try_get("rate_per_second").map_err(db)?;
    Ok(WebhookEndpoint {
        id: EndpointId(row.try_get("id").map_err(db)?),
        url: row.try_get("url").map_err(db)?,
        secrets: Secrets::from_json(&secrets)?,
        types: Vec::new(),
        allow_private: row.try_get("allow_private").map_err(db)?,
        max_in_flight: count("max_in_flight")?,
        rate_per_second: rate.map(|r| u32::try_from(r).unwrap_or(u32::MAX)),
        description: row.try_get("description").map_err(db)?,
        disabled,
        consecutive_failures: count("consecutive_failures")?,
        failing_since: row.try_get("failing_since").map_err(db)?,
        paused_until: row.try_get("paused_until").map_err(db)?,
        breaker_opens: count("breaker_opens")?,
        created_at: row.try_get("created_at").map_err(db)?,
    })
}

async fn with_types(
    store: &PgOutbox,
    mut endpoints: Vec<WebhookEndpoint>,
) -> Result<Vec<WebhookEndpoint>, StoreError> {
    if endpoints.is_empty() {
        return Ok(endpoints);
    }
    let ids: Vec<i64> = endpoints.iter().map(|e| e.id.0).collect();
    let mut types: BTreeMap<i64, Vec<TypeFilter>> = BTreeMap::new();
    for row in sqlx::query(sql::ENDPOINT_TYPES)
        .bind(&ids)
        .fetch_all(&store.pool)
        .await
        .map_err(db)?
    {
        let id: i64 = row.try_get(0).map_err(db)?;
        let is_prefix: bool = row.try_get(1).map_err(db)?;
        let value: String = row.try_get(2).map_err(db)?;
        types
            .entry(id)
            .or_default()
            .push(TypeFilter::from_parts(is_prefix, value));
    }
    for endpoint in &mut endpoints {
        endpoint.types = types.remove(&endpoint.id.0).unwrap_or_default();
    }
    Ok(endpoints)
}

pub(super) async fn endpoint(
    store: &PgOutbox,
    id: EndpointId,
) -> Result<Option<WebhookEndpoint>, StoreError> {
    let row = sqlx::query(sql::ENDPOINT)
        .bind(id.0)
        .fetch_optional(&store.pool)
        .await
        .map_err(db)?;
    match row {
        None => Ok(None),
        Some(row) => Ok(with_types(store, vec![endpoint_row(&row)?]).await?.pop()),
    }
}

pub(super) async fn endpoints(
    store: &PgOutbox,
    after: Option<EndpointId>,
    limit: u32,
) -> Result<Vec<WebhookEndpoint>, StoreError> {
    let rows = sqlx::query(sql::ENDPOINTS)
        .bind(after.map_or(0, |id| id.0))
        .bind(i64::from(limit.clamp(1, 1000)))
        .fetch_all(&store.pool)
        .await
        .map_err(db)?;
    let endpoints = rows.iter().map(endpoint_row).collect::<Result<_, _>>()?;
    with_types(store, endpoints).await
}

pub(super) async fn set_enabled(
    store: &PgOutbox,
    id: EndpointId,
    enabled: bool,
) -> Result<(), StoreError> {
    let now = store.clock.now().unix_seconds();
    let mut tx = store.pool.begin().await.map_err(db)?;
    let changed = if enabled {
        let changed = sqlx::query(sql::ENABLE)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        sqlx::query(sql::UNHOLD)
            .bind(id.0)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        changed
    } else {
        let exists = sqlx::query(sql::ENDPOINT)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .is_some();
        sqlx::query(sql::DISABLE)
            .bind(id.0)
            .bind(DisabledReason::Manual.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query(sql::HOLD)
            .bind(id.0)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        u64::from(exists)
    };
    if changed == 0 {
        return Err(StoreError::NotFound {
            what: "endpoint",
            id: id.0,
        });
    }
    tx.commit().await.map_err(db)?;
    if enabled {
        store.wake();
    }
    Ok(())
}

fn state(name: &str, table: &'static str) -> Result<DeliveryState, StoreError> {
    DeliveryState::parse(name).ok_or_else(|| StoreError::Corrupt {
        table,
        reason: format!("unknown delivery state `{name}`"),
    })
}

pub(super) async fn deliveries(
    store: &PgOutbox,
    query: &DeliveryQuery,
) -> Result<Vec<DeliveryInfo>, StoreError> {
    let rows = sqlx::query(sql::DELIVERIES)
        .bind(query.after.map_or(0, |id| id.0))
        .bind(query.state.map(DeliveryState::as_str))
        .bind(query.endpoint.map(|id| id.0))
        .bind(query.event_id.as_deref())
        .bind(i64::from(query.limit.clamp(1, 1000)))
        .fetch_all(&store.pool)
        .await
        .map_err(db)?;
    rows.iter()
        .map(|row| {
            let name: String = row.try_get(5).map_err(db)?;
            let status: Option<i64> = row.try_get(8).map_err(db)?;
            Ok(DeliveryInfo {
                id: DeliveryId(row.try_get(0).map_err(db)?),
                webhook_id: row.try_get(1).map_err(db)?,
                event_id: row.try_get(2).map_err(db)?,
                event_type: row.try_get(3).map_err(db)?,
                endpoint: EndpointId(row.try_get(4).map_err(db)?),
                state: state(&name, "hw_delivery")?,
                attempts: u32::try_from(row.try_get::<i64, _>(6).map_err(db)?).unwrap_or(0),
                next_attempt_at: row.try_get(7).map_err(db)?,
                last_status: status.and_then(|s| u16::try_from(s).ok()),
                created_at: row.try_get(9).map_err(db)?,
                updated_at: row.try_get(10).map_err(db)?,
            })
        })
        .collect()
}

pub(super) async fn attempts(
    store: &PgOutbox,
    delivery: DeliveryId,
) -> Result<Vec<AttemptLog>, StoreError> {
    let rows = sqlx::query(sql::ATTEMPTS)
        .bind(delivery.0)
        .fetch_all(&store.pool)
        .await
        .map_err(db)?;
    rows.iter()
        .map(|row| {
            let status: Option<i64> = row.try_get(4).map_err(db)?;
            Ok(AttemptLog {
                delivery: DeliveryId(row.try_get(0).map_err(db)?),
                attempt: u32::try_from(row.try_get::<i64, _>(1).map_err(db)?).unwrap_or(0),
                at: row.try_get(2).map_err(db)?,
                outcome: row.try_get(3).map_err(db)?,
                status: status.and_then(|s| u16::try_from(s).ok()),
                duration_ms: u64::try_from(row.try_get::<i64, _>(5).map_err(db)?).unwrap_or(0),
                excerpt: row.try_get(6).map_err(db)?,
            })
        })
        .collect()
}

pub(super) async fn retry(store: &PgOutbox, delivery: DeliveryId) -> Result<bool, StoreError> {
    let mut tx = store.pool.begin().await.map_err(db)?;
    let changed = sqlx::query(sql::RETRY)
        .bind(delivery.0)
        .bind(store.clock.now().unix_seconds())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
    if changed > 0 {
        sqlx::query(sql::RESET_BREAKER_OF)
            .bind(delivery.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    tx.commit().await.map_err(db)?;
    store.wake();
    Ok(changed > 0)
}

pub(super) async fn recover(
    store: &PgOutbox,
    endpoint: EndpointId,
    since: i64,
) -> Result<u64, StoreError> {
    let mut tx = store.pool.begin().await.map_err(db)?;
    let changed = sqlx::query(sql::RECOVER)
        .bind(endpoint.0)
        .bind(since)
        .bind(store.clock.now().unix_seconds())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
    sqlx::query(sql::RESET_BREAKER)
        .bind(endpoint.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    store.wake();
    Ok(changed)
}

pub(super) async fn purge(store: &PgOutbox, before: i64) -> Result<Purged, StoreError> {
    let mut tx = store.pool.begin().await.map_err(db)?;
    sqlx::query(sql::PURGE_ATTEMPTS)
        .bind(before)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let deliveries = sqlx::query(sql::PURGE_DELIVERIES)
        .bind(before)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
    let events = sqlx::query(sql::PURGE_EVENTS)
        .bind(before)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
    tx.commit().await.map_err(db)?;
    Ok(Purged { deliveries, events })
}

pub(super) async fn stats(store: &PgOutbox) -> Result<OutboxStats, StoreError> {
    let mut stats = OutboxStats::default();
    let mut by_endpoint: BTreeMap<i64, EndpointStats> = BTreeMap::new();
    let now = store.clock.now().unix_seconds();
    for row in sqlx::query(sql::STATS_ENDPOINTS)
        .fetch_all(&store.pool)
        .await
        .map_err(db)?
    {
        let id: i64 = row.try_get(0).map_err(db)?;
        let disabled: Option<String> = row.try_get(2).map_err(db)?;
        by_endpoint.insert(
            id,
            EndpointStats::new(
                EndpointId(id),
                row.try_get(1).map_err(db)?,
                disabled.as_deref().and_then(DisabledReason::parse),
                (
                    row.try_get(3).map_err(db)?,
                    u32::try_from(row.try_get::<i64, _>(4).map_err(db)?).unwrap_or(0),
                ),
                now,
            ),
        );
    }
    for row in sqlx::query(sql::STATS)
        .fetch_all(&store.pool)
        .await
        .map_err(db)?
    {
        let id: i64 = row.try_get(0).map_err(db)?;
        let name: String = row.try_get(1).map_err(db)?;
        let count = u64::try_from(row.try_get::<i64, _>(2).map_err(db)?).unwrap_or(0);
        let state = state(&name, "hw_delivery")?;
        stats.states.add(state, count);
        if let Some(line) = by_endpoint.get_mut(&id) {
            line.states.add(state, count);
        }
    }
    stats.endpoints = by_endpoint.into_values().collect();
    Ok(stats)
}
