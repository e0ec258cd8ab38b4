//! The portal test's pieces: the customer's flow in the page (`flow`) and a loopback receiver
//! that counts what reaches it.

#![allow(dead_code, unreachable_pub)]

pub mod flow;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;

/// Serves `router` on a free loopback port; returns `http://127.0.0.1:P`.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

/// A receiver at `{url}` counting every POST: it answers `200 {"ok":true}`, or `500` while
/// told to fail.
pub struct Receiver {
    pub url: String,
    count: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let count = Arc::new(AtomicUsize::new(0));
        let failing = Arc::new(AtomicBool::new(false));
        let (seen, down) = (Arc::clone(&count), Arc::clone(&failing));
        let router = Router::new().route(
            "/hook",
            post(move || {
                seen.fetch_add(1, Ordering::SeqCst);
                let answer = if down.load(Ordering::SeqCst) {
                    (StatusCode::INTERNAL_SERVER_ERROR, "down for maintenance")
                } else {
                    (StatusCode::OK, r#"{"ok":true}"#)
                };
                async move { answer }
            }),
        );
        Receiver {
            url: format!("{}/hook", serve(router).await),
            count,
            failing,
        }
    }

    /// A function that tells how many requests arrived so far.
    pub fn counter(&self) -> Box<dyn Fn() -> usize + Send + Sync> {
        let count = Arc::clone(&self.count);
        Box::new(move || count.load(Ordering::SeqCst))
    }

    /// A function that makes the receiver fail (true) or answer (false).
    pub fn switch(&self) -> Box<dyn Fn(bool) + Send + Sync> {
        let failing = Arc::clone(&self.failing);
        Box::new(move |fail| failing.store(fail, Ordering::SeqCst))
    }
}
