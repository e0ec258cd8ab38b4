//! Per-key ordering: an event may carry an ordering key (an order id, an account id), and for
//! one endpoint and one key its deliveries are attempted strictly in publish order.
//!
//! The guarantee, its limits and an example are in the module docs of `outbox`
//! (`# Ordering`); here: the policy's choice for failed deliveries, the key's check, and the
//! rule as the memory outbox applies it (the SQL claims spell it in their statements).

use crate::outbox::StoreError;

/// The longest ordering key, in bytes.
pub const ORDERING_KEY_LIMIT: usize = 256;

/// What happens to the later deliveries of a key when one ends `failed` (its retry schedule
/// ran out, the attempt was refused, or it was abandoned): set with
/// [`Policy::ordering_failure`](crate::outbox::Policy::ordering_failure).
///
/// The default is [`Hold`](Self::Hold): a user who gives events a key asked for them in order,
/// and a receiver that gets `order.paid` after an `order.created` that never came is what the
/// key was meant to prevent. The failure is visible (a `failed` delivery, pending ones behind
/// it), and [`retry`](crate::outbox::OutboxStore::retry)/[`recover`](crate::outbox::OutboxStore::recover)
/// release the key in order. Choose [`Skip`](Self::Skip) when the events of a key stand alone
/// and only their relative order matters while all go well (each carries the latest state).
///
/// ```
/// use hookwire::outbox::{OrderingFailure, Policy};
///
/// assert_eq!(Policy::default().ordering_failure_mode(), OrderingFailure::Hold);
/// let policy = Policy::default().ordering_failure(OrderingFailure::Skip);
/// assert_eq!(policy.ordering_failure_mode(), OrderingFailure::Skip);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum OrderingFailure {
    /// Later deliveries of the key wait until the failed one is retried, recovered or purged.
    #[default]
    Hold,
    /// Later deliveries of the key go on; the failed one stays `failed` (a retry sends it
    /// when no other delivery of its key is in flight, after the ones already sent).
    Skip,
}

impl OrderingFailure {
    /// Whether a failed delivery holds back the later ones of its key.
    ///
    /// ```
    /// # use hookwire::outbox::OrderingFailure;
    /// assert!(OrderingFailure::Hold.holds());
    /// assert!(!OrderingFailure::Skip.holds());
    /// ```
    pub fn holds(self) -> bool {
        matches!(self, OrderingFailure::Hold)
    }
}

/// Checks an ordering key: 1 to [`ORDERING_KEY_LIMIT`] bytes, no control characters.
///
/// ```
/// use hookwire::outbox::check_ordering_key;
///
/// assert!(check_ordering_key("order-42").is_ok());
/// assert!(check_ordering_key("").is_err());
/// assert!(check_ordering_key("a\nb").is_err());
/// ```
pub fn check_ordering_key(key: &str) -> Result<(), StoreError> {
    let why = if key.is_empty() {
        "it is empty"
    } else if key.len() > ORDERING_KEY_LIMIT {
        "it is longer than 256 bytes"
    } else if key.chars().any(char::is_control) {
        "it holds a control character"
    } else {
        return Ok(());
    };
    Err(StoreError::invalid(
        "ordering key",
        format!(
            "`{}` is not an ordering key: {why}; expected 1 to 256 bytes of text",
            key.escape_default()
        ),
    ))
}

/// Where each key of one endpoint stands, read in one pass over its deliveries: the rule the
/// SQL claims spell in their statements, for the memory outbox.
#[derive(Debug, Default)]
pub(crate) struct Keys<'a> {
    /// Per key: the lowest id that holds the later ones back (unfinished, or failed under
    /// hold), and the ids in flight under a lease still running.
    keys: std::collections::HashMap<&'a str, (i64, Vec<i64>)>,
}

impl<'a> Keys<'a> {
    /// From the endpoint's deliveries as `(id, key, state, run_at)`.
    pub(crate) fn new(
        deliveries: impl IntoIterator<Item = (i64, Option<&'a str>, crate::outbox::DeliveryState, i64)>,
        hold: bool,
        now: i64,
    ) -> Self {
        use crate::outbox::DeliveryState as S;
        let mut keys: std::collections::HashMap<&str, (i64, Vec<i64>)> = Default::default();
        for (id, key, state, run_at) in deliveries {
            let Some(key) = key else { continue };
            if state == S::Delivered || (state == S::Failed && !hold) {
                continue;
            }
            let entry = keys.entry(key).or_insert((i64::MAX, Vec::new()));
            entry.0 = entry.0.min(id);
            if state == S::InFlight && run_at > now {
                entry.1.push(id);
            }
        }
        Self { keys }
    }

    /// Whether delivery `id` with `key` may be claimed: no earlier one of its key holds it
    /// back, and no other one of its key is in flight.
    pub(crate) fn allow(&self, id: i64, key: Option<&str>) -> bool {
        let Some((first, in_flight)) = key.and_then(|key| self.keys.get(key)) else {
            return true;
        };
        *first >= id && in_flight.iter().all(|other| *other == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::DeliveryState as S;

    fn allow<'a>(
        id: i64,
        key: Option<&str>,
        others: impl IntoIterator<Item = (i64, Option<&'a str>, S, i64)>,
        hold: bool,
    ) -> bool {
        Keys::new(others, hold, 10).allow(id, key)
    }

    #[test]
    fn earlier_unfinished_deliveries_of_the_key_block() {
        let others = [
            (1, Some("k"), S::Pending, 50),
            (2, Some("j"), S::Pending, 0),
        ];
        assert!(!allow(3, Some("k"), others, true));
        assert!(allow(3, Some("j"), [(1, Some("k"), S::Pending, 0)], true));
        assert!(allow(3, None, others, true));
        let failed = [(1, Some("k"), S::Failed, 0)];
        assert!(!allow(3, Some("k"), failed, true));
        assert!(allow(3, Some("k"), failed, false));
        assert!(allow(3, Some("k"), [(1, Some("k"), S::Delivered, 0)], true));
        // The head itself, pending or with an expired lease, may go.
        assert!(allow(3, Some("k"), [(3, Some("k"), S::InFlight, 10)], true));
        // A later one in flight under a live lease blocks an earlier one; an expired one not.
        assert!(!allow(
            1,
            Some("k"),
            [
                (1, Some("k"), S::Pending, 0),
                (3, Some("k"), S::InFlight, 11)
            ],
            true
        ));
        assert!(allow(
            1,
            Some("k"),
            [
                (1, Some("k"), S::Pending, 0),
                (3, Some("k"), S::InFlight, 10)
            ],
            true
        ));
    }

    #[test]
    fn keys_are_checked() {
        assert!(check_ordering_key(&"x".repeat(256)).is_ok());
        assert!(check_ordering_key(&"x".repeat(257)).is_err());
        assert!(check_ordering_key("tab\there").is_err());
        assert!(check_ordering_key("ünïcode-1").is_ok());
    }
}
