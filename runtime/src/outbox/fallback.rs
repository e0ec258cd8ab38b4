//! When a batch of results cannot be recorded, the backends record them one by one, so one
//! result the database refuses never costs the others theirs; a result refused alone is
//! recorded once more without its excerpt (the only text in it a remote party chose), and
//! judged by the policy like any other; a result refused even so is [`Recorded::NotStored`]
//! and left to the poison rule (its lease runs out; once claimed as often as the schedule
//! allows it is failed as `abandoned`).

use std::future::Future;

use crate::outbox::{AttemptResult, Recorded, StoreError};

/// The excerpt stored instead of one the database refused.
pub(crate) const REFUSED_EXCERPT: &str =
    "the attempt's excerpt could not be stored: the database refused it (see the worker's log)";

/// Records `results` one at a time with `record` (a batch of one, in a transaction of its own)
/// after their batch failed with `batch_error`. Returns `batch_error` when not one result could
/// be stored (the database is likely down: the caller retries the batch).
pub(crate) async fn one_by_one<F, Fut>(
    results: &[AttemptResult],
    batch_error: StoreError,
    mut record: F,
) -> Result<Vec<Recorded>, StoreError>
where
    F: FnMut(AttemptResult) -> Fut,
    Fut: Future<Output = Result<Vec<Recorded>, StoreError>>,
{
    tracing::warn!(
        error = %batch_error,
        results = results.len(),
        "outbox: recording a batch of results failed; recording them one by one"
    );
    let mut out = Vec::with_capacity(results.len());
    let mut stored_any = false;
    for result in results {
        // A batch of one already failed as it is: go straight to the bare result.
        if results.len() > 1 {
            match record(result.clone()).await {
                Ok(recorded) => {
                    stored_any = true;
                    out.push(recorded.into_iter().next().unwrap_or(Recorded::NotStored));
                    continue;
                }
                Err(error) => tracing::warn!(
                    %error,
                    delivery = %result.lease.delivery,
                    "outbox: a result could not be recorded; recording it without its excerpt"
                ),
            }
        }
        let bare = result.clone().excerpt(REFUSED_EXCERPT);
        match record(bare).await {
            Ok(recorded) => {
                stored_any = true;
                out.push(recorded.into_iter().next().unwrap_or(Recorded::NotStored));
            }
            Err(error) => {
                tracing::error!(
                    %error,
                    delivery = %result.lease.delivery,
                    "outbox: a result could not be recorded even without its excerpt; the \
                     delivery is claimed again when its lease runs out, and failed as abandoned \
                     once its schedule is used up"
                );
                out.push(Recorded::NotStored);
            }
        }
    }
    if stored_any {
        Ok(out)
    } else {
        Err(batch_error)
    }
}
