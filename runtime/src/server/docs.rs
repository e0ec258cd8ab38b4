//! The API's document and its browsable reference: `/openapi.json` and `/docs`, a Swagger UI
//! page (vendored `swagger-ui-dist` 5.35.0, served from the same router, so it works offline)
//! that lists the document's `paths` and `webhooks`.

use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use serde_json::Value;

/// The Swagger UI bundle, served at `/docs/swagger-ui-bundle.js`.
const BUNDLE_JS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
/// The Swagger UI stylesheet, served at `/docs/swagger-ui.css`.
const BUNDLE_CSS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");

/// The `/docs` page: Swagger UI reading `openapi.json` beside it, with every operation and
/// webhook listed and nothing loaded from another host (the online validator badge is off).
/// It is served as is; the document's `jsonSchemaDialect` is dropped in the page only, since
/// Swagger UI warns on any but the OAS base dialect.
///
/// ```
/// assert!(hookwire::server::DOCS_HTML.contains("docs/swagger-ui-bundle.js"));
/// ```
pub const DOCS_HTML: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script>
// Swagger UI warns on any `jsonSchemaDialect` but the OAS base one; hookwire's documents name
// plain 2020-12, which that dialect extends, so the page drops the member before rendering.
fetch("openapi.json")
  .then(function (response) { return response.json(); })
  .then(function (spec) {
    delete spec.jsonSchemaDialect;
    window.ui = SwaggerUIBundle({
      spec: spec,
      dom_id: "#reference",
      validatorUrl: null,
      deepLinking: true,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      tryItOutEnabled: false
    });
  })
  .catch(function (error) {
    document.getElementById("reference").textContent = "openapi.json could not be loaded: " + error;
  });
</script>
</body>
</html>
"##;

/// A router serving `document` at `/openapi.json` and its reference at `/docs` (with the page's
/// script and stylesheet under `/docs/`). Merge it into the API's router.
///
/// ```
/// use axum::body::Body;
/// use axum::http::Request;
/// use tower::ServiceExt;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let document = serde_json::json!({ "openapi": "3.1.0", "info": { "title": "T", "version": "1" } });
/// let app = hookwire::server::docs_router(&document);
/// let page = app.clone().oneshot(Request::get("/docs").body(Body::empty()).unwrap()).await.unwrap();
/// assert_eq!(page.status(), 200);
/// let json = app.oneshot(Request::get("/openapi.json").body(Body::empty()).unwrap()).await.unwrap();
/// assert_eq!(json.headers()["content-type"], "application/json");
/// # });
/// ```
pub fn docs_router<S: Clone + Send + Sync + 'static>(document: &Value) -> Router<S> {
    let json = serde_json::to_vec(document).unwrap_or_default();
    Router::new()
        .route(
            "/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
        .route("/docs", get(|| async { Html(DOCS_HTML) }))
        .route(
            "/docs/swagger-ui-bundle.js",
            get(|| async { asset("text/javascript; charset=utf-8", BUNDLE_JS) }),
        )
        .route(
            "/docs/swagger-ui.css",
            get(|| async { asset("text/css; charset=utf-8", BUNDLE_CSS) }),
        )
}

/// A static asset, cacheable for a day.
fn asset(content_type: &'static str, bytes: &'static [u8]) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
}
