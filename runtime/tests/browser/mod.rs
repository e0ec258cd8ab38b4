//! A small W3C WebDriver client for the browser tests: Debian's `chromedriver` (package
//! `chromium-driver`, installed by `scripts/ci-setup.sh`) started on a free loopback port,
//! driving headless Chromium with every host but 127.0.0.1 unresolvable, spoken to with
//! reqwest. Outside CI a missing tool makes the test print `skipped`; under `CI=true` it fails.

#![allow(dead_code, unreachable_pub)]

mod session;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub use session::{By, Session};
pub use tools::{CHROMIUM_ARGS, output_dir, tool};

/// The browser tools, or `None` (after saying the test is skipped) outside CI without them.
pub fn browser_tools(test: &str) -> Option<(PathBuf, PathBuf)> {
    let chromium = tool(
        "HOOKWIRE_CHROMIUM",
        &["chromium".into(), "chromium-browser".into()],
    );
    let driver = tool("HOOKWIRE_CHROMEDRIVER", &["chromedriver".into()]);
    match (chromium, driver) {
        (Some(chromium), Some(driver)) => Some((chromium, driver)),
        _ => {
            eprintln!(
                "{test}: skipped, chromium or chromedriver is not installed \
                 (`bash scripts/ci-setup.sh` installs both)"
            );
            None
        }
    }
}

/// A running `chromedriver`, stopped when dropped.
pub struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Driver {
    /// Starts `chromedriver` on a free loopback port and waits until it is ready.
    pub async fn start(binary: &Path, log: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .arg(format!("--log-path={}", log.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("{} does not start: {error}", binary.display()));
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(120))
                .build()
                .expect("a reqwest client"),
        };
        let started = Instant::now();
        loop {
            let ready = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await;
            if let Ok(response) = ready {
                let status = response.bytes().await.unwrap_or_default();
                let status: Value = serde_json::from_slice(&status).unwrap_or_default();
                if status["value"]["ready"] == true {
                    return driver;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver was not ready after 30 s; see {}",
                log.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A new headless Chromium session with a `width` x `height` window.
    pub async fn session(&self, chromium: &Path, width: u32, height: u32) -> Session {
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|arg| (*arg).to_owned()).collect();
        args.push(format!("--window-size={width},{height}"));
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
        }}});
        let answer = call(
            &self.http,
            reqwest::Method::POST,
            &format!("{}/session", self.base),
            Some(capabilities),
        )
        .await
        .unwrap_or_else(|error| panic!("no browser session: {error}"));
        let id = answer["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        Session {
            closed: false,
            http: self.http.clone(),
            url: format!("{}/session/{id}", self.base),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver error: its `error` code and message.
#[derive(Debug)]
pub struct WebDriverError {
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

pub(crate) async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, WebDriverError> {
    let request = http.request(method, url);
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(body.to_string()),
        None => request,
    };
    let response = request.send().await.map_err(|error| WebDriverError {
        error: "transport".into(),
        message: error.to_string(),
    })?;
    let ok = response.status().is_success();
    let answer = response.bytes().await.map_err(|error| WebDriverError {
        error: "transport".into(),
        message: error.to_string(),
    })?;
    let answer: Value = serde_json::from_slice(&answer).map_err(|error| WebDriverError {
        error: "body".into(),
        message: error.to_string(),
    })?;
    let value = answer.get("value").cloned().unwrap_or(Value::Null);
    if ok {
        // `POST /session` answers `{value: {sessionId, capabilities}}`.
        return Ok(value);
    }
    Err(WebDriverError {
        error: value["error"].as_str().unwrap_or("unknown").to_owned(),
        message: value["message"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
    })
}
