//! Fuzzes the StandardWebhooks header parser and verifier: arbitrary header values and body.
#![no_main]

use hookwire::signature::StandardWebhooks;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const NAMES: &[&str] = &[
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-signature",
];

fuzz_target!(|data: &[u8]| {
    let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()
        .with_secret("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=")
        .unwrap();
    common::verify_both_ways(&scheme, data, NAMES);
});
