//! Claims on the memory outbox: the same lanes, poison rule and fair dealing
//! ([`lanes::allocate`]) and per-key ordering ([`ordering::Keys`]) as the SQL outboxes.

use std::collections::HashMap;

use super::next_number;
use super::state::State;
use crate::outbox::lanes::{self, Lane};
use crate::outbox::ordering;
use crate::outbox::{
    AttemptLog, ClaimRequest, Claimed, DeliveryId, DeliveryState, Lease, Policy, Target, id,
};

/// Fails the deliveries whose last lease ran out after as many claims as the schedule allows
/// (at most 100 per claim), each with an `abandoned` entry in its log.
fn abandon(state: &mut State, now: i64, max_attempts: u32) {
    let gone: Vec<i64> = state
        .deliveries
        .iter()
        .filter(|(_, d)| {
            d.state == DeliveryState::InFlight && d.run_at <= now && d.attempts >= max_attempts
        })
        .map(|(id, _)| *id)
        .take(100)
        .collect();
    for id in gone {
        let Some(delivery) = state.deliveries.get_mut(&id) else {
            continue;
        };
        let number = next_number(delivery, state.log.get(&id));
        let excerpt = format!(
            "abandoned: claimed {} times, all its retry schedule allows, and the last lease ran \
             out with no result recorded (a worker crashed or hung on it, or its result could \
             not be stored)",
            delivery.attempts
        );
        delivery.state = DeliveryState::Failed;
        delivery.lease = None;
        delivery.run_at = now;
        delivery.updated_at = now;
        state.append(AttemptLog {
            delivery: DeliveryId(id),
            attempt: u32::try_from(number).unwrap_or(u32::MAX),
            at: now,
            outcome: "abandoned".to_owned(),
            status: None,
            duration_ms: 0,
            excerpt,
        });
    }
}

fn due(state: DeliveryState, run_at: i64, now: i64) -> bool {
    matches!(state, DeliveryState::Pending | DeliveryState::InFlight) && run_at <= now
}

pub(super) fn claim(
    state: &mut State,
    policy: &Policy,
    request: ClaimRequest,
    now: i64,
) -> Vec<Claimed> {
    if request.limit == 0 {
        return Vec::new();
    }
    let lease_until =
        now.saturating_add(i64::try_from(request.lease.as_secs()).unwrap_or(i64::MAX));
    let token = id::new_token();
    let max_attempts = policy.max_attempts();
    let hold = policy.ordering_failure_mode().holds();

    let mut lanes: Vec<Lane> = state
        .endpoints
        .values()
        .filter(|e| e.disabled.is_none() && e.health.paused_until <= now)
        .filter(|e| {
            state
                .deliveries
                .values()
                .any(|d| d.endpoint == e.id && due(d.state, d.run_at, now))
        })
        .map(|e| Lane {
            endpoint: e.id,
            max_in_flight: i64::from(e.max_in_flight),
            busy: 0,
            breaker_opens: i64::from(e.health.breaker_opens),
            rate_per_second: e.rate_per_second.map(i64::from),
            rate_window: e.rate_window,
            rate_count: e.rate_count,
        })
        .collect();
    abandon(state, now, max_attempts);
    for lane in &mut lanes {
        lane.busy = state
            .deliveries
            .values()
            .filter(|d| d.endpoint == lane.endpoint)
            .filter(|d| d.state == DeliveryState::InFlight && d.run_at > now)
            .count() as i64;
    }
    let takes = lanes::allocate(&lanes, request.limit, policy, now, id::new_seed());

    let mut claimed = Vec::new();
    let mut taken: HashMap<i64, i64> = HashMap::new();
    for (endpoint, take) in takes {
        let of_endpoint = || {
            state
                .deliveries
                .iter()
                .filter(move |(_, d)| d.endpoint == endpoint)
        };
        let keys = ordering::Keys::new(
            of_endpoint().map(|(id, d)| (*id, d.ordering_key.as_deref(), d.state, d.run_at)),
            hold,
            now,
        );
        let mut picks: Vec<(i64, i64)> = of_endpoint()
            .filter(|(_, d)| due(d.state, d.run_at, now))
            .filter(|(_, d)| d.state == DeliveryState::Pending || d.attempts < max_attempts)
            .filter(|(id, d)| keys.allow(**id, d.ordering_key.as_deref()))
            .map(|(id, d)| (d.run_at, *id))
            .collect();
        picks.sort_unstable();
        picks.truncate(usize::try_from(take).unwrap_or(0));
        let Some(target) = state.endpoints.get(&endpoint).map(|e| Target {
            id: crate::outbox::EndpointId(e.id),
            url: e.url.clone(),
            secrets: e.secrets.clone(),
            allow_private: e.allow_private,
            headers: e.headers.clone(),
        }) else {
            continue;
        };
        for (_, id) in picks {
            let log = state.log.get(&id);
            let Some(delivery) = state.deliveries.get_mut(&id) else {
                continue;
            };
            delivery.state = DeliveryState::InFlight;
            delivery.run_at = lease_until;
            delivery.lease = Some(token);
            delivery.attempts = delivery.attempts.saturating_add(1);
            delivery.updated_at = now;
            let number = next_number(delivery, log);
            let Some(event) = state.events.get(&delivery.event) else {
                continue;
            };
            *taken.entry(endpoint).or_default() += 1;
            claimed.push(Claimed {
                lease: Lease {
                    delivery: DeliveryId(id),
                    token,
                },
                webhook_id: event.event_id.clone(),
                event_id: event.event_id.clone(),
                event_type: event.event_type.clone(),
                payload: event.payload.clone(),
                attempt: u32::try_from(number).unwrap_or(u32::MAX),
                lease_until,
                target: target.clone(),
                trace: event.trace.clone(),
            });
        }
    }
    for lane in lanes.iter().filter(|lane| lane.rate_per_second.is_some()) {
        let (Some(&count), Some(endpoint)) = (
            taken.get(&lane.endpoint),
            state.endpoints.get_mut(&lane.endpoint),
        ) else {
            continue;
        };
        (endpoint.rate_window, endpoint.rate_count) = lanes::rate_after(lane, count, now);
    }
    claimed.sort_by_key(|c| c.lease.delivery);
    claimed
}
