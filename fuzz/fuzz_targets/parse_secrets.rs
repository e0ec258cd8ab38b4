//! Fuzzes every secret and key parser: no input panics, and errors never echo the input.
#![no_main]

use hookwire::signature::{GitHub, Shopify, Slack, StandardKey, Stripe};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for prefix in [&b""[..], b"whsec_", b"whsk_", b"whpk_"] {
        let mut secret = prefix.to_vec();
        secret.extend_from_slice(data);
        if let Err(err) = StandardKey::parse(secret) {
            let message = err.to_string();
            if data.len() >= 8 {
                if let Ok(text) = std::str::from_utf8(data) {
                    assert!(!message.contains(text), "the error echoed the secret");
                }
            }
        }
    }
    let _ = Stripe::new(data);
    let _ = GitHub::new(data);
    let _ = Shopify::new(data);
    let _ = Slack::new(data);
});
