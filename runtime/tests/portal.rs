//! The customer portal in headless Chromium, driven through WebDriver (`browser/`): the page
//! the crate serves loads under its own Content-Security-Policy with nothing blocked, works at
//! phone width and shows the API's reason for refusing a private endpoint URL; and, against the
//! real operator API with a memory outbox and a worker, a
//! customer opens the link `app-portal-access` gave, adds an endpoint, sees a delivery arrive,
//! resends it and sees the second attempt (`portal_support/flow.rs` has every step).
//! Screenshots are kept under `target/tmp/portal/`.
//!
//! Outside CI, without Chromium and chromedriver, the tests print that they skipped; under
//! `CI=true` they fail.

use crate::browser;
use crate::portal_support;

use std::sync::Arc;
use std::time::Duration;

use browser::{By, Driver, browser_tools, output_dir};
use hookwire::outbox::{MemoryOutbox, Worker};
use hookwire::platform::Platform;
use hookwire::{Event, Events, JsonSchema, schemars};
use portal_support::flow::{self, Setup};
use portal_support::{Receiver, serve};
use serde::{Deserialize, Serialize};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread")]
async fn the_page_loads_under_its_policy_fits_a_phone_and_shows_a_refusal() {
    let Some((chromium, chromedriver)) = browser_tools("portal") else {
        return;
    };
    let out = output_dir("portal");
    let (setup, _receiver) = platform(false).await;
    let base = &setup.base;
    let driver = Driver::start(&chromedriver, &out.join("chromedriver-page.log")).await;
    let session = driver.session(&chromium, 390, 844).await;
    // `--window-size` is not taken below 500 pixels wide; the window's own size is.
    session.resize(390, 844).await;
    let width = session.execute("return window.innerWidth", json!([])).await;
    assert!(
        width.as_u64().is_some_and(|w| w <= 400),
        "a phone is narrower than {width}"
    );

    // Without a link's token the page says so (and its scripts ran: the view is theirs).
    session.goto(&format!("{base}/portal")).await;
    let heading = session.wait_for(By::Css("#none-title"), WAIT).await;
    assert_eq!(session.text(&heading).await, "No access");
    let fits = session
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            json!([]),
        )
        .await;
    assert_eq!(fits, true, "the page scrolls sideways at phone width");
    session.screenshot(&out.join("no-access-phone.png")).await;
    let loaded = session
        .execute(
            "return [...document.styleSheets].length === 1 \
             && getComputedStyle(document.body).margin === '0px'",
            json!([]),
        )
        .await;
    assert_eq!(loaded, true, "the stylesheet did not apply");
    let blocked: Vec<String> = session
        .console()
        .await
        .into_iter()
        .filter(|line| line.contains("Content Security Policy") || line.starts_with("SEVERE"))
        .collect();
    assert!(blocked.is_empty(), "the browser reported: {blocked:#?}");

    // With the link, on a server that refuses private addresses: the API's reason is shown
    // next to the field.
    session.goto(&setup.portal_url).await;
    session
        .wait_for(By::Css("body[data-ready='true']"), WAIT)
        .await;
    flow::click_button(&session, "Add endpoint").await;
    let url = session.wait_for(By::Css("#endpoint-url"), WAIT).await;
    session.type_into(&url, "http://10.0.0.1/hook").await;
    flow::click_button(&session, "Create endpoint").await;
    session
        .wait_until("the refusal is shown", WAIT, || async {
            let error = session.text_of(By::Css("#endpoint-form-error")).await;
            error
                .contains("private addresses are refused")
                .then_some(())
        })
        .await;
    assert_eq!(
        session.attribute(&url, "aria-invalid").await.as_deref(),
        Some("true")
    );
    session
        .screenshot(&out.join("refused-private-phone.png"))
        .await;
    let left = setup.get(&format!("/app/{}/endpoint", setup.app)).await;
    assert_eq!(left["data"], json!([]));
    session.quit().await;
}

/// A line of an order.
#[derive(Serialize, Deserialize, JsonSchema)]
struct LineItem {
    sku: String,
    quantity: u32,
}

/// An order left the warehouse.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
struct OrderShipped {
    order_id: String,
    items: Vec<LineItem>,
}

/// A customer paid.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "payment.succeeded")]
struct PaymentSucceeded {
    payment_id: String,
}

/// The platform's catalog, registered as event types.
#[derive(Events)]
#[allow(dead_code)]
enum ShopEvent {
    OrderShipped(OrderShipped),
    PaymentSucceeded(PaymentSucceeded),
}

const OPERATOR: &str = "portal-test-operator-token";

/// The operator API with a memory outbox and a worker on a loopback port (private endpoint
/// addresses allowed or not), an application, its portal link, and a loopback receiver.
async fn platform(allow_private: bool) -> (Setup, Receiver) {
    let store = Arc::new(MemoryOutbox::new());
    let platform = Platform::builder(Arc::clone(&store))
        .operator_token(OPERATOR)
        .allow_private_endpoints(allow_private)
        .catalog::<ShopEvent>()
        .build()
        .await
        .unwrap();
    let base = serve(platform.router()).await;
    let worker = Worker::builder(Arc::clone(&store))
        .poll_interval(Duration::from_millis(50))
        .build()
        .unwrap();
    tokio::spawn(async move { worker.run_until(std::future::pending::<()>()).await });
    let receiver = Receiver::start().await;

    let mut setup = Setup {
        portal_url: String::new(),
        base: base.clone(),
        app: String::new(),
        operator: OPERATOR.to_owned(),
        event_type: "order.shipped".to_owned(),
        receiver_url: receiver.url.clone(),
        received: receiver.counter(),
        fail: receiver.switch(),
    };
    let app = setup
        .api(
            reqwest::Method::POST,
            "/app",
            Some(json!({ "name": "Merchant A", "uid": "merchant-a" })),
        )
        .await;
    setup.app = app["id"].as_str().expect("an application id").to_owned();
    let access = setup
        .api(
            reqwest::Method::POST,
            &format!("/auth/app-portal-access/{}", setup.app),
            Some(json!({})),
        )
        .await;
    setup.portal_url = access["url"].as_str().expect("a portal link").to_owned();
    assert!(
        setup
            .portal_url
            .starts_with(&format!("{base}/portal/#app={}&token=", setup.app))
    );
    (setup, receiver)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_adds_an_endpoint_sees_a_delivery_and_resends_it() {
    let Some((chromium, chromedriver)) = browser_tools("portal") else {
        return;
    };
    let (setup, _receiver) = platform(true).await;
    let out = output_dir("portal");
    let driver = Driver::start(&chromedriver, &out.join("chromedriver.log")).await;
    let session = driver.session(&chromium, 1280, 1000).await;
    flow::run(&session, &setup).await;
    let blocked: Vec<String> = session
        .console()
        .await
        .into_iter()
        .filter(|line| line.contains("Content Security Policy"))
        .collect();
    assert!(blocked.is_empty(), "the browser reported: {blocked:#?}");
    session.quit().await;
}
