//! How [`RedisStore`](super::RedisStore) opens its connection from a URL:
//! `redis://` or `rediss://` (TLS with rustls, the system's roots and `SSL_CERT_FILE`),
//! bounded connect and response timeouts, reconnection by the connection manager, and errors
//! that never show the URL's password.

use std::time::Duration;

use redis::Client;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::{BackendError, redact_url};

/// Connects to `url`; errors name the redacted URL.
pub(crate) async fn connect(url: &str) -> Result<ConnectionManager, BackendError> {
    if url.starts_with("rediss://") {
        super::tls::ensure_provider();
    }
    let client = Client::open(url).map_err(|e| {
        BackendError::invalid_url(
            "Redis",
            url,
            format!("{e} (expected redis://[:password@]host:port[/db] or rediss://...)"),
        )
    })?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(3)
        .set_max_delay(Duration::from_secs(1));
    ConnectionManager::new_with_config(client, config)
        .await
        .map_err(|e| {
            BackendError::unavailable(
                "Redis",
                format!("cannot connect to {}: {e}", redact_url(url)),
            )
        })
}
