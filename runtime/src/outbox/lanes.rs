//! Fair claims: how many deliveries each endpoint (lane) gets in one claim, shared by the
//! backends. A lane's room is its in-flight limit minus what is in flight (the breaker's probes while
//! it is half-open), further capped by its rate for the current second; the claim's
//! limit is dealt out one delivery per lane per round, lanes in a random order, so a busy or
//! slow endpoint cannot take every slot.

use crate::outbox::Policy;

/// An endpoint with due deliveries, as the claim sees it.
#[derive(Debug, Clone)]
pub(crate) struct Lane {
    pub(crate) endpoint: i64,
    pub(crate) max_in_flight: i64,
    pub(crate) busy: i64,
    /// How many times its breaker opened since it last closed: while > 0 (and the lane is
    /// claimable, so the pause is over) the breaker is half-open and only probes go out.
    pub(crate) breaker_opens: i64,
    pub(crate) rate_per_second: Option<i64>,
    pub(crate) rate_window: i64,
    pub(crate) rate_count: i64,
}

impl Lane {
    fn room(&self, policy: &Policy, now: i64) -> i64 {
        let opens = u32::try_from(self.breaker_opens).unwrap_or(u32::MAX);
        let own = u32::try_from(self.max_in_flight).unwrap_or(u32::MAX);
        let cap = i64::from(policy.in_flight_limit(opens, own));
        let mut room = cap - self.busy;
        if let Some(rate) = self.rate_per_second {
            let used = if self.rate_window == now {
                self.rate_count
            } else {
                0
            };
            room = room.min(rate - used);
        }
        room.max(0)
    }
}

/// `(endpoint, how many to take)` for each lane that gets at least one, dealing `limit` out.
pub(crate) fn allocate(
    lanes: &[Lane],
    limit: u32,
    policy: &Policy,
    now: i64,
    seed: u64,
) -> Vec<(i64, i64)> {
    let mut order: Vec<(i64, i64)> = lanes
        .iter()
        .map(|lane| (lane.endpoint, lane.room(policy, now)))
        .filter(|(_, room)| *room > 0)
        .collect();
    // Fisher-Yates with a xorshift generator seeded per claim.
    let mut state = seed | 1;
    for i in (1..order.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut takes = vec![0i64; order.len()];
    let mut left = i64::from(limit);
    while left > 0 {
        let mut gave = false;
        for (slot, (_, room)) in takes.iter_mut().zip(&order) {
            if left == 0 {
                break;
            }
            if *slot < *room {
                *slot += 1;
                left -= 1;
                gave = true;
            }
        }
        if !gave {
            break;
        }
    }
    order
        .iter()
        .zip(takes)
        .filter(|(_, take)| *take > 0)
        .map(|((endpoint, _), take)| (*endpoint, take))
        .collect()
}

/// What a lane's rate counters become after taking `taken` at `now`.
pub(crate) fn rate_after(lane: &Lane, taken: i64, now: i64) -> (i64, i64) {
    if lane.rate_window == now {
        (now, lane.rate_count + taken)
    } else {
        (now, taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lane(endpoint: i64, max: i64, busy: i64) -> Lane {
        Lane {
            endpoint,
            max_in_flight: max,
            busy,
            breaker_opens: 0,
            rate_per_second: None,
            rate_window: 0,
            rate_count: 0,
        }
    }

    #[test]
    fn deals_fairly_and_respects_room() {
        let lanes = [lane(1, 100, 0), lane(2, 100, 0), lane(3, 2, 1)];
        let mut takes = allocate(&lanes, 9, &Policy::default(), 0, 42);
        takes.sort();
        assert_eq!(takes, [(1, 4), (2, 4), (3, 1)]);
    }

    #[test]
    fn breaker_and_rate_limit_room() {
        let mut probing = lane(1, 10, 0);
        probing.breaker_opens = 2;
        let mut rated = lane(2, 10, 0);
        rated.rate_per_second = Some(3);
        rated.rate_window = 50;
        rated.rate_count = 2;
        let mut takes = allocate(&[probing, rated.clone()], 20, &Policy::default(), 50, 1);
        takes.sort();
        assert_eq!(takes, [(1, 1), (2, 1)]);
        assert_eq!(rate_after(&rated, 1, 50), (50, 3));
        assert_eq!(rate_after(&rated, 3, 51), (51, 3));
    }
}
