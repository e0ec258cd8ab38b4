//! What the browser and conformance tests share: `shop serve` started as the real binary on a
//! free loopback port, and the lookup of an external tool that `scripts/ci-setup.sh` installs.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

// Finding a tool and the artifacts' folder, shared with the runtime's browser tests.
#[allow(unreachable_pub)]
#[path = "../../../../runtime/tests/browser/tools.rs"]
mod tools;
// Each test binary uses a part of it (the conformance test runs no browser).
#[allow(unused_imports)]
pub(crate) use tools::{CHROMIUM_ARGS, output_dir, tool};

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
