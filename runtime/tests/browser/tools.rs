//! Finding the external tools `scripts/ci-setup.sh` installs, how Chromium runs in tests, and
//! where tests keep artifacts.

use std::path::PathBuf;

/// Chromium's flags: headless, no sandbox (CI runs as root), nothing fetched in the background,
/// and every host but loopback unresolvable, so the page must work offline.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

/// Whether this run is CI (`CI=true`), where a missing tool fails the test instead of skipping it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

/// Finds a tool: the path in `variable` (exported by `scripts/ci-setup.sh --env`), then
/// `fallbacks` (absolute paths, or names looked up on `PATH`). `None` outside CI when it is
/// missing (the caller prints that it skipped); under CI a missing tool panics.
pub fn tool(variable: &str, fallbacks: &[PathBuf]) -> Option<PathBuf> {
    let from_env = std::env::var_os(variable)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from);
    let found = from_env
        .into_iter()
        .chain(fallbacks.iter().cloned())
        .find_map(|candidate| resolve(&candidate));
    if found.is_none() && in_ci() {
        panic!(
            "{variable} is not set and none of {fallbacks:?} is installed; under CI this test \
             must run: `bash scripts/ci-setup.sh` installs it"
        );
    }
    found
}

fn resolve(candidate: &PathBuf) -> Option<PathBuf> {
    if candidate.components().count() > 1 {
        return candidate.is_file().then(|| candidate.clone());
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(candidate))
            .find(|full| full.is_file())
    })
}

/// Where a test keeps what it produced for a person to look at: `target/tmp/<name>`.
pub fn output_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("the output folder can be created");
    dir
}
