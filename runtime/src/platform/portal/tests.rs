use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::*;

async fn get(app: &Router, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn every_file_is_served_with_its_type_and_the_security_headers() {
    let app: Router = router();
    for asset in ASSETS {
        let response = get(&app, &format!("/portal/{}", asset.name), &[]).await;
        assert_eq!(response.status(), 200, "{}", asset.name);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], asset.content_type);
        assert_eq!(
            headers["content-security-policy"],
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
             img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors *"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["cache-control"], "no-cache");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, asset.body.as_bytes());
    }
    let missing = get(&app, "/portal/missing.js", &[]).await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn a_known_version_is_answered_not_modified() {
    let app: Router = router();
    let first = get(&app, "/portal/portal.js", &[]).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let again = get(&app, "/portal/portal.js", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert!(again.headers().get("content-type").is_none());
    let weak = format!("\"other\", W/{etag}");
    let weak = get(&app, "/portal/portal.js", &[("if-none-match", &weak)]).await;
    assert_eq!(weak.status(), 304);
    let stale = get(&app, "/portal/portal.js", &[("if-none-match", "\"old\"")]).await;
    assert_eq!(stale.status(), 200);
    let other = get(&app, "/portal/api.js", &[]).await;
    assert_ne!(other.headers()["etag"], etag.as_str());
}

#[tokio::test]
async fn the_bare_path_redirects_relatively_with_the_same_headers() {
    let config = PortalConfig::new().frame_ancestors("'none'").unwrap();
    let app: Router = router_with(&config);
    let response = get(&app, "/portal", &[]).await;
    assert_eq!(response.status(), 308);
    assert_eq!(response.headers()["location"], "portal/");
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .ends_with("frame-ancestors 'none'")
    );
    // Nested under a prefix, the relative redirect stays under it.
    let nested: Router = Router::new().nest("/hooks", router());
    let page = get(&nested, "/hooks/portal/", &[]).await;
    assert_eq!(page.status(), 200);
}

/// What the policy forbids must not be in the page: no inline script or style, no event
/// handler attributes, no external URLs.
#[test]
fn the_page_needs_nothing_the_policy_forbids() {
    let html = ASSETS[0].body;
    for forbidden in [
        " style=",
        " onclick=",
        " onload=",
        "javascript:",
        "http://",
        "https://",
    ] {
        assert!(
            !html.contains(forbidden),
            "index.html contains `{forbidden}`"
        );
    }
    for script in html.split("<script").skip(1) {
        let tag = &script[..script.find('>').unwrap()];
        assert!(tag.contains(" src="), "inline <script{tag}>");
    }
    assert!(!html.contains("<style"), "inline <style>");
    assert!(html.contains("name=\"viewport\""));
}

/// Server data reaches the page as text only, and every module the page imports is served.
#[test]
fn scripts_never_parse_strings_as_html_and_import_only_served_files() {
    let names: Vec<&str> = ASSETS.iter().map(|asset| asset.name).collect();
    for asset in ASSETS.iter().filter(|asset| asset.content_type == JS) {
        for forbidden in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ] {
            assert!(
                !asset.body.contains(forbidden),
                "{} uses `{forbidden}`",
                asset.name
            );
        }
        for line in asset
            .body
            .lines()
            .filter(|line| line.starts_with("import "))
        {
            let from = line.split("from \"./").nth(1).unwrap_or_default();
            let file = from.split('"').next().unwrap_or_default();
            assert!(names.contains(&file), "{} imports `{line}`", asset.name);
        }
    }
    for referenced in ["portal.css", "portal.js"] {
        assert!(ASSETS[0].body.contains(&format!("\"{referenced}\"")));
    }
}
