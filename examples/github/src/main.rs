//! Serves the typed GitHub receiver on 127.0.0.1:3000 (`GITHUB_WEBHOOK_SECRET` is the
//! webhook's secret) and prints what each handler saw.

use std::time::Duration;

use hookwire_example_github::{Log, app};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("GITHUB_WEBHOOK_SECRET")
        .map_err(|_| "set GITHUB_WEBHOOK_SECRET to the webhook's secret")?;
    let log = Log::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://127.0.0.1:3000/webhooks/github");
    let printer = log.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let lines: Vec<String> = printer
                .lock()
                .map(|mut l| l.drain(..).collect())
                .unwrap_or_default();
            lines.iter().for_each(|line| println!("{line}"));
        }
    });
    axum::serve(listener, app(&secret, log)?).await?;
    Ok(())
}
