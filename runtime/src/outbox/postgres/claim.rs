//! Fair claims on PostgreSQL, in one transaction: lock the lanes (endpoints with due work) in
//! id order; fail the deliveries whose last lease ran out (poison work, see
//! [`OutboxStore::claim`](crate::outbox::OutboxStore::claim)); count what the lanes have in
//! flight, deal the claim's limit out across them, and claim every lane's share in one
//! `UPDATE` whose per-lane picks use `FOR UPDATE SKIP LOCKED`.
//!
//! The poison rule runs after the lanes are locked, not before: PostgreSQL answers a failed
//! statement before it has aborted its transaction, so a worker whose record just failed can
//! claim while that record still holds the delivery. A record locks its endpoints first and
//! keeps them to its end, so once the lanes are locked no record holds their deliveries, and
//! the poison rule (`SKIP LOCKED`, so it never waits) cannot pass over one that the claim,
//! which leaves exhausted deliveries to it, would not take either.

use std::collections::HashMap;

use sqlx::Row;

use sqlx::postgres::PgConnection;

use super::{PgOutbox, db, finish, sql};
use crate::outbox::lanes::{self, Lane};
use crate::outbox::{
    ClaimRequest, Claimed, DeliveryId, EndpointId, Lease, Secrets, StoreError, Target, id,
};

pub(super) async fn claim(
    store: &PgOutbox,
    request: ClaimRequest,
) -> Result<Vec<Claimed>, StoreError> {
    if request.limit == 0 {
        return Ok(Vec::new());
    }
    let mut tx = store.pool.begin().await.map_err(db)?;
    let result = claim_in(store, &mut tx, request).await;
    finish(tx, result).await
}

async fn claim_in(
    store: &PgOutbox,
    tx: &mut PgConnection,
    request: ClaimRequest,
) -> Result<Vec<Claimed>, StoreError> {
    let now = store.clock.now().unix_seconds();
    let lease_until =
        now.saturating_add(i64::try_from(request.lease.as_secs()).unwrap_or(i64::MAX));
    let token = id::new_token();
    let max_attempts = i64::from(store.policy.max_attempts());

    // The lanes first: a record in progress holds its endpoints until it ends, so once they
    // are locked here no record holds their deliveries, and the poison rule sees them all.
    let rows = sqlx::query(sql::LANES)
        .bind(now)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query(sql::ABANDON)
        .bind(now)
        .bind(max_attempts)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut lanes = Vec::with_capacity(rows.len());
    let mut targets = HashMap::with_capacity(rows.len());
    for row in &rows {
        let (lane, target) = lane_row(row)?;
        targets.insert(lane.endpoint, target);
        lanes.push(lane);
    }
    let ids: Vec<i64> = lanes.iter().map(|lane| lane.endpoint).collect();
    let mut busy = HashMap::new();
    for row in sqlx::query(sql::BUSY)
        .bind(&ids)
        .bind(now)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?
    {
        busy.insert(
            row.try_get::<i64, _>(0).map_err(db)?,
            row.try_get::<i64, _>(1).map_err(db)?,
        );
    }
    for lane in &mut lanes {
        lane.busy = busy.get(&lane.endpoint).copied().unwrap_or(0);
    }
    let takes = lanes::allocate(&lanes, request.limit, &store.policy, now, id::new_seed());
    if takes.is_empty() {
        return Ok(Vec::new());
    }
    let (endpoints, counts): (Vec<i64>, Vec<i64>) = takes.iter().copied().unzip();
    let rows = sqlx::query(sql::CLAIM)
        .bind(&endpoints)
        .bind(&counts)
        .bind(now)
        .bind(lease_until)
        .bind(token)
        .bind(max_attempts)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;

    let mut claimed = Vec::with_capacity(rows.len());
    let mut taken: HashMap<i64, i64> = HashMap::new();
    for row in rows {
        let endpoint: i64 = row.try_get(2).map_err(db)?;
        let Some(target) = targets.get(&endpoint) else {
            continue;
        };
        *taken.entry(endpoint).or_default() += 1;
        claimed.push(Claimed {
            lease: Lease {
                delivery: DeliveryId(row.try_get(0).map_err(db)?),
                token,
            },
            webhook_id: row.try_get(1).map_err(db)?,
            attempt: u32::try_from(row.try_get::<i64, _>(3).map_err(db)?).unwrap_or(u32::MAX),
            event_id: row.try_get(4).map_err(db)?,
            event_type: row.try_get(5).map_err(db)?,
            payload: row.try_get(6).map_err(db)?,
            lease_until,
            target: target.clone(),
        });
    }
    for lane in lanes.iter().filter(|lane| lane.rate_per_second.is_some()) {
        let Some(&count) = taken.get(&lane.endpoint) else {
            continue;
        };
        let (window, count) = lanes::rate_after(lane, count, now);
        sqlx::query(sql::UPDATE_RATE)
            .bind(lane.endpoint)
            .bind(window)
            .bind(count)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    claimed.sort_by_key(|c| c.lease.delivery);
    Ok(claimed)
}

fn lane_row(row: &sqlx::postgres::PgRow) -> Result<(Lane, Target), StoreError> {
    let endpoint: i64 = row.try_get("id").map_err(db)?;
    let secrets: String = row.try_get("secrets").map_err(db)?;
    let lane = Lane {
        endpoint,
        max_in_flight: row.try_get("max_in_flight").map_err(db)?,
        busy: 0,
        breaker_opens: row.try_get("breaker_opens").map_err(db)?,
        rate_per_second: row.try_get("rate_per_second").map_err(db)?,
        rate_window: row.try_get("rate_window").map_err(db)?,
        rate_count: row.try_get("rate_count").map_err(db)?,
    };
    let target = Target {
        id: EndpointId(endpoint),
        url: row.try_get("url").map_err(db)?,
        secrets: Secrets::from_json(&secrets)?,
        allow_private: row.try_get("allow_private").map_err(db)?,
    };
    Ok((lane, target))
}
