//! What the durable inboxes (SQLite, PostgreSQL, Redis) share: stage names, header encoding,
//! and turning stored values back into the contract's types.

use crate::ClaimToken;
use crate::Timestamp;
use crate::inbox::{ClaimedDelivery, DeadLetter, InboxError, NewItem};
use crate::plumbing::time::{duration_millis, from_millis, millis};

/// Waiting for its first run or a retry (due at `run_at`).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const WAITING: &str = "waiting";
/// Claimed by a worker until `run_at` (its lease end).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const RUNNING: &str = "running";
/// Handled; kept until `run_at` (its retention end).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const DONE: &str = "done";
/// Given up at `run_at`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const DEAD: &str = "dead";

/// The most deliveries one claim statement or script takes; a larger `limit` is served by
/// several in a row (each takes the oldest still due, so the order holds).
#[cfg(any(feature = "postgres", feature = "redis"))]
pub(crate) const CLAIM_BATCH: usize = 256;

/// The headers as stored: a JSON array of `[name, value]` pairs, in order.
pub(crate) fn encode_headers(headers: &[(String, String)]) -> Result<String, InboxError> {
    serde_json::to_string(headers).map_err(|e| InboxError::new(format!("headers: {e}")))
}

/// The headers from their stored JSON.
pub(crate) fn decode_headers(json: &str) -> Result<Vec<(String, String)>, InboxError> {
    serde_json::from_str(json).map_err(|e| InboxError::new(format!("stored headers: {e}")))
}

/// An attempt count as stored (never negative) into the contract's `u32`.
pub(crate) fn attempts(stored: i64) -> u32 {
    u32::try_from(stored.max(0)).unwrap_or(u32::MAX)
}

/// A claimed delivery from its stored fields.
pub(crate) struct StoredClaim {
    pub(crate) queue: String,
    pub(crate) id: String,
    pub(crate) event_type: String,
    pub(crate) signed_at: Option<i64>,
    pub(crate) headers: String,
    pub(crate) body: Vec<u8>,
    pub(crate) token: ClaimToken,
    /// Attempts after this claim.
    pub(crate) attempts: i64,
    pub(crate) received_at: i64,
    /// The claim took it over from a run whose lease ran out.
    pub(crate) recovered: bool,
}

impl StoredClaim {
    pub(crate) fn into_claimed(self) -> Result<ClaimedDelivery, InboxError> {
        let item = NewItem {
            queue: self.queue,
            id: self.id,
            event_type: self.event_type,
            signed_at: self.signed_at.map(from_millis),
            headers: decode_headers(&self.headers)?,
            body: self.body.into(),
        };
        Ok(ClaimedDelivery {
            item,
            token: self.token,
            attempt: attempts(self.attempts),
            received_at: from_millis(self.received_at),
            recovered: self.recovered,
        })
    }
}

/// A dead letter from its stored fields.
pub(crate) fn dead_letter(
    id: String,
    event_type: String,
    stored_attempts: i64,
    error: String,
    received_at: i64,
    failed_at: i64,
) -> DeadLetter {
    DeadLetter {
        id,
        event_type,
        attempts: attempts(stored_attempts),
        error,
        received_at: from_millis(received_at),
        failed_at: from_millis(failed_at),
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
/// Stats from `(stage, count)` pairs; unknown stages are an error (someone else's rows).
pub(crate) fn stats<S: AsRef<str>>(
    counts: impl IntoIterator<Item = (S, i64)>,
) -> Result<crate::inbox::InboxStats, InboxError> {
    let mut stats = crate::inbox::InboxStats::default();
    for (stage, count) in counts {
        let count = u64::try_from(count).unwrap_or(0);
        match stage.as_ref() {
            WAITING => stats.waiting += count,
            RUNNING => stats.running += count,
            DONE => stats.done += count,
            DEAD => stats.dead += count,
            other => return Err(InboxError::new(format!("unknown stage `{other}` stored"))),
        }
    }
    Ok(stats)
}

/// `limit` as a SQL `LIMIT`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// One claim of a durable inbox: up to `limit` deliveries of `queue` due at `now`, leased
/// until `until` (both in milliseconds); a due delivery claimed `max_attempts` times already
/// becomes a dead letter instead.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Batch<'a> {
    pub(crate) queue: &'a str,
    pub(crate) now: i64,
    pub(crate) until: i64,
    pub(crate) limit: usize,
    pub(crate) max_attempts: u32,
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
impl Batch<'_> {
    /// Serves the claim in batches of at most `size` through `claim` (one statement or script
    /// taking the oldest still due), batch after batch, until one comes back short or holding
    /// the one recovered delivery a claim may hand out.
    pub(crate) async fn in_batches<F, Fut>(
        self,
        size: usize,
        mut claim: F,
    ) -> Result<Vec<ClaimedDelivery>, InboxError>
    where
        F: FnMut(Self) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<ClaimedDelivery>, InboxError>>,
    {
        let mut claimed = Vec::new();
        while claimed.len() < self.limit {
            let want = (self.limit - claimed.len()).min(size);
            let batch = claim(Batch {
                limit: want,
                ..self
            })
            .await?;
            let short = batch.len() < want || batch.iter().any(|c| c.recovered);
            claimed.extend(batch);
            if short {
                break;
            }
        }
        Ok(claimed)
    }
}

/// When a claim made at `now` for `lease` ends, in milliseconds.
pub(crate) fn lease_end(now: Timestamp, lease: std::time::Duration) -> i64 {
    millis(now).saturating_add(duration_millis(lease))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_in_order() {
        let headers = vec![
            ("b".to_owned(), "2".to_owned()),
            ("a".to_owned(), String::new()),
        ];
        let json = encode_headers(&headers).unwrap();
        assert_eq!(json, r#"[["b","2"],["a",""]]"#);
        assert_eq!(decode_headers(&json).unwrap(), headers);
        assert!(decode_headers("{").is_err());
    }

    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[test]
    fn stored_counts_become_stats() {
        let counted = stats([("waiting", 2), ("dead", 1)]).unwrap();
        assert_eq!((counted.waiting, counted.dead, counted.done), (2, 1, 0));
        assert!(stats([("lost", 1)]).is_err());
        assert_eq!(attempts(-3), 0);
    }
}
