//! Public ids: the store's numeric ids written the way Svix writes its own (`app_` or `ep_`
//! and 27 characters of `A-Za-z0-9`), so clients that check an id's shape accept them.
//!
//! The 27 characters are the number in base 62, padded with `0`: stable (the same object
//! always has the same id), ordered like the numbers when compared as text of one length,
//! and read back without a lookup.

use crate::outbox::{AppId, DeliveryId, EndpointId};

/// How many characters follow an id's prefix.
const DIGITS: usize = 27;
const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `prefix` and `n` in base 62, padded to 27 characters.
fn encode(prefix: &str, mut n: u128) -> String {
    let mut digits = [b'0'; DIGITS];
    for slot in digits.iter_mut().rev() {
        *slot = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    let mut id = String::with_capacity(prefix.len() + DIGITS);
    id.push_str(prefix);
    id.extend(digits.iter().map(|&b| char::from(b)));
    id
}

/// The number an id of `prefix` carries; `None` for any other text.
fn decode(prefix: &str, text: &str) -> Option<u128> {
    let digits = text.strip_prefix(prefix)?;
    if digits.len() != DIGITS {
        return None;
    }
    digits.bytes().try_fold(0u128, |n, b| {
        let value = ALPHABET.iter().position(|&a| a == b)? as u128;
        n.checked_mul(62)?.checked_add(value)
    })
}

/// An application's public id: `app_` and 27 characters.
///
/// ```
/// use hookwire::outbox::AppId;
/// use hookwire::platform::{app_id_of, parse_app_id};
///
/// let id = app_id_of(AppId(42));
/// assert_eq!(id, "app_00000000000000000000000000g");
/// assert_eq!(parse_app_id(&id), Some(AppId(42)));
/// assert_eq!(parse_app_id("merchant-42"), None); // a uid
/// ```
pub fn app_id_of(id: AppId) -> String {
    encode("app_", u128::from(id.0.max(0).unsigned_abs()))
}

/// The application a public id names, if `text` is one ([`app_id_of`]).
///
/// ```
/// assert_eq!(hookwire::platform::parse_app_id("app_1"), None);
/// ```
pub fn parse_app_id(text: &str) -> Option<AppId> {
    decode("app_", text)
        .and_then(|n| i64::try_from(n).ok())
        .map(AppId)
}

/// An endpoint's public id: `ep_` and 27 characters.
///
/// ```
/// use hookwire::outbox::EndpointId;
/// use hookwire::platform::{endpoint_id_of, parse_endpoint_id};
///
/// let id = endpoint_id_of(EndpointId(7));
/// assert!(id.starts_with("ep_") && id.len() == 30);
/// assert_eq!(parse_endpoint_id(&id), Some(EndpointId(7)));
/// ```
pub fn endpoint_id_of(id: EndpointId) -> String {
    encode("ep_", u128::from(id.0.max(0).unsigned_abs()))
}

/// The endpoint a public id names, if `text` is one ([`endpoint_id_of`]).
///
/// ```
/// assert_eq!(hookwire::platform::parse_endpoint_id("ep_x"), None);
/// ```
pub fn parse_endpoint_id(text: &str) -> Option<EndpointId> {
    decode("ep_", text)
        .and_then(|n| i64::try_from(n).ok())
        .map(EndpointId)
}

/// An attempt's id: its delivery and its number in the attempt log.
pub(crate) fn attempt_id_of(delivery: DeliveryId, number: u32) -> String {
    let delivery = u128::from(delivery.0.max(0).unsigned_abs());
    encode("atmpt_", (delivery << 32) | u128::from(number))
}

/// A task id for `recover` (Svix answers with a background task).
pub(crate) fn task_id_of(endpoint: EndpointId, at: i64) -> String {
    let endpoint = u128::from(endpoint.0.max(0).unsigned_abs());
    encode(
        "qtask_",
        (endpoint << 64) | u128::from(at.max(0).unsigned_abs()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_refuse_other_text() {
        for n in [0, 1, 61, 62, i64::MAX] {
            assert_eq!(parse_app_id(&app_id_of(AppId(n))), Some(AppId(n)));
            assert_eq!(
                parse_endpoint_id(&endpoint_id_of(EndpointId(n))),
                Some(EndpointId(n))
            );
        }
        assert_eq!(app_id_of(AppId(1)).len(), 31);
        assert_eq!(parse_app_id("ep_000000000000000000000000001"), None);
        assert_eq!(parse_app_id("app_00000000000000000000000000!"), None);
        assert_eq!(
            parse_app_id("app_zzzzzzzzzzzzzzzzzzzzzzzzzzz"),
            None,
            "beyond i64"
        );
        let attempt = attempt_id_of(DeliveryId(3), 2);
        assert_eq!(attempt.len(), 33);
        assert_ne!(attempt, attempt_id_of(DeliveryId(2), 3));
    }
}
