//! What the browser and conformance tests share: `shop serve` started as the real binary on a
//! free loopback port, and the lookup of an external tool that `scripts/ci-setup.sh` installs.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// `shop serve --port 0`, stopped when dropped.
pub(crate) struct Served {
    child: Child,
    /// `http://127.0.0.1:P`.
    pub(crate) base: String,
}

impl Served {
    /// Starts the binary and waits for the line that names its address.
    pub(crate) fn start() -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shop"))
            .args(["serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("`shop serve` starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("`shop serve` prints its address");
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in `{line}`"))
            .to_owned();
        Served { child, base }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether this run is CI (`CI=true`), where a missing tool fails the test instead of skipping it.
pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

/// Finds a tool: the path in `variable` (exported by `scripts/ci-setup.sh --env`), then
/// `fallbacks` (absolute paths, or names looked up on `PATH`). `None` outside CI when it is
/// missing (the caller prints that it skipped); under CI a missing tool panics.
pub(crate) fn tool(variable: &str, fallbacks: &[PathBuf]) -> Option<PathBuf> {
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
pub(crate) fn output_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("the output folder can be created");
    dir
}

/// Runs `command` to completion and returns its stdout, killing it if it runs past `limit`
/// (a hung browser or fuzzer fails the test instead of hanging the suite).
pub(crate) fn run_bounded(
    command: &mut Command,
    limit: std::time::Duration,
) -> std::process::Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("{command:?} does not start: {error}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let (out, err) = (read(Box::new(stdout)), read(Box::new(stderr)));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} ran past {limit:?} and was stopped");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    std::process::Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}
