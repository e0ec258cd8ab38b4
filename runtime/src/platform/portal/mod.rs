//! The customer portal: the page where each of your customers (an application) manages their
//! webhook endpoints and sees what was sent to them.
//!
//! # What a customer does there
//!
//! - list, add, edit, disable, enable and delete endpoints (the API's refusal, such as a URL
//!   that resolves to a private address, is shown next to the URL);
//! - choose the event types an endpoint receives from the catalog, each with its description,
//!   JSON Schema and an example payload (the schema's `examples`, else one built from it);
//! - see each delivery with its attempts (status, duration, response excerpt, next attempt),
//!   resend one, and recover every failed delivery since a time;
//! - reveal and rotate the endpoint's signing secret;
//! - send an example event of a chosen type.
//!
//! The page is plain HTML, CSS and JavaScript modules compiled into the crate (nothing fetched
//! from another host, nothing built with Node). It calls the Svix-compatible API beside it
//! (`<base>/api/v1`, found relative to `<base>/portal/`, so a router nested under a prefix
//! works) with the application-scoped token it reads from its link, and renders every value
//! the server sends as text. It works with a keyboard and on a phone.
//!
//! # The link
//!
//! `POST /api/v1/auth/app-portal-access/{app_id}` answers
//! `{"url": "<base>/portal/#app=<app_id>&token=<token>", "token": "..."}`. The token is in the
//! URL's fragment, which browsers never send to a server (so it reaches no access log); the page
//! moves it into the tab's `sessionStorage` and clears it from the address bar. Show the link to
//! the customer, or put it in an iframe in your own dashboard:
//!
//! ```html
//! <iframe src="https://hooks.example.com/portal/#app=app_2a...&token=..."
//!         title="Webhooks" style="width: 100%; height: 48rem; border: 0"></iframe>
//! ```
//!
//! # Serving it
//!
//! [`Platform::router`](crate::platform::Platform::router) serves it at `/portal/` beside the
//! API; [`router`] serves it alone (`/portal/` and its scripts and stylesheet under it), for a
//! router of your own. Every response carries a strict Content-Security-Policy (no inline
//! script or style, connections to its own origin only; see
//! [`PortalConfig::content_security_policy`]), `X-Content-Type-Options: nosniff`,
//! `Referrer-Policy: no-referrer`, and `Cache-Control: no-cache` with an `ETag` (the files are
//! not fingerprinted, so a browser revalidates and gets `304 Not Modified` until the crate
//! changes). Any page may frame it unless [`PortalConfig::frame_ancestors`] names the ones that
//! may: give that configuration to
//! [`PlatformBuilder::portal`](crate::platform::PlatformBuilder::portal) (whose router serves
//! the portal beside the API), or serve [`router_with`] yourself.
//!
//! ```
//! use axum::body::Body;
//! use axum::http::Request;
//! use hookwire::platform::portal;
//! use tower::ServiceExt;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let config = portal::PortalConfig::new().frame_ancestors("https://dashboard.example.com")?;
//! let app: axum::Router = portal::router_with(&config);
//! let page = app.oneshot(Request::get("/portal/").body(Body::empty())?).await?;
//! assert_eq!(page.status(), 200);
//! let policy = page.headers()["content-security-policy"].to_str()?;
//! assert!(policy.contains("script-src 'self'"));
//! assert!(policy.ends_with("frame-ancestors https://dashboard.example.com"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod config;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use sha2::{Digest, Sha256};

pub use config::{PortalConfig, PortalConfigError};

/// One file of the page.
struct Asset {
    /// Its name under `/portal/` (`""` is the page itself).
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// An [`Asset`] from `assets/<file>`, served as `/portal/<name>`.
macro_rules! asset {
    ($name:literal, $file:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_str!(concat!("assets/", $file)),
        }
    };
}

/// The page and everything it loads.
const ASSETS: &[Asset] = &[
    asset!("", "index.html", HTML),
    asset!("portal.css", "portal.css", CSS),
    asset!("portal.js", "portal.js", JS),
    asset!("api.js", "api.js", JS),
    asset!("dom.js", "dom.js", JS),
    asset!("catalog.js", "catalog.js", JS),
    asset!("endpoints.js", "endpoints.js", JS),
    asset!("deliveries.js", "deliveries.js", JS),
];

/// The portal with the default [`PortalConfig`] (any page may frame it).
///
/// ```
/// use axum::body::Body;
/// use axum::http::Request;
/// use tower::ServiceExt;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let app: axum::Router = hookwire::platform::portal::router();
/// let script = app.oneshot(Request::get("/portal/portal.js").body(Body::empty())?).await?;
/// assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
/// assert_eq!(script.headers()["x-content-type-options"], "nosniff");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    router_with(&PortalConfig::default())
}

/// The portal served with `config`: `/portal/` and its files, and `/portal` redirecting to
/// `/portal/` (the fragment, and so the token, survives the redirect).
///
/// ```
/// use axum::body::Body;
/// use axum::http::Request;
/// use hookwire::platform::portal::{PortalConfig, router_with};
/// use tower::ServiceExt;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let app: axum::Router = router_with(&PortalConfig::new().frame_ancestors("'self'")?);
/// let bare = app.oneshot(Request::get("/portal").body(Body::empty())?).await?;
/// assert_eq!(bare.status(), 308);
/// assert_eq!(bare.headers()["location"], "portal/");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub fn router_with<S: Clone + Send + Sync + 'static>(config: &PortalConfig) -> Router<S> {
    let security = Arc::new(security_headers(config));
    let redirect_headers = Arc::clone(&security);
    let mut router = Router::new().route(
        "/portal",
        get(move || {
            let headers = Arc::clone(&redirect_headers);
            async move {
                let mut response = (
                    StatusCode::PERMANENT_REDIRECT,
                    [(header::LOCATION, "portal/")],
                )
                    .into_response();
                response.headers_mut().extend(headers.as_ref().clone());
                response
            }
        }),
    );
    for asset in ASSETS {
        let served = Arc::new(Served::new(asset, &security));
        router = router.route(
            &format!("/portal/{}", asset.name),
            get(move |request: HeaderMap| {
                let served = Arc::clone(&served);
                async move { served.respond(&request) }
            }),
        );
    }
    router
}

/// The headers on every portal response.
fn security_headers(config: &PortalConfig) -> HeaderMap {
    let mut headers = HeaderMap::new();
    // The configuration admits only visible ASCII, so this conversion cannot fail; if it ever
    // did, the page would go out framed by nobody rather than without a policy.
    let policy = HeaderValue::from_str(&config.content_security_policy()).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
             img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        )
    });
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers
}

/// An asset with its response headers built once.
struct Served {
    body: &'static str,
    etag: HeaderValue,
    headers: HeaderMap,
}

impl Served {
    fn new(asset: &Asset, security: &HeaderMap) -> Served {
        let digest = Sha256::digest(asset.body.as_bytes());
        let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..12]);
        let etag = HeaderValue::from_str(&format!("\"{tag}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("\"portal\""));
        let mut headers = security.clone();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        );
        headers.insert(header::ETAG, etag.clone());
        Served {
            body: asset.body,
            etag,
            headers,
        }
    }

    /// `304` when the request names the current version, else the file.
    fn respond(&self, request: &HeaderMap) -> Response {
        let fresh = request
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == "*" || self.etag.to_str().is_ok_and(|own| own == tag));
        let mut response = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            self.body.into_response()
        };
        response.headers_mut().extend(self.headers.clone());
        if fresh {
            response.headers_mut().remove(header::CONTENT_TYPE);
        }
        response
    }
}

#[cfg(test)]
mod tests;
