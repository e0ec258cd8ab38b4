//! hookwire as a dependency named `hw`: `#[hookwire(crate = "hw")]` points the derives at it.
//!
//! Its `hw` has the default features only (the derives, no `schema`): checked alone
//! (`cargo check -p hookwire-tests-renamed`, as `.ci/run` does), it also proves the derives'
//! output compiles where hookwire has no `schema` feature.

use hw::{Event, Events};
use serde::{Deserialize, Serialize};

/// An order left the warehouse.
#[derive(Debug, PartialEq, Serialize, Deserialize, Event)]
#[hookwire(crate = "hw", event = "order.shipped")]
pub struct OrderShipped {
    /// The order.
    pub order_id: String,
}

/// The catalog.
#[derive(Debug, PartialEq, Events)]
#[hookwire(crate = "hw")]
pub enum ShopEvent {
    /// See [`OrderShipped`].
    OrderShipped(OrderShipped),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_resolve_the_renamed_crate() {
        assert_eq!(OrderShipped::TYPE, "order.shipped");
        assert_eq!(ShopEvent::TYPES, ["order.shipped"]);
        let event = ShopEvent::OrderShipped(OrderShipped {
            order_id: "1".into(),
        });
        let bytes = event.to_envelope(hw::Timestamp::from_unix(0)).unwrap();
        let parsed = ShopEvent::from_envelope(&bytes).unwrap().known().unwrap();
        assert_eq!(parsed.data, event);
    }

    /// Alone, `hw` has no `v1a`: an Ed25519 key is a typed error naming the feature. In the
    /// workspace's test run another member turns `v1a` on, and the key then parses.
    #[test]
    fn ed25519_keys_need_the_v1a_feature() {
        use hw::signature::{SecretError, StandardKey};
        for key in [
            "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
            "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=",
        ] {
            match StandardKey::parse(key) {
                Ok(parsed) => assert_eq!(parsed.version(), "v1a"),
                Err(error) => {
                    assert!(
                        matches!(error, SecretError::FeatureDisabled { feature: "v1a", .. }),
                        "{error:?}"
                    );
                    assert!(error.to_string().contains("`v1a` feature"), "{error}");
                }
            }
        }
        assert_eq!(StandardKey::parse("whsec_AA").unwrap().version(), "v1");
    }
}
