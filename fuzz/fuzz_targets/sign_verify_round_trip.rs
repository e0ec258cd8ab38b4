//! Oracle: whatever is signed verifies, for every scheme, any key, id, timestamp and body.
#![no_main]

use hookwire::signature::{
    GitHub, Scheme, Shopify, Slack, StandardKey, StandardWebhooks, Stripe, Tolerance,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (key, body) = rest.split_at(rest.len().min(32));
    if key.is_empty() {
        return;
    }
    let mut seed = [0u8; 32];
    seed[..key.len()].copy_from_slice(key);
    let text: String = key.iter().map(|b| char::from(b'a' + b % 26)).collect();
    let scheme: Box<dyn Scheme> = match selector % 6 {
        0 => Box::new(StandardWebhooks::from_key(StandardKey::hmac(key).unwrap())),
        1 => Box::new(StandardWebhooks::from_key(StandardKey::ed25519_seed(seed))),
        2 => Box::new(Stripe::new(text).unwrap().tolerance(Tolerance::skip())),
        3 => Box::new(GitHub::new(key).unwrap()),
        4 => Box::new(Shopify::new(key).unwrap()),
        _ => Box::new(Slack::new(text).unwrap()),
    };
    let timestamp = hookwire::Timestamp::from_unix(i64::from(selector) * 1_000_003);
    let headers = scheme.sign("msg_fuzz", timestamp, body).unwrap();
    let verified = scheme.verify(&headers, body, timestamp).unwrap();
    assert_eq!(verified.body(), body);
});
