//! What a customer does in the portal, step by step, against any server that speaks the API:
//! a refused URL, add an endpoint, a delivery arrives, resend it, the secret, an example event,
//! the catalog, edit, disable and enable, delete; screenshots at desktop and phone width.

use std::time::Duration;

use serde_json::{Value, json};

use crate::browser::{By, Session, output_dir};

pub const WAIT: Duration = Duration::from_secs(30);
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// What the flow needs from the server under test.
pub struct Setup {
    /// The link `app-portal-access` returned.
    pub portal_url: String,
    /// `http://127.0.0.1:P`, the API's base.
    pub base: String,
    pub app: String,
    /// An operator token, to publish and to read what the page shows.
    pub operator: String,
    /// An event type of the catalog, and the receiver's URL.
    pub event_type: String,
    pub receiver_url: String,
    /// How many requests the receiver got so far.
    pub received: Box<dyn Fn() -> usize + Send + Sync>,
    /// Makes the receiver answer `500` (true) or `200` (false).
    pub fail: Box<dyn Fn(bool) + Send + Sync>,
}

impl Setup {
    /// `GET /api/v1{path}` with the operator token.
    pub async fn get(&self, path: &str) -> Value {
        self.api(reqwest::Method::GET, path, None).await
    }

    /// Publishes a message of the test's event type to the application; its id.
    pub async fn publish(&self, payload: Value) -> String {
        let message = json!({ "eventType": self.event_type, "payload": payload });
        let path = format!("/app/{}/msg", self.app);
        let answer = self.api(reqwest::Method::POST, &path, Some(message)).await;
        answer["id"].as_str().expect("a message id").to_owned()
    }

    /// Calls the API with the operator token; the JSON answer (`null` when empty).
    pub async fn api(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = reqwest::Client::new()
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.operator);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("the API answers");
        let status = response.status();
        let bytes = response.bytes().await.expect("a body");
        assert!(
            status.is_success(),
            "{path}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }
}

/// Clicks the button whose accessible name is `name` (its text or its `aria-label`).
pub async fn click_button(session: &Session, name: &str) {
    let xpath = format!("//button[normalize-space()='{name}' or @aria-label='{name}']");
    for _ in 0..5 {
        let button = session.wait_for(By::XPath(&xpath), WAIT).await;
        let label = session.accessible_name(&button).await;
        if session.try_click(&button).await.is_ok() {
            assert_eq!(label, name);
            return;
        }
    }
    panic!("the button `{name}` was replaced on every try");
}

async fn attempts_shown(session: &Session, msg: &str) -> Option<usize> {
    let css = format!("li.delivery[data-msg-id='{msg}']");
    let item = session.find_all(By::Css(&css)).await.into_iter().next()?;
    session
        .attribute(&item, "data-attempts")
        .await?
        .parse()
        .ok()
}

async fn wait_for_text(session: &Session, css: &str, wanted: &str) -> String {
    session
        .wait_until(&format!("`{css}` says `{wanted}`"), WAIT, || async {
            let text = session.text_of(By::Css(css)).await;
            text.contains(wanted).then_some(text)
        })
        .await
}

async fn wait_for_received(session: &Session, setup: &Setup, count: usize) {
    session
        .wait_until(
            &format!("{count} requests at the receiver"),
            WAIT,
            || async { ((setup.received)() >= count).then_some(()) },
        )
        .await;
    assert_eq!(
        (setup.received)(),
        count,
        "the receiver got more than expected"
    );
}

/// Fills the endpoint form's URL (replacing what is there) and submits it.
async fn submit_url(session: &Session, url: &str, submit: &str) {
    let field = session.wait_for(By::Css("#endpoint-url"), WAIT).await;
    assert_eq!(session.accessible_name(&field).await, "Endpoint URL");
    session.clear(&field).await;
    session.type_into(&field, url).await;
    click_button(session, submit).await;
}

/// Every control shown (buttons, fields, menus, disclosure summaries) has an accessible name,
/// as a screen reader would announce it.
async fn assert_everything_is_named(session: &Session) {
    let controls = session
        .find_all(By::Css("button, input, select, textarea, summary, a[href]"))
        .await;
    assert!(controls.len() > 20, "only {} controls", controls.len());
    for control in &controls {
        if !session.displayed(control).await {
            continue;
        }
        let name = session.accessible_name(control).await;
        if name.trim().is_empty() {
            panic!(
                "a control without a name: {}",
                session.outer_html(control).await
            );
        }
    }
}

pub async fn run(session: &Session, setup: &Setup) {
    let out = output_dir("portal");
    session.goto(&setup.portal_url).await;
    session
        .wait_for(By::Css("body[data-ready='true']"), WAIT)
        .await;
    let address = session.execute("return location.href", json!([])).await;
    assert!(
        !address.as_str().unwrap_or_default().contains("token="),
        "the token stays in the address bar: {address}"
    );

    // A URL the API refuses: its detail is shown next to the field.
    click_button(session, "Add endpoint").await;
    submit_url(session, "ftp://127.0.0.1/hook", "Create endpoint").await;
    let refused = wait_for_text(session, "#endpoint-form-error", "not created").await;
    eprintln!("refused: {refused}");
    session.screenshot(&out.join("refused.png")).await;

    // The endpoint, added with the keyboard alone: Tab to the button, Enter, type, Enter.
    click_button(session, "Cancel").await;
    session
        .execute("document.activeElement.blur()", json!([]))
        .await;
    let mut tabs = 0;
    while session.focused_name().await != "Add endpoint" {
        tabs += 1;
        assert!(tabs < 20, "Tab never reached the Add endpoint button");
        session.keys(TAB).await;
    }
    assert!(
        tabs >= 3,
        "the page's first stops are its navigation: {tabs} tabs"
    );
    let ring = session
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle",
            json!([]),
        )
        .await;
    assert_ne!(ring, "none", "the focused button shows no focus ring");
    session.keys(ENTER).await;
    assert_eq!(session.focused_name().await, "Endpoint URL");
    session
        .keys(&format!("{}{ENTER}", setup.receiver_url))
        .await;
    let shown = session
        .wait_for(By::Css("#endpoint-head h2 code.url"), WAIT)
        .await;
    assert_eq!(session.text(&shown).await, setup.receiver_url);
    let endpoints = setup.get(&format!("/app/{}/endpoint", setup.app)).await;
    let endpoint = endpoints["data"]
        .as_array()
        .and_then(|list| {
            list.iter()
                .find(|item| item["url"] == setup.receiver_url.as_str())
        })
        .and_then(|item| item["id"].as_str())
        .expect("the endpoint was created")
        .to_owned();

    // A message arrives and is listed with its attempt; resend it and see the second one.
    let msg = setup.publish(json!({ "order_id": "98765" })).await;
    wait_for_received(session, setup, 1).await;
    session
        .wait_until("the delivery is listed", WAIT, || {
            attempts_shown(session, &msg)
        })
        .await;
    session.screenshot(&out.join("delivered.png")).await;
    click_button(session, &format!("Resend message {msg}")).await;
    wait_for_received(session, setup, 2).await;
    session
        .wait_until("the second attempt is listed", WAIT, || async {
            attempts_shown(session, &msg).await.filter(|n| *n >= 2)
        })
        .await;
    let attempts = format!("li.delivery[data-msg-id='{msg}'] li.attempt");
    let second = session.find_all(By::Css(&attempts)).await;
    assert_eq!(second.len(), 2);
    for attempt in &second {
        let text = session.text(attempt).await;
        assert!(text.contains("HTTP 200"), "{text}");
    }
    wait_for_text(session, "#endpoint-stats", "1 succeeded").await;
    session.screenshot(&out.join("resent.png")).await;

    // The secret: revealed as the API has it; rotated, the page shows the new one.
    let secret_path = format!("/app/{}/endpoint/{endpoint}/secret", setup.app);
    click_button(session, "Reveal secret").await;
    let key = setup.get(&secret_path).await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(key.starts_with("whsec_"));
    wait_for_text(session, "#endpoint-secret", &key).await;
    click_button(session, "Rotate secret").await;
    click_button(session, "Confirm rotation").await;
    session
        .wait_until("the rotated secret is shown", WAIT, || async {
            let shown = session.text_of(By::Css("#endpoint-secret")).await;
            (shown.starts_with("whsec_") && shown != key).then_some(())
        })
        .await;
    let rotated = setup.get(&secret_path).await["key"].clone();
    assert_eq!(
        session.text_of(By::Css("#endpoint-secret")).await,
        rotated.as_str().unwrap()
    );
    click_button(session, "Hide secret").await;
    wait_for_text(session, "#endpoint-secret", "••••").await;

    // An example event reaches the receiver and the list.
    click_button(session, "Send example event").await;
    wait_for_received(session, setup, 3).await;
    session
        .wait_until("the example is listed", WAIT, || async {
            (session.find_all(By::Css("li.delivery")).await.len() >= 2).then_some(())
        })
        .await;

    // While the endpoint fails, its delivery waits for a retry: the page shows the answer and
    // the next attempt. Resent once the endpoint is back, it succeeds.
    (setup.fail)(true);
    let failing = setup.publish(json!({ "order_id": "failing" })).await;
    let card = format!("li.delivery[data-msg-id='{failing}']");
    session
        .wait_until(
            "the failed attempt and the next one are shown",
            WAIT,
            || async {
                let text = session.text_of(By::Css(&card)).await;
                (text.contains("HTTP 500") && text.contains("Next attempt")).then_some(())
            },
        )
        .await;
    session.screenshot(&out.join("failing.png")).await;
    assert_everything_is_named(session).await;
    (setup.fail)(false);
    click_button(session, &format!("Resend message {failing}")).await;
    wait_for_text(session, &format!("{card} > .row .badge"), "success").await;

    click_button(session, "Recover failed deliveries").await;
    wait_for_text(session, "#notice", "will be sent again").await;

    // At phone width nothing scrolls sideways.
    session.resize(390, 844).await;
    let fits = session
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            json!([]),
        )
        .await;
    session.screenshot(&out.join("phone.png")).await;
    assert_eq!(fits, true, "the page scrolls sideways at phone width");
    session.resize(1280, 1000).await;

    // Edit, disable, enable: each shown, each as the API has it.
    click_button(session, "Edit endpoint").await;
    let description = session
        .wait_for(By::Css("#endpoint-description"), WAIT)
        .await;
    session
        .type_into(&description, "Orders of merchant A")
        .await;
    let only = format!(
        "//label[code[normalize-space()='{}']]/input[@type='checkbox']",
        setup.event_type
    );
    let only = session.wait_for(By::XPath(&only), WAIT).await;
    session.click(&only).await;
    click_button(session, "Save endpoint").await;
    wait_for_text(session, "#endpoint-head", "Orders of merchant A").await;
    let subscribed = session
        .text_of(By::XPath("//dt[.='Event types']/following-sibling::dd[1]"))
        .await;
    assert_eq!(subscribed, setup.event_type);
    click_button(session, "Disable endpoint").await;
    wait_for_text(session, "#endpoint-head .badge", "Disabled").await;
    let stored = setup
        .get(&format!("/app/{}/endpoint/{endpoint}", setup.app))
        .await;
    assert_eq!(stored["disabled"], true);
    assert_eq!(stored["description"], "Orders of merchant A");
    assert_eq!(stored["eventTypes"], json!([setup.event_type]));
    click_button(session, "Enable endpoint").await;
    wait_for_text(session, "#endpoint-head .badge", "Enabled").await;

    // The catalog: each type with its description, schema and an example payload.
    click_button(session, "Event types").await;
    let card = format!("//li[.//h3/code[normalize-space()='{}']]", setup.event_type);
    session.wait_for(By::XPath(&card), WAIT).await;
    let example = session
        .wait_for(
            By::XPath(&format!(
                "{card}//summary[normalize-space()='Example payload']"
            )),
            WAIT,
        )
        .await;
    session.click(&example).await;
    let payload = session
        .wait_for(By::XPath(&format!("{card}//details[1]/pre")), WAIT)
        .await;
    let payload: Value =
        serde_json::from_str(&session.text(&payload).await).expect("the example is JSON");
    assert!(payload.is_object(), "{payload}");
    session.screenshot(&out.join("catalog.png")).await;

    // Delete (asked twice) and the list is empty again.
    click_button(session, "Endpoints").await;
    click_button(session, &format!("Manage endpoint {}", setup.receiver_url)).await;
    click_button(session, &format!("Delete endpoint {}", setup.receiver_url)).await;
    click_button(session, "Confirm delete").await;
    wait_for_text(session, "#endpoint-list", "No endpoints yet").await;
    let left = setup.get(&format!("/app/{}/endpoint", setup.app)).await;
    assert_eq!(left["data"], json!([]));
}
