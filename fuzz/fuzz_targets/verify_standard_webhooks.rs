//! Fuzzes the StandardWebhooks header parser and verifier: arbitrary header values and body.
#![no_main]

use hookwire::signature::{Scheme, StandardWebhooks};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const NAMES: &[&str] = &["webhook-id", "webhook-timestamp", "webhook-signature", "svix-signature"];

fuzz_target!(|data: &[u8]| {
    let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap().with_secret("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=").unwrap();
    let (headers, body) = common::split(data, NAMES);
    let now = 1_700_000_000;
    let from_pairs = scheme.verify(&headers, body, now);
    let from_map = scheme.verify(&common::header_map(&headers), body, now);
    // Both lookups see the same values whenever `http` accepts them all.
    if headers.iter().all(|(_, v)| http::HeaderValue::from_bytes(v).is_ok()) {
        assert_eq!(from_pairs, from_map);
    }
});
