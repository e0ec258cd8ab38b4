//! One browser session: navigation, finding and waiting for elements, clicks, typing, the
//! accessible name, scripts, the console and screenshots.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

use super::{WebDriverError, call};

/// The key of an element reference in WebDriver's JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// An element found on the page.
#[derive(Debug, Clone)]
pub struct Element(String);

/// How to find an element: a CSS selector or an XPath expression.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Css(&'a str),
    XPath(&'a str),
}

/// One browser session; [`Session::quit`] closes it.
pub struct Session {
    pub(super) http: reqwest::Client,
    pub(super) url: String,
    /// Whether [`Session::quit`] closed the browser; if not (a test panicked), dropping the
    /// session closes it, so no Chromium outlives its test.
    pub(super) closed: bool,
}

impl Session {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, WebDriverError> {
        call(&self.http, method, &format!("{}{path}", self.url), body).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.send(reqwest::Method::POST, path, Some(body))
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    async fn get(&self, path: &str) -> Value {
        self.send(reqwest::Method::GET, path, None)
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    /// Resizes the window (the viewport is a little smaller: the headless window has no chrome).
    pub async fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await;
    }

    /// The elements matching `by`, maybe none.
    pub async fn find_all(&self, by: By<'_>) -> Vec<Element> {
        let (using, value) = match by {
            By::Css(css) => ("css selector", css),
            By::XPath(xpath) => ("xpath", xpath),
        };
        let found = self
            .post("/elements", json!({ "using": using, "value": value }))
            .await;
        found
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|item| item[ELEMENT].as_str())
                    .map(|id| Element(id.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits (up to `limit`) for a displayed element matching `by`.
    pub async fn wait_for(&self, by: By<'_>, limit: Duration) -> Element {
        let started = Instant::now();
        loop {
            for element in self.find_all(by).await {
                if self.displayed(&element).await {
                    return element;
                }
            }
            if started.elapsed() > limit {
                let body = self.text_of(By::Css("body")).await;
                panic!("no displayed {by:?} after {limit:?}; the page says:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Waits (up to `limit`) until `check` returns `Some`, polling the page.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, limit: Duration, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let started = Instant::now();
        loop {
            if let Some(value) = check().await {
                return value;
            }
            if started.elapsed() > limit {
                let body = self.text_of(By::Css("body")).await;
                panic!("{what}: not after {limit:?}; the page says:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Whether `element` is shown (not in a hidden part of the page).
    pub async fn displayed(&self, element: &Element) -> bool {
        self.send(
            reqwest::Method::GET,
            &format!("/element/{}/displayed", element.0),
            None,
        )
        .await
        .is_ok_and(|value| value == true)
    }

    /// Clicks `element` (scrolled into view first).
    pub async fn click(&self, element: &Element) {
        self.post(&format!("/element/{}/click", element.0), json!({}))
            .await;
    }

    /// Clicks `element`; `Err` when the page replaced it since it was found (a re-render), so
    /// the caller can find it again.
    pub async fn try_click(&self, element: &Element) -> Result<(), WebDriverError> {
        let path = format!("/element/{}/click", element.0);
        self.send(reqwest::Method::POST, &path, Some(json!({})))
            .await
            .map(drop)
    }

    /// Types `text` into `element`.
    pub async fn type_into(&self, element: &Element, text: &str) {
        self.post(
            &format!("/element/{}/value", element.0),
            json!({ "text": text }),
        )
        .await;
    }

    /// Presses the keys of `text` on whatever has the focus, as a person typing would
    /// (WebDriver's special keys: `\u{E004}` Tab, `\u{E007}` Enter).
    pub async fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|key| {
                let key = key.to_string();
                [
                    json!({ "type": "keyDown", "value": key }),
                    json!({ "type": "keyUp", "value": key }),
                ]
            })
            .collect();
        self.post(
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
        )
        .await;
    }

    /// The accessible name of the element that has the focus (`""` when it is the page).
    pub async fn focused_name(&self) -> String {
        let active = self.get("/element/active").await;
        match active[ELEMENT].as_str() {
            Some(id) => self.accessible_name(&Element(id.to_owned())).await,
            None => String::new(),
        }
    }

    /// Empties a text field.
    pub async fn clear(&self, element: &Element) {
        self.post(&format!("/element/{}/clear", element.0), json!({}))
            .await;
    }

    /// A string property of `element` (`text`, `attribute/NAME`, `computedlabel`); `None` when
    /// it has none or the page replaced the element meanwhile (callers poll again).
    async fn element_string(&self, element: &Element, property: &str) -> Option<String> {
        let path = format!("/element/{}/{property}", element.0);
        let value = self.send(reqwest::Method::GET, &path, None).await.ok()?;
        value.as_str().map(str::to_owned)
    }

    /// The rendered text of `element`.
    pub async fn text(&self, element: &Element) -> String {
        self.element_string(element, "text")
            .await
            .unwrap_or_default()
    }

    /// The rendered text of the first element matching `by`, or `""`.
    pub async fn text_of(&self, by: By<'_>) -> String {
        match self.find_all(by).await.first() {
            Some(element) => self.text(element).await,
            None => String::new(),
        }
    }

    /// An attribute of `element`.
    pub async fn attribute(&self, element: &Element, name: &str) -> Option<String> {
        self.element_string(element, &format!("attribute/{name}"))
            .await
    }

    /// The element's HTML, for failure messages.
    pub async fn outer_html(&self, element: &Element) -> String {
        let html = self.element_string(element, "property/outerHTML").await;
        html.unwrap_or_default()
    }

    /// The accessible name the browser computed for `element`.
    pub async fn accessible_name(&self, element: &Element) -> String {
        self.element_string(element, "computedlabel")
            .await
            .unwrap_or_default()
    }

    /// Runs `script` in the page (its `arguments` are `args`) and returns what it returns.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Saves a PNG screenshot of the whole page at `path`: the window grows to the page's
    /// height for the picture, then returns to its size.
    pub async fn screenshot(&self, path: &Path) {
        let rect = self.get("/window/rect").await;
        let height = self
            .execute("return document.documentElement.scrollHeight + (window.outerHeight - window.innerHeight)", json!([]))
            .await;
        self.post(
            "/window/rect",
            json!({ "width": rect["width"], "height": height }),
        )
        .await;
        let png = self.get("/screenshot").await;
        self.post(
            "/window/rect",
            json!({ "width": rect["width"], "height": rect["height"] }),
        )
        .await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap_or_default())
            .expect("the screenshot is base64");
        std::fs::write(path, bytes).expect("the screenshot can be written");
        eprintln!("screenshot: {}", path.display());
    }

    /// The browser console's messages since the last call, as `LEVEL text` lines (Chromium's
    /// log endpoint; a Content-Security-Policy violation is reported there as a `SEVERE` one).
    pub async fn console(&self) -> Vec<String> {
        let entries = self.post("/se/log", json!({ "type": "browser" })).await;
        entries
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|entry| {
                        format!(
                            "{} {}",
                            entry["level"].as_str().unwrap_or("?"),
                            entry["message"].as_str().unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Closes the browser.
    pub async fn quit(mut self) {
        let _ = self.send(reqwest::Method::DELETE, "", None).await;
        self.closed = true;
    }
}

impl Drop for Session {
    /// `DELETE /session/{id}` over a plain blocking connection (no runtime is guaranteed while
    /// a panicking test unwinds); chromedriver closes the browser before it answers.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        if self.closed {
            return;
        }
        let Some(rest) = self.url.strip_prefix("http://") else {
            return;
        };
        let Some((host, path)) = rest.split_once('/') else {
            return;
        };
        let Ok(mut stream) = std::net::TcpStream::connect(host) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
        let request = format!(
            "DELETE /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            // The answer comes once the browser is closed; its first bytes are enough.
            let _ = stream.read(&mut [0_u8; 512]);
        }
    }
}
