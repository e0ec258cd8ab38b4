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

/// Whether a delivery with `key` (of some endpoint, id `id`) may be claimed at `now`, given
/// the other deliveries of that endpoint as `(id, key, state, run_at)`: the rule the SQL
/// claims spell in their statements, for the memory outbox.
pub(crate) fn claimable<'a>(
    id: i64,
    key: Option<&str>,
    others: impl IntoIterator<Item = (i64, Option<&'a str>, crate::outbox::DeliveryState, i64)>,
    hold: bool,
    now: i64,
) -> bool {
    use crate::outbox::DeliveryState as S;
    let Some(key) = key else {
        return true;
    };
    !others.into_iter().any(|(other, other_key, state, run_at)| {
        other != id
            && other_key == Some(key)
            && state != S::Delivered
            && ((other < id && (state != S::Failed || hold))
                || (state == S::InFlight && run_at > now))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::DeliveryState as S;

    #[test]
    fn earlier_unfinished_deliveries_of_the_key_block() {
        let others = [
            (1, Some("k"), S::Pending, 50),
            (2, Some("j"), S::Pending, 0),
        ];
        assert!(!claimable(3, Some("k"), others, true, 10));
        assert!(claimable(
            3,
            Some("j"),
            [(1, Some("k"), S::Pending, 0)],
            true,
            10
        ));
        assert!(claimable(3, None, others, true, 10));
        let failed = [(1, Some("k"), S::Failed, 0)];
        assert!(!claimable(3, Some("k"), failed, true, 10));
        assert!(claimable(3, Some("k"), failed, false, 10));
        assert!(claimable(
            3,
            Some("k"),
            [(1, Some("k"), S::Delivered, 0)],
            true,
            10
        ));
        // A later one in flight under a live lease blocks an earlier one; an expired one not.
        assert!(!claimable(
            1,
            Some("k"),
            [(3, Some("k"), S::InFlight, 11)],
            true,
            10
        ));
        assert!(claimable(
            1,
            Some("k"),
            [(3, Some("k"), S::InFlight, 10)],
            true,
            10
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
