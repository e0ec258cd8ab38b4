//! The shared provider corpora: real providers' published webhook descriptions (Svix, Resend,
//! GitHub), read where they are, in `../shared/corpora` beside the checkout (as in CI) or the
//! folder `HOOKWIRE_CORPORA` names, and never copied into the repository (their README asks
//! so). A test that needs one fails, naming the path, when it is missing.
//!
//! The one place that locates them: codegen's tests reach it as `support::corpora`, the CLI's
//! and the GitHub example's include this file by path, so it uses nothing but std and finds
//! the workspace's root from whichever crate includes it.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

/// The workspace's root: the nearest folder holding `Cargo.lock` above the crate that
/// includes this file.
fn workspace() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or_else(|| panic!("no Cargo.lock above {}", manifest.display()))
        .to_owned()
}

/// The corpora folder: `HOOKWIRE_CORPORA` when set, else `../shared/corpora` from the
/// workspace's root.
pub fn dir() -> PathBuf {
    std::env::var_os("HOOKWIRE_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/corpora"))
}

/// `path` (a file or a folder) inside the corpora, e.g. `svix/lib-openapi.json`; panics
/// with the full path when it is not there.
#[track_caller]
pub fn corpus(path: &str) -> PathBuf {
    let found = dir().join(path);
    assert!(
        found.exists(),
        "no corpus at {}: the shared corpora are beside the checkout in CI \
         (../shared/corpora); set HOOKWIRE_CORPORA to their folder to run this test elsewhere",
        found.display()
    );
    found
}
