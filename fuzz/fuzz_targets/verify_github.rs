//! Fuzzes the GitHub header parser and verifier: arbitrary header values and body.
#![no_main]

use hookwire::signature::GitHub;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const NAMES: &[&str] = &["x-hub-signature-256", "x-github-delivery"];

fuzz_target!(|data: &[u8]| {
    let scheme = GitHub::new("It's a Secret to Everybody").unwrap();
    common::verify_both_ways(&scheme, data, NAMES);
});
