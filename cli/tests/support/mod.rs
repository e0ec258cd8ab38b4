//! Running the built `hookwire` binary.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// The result of one run: exit code and both outputs as text.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().expect("exited normally"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics with both outputs unless the exit code is `code`.
    #[track_caller]
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Whether `needle` appears in either output.
    pub fn mentions(&self, needle: &str) -> bool {
        self.stdout.contains(needle) || self.stderr.contains(needle)
    }
}

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookwire"));
    command.args(args).env_remove("HOOKWIRE_SECRET");
    command
}

/// Runs `hookwire args...` with `stdin` as its standard input.
pub fn run_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hookwire");
    // A command that fails early (a usage error) exits without reading its input: the pipe
    // is then closed, which is not a failure of the test.
    if let Err(error) = child.stdin.take().expect("stdin").write_all(stdin) {
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe,
            "write stdin: {error}"
        );
    }
    Run::from(child.wait_with_output().expect("wait"))
}

/// Runs `hookwire args...` with an empty standard input.
pub fn run(args: &[&str]) -> Run {
    run_stdin(args, b"")
}

/// Runs with extra environment variables.
pub fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = command(args);
    command.envs(env.iter().copied()).stdin(Stdio::null());
    Run::from(command.output().expect("run hookwire"))
}

/// A file with `contents` in a fresh temporary directory, removed on drop.
pub struct TempFile {
    pub path: PathBuf,
}

impl TempFile {
    pub fn new(name: &str, contents: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "hookwire-cli-{}-{}",
            std::process::id(),
            random_suffix()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("write temp file");
        TempFile { path }
    }

    pub fn arg(&self) -> &str {
        self.path.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A fresh directory for a SQLite outbox, and its `--db` URL (`sqlite://DIR/outbox.db`).
pub fn temp_db(name: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!(
        "hookwire-{name}-{}-{:x}",
        std::process::id(),
        random_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("outbox.db").display());
    (dir, url)
}

fn random_suffix() -> u64 {
    use std::hash::{BuildHasher as _, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// A running `hookwire listen --port 0`, killed on drop.
pub struct Listener {
    child: Child,
    lines: Receiver<String>,
    pub url: String,
}

impl Listener {
    /// Starts the listener and reads its first line for the port.
    pub fn start(args: &[&str]) -> Self {
        let mut all = vec!["listen", "--port", "0"];
        all.extend_from_slice(args);
        let mut child = command(&all)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn hookwire listen");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut listener = Listener {
            child,
            lines,
            url: String::new(),
        };
        let first = listener.line();
        let rest = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"));
        listener.url = rest.split_whitespace().next().expect("url").to_owned();
        assert!(listener.url.starts_with("http://127.0.0.1:"), "{first}");
        listener
    }

    /// The next line printed (waits for it, at most 30 s).
    pub fn line(&mut self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no line from the listener"))
    }

    /// The next line, parsed as JSON (for `--json`).
    pub fn json(&mut self) -> serde_json::Value {
        let line = self.line();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// Lines up to the next blank one (one request in text mode).
    pub fn block(&mut self) -> String {
        let mut out = String::new();
        loop {
            let line = self.line();
            if line.is_empty() {
                return out;
            }
            out.push_str(&line);
            out.push('\n');
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to exit by itself and returns its exit code and stderr.
    pub fn wait(mut self) -> (i32, String) {
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            use std::io::Read as _;
            let _ = pipe.read_to_string(&mut stderr);
        }
        let status = self.child.wait().expect("wait listener");
        (status.code().unwrap_or(-1), stderr)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `hookwire server --db DB --port 0 EXTRA...` with `HOOKWIRE_API_TOKEN=token`, its address
/// read from the first line it prints; killed when dropped.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:P`.
    pub base: String,
}

impl Server {
    pub fn start(db: &str, token: &str, extra: &[&str]) -> Server {
        let mut child = command(&["server", "--db", db, "--port", "0"])
            .args(extra)
            .env("HOOKWIRE_API_TOKEN", token)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn hookwire server");
        let mut stdout = child.stdout.take().expect("its stdout");
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while std::io::Read::read(&mut stdout, &mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
            line.push(byte[0]);
        }
        let line = String::from_utf8(line).expect("UTF-8");
        let base = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line}"))
            .to_owned();
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
