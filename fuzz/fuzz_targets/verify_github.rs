//! Fuzzes the GitHub header parser and verifier: arbitrary header values and body.
#![no_main]

use hookwire::signature::{Scheme, GitHub};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const NAMES: &[&str] = &["x-hub-signature-256", "x-github-delivery"];

fuzz_target!(|data: &[u8]| {
    let scheme = GitHub::new("It's a Secret to Everybody").unwrap();
    let (headers, body) = common::split(data, NAMES);
    let now = 1_700_000_000;
    let from_pairs = scheme.verify(&headers, body, now);
    let from_map = scheme.verify(&common::header_map(&headers), body, now);
    // Both lookups see the same values whenever `http` accepts them all.
    if headers.iter().all(|(_, v)| http::HeaderValue::from_bytes(v).is_ok()) {
        assert_eq!(from_pairs, from_map);
    }
});
