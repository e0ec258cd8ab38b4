//! How every PostgreSQL backend (the duplicate store, the inbox, the outbox) opens its pool:
//! one connection made first, so a wrong port, an unknown host, a refused TLS handshake or a
//! bad password fails at once with its own reason, instead of the pool retrying until its
//! acquire timeout and reporting only "pool timed out".

use std::time::Duration;

use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};

/// The longest the first connection may take (a host that drops packets).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A pool of up to `max_connections` on `options`, whose requests for a connection wait at
/// most `acquire_timeout`.
pub(crate) async fn connect(
    options: PgConnectOptions,
    max_connections: u32,
    acquire_timeout: Duration,
) -> Result<PgPool, sqlx::Error> {
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options)).await {
        Ok(Ok(first)) => drop(first.close().await),
        Ok(Err(error)) => return Err(error),
        Err(_) => return Err(sqlx::Error::PoolTimedOut),
    }
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(acquire_timeout)
        .connect_with(options)
        .await
}
