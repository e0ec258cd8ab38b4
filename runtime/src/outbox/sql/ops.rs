//! Endpoints, listings, retry, recover, purge and statistics, for both dialects.

use std::collections::BTreeMap;

use super::statements as sql;
use super::{Arg, Dialect, SqlOutbox, count, db};
use crate::outbox::application::{metadata_from, metadata_json};
use crate::outbox::{
    AppId, AttemptLog, DeliveryId, DeliveryInfo, DeliveryQuery, DeliveryState, DisabledReason,
    EndpointId, EndpointStats, NewEndpoint, OutboxStats, Purged, Secrets, StoreError, TypeFilter,
    WebhookEndpoint,
};

async fn write_types<D: Dialect>(
    conn: &mut D::Connection,
    id: i64,
    types: &[TypeFilter],
) -> Result<(), StoreError> {
    D::execute(conn, sql::DELETE_TYPES, &[Arg::Int(id)]).await?;
    for filter in types {
        let (is_prefix, value) = filter.parts();
        let args = [Arg::Int(id), Arg::Flag(is_prefix), Arg::Text(value)];
        D::execute(conn, sql::INSERT_TYPE, &args).await?;
    }
    Ok(())
}

pub(super) async fn add_endpoint<D: Dialect>(
    store: &SqlOutbox<D>,
    endpoint: &NewEndpoint,
) -> Result<EndpointId, StoreError> {
    endpoint.validate()?;
    let encoded = Encoded::of(endpoint);
    let now = store.now_seconds();
    let mut tx = store.begin().await?;
    if let Some(app) = endpoint.app {
        super::apps::require_app::<D>(&mut tx, app.0).await?;
    }
    let mut args = vec![Arg::Text(&endpoint.url)];
    args.extend(columns(endpoint, &encoded));
    args.push(Arg::Int(now));
    args.push(Arg::MaybeInt(endpoint.app.map(|app| app.0)));
    let row = D::fetch_optional(&mut tx, sql::INSERT_ENDPOINT, &args[..])
        .await
        .map_err(|e| uid_conflict(e, endpoint))?;
    let id = match row {
        Some(row) => D::int(&row, 0)?,
        None => return Err(db(sqlx::Error::RowNotFound)),
    };
    write_types::<D>(&mut tx, id, &endpoint.types).await?;
    tx.commit().await.map_err(db)?;
    Ok(EndpointId(id))
}

/// An endpoint's columns stored as JSON text.
struct Encoded {
    secrets: String,
    metadata: String,
    headers: String,
}

impl Encoded {
    fn of(endpoint: &NewEndpoint) -> Self {
        Encoded {
            secrets: endpoint.secrets.to_json(),
            metadata: metadata_json(&endpoint.metadata),
            headers: metadata_json(&endpoint.headers),
        }
    }
}

fn uid_conflict(error: StoreError, endpoint: &NewEndpoint) -> StoreError {
    super::apps::conflict(
        error,
        "endpoint",
        endpoint.uid.as_deref().unwrap_or_default(),
    )
}

/// `secrets, all_types, allow_private, max_in_flight, rate_per_second, description, uid,
/// metadata, headers`.
fn columns<'a>(endpoint: &'a NewEndpoint, encoded: &'a Encoded) -> [Arg<'a>; 9] {
    [
        Arg::Text(&encoded.secrets),
        Arg::Flag(endpoint.types.is_empty()),
        Arg::Flag(endpoint.allow_private),
        Arg::Int(i64::from(endpoint.max_in_flight.max(1))),
        Arg::MaybeInt(endpoint.rate_per_second.map(|r| i64::from(r.max(1)))),
        Arg::Text(&endpoint.description),
        Arg::MaybeText(endpoint.uid.as_deref()),
        Arg::Text(&encoded.metadata),
        Arg::Text(&encoded.headers),
    ]
}

pub(super) async fn update_endpoint<D: Dialect>(
    store: &SqlOutbox<D>,
    id: EndpointId,
    endpoint: &NewEndpoint,
) -> Result<(), StoreError> {
    endpoint.validate()?;
    let encoded = Encoded::of(endpoint);
    let now = store.now_seconds();
    let mut tx = store.begin().await?;
    let mut args = vec![Arg::Int(id.0), Arg::Text(&endpoint.url)];
    args.extend(columns(endpoint, &encoded));
    args.push(Arg::Int(now));
    let changed = D::execute(&mut tx, sql::UPDATE_ENDPOINT, &args)
        .await
        .map_err(|e| uid_conflict(e, endpoint))?;
    if changed == 0 {
        return Err(StoreError::NotFound {
            what: "endpoint",
            id: id.0,
        });
    }
    write_types::<D>(&mut tx, id.0, &endpoint.types).await?;
    tx.commit().await.map_err(db)
}

pub(super) async fn delete_endpoint<D: Dialect>(
    store: &SqlOutbox<D>,
    id: EndpointId,
) -> Result<bool, StoreError> {
    let mut tx = store.begin().await?;
    let mut deleted = 0;
    for statement in sql::DELETE_ENDPOINT {
        deleted = D::execute(&mut tx, statement, &[Arg::Int(id.0)]).await?;
    }
    tx.commit().await.map_err(db)?;
    Ok(deleted > 0)
}

pub(super) fn endpoint_row<D: Dialect>(row: &D::Row) -> Result<WebhookEndpoint, StoreError> {
    let disabled = match D::maybe_text(row, 7)? {
        None => None,
        Some(name) => Some(
            DisabledReason::parse(&name).ok_or_else(|| StoreError::Corrupt {
                table: "hw_endpoint",
                reason: format!("unknown disabled reason `{name}`"),
            })?,
        ),
    };
    let rate = D::maybe_int(row, 5)?;
    Ok(WebhookEndpoint {
        id: EndpointId(D::int(row, 0)?),
        url: D::text(row, 1)?,
        secrets: Secrets::from_json(&D::text(row, 2)?)?,
        types: Vec::new(),
        allow_private: D::flag(row, 3)?,
        max_in_flight: count::<D>(row, 4)?,
        rate_per_second: rate.map(|r| u32::try_from(r).unwrap_or(u32::MAX)),
        description: D::text(row, 6)?,
        disabled,
        consecutive_failures: count::<D>(row, 8)?,
        failing_since: D::maybe_int(row, 9)?,
        paused_until: D::int(row, 10)?,
        breaker_opens: count::<D>(row, 11)?,
        created_at: D::int(row, 12)?,
        app: D::maybe_int(row, 13)?.map(AppId),
        uid: D::maybe_text(row, 14)?,
        metadata: metadata_from("hw_endpoint", &D::text(row, 15)?)?,
        headers: metadata_from("hw_endpoint", &D::text(row, 16)?)?,
        updated_at: D::int(row, 17)?,
    })
}

pub(super) async fn with_types<D: Dialect>(
    store: &SqlOutbox<D>,
    mut endpoints: Vec<WebhookEndpoint>,
) -> Result<Vec<WebhookEndpoint>, StoreError> {
    if endpoints.is_empty() {
        return Ok(endpoints);
    }
    let ids: Vec<i64> = endpoints.iter().map(|e| e.id.0).collect();
    let mut conn = store.pool.acquire().await.map_err(db)?;
    let mut types: BTreeMap<i64, Vec<TypeFilter>> = BTreeMap::new();
    for row in D::fetch_all(&mut conn, D::SQL.endpoint_types, &[Arg::Ints(&ids)]).await? {
        types
            .entry(D::int(&row, 0)?)
            .or_default()
            .push(TypeFilter::from_parts(D::flag(&row, 1)?, D::text(&row, 2)?));
    }
    for endpoint in &mut endpoints {
        endpoint.types = types.remove(&endpoint.id.0).unwrap_or_default();
    }
    Ok(endpoints)
}

pub(super) async fn endpoint<D: Dialect>(
    store: &SqlOutbox<D>,
    id: EndpointId,
) -> Result<Option<WebhookEndpoint>, StoreError> {
    let mut conn = store.pool.acquire().await.map_err(db)?;
    let row = D::fetch_optional(&mut conn, sql::ENDPOINT, &[Arg::Int(id.0)]).await?;
    drop(conn);
    match row {
        None => Ok(None),
        Some(row) => Ok(with_types(store, vec![endpoint_row::<D>(&row)?])
            .await?
            .pop()),
    }
}

pub(super) async fn endpoints<D: Dialect>(
    store: &SqlOutbox<D>,
    after: Option<EndpointId>,
    limit: u32,
) -> Result<Vec<WebhookEndpoint>, StoreError> {
    let mut conn = store.pool.acquire().await.map_err(db)?;
    let args = [
        Arg::Int(after.map_or(0, |id| id.0)),
        Arg::Int(i64::from(limit.clamp(1, 1000))),
    ];
    let rows = D::fetch_all(&mut conn, sql::ENDPOINTS, &args).await?;
    drop(conn);
    let endpoints = rows
        .iter()
        .map(endpoint_row::<D>)
        .collect::<Result<_, _>>()?;
    with_types(store, endpoints).await
}

pub(super) async fn set_enabled<D: Dialect>(
    store: &SqlOutbox<D>,
    id: EndpointId,
    enabled: bool,
) -> Result<(), StoreError> {
    let now = store.now_seconds();
    let mut tx = store.begin().await?;
    let at = [Arg::Int(id.0), Arg::Int(now)];
    let changed = if enabled {
        let changed = D::execute(&mut tx, sql::ENABLE, &[Arg::Int(id.0)]).await?;
        D::execute(&mut tx, sql::UNHOLD, &at).await?;
        changed
    } else {
        let exists = D::fetch_optional(&mut tx, sql::ENDPOINT, &[Arg::Int(id.0)])
            .await?
            .is_some();
        let reason = [Arg::Int(id.0), Arg::Text(DisabledReason::Manual.as_str())];
        D::execute(&mut tx, sql::DISABLE, &reason).await?;
        D::execute(&mut tx, sql::HOLD, &at).await?;
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

fn state(name: &str) -> Result<DeliveryState, StoreError> {
    DeliveryState::parse(name).ok_or_else(|| StoreError::Corrupt {
        table: "hw_delivery",
        reason: format!("unknown delivery state `{name}`"),
    })
}

pub(super) async fn deliveries<D: Dialect>(
    store: &SqlOutbox<D>,
    query: &DeliveryQuery,
) -> Result<Vec<DeliveryInfo>, StoreError> {
    let mut conn = store.pool.acquire().await.map_err(db)?;
    let args = [
        Arg::Int(query.after.map_or(0, |id| id.0)),
        Arg::MaybeText(query.state.map(DeliveryState::as_str)),
        Arg::MaybeInt(query.endpoint.map(|id| id.0)),
        Arg::MaybeText(query.event_id.as_deref()),
        Arg::Int(i64::from(query.limit.clamp(1, 1000))),
    ];
    let rows = D::fetch_all(&mut conn, sql::DELIVERIES, &args).await?;
    rows.iter()
        .map(|row| {
            let status = D::maybe_int(row, 8)?;
            Ok(DeliveryInfo {
                id: DeliveryId(D::int(row, 0)?),
                webhook_id: D::text(row, 1)?,
                event_id: D::text(row, 2)?,
                event_type: D::text(row, 3)?,
                ordering_key: D::maybe_text(row, 11)?,
                endpoint: EndpointId(D::int(row, 4)?),
                state: state(&D::text(row, 5)?)?,
                attempts: u32::try_from(D::int(row, 6)?).unwrap_or(0),
                next_attempt_at: D::int(row, 7)?,
                last_status: status.and_then(|s| u16::try_from(s).ok()),
                created_at: D::int(row, 9)?,
                updated_at: D::int(row, 10)?,
            })
        })
        .collect()
}

pub(super) async fn attempts<D: Dialect>(
    store: &SqlOutbox<D>,
    delivery: DeliveryId,
) -> Result<Vec<AttemptLog>, StoreError> {
    let mut conn = store.pool.acquire().await.map_err(db)?;
    let rows = D::fetch_all(&mut conn, sql::ATTEMPTS, &[Arg::Int(delivery.0)]).await?;
    rows.iter()
        .map(|row| {
            let status = D::maybe_int(row, 4)?;
            Ok(AttemptLog {
                delivery: DeliveryId(D::int(row, 0)?),
                attempt: u32::try_from(D::int(row, 1)?).unwrap_or(0),
                at: D::int(row, 2)?,
                outcome: D::text(row, 3)?,
                status: status.and_then(|s| u16::try_from(s).ok()),
                duration_ms: u64::try_from(D::int(row, 5)?).unwrap_or(0),
                excerpt: D::text(row, 6)?,
            })
        })
        .collect()
}

pub(super) async fn retry<D: Dialect>(
    store: &SqlOutbox<D>,
    delivery: DeliveryId,
) -> Result<bool, StoreError> {
    let now = store.now_seconds();
    let mut tx = store.begin().await?;
    let args = [Arg::Int(delivery.0), Arg::Int(now)];
    let changed = D::execute(&mut tx, sql::RETRY, &args).await?;
    if changed > 0 {
        D::execute(&mut tx, sql::RESET_BREAKER_OF, &[Arg::Int(delivery.0)]).await?;
    }
    tx.commit().await.map_err(db)?;
    store.wake();
    Ok(changed > 0)
}

pub(super) async fn recover<D: Dialect>(
    store: &SqlOutbox<D>,
    endpoint: EndpointId,
    since: i64,
) -> Result<u64, StoreError> {
    let now = store.now_seconds();
    let mut tx = store.begin().await?;
    let args = [Arg::Int(endpoint.0), Arg::Int(since), Arg::Int(now)];
    let changed = D::execute(&mut tx, sql::RECOVER, &args).await?;
    D::execute(&mut tx, sql::RESET_BREAKER, &[Arg::Int(endpoint.0)]).await?;
    tx.commit().await.map_err(db)?;
    store.wake();
    Ok(changed)
}

pub(super) async fn purge<D: Dialect>(
    store: &SqlOutbox<D>,
    before: i64,
) -> Result<Purged, StoreError> {
    let mut tx = store.begin().await?;
    let before = [Arg::Int(before)];
    D::execute(&mut tx, sql::PURGE_ATTEMPTS, &before).await?;
    let deliveries = D::execute(&mut tx, sql::PURGE_DELIVERIES, &before).await?;
    let events = D::execute(&mut tx, sql::PURGE_EVENTS, &before).await?;
    tx.commit().await.map_err(db)?;
    Ok(Purged { deliveries, events })
}

pub(super) async fn stats<D: Dialect>(store: &SqlOutbox<D>) -> Result<OutboxStats, StoreError> {
    let mut stats = OutboxStats::default();
    let mut by_endpoint: BTreeMap<i64, EndpointStats> = BTreeMap::new();
    let now = store.now_seconds();
    let mut conn = store.pool.acquire().await.map_err(db)?;
    for row in D::fetch_all(&mut conn, sql::STATS_ENDPOINTS, &[]).await? {
        let id = D::int(&row, 0)?;
        let disabled = D::maybe_text(&row, 2)?;
        let breaker = (D::int(&row, 3)?, count::<D>(&row, 4)?);
        let line = EndpointStats::new(
            EndpointId(id),
            D::text(&row, 1)?,
            disabled.as_deref().and_then(DisabledReason::parse),
            breaker,
            now,
        );
        by_endpoint.insert(id, line);
    }
    for row in D::fetch_all(&mut conn, sql::STATS, &[]).await? {
        let count = u64::try_from(D::int(&row, 2)?).unwrap_or(0);
        let state = state(&D::text(&row, 1)?)?;
        stats.states.add(state, count);
        if let Some(line) = by_endpoint.get_mut(&D::int(&row, 0)?) {
            line.add(state, count, D::int(&row, 3)?);
        }
    }
    stats.endpoints = by_endpoint.into_values().collect();
    Ok(stats)
}
