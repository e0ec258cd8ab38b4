//! Steps 6 and 7 of the request path: the route parses the event and starts its handler, which
//! runs within the handler time limit; then the duplicate claim is settled. Shared with
//! [`Receiver::catch_up`](crate::receiver::Receiver::catch_up).

use std::future::Future;

use axum::http::request::Parts;

use crate::receiver::claim::Held;
use crate::receiver::config::Inner;
use crate::receiver::deadline;
use crate::receiver::error::ReceiveError;
use crate::receiver::head::Head;
use crate::receiver::route::Route;
use crate::signature::BodyShape;

/// Parses `head` into the route's type and runs its handler for a delivery claimed (or not
/// deduplicated), within the handler time limit from the claim (below its lease), then
/// completes the claim when it succeeded and abandons it when it failed or was stopped, so a
/// retry runs it again.
///
/// The event is parsed and the handler's future made before this returns: the future it
/// returns holds only that boxed future and the claim, not the request's parts and body
/// (which kept the receiver's per-request future over a kilobyte).
pub(crate) fn dispatch<'a, S: 'static>(
    inner: &'a Inner,
    route: &dyn Route<S>,
    shape: BodyShape,
    head: Head,
    parts: Parts,
    state: S,
    claim: Option<Held>,
) -> impl Future<Output = Result<(), ReceiveError>> + Send + use<'a, S> {
    let limit = inner.handler_timeout();
    let started = claim
        .as_ref()
        .map_or_else(|| inner.clock.now(), |claim| claim.claimed_at);
    let deadline = deadline::after(started, limit);
    let handler = route.start(shape, head, parts, state);
    async move {
        let outcome = match handler {
            Ok(future) => match deadline::within(&*inner.clock, deadline, future).await {
                Some(result) => result.map_err(ReceiveError::Handler),
                None => Err(ReceiveError::HandlerTimeout { limit }),
            },
            Err(error) => Err(error),
        };
        settle(inner, outcome, claim).await
    }
}

/// Completes `claim` after a success, abandons it after a failure; the outcome unchanged.
async fn settle(
    inner: &Inner,
    outcome: Result<(), ReceiveError>,
    claim: Option<Held>,
) -> Result<(), ReceiveError> {
    match (outcome, claim) {
        (Ok(()), Some(claim)) => {
            if let Err(error) = claim.complete(inner).await {
                tracing::error!(%error, "handled, but could not mark the delivery done");
            }
            Ok(())
        }
        (Err(error), Some(claim)) => {
            claim.abandon().await;
            Err(error)
        }
        (outcome, None) => outcome,
    }
}
