//! Opening a Redis connection from a URL, shared by the duplicate store and the inbox:
//! `redis://` or `rediss://` (TLS with rustls, the system's roots and `SSL_CERT_FILE`),
//! bounded connect and response timeouts, reconnection by the connection manager, and errors
//! that never show the URL's password.

use std::time::Duration;

use redis::Client;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::redact_url;

/// Connects to `url`; the error is a sentence naming the redacted URL.
pub(crate) async fn connect(url: &str) -> Result<ConnectionManager, String> {
    if url.starts_with("rediss://") {
        crate::tls::ensure_provider();
    }
    let client = Client::open(url).map_err(|e| {
        format!(
            "invalid Redis URL `{}` (redis://[:password@]host:port[/db] or rediss://...): {e}",
            redact_url(url)
        )
    })?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(3)
        .set_max_delay(Duration::from_secs(1));
    ConnectionManager::new_with_config(client, config)
        .await
        .map_err(|e| format!("cannot connect to Redis at {}: {e}", redact_url(url)))
}
