//! Fuzzes the Stripe header parser and verifier: arbitrary header values and body.
#![no_main]

use hookwire::signature::Stripe;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const NAMES: &[&str] = &["stripe-signature"];

fuzz_target!(|data: &[u8]| {
    let scheme = Stripe::new("whsec_test_secret").unwrap();
    common::verify_both_ways(&scheme, data, NAMES);
});
