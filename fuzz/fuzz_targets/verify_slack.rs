//! Fuzzes the Slack header parser and verifier: arbitrary header values and body.
#![no_main]

use hookwire::signature::Slack;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const NAMES: &[&str] = &["x-slack-request-timestamp", "x-slack-signature"];

fuzz_target!(|data: &[u8]| {
    let scheme = Slack::new("8f742231b10e8888abcd99yyyzzz85a5").unwrap();
    common::verify_both_ways(&scheme, data, NAMES);
});
