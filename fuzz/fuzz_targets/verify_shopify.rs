//! Fuzzes the Shopify header parser and verifier: arbitrary header values and body.
#![no_main]

use hookwire::signature::Shopify;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const NAMES: &[&str] = &[
    "x-shopify-hmac-sha256",
    "x-shopify-event-id",
    "x-shopify-webhook-id",
];

fuzz_target!(|data: &[u8]| {
    let scheme = Shopify::new("test_secret_key").unwrap();
    common::verify_both_ways(&scheme, data, NAMES);
});
