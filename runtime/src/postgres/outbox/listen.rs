//! Waking workers on PostgreSQL: each publish sends `pg_notify` on the store's channel
//! (delivered at commit); one task per store `LISTEN`s and wakes the workers of this process.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use sqlx::Postgres;
use sqlx::postgres::PgListener;
use tokio::sync::Notify;

use crate::outbox::sql::SqlOutbox;

/// `hookwire_outbox.<schema>`, or with a hash of the schema where that would pass
/// PostgreSQL's 63-byte identifier limit.
pub(super) fn channel_name(schema: &str) -> String {
    let name = format!("hookwire_outbox.{schema}");
    if name.len() <= 63 {
        return name;
    }
    let hash = schema
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("hookwire_outbox.{hash:016x}")
}

/// Starts, once, the task that LISTENs on `channel` and wakes waiting workers; it stops when
/// the last clone of the store is dropped, and reconnects after errors.
pub(super) fn start(store: &SqlOutbox<Postgres>, listening: &Mutex<bool>, channel: &str) {
    let Ok(mut started) = listening.lock() else {
        return;
    };
    if *started {
        return;
    }
    *started = true;
    let pool = store.pool.clone();
    let channel = channel.to_owned();
    let wake: Weak<Notify> = Arc::downgrade(&store.wake);
    tokio::spawn(async move {
        loop {
            let listener = async {
                let mut listener = PgListener::connect_with(&pool).await?;
                listener.listen(&channel).await?;
                Ok::<_, sqlx::Error>(listener)
            };
            let mut listener = match listener.await {
                Ok(listener) => listener,
                Err(_) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    if wake.strong_count() == 0 {
                        return;
                    }
                    continue;
                }
            };
            loop {
                let next = tokio::time::timeout(Duration::from_secs(5), listener.recv()).await;
                let Some(notify) = wake.upgrade() else {
                    return;
                };
                match next {
                    Ok(Ok(_)) => {
                        notify.notify_waiters();
                        notify.notify_one();
                    }
                    Ok(Err(_)) => break,
                    Err(_) => {}
                }
            }
        }
    });
}
