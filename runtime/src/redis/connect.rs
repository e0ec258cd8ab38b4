//! How [`RedisStore`](super::RedisStore) opens its connection from a URL:
//! `redis://` or `rediss://` (TLS with rustls, the system's roots and `SSL_CERT_FILE`),
//! bounded connect and response timeouts, reconnection by the connection manager, and errors
//! that never show the URL's password; and how the stores run their scripts on it
//! ([`run_script`]).

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, FromRedisValue, RedisError, Script};

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

/// Runs `script` with `keys` and `args` on `connection`; once more after an error the
/// connection manager recovers from by reconnecting (a dropped or refused connection, an I/O
/// error), so a Redis restart costs no request.
pub(crate) async fn run_script<T: FromRedisValue>(
    connection: &ConnectionManager,
    script: &Script,
    keys: &[&str],
    args: &[&[u8]],
) -> Result<T, RedisError> {
    let mut retried = false;
    loop {
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(*key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        let mut connection = connection.clone();
        match invocation.invoke_async::<T>(&mut connection).await {
            Ok(value) => return Ok(value),
            Err(error) if !retried && reconnectable(&error) => retried = true,
            Err(error) => return Err(error),
        }
    }
}

fn reconnectable(error: &RedisError) -> bool {
    error.is_io_error() || error.is_connection_dropped() || error.is_connection_refusal()
}
