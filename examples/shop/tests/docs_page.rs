//! `/docs` in a real browser: headless Chromium (Debian's `chromium`, installed by
//! `scripts/ci-setup.sh`) opens the page `shop serve` serves, with every host but 127.0.0.1
//! unresolvable (so the page must work offline), and the rendered page lists each of the shop's
//! operations and webhooks. The screenshot is kept at `target/tmp/docs-page/docs.png`.
//!
//! Outside CI, without Chromium, the test prints that it skipped; under `CI=true` it fails.

use crate::support;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use support::{CHROMIUM_ARGS, Served, output_dir, run_bounded, tool};

/// Chromium headless, as the project runs it: no sandbox (CI runs as root), nothing fetched
/// in the background, a fresh profile, and every host but loopback unresolvable.
fn chromium(binary: &PathBuf, profile: &std::path::Path) -> Command {
    let mut command = Command::new(binary);
    command.args(CHROMIUM_ARGS);
    command.args(["--window-size=1280,1600", "--virtual-time-budget=15000"]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

#[test]
fn the_docs_page_lists_every_operation_and_webhook() {
    let Some(binary) = tool(
        "HOOKWIRE_CHROMIUM",
        &["chromium".into(), "chromium-browser".into()],
    ) else {
        eprintln!("skipped: chromium is not installed (`bash scripts/ci-setup.sh` installs it)");
        return;
    };
    let served = Served::start();
    let page = format!("{}/docs", served.base);
    let out = output_dir("docs-page");
    let profile = out.join(format!("profile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);

    let dom = run_bounded(
        chromium(&binary, &profile).args(["--dump-dom", &page]),
        Duration::from_secs(120),
    );
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    std::fs::write(out.join("docs.html"), &dom).unwrap();

    let screenshot = out.join("docs.png");
    let _ = std::fs::remove_file(&screenshot);
    let shot = run_bounded(
        chromium(&binary, &profile)
            .args([&format!("--screenshot={}", screenshot.display()), &page]),
        Duration::from_secs(120),
    );
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        screenshot.is_file(),
        "no screenshot was written: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    eprintln!("screenshot: {}", screenshot.display());

    let document = hookwire_example_shop::openapi().unwrap();
    let mut expected = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            expected.push((
                method.to_uppercase(),
                path.clone(),
                operation["operationId"].clone(),
            ));
        }
    }
    for (name, item) in document["webhooks"].as_object().unwrap() {
        expected.push((
            "POST".into(),
            name.clone(),
            item["post"]["operationId"].clone(),
        ));
    }
    assert_eq!(
        expected.len(),
        3 + 5,
        "the shop has 3 operations and 5 webhooks"
    );
    let missing: Vec<String> = expected
        .iter()
        .filter(|(_, path, _)| !dom.contains(&format!("data-path=\"{path}\"")))
        .map(|(method, path, id)| format!("{method} {path} ({id})"))
        .collect();
    assert!(
        missing.is_empty(),
        "the rendered page does not list {missing:?}; see {} and {}",
        out.join("docs.html").display(),
        screenshot.display()
    );
    assert!(
        dom.contains("<h2>Webhooks"),
        "no Webhooks section in the rendered page"
    );
    assert!(
        !dom.contains("<div id=\"reference\">openapi.json could not be loaded"),
        "the page could not load openapi.json"
    );
}
