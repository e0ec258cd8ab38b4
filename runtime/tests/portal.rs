//! The customer portal in headless Chromium, driven through WebDriver (`browser/`): the page
//! the crate serves loads under its own Content-Security-Policy with nothing blocked, and works
//! at phone width. Screenshots are kept under `target/tmp/portal/`.
//!
//! Outside CI, without Chromium and chromedriver, the tests print that they skipped; under
//! `CI=true` they fail.

mod browser;

use std::time::Duration;

use browser::{By, Driver, browser_tools, output_dir};
use hookwire::platform::portal;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

/// Serves `router` on a free loopback port; returns `http://127.0.0.1:P`.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

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
