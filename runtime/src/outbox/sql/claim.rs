//! Fair claims, for both dialects, in one write transaction: read the lanes (endpoints with due
//! work; PostgreSQL locks them in id order), fail the deliveries whose last lease ran out
//! (poison work, see [`OutboxStore::claim`](crate::outbox::OutboxStore::claim)), count what
//! the lanes have in flight, deal the claim's limit out across them
//! ([`lanes::allocate`]), claim each lane's share (the dialect's statements) and count it
//! against the lane's rate.
//!
//! The poison rule runs after the lanes are read, not before: on PostgreSQL a record in
//! progress holds its endpoints until it ends, so once the lanes are locked no record holds
//! their deliveries, and the poison rule (`SKIP LOCKED`, so it never waits) cannot pass over
//! one that the claim, which leaves exhausted deliveries to it, would not take either. SQLite
//! has one writer at a time: the order changes nothing there.

use crate::outbox::application::metadata_from;
use std::collections::HashMap;

use super::statements as sql;
use super::{Arg, ClaimLanes, Dialect, SqlOutbox};
use crate::outbox::lanes::{self, Lane};
use crate::outbox::{
    ClaimRequest, Claimed, DeliveryId, EndpointId, Lease, Secrets, StoreError, Target, id,
};

pub(super) async fn claim<D: Dialect>(
    store: &SqlOutbox<D>,
    request: ClaimRequest,
) -> Result<Vec<Claimed>, StoreError> {
    if request.limit == 0 {
        return Ok(Vec::new());
    }
    super::record::with_retries(|| async {
        let mut tx = store.begin().await?;
        let result = claim_in(store, &mut tx, request).await;
        super::record::finish(tx, result).await
    })
    .await
}

async fn claim_in<D: Dialect>(
    store: &SqlOutbox<D>,
    tx: &mut D::Connection,
    request: ClaimRequest,
) -> Result<Vec<Claimed>, StoreError> {
    let now = store.now_seconds();
    let lease_until =
        now.saturating_add(i64::try_from(request.lease.as_secs()).unwrap_or(i64::MAX));
    let token = id::new_token();
    let max_attempts = i64::from(store.policy.max_attempts());

    let rows = D::fetch_all(tx, D::SQL.lanes, &[Arg::Int(now)]).await?;
    D::abandon(tx, now, max_attempts).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut lanes = Vec::with_capacity(rows.len());
    let mut targets = HashMap::with_capacity(rows.len());
    for row in &rows {
        let (lane, target) = lane_row::<D>(row)?;
        targets.insert(lane.endpoint, target);
        lanes.push(lane);
    }
    let ids: Vec<i64> = lanes.iter().map(|lane| lane.endpoint).collect();
    let mut busy = HashMap::new();
    for row in D::fetch_all(tx, D::SQL.busy, &[Arg::Ints(&ids), Arg::Int(now)]).await? {
        busy.insert(D::int(&row, 0)?, D::int(&row, 1)?);
    }
    for lane in &mut lanes {
        lane.busy = busy.get(&lane.endpoint).copied().unwrap_or(0);
    }
    let takes = lanes::allocate(&lanes, request.limit, &store.policy, now, id::new_seed());
    if takes.is_empty() {
        return Ok(Vec::new());
    }
    let claim = ClaimLanes {
        takes: &takes,
        lease_until,
        token,
        now,
        max_attempts,
        hold: store.policy.ordering_failure_mode().holds(),
    };
    let rows = D::claim_lanes(tx, claim).await?;

    let mut taken: HashMap<i64, i64> = HashMap::new();
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        *taken.entry(row.endpoint).or_default() += 1;
        let Some(target) = targets.get(&row.endpoint) else {
            continue;
        };
        let (event_id, event_type, payload) = row.event;
        claimed.push(Claimed {
            lease: Lease {
                delivery: DeliveryId(row.delivery),
                token,
            },
            webhook_id: row.webhook_id,
            attempt: u32::try_from(row.attempt).unwrap_or(u32::MAX),
            event_id,
            event_type,
            payload,
            lease_until,
            target: target.clone(),
            trace: row.trace,
        });
    }
    for lane in lanes.iter().filter(|lane| lane.rate_per_second.is_some()) {
        let Some(&count) = taken.get(&lane.endpoint) else {
            continue;
        };
        let (window, count) = lanes::rate_after(lane, count, now);
        let args = [Arg::Int(lane.endpoint), Arg::Int(window), Arg::Int(count)];
        D::execute(tx, sql::UPDATE_RATE, &args).await?;
    }
    claimed.sort_by_key(|c| c.lease.delivery);
    Ok(claimed)
}

/// `id, url, secrets, allow_private, max_in_flight, breaker_opens, rate_per_second,
/// rate_window, rate_count, headers`.
fn lane_row<D: Dialect>(row: &D::Row) -> Result<(Lane, Target), StoreError> {
    let endpoint = D::int(row, 0)?;
    let lane = Lane {
        endpoint,
        max_in_flight: D::int(row, 4)?,
        busy: 0,
        breaker_opens: D::int(row, 5)?,
        rate_per_second: D::maybe_int(row, 6)?,
        rate_window: D::int(row, 7)?,
        rate_count: D::int(row, 8)?,
    };
    let target = Target {
        id: EndpointId(endpoint),
        url: D::text(row, 1)?,
        secrets: Secrets::from_json(&D::text(row, 2)?)?,
        allow_private: D::flag(row, 3)?,
        headers: metadata_from("hw_endpoint", &D::text(row, 9)?)?,
    };
    Ok((lane, target))
}
