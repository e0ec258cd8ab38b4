//! A typed GitHub receiver whose payload types were generated, not written: the module
//! `src/github/` comes from octokit's GitHub webhook payload schemas through `hookwire
//! generate`, as a directory of files of at most 400 lines (`mod.rs` with the catalog and
//! dispatch, `shared.rs`, `push.rs`, `pull_request.rs`):
//!
//! ```text
//! hookwire generate ../shared/corpora/github-webhooks/payload-schemas/api.github.com \
//!     --github --catalog GitHubEvent --event push --event pull_request.opened \
//!     -o examples/github/src/github/ --split
//! ```
//!
//! GitHub names an event with the `X-GitHub-Event` header and the body's `action`; the
//! generated `github_event_type` joins them (`pull_request.opened`), so each handler receives
//! exactly the type generated for its event and action, after the `X-Hub-Signature-256`
//! signature was verified over the raw body. Deliveries of other events and actions are
//! answered `200` and not handled.

/// Types generated from GitHub's payload schemas for `push` and `pull_request.opened`.
#[allow(missing_docs, clippy::all)]
#[rustfmt::skip]
pub mod github;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::HeaderMap;
use hookwire::receiver::{Delivery, PayloadFormat, Receiver, WebhookConfig};
use hookwire::signature::{GitHub, SecretError};

use crate::github::{PullRequestOpened, Push};

/// What the handlers saw, one line per handled delivery.
pub type Log = Arc<Mutex<Vec<String>>>;

/// The event type of a GitHub delivery, as the generated types name them: the
/// `X-GitHub-Event` header, with the body's `action` for events that have actions.
///
/// ```
/// use axum::http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-github-event", HeaderValue::from_static("pull_request"));
/// let name = hookwire_example_github::event_type(&headers, br#"{"action":"opened"}"#);
/// assert_eq!(name.as_deref(), Some("pull_request.opened"));
/// ```
pub fn event_type(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let event = headers.get("x-github-event")?.to_str().ok()?;
    github::github_event_type(event, body)
}

/// The receiver: verifies `X-Hub-Signature-256` with `secret`, then hands `push` and
/// `pull_request` `opened` deliveries to their typed handlers, which append to `log`.
///
/// # Errors
/// [`SecretError`] when `secret` is empty.
///
/// ```
/// let log = hookwire_example_github::Log::default();
/// let app = hookwire_example_github::app("It's a Secret to Everybody", log)?;
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
pub fn app(secret: &str, log: Log) -> Result<Router, SecretError> {
    let config = WebhookConfig::new(GitHub::new(secret)?).format(PayloadFormat::rule(event_type));
    let (on_push, on_opened) = (Arc::clone(&log), log);
    let receiver = Receiver::new(config)
        .on(move |delivery: Delivery<Push>| {
            let push = delivery.event;
            on_push
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(format!(
                    "push to {} of {} commit(s) by {}",
                    push.r#ref,
                    push.commits.len(),
                    push.sender.login
                ));
            std::future::ready(())
        })
        .on(move |delivery: Delivery<PullRequestOpened>| {
            let opened = delivery.event;
            on_opened
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(format!(
                    "pull request #{} opened: {} ({} -> {})",
                    opened.number,
                    opened.pull_request.title,
                    opened.pull_request.head.r#ref,
                    opened.pull_request.base.r#ref
                ));
            std::future::ready(())
        });
    Ok(Router::new().route("/webhooks/github", receiver.into_method_router()))
}
