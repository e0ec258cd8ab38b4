//! The portal test's pieces: the customer's flow in the page (`flow`) and a loopback receiver
//! that counts what reaches it.

#![allow(dead_code, unreachable_pub)]

pub mod flow;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::post;

/// Serves `router` on a free loopback port; returns `http://127.0.0.1:P`.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

/// A receiver at `{url}` answering `200 {"ok":true}` to every POST, counting them.
pub struct Receiver {
    pub url: String,
    count: Arc<AtomicUsize>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let count = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&count);
        let router = Router::new().route(
            "/hook",
            post(move || {
                seen.fetch_add(1, Ordering::SeqCst);
                async { r#"{"ok":true}"# }
            }),
        );
        Receiver {
            url: format!("{}/hook", serve(router).await),
            count,
        }
    }

    /// A function that tells how many requests arrived so far.
    pub fn counter(&self) -> Box<dyn Fn() -> usize + Send + Sync> {
        let count = Arc::clone(&self.count);
        Box::new(move || count.load(Ordering::SeqCst))
    }
}
