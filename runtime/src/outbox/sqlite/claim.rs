//! Fair claims on SQLite: one `BEGIN IMMEDIATE` transaction reads the lanes (endpoints with due
//! work), deals the claim's limit out across them, and claims each lane's share with one
//! `UPDATE .. RETURNING`. SQLite has one writer at a time, so no row locks are needed. The same
//! transaction first fails the deliveries whose last lease ran out (poison work, see
//! [`OutboxStore::claim`](crate::outbox::OutboxStore::claim)).

use std::collections::HashMap;

use sqlx::Row;

use super::{SqliteOutbox, db, sql};
use crate::outbox::lanes::{self, Lane};
use crate::outbox::{
    ClaimRequest, Claimed, DeliveryId, EndpointId, Lease, Secrets, StoreError, Target, id,
};

struct LaneRow {
    lane: Lane,
    target: Target,
}

pub(super) async fn claim(
    store: &SqliteOutbox,
    request: ClaimRequest,
) -> Result<Vec<Claimed>, StoreError> {
    if request.limit == 0 {
        return Ok(Vec::new());
    }
    let now = store.clock.now().unix_seconds();
    let lease_until =
        now.saturating_add(i64::try_from(request.lease.as_secs()).unwrap_or(i64::MAX));
    let token = id::new_token();
    let max_attempts = i64::from(store.policy.max_attempts());
    let mut tx = store.begin().await?;
    sqlx::query(sql::ABANDON_LOG)
        .bind(now)
        .bind(max_attempts)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let abandoned = sqlx::query(sql::ABANDON)
        .bind(now)
        .bind(max_attempts)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();

    let rows = sqlx::query(sql::LANES)
        .bind(now)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
    let mut lanes = HashMap::with_capacity(rows.len());
    for row in rows {
        let lane = lane_row(&row).map_err(db)?;
        lanes.insert(lane.lane.endpoint, lane);
    }
    let list: Vec<Lane> = lanes.values().map(|l| l.lane.clone()).collect();
    let takes = lanes::allocate(&list, request.limit, &store.policy, now, id::new_seed());

    let mut claimed = Vec::new();
    let mut event_pks = Vec::new();
    for (endpoint, take) in takes {
        let Some(lane) = lanes.get(&endpoint) else {
            continue;
        };
        let rows = sqlx::query(sql::CLAIM_LANE)
            .bind(lease_until)
            .bind(token)
            .bind(now)
            .bind(endpoint)
            .bind(take)
            .bind(max_attempts)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        let taken = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        for row in rows {
            let event_pk: i64 = row.try_get(2).map_err(db)?;
            event_pks.push(event_pk);
            claimed.push((
                event_pk,
                Claimed {
                    lease: Lease {
                        delivery: DeliveryId(row.try_get(0).map_err(db)?),
                        token,
                    },
                    webhook_id: row.try_get(1).map_err(db)?,
                    event_id: String::new(),
                    event_type: String::new(),
                    payload: String::new(),
                    attempt: u32::try_from(row.try_get::<i64, _>(3).map_err(db)?)
                        .unwrap_or(u32::MAX),
                    lease_until,
                    target: lane.target.clone(),
                },
            ));
        }
        if lane.lane.rate_per_second.is_some() && taken > 0 {
            let (window, count) = lanes::rate_after(&lane.lane, taken, now);
            sqlx::query(sql::UPDATE_RATE)
                .bind(endpoint)
                .bind(window)
                .bind(count)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
    }

    if claimed.is_empty() {
        if abandoned > 0 {
            tx.commit().await.map_err(db)?;
        } else {
            tx.rollback().await.map_err(db)?;
        }
        return Ok(Vec::new());
    }
    event_pks.sort_unstable();
    event_pks.dedup();
    let list = serde_json::to_string(&event_pks).map_err(StoreError::Serialize)?;
    let mut events = HashMap::with_capacity(event_pks.len());
    for row in sqlx::query(sql::CLAIMED_EVENTS)
        .bind(list)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?
    {
        let pk: i64 = row.try_get(0).map_err(db)?;
        let fields: (String, String, String) = (
            row.try_get(1).map_err(db)?,
            row.try_get(2).map_err(db)?,
            row.try_get(3).map_err(db)?,
        );
        events.insert(pk, fields);
    }
    tx.commit().await.map_err(db)?;

    let mut out = Vec::with_capacity(claimed.len());
    for (pk, mut delivery) in claimed {
        let Some((event_id, event_type, payload)) = events.get(&pk) else {
            return Err(StoreError::Corrupt {
                table: "hw_delivery",
                reason: format!(
                    "delivery {} refers to a missing event",
                    delivery.lease.delivery
                ),
            });
        };
        delivery.event_id.clone_from(event_id);
        delivery.event_type.clone_from(event_type);
        delivery.payload.clone_from(payload);
        out.push(delivery);
    }
    Ok(out)
}

fn lane_row(row: &sqlx::sqlite::SqliteRow) -> Result<LaneRow, sqlx::Error> {
    let endpoint: i64 = row.try_get("id")?;
    let secrets: String = row.try_get("secrets")?;
    let secrets = Secrets::from_json(&secrets).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(LaneRow {
        lane: Lane {
            endpoint,
            max_in_flight: row.try_get("max_in_flight")?,
            busy: row.try_get("busy")?,
            breaker_opens: row.try_get("breaker_opens")?,
            rate_per_second: row.try_get("rate_per_second")?,
            rate_window: row.try_get("rate_window")?,
            rate_count: row.try_get("rate_count")?,
        },
        target: Target {
            id: EndpointId(endpoint),
            url: row.try_get("url")?,
            secrets,
            allow_private: row.try_get("allow_private")?,
        },
    })
}
