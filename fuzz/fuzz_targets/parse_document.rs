//! Fuzzes the document loader every command that reads a description shares: any text, read as
//! YAML and as JSON, parses or fails with a located error; no input panics or hangs.
#![no_main]

use std::path::Path;

use hookwire_codegen::{DocumentError, parse_document};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in ["fuzz.yaml", "fuzz.json"] {
        if let Err(DocumentError::Syntax { line, column, .. }) =
            parse_document(text, Path::new(name))
        {
            assert!(line >= 1 && column >= 1, "a position counts from 1");
        }
    }
});
