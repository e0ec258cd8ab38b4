//! The customer portal in headless Chromium, driven through WebDriver (`browser/`): the page
//! the crate serves loads under its own Content-Security-Policy with nothing blocked and works
//! at phone width; and, against the real operator API with a memory outbox and a worker, a
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
use hookwire::platform::{Platform, portal};
use hookwire::{Event, Events, JsonSchema, schemars};
use portal_support::flow::{self, Setup};
use portal_support::{Receiver, serve};
use serde::{Deserialize, Serialize};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread")]
async fn the_page_loads_under_its_policy_and_fits_a_phone() {
    let Some((chromium, chromedriver)) = browser_tools("portal") else {
        return;
    };
    let out = output_dir("portal");
    let base = serve(portal::router()).await;
    let driver = Driver::start(&chromedriver, &out.join("chromedriver-page.log")).await;
    let session = driver.session(&chromium, 390, 844).await;

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

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_adds_an_endpoint_sees_a_delivery_and_resends_it() {
    let Some((chromium, chromedriver)) = browser_tools("portal") else {
        return;
    };
    let store = Arc::new(MemoryOutbox::new());
    let platform = Platform::builder(Arc::clone(&store))
        .operator_token(OPERATOR)
        .allow_private_endpoints(true)
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
