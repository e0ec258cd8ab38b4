//! One claimed delivery: check the destination, sign with the endpoint's secrets, make one
//! attempt with the sender's one-attempt function, and turn what happened into the result the
//! store records. With `otel`, the attempt runs in a `webhook_attempt` span whose parent is the
//! event's stored trace context, and sends that span's `traceparent` ([`crate::trace`]).

use bytes::Bytes;
use tracing::Instrument;

use crate::outbox::{AttemptOutcome, AttemptResult, Claimed};
use crate::sender::{Attempt, AttemptOptions, Message, Verdict, attempt};
use crate::signature::StandardWebhooks;
use crate::ssrf;
use crate::timestamp::Timestamp;
use crate::trace::{TRACEPARENT, TRACESTATE, TraceContext};

/// The HTTP clients a worker sends with.
#[derive(Debug, Clone)]
pub(crate) struct Clients {
    /// For customer endpoints: the SSRF guard's resolver, no redirects, no proxy.
    pub(crate) guarded: reqwest::Client,
    /// For endpoints added with `allow_private`: no redirects, any address.
    pub(crate) open: reqwest::Client,
}

/// Attempts `claimed` once at `now` and returns the result to record.
pub(crate) async fn deliver(
    clients: &Clients,
    options: &AttemptOptions,
    claimed: Claimed,
    now: i64,
) -> AttemptResult {
    let lease = claimed.lease;
    let (span, trace) = attempt_span(&claimed);
    let refused =
        |reason: String| AttemptResult::new(lease, AttemptOutcome::Refused).excerpt(reason);
    let target = claimed.target;
    let message = Message::new(
        &target.url,
        claimed.event_type,
        Bytes::from(claimed.payload),
    )
    .and_then(|message| message.with_id(claimed.webhook_id))
    .and_then(|message| {
        target
            .headers
            .iter()
            .try_fold(message, |message, (name, value)| {
                message.with_header(name, value)
            })
    })
    .and_then(|message| match &trace {
        Some(context) => {
            let message = message.with_header(TRACEPARENT, context.traceparent())?;
            match context.tracestate() {
                Some(state) => message.with_header(TRACESTATE, state),
                None => Ok(message),
            }
        }
        None => Ok(message),
    });
    let message = match message {
        Ok(message) => message,
        Err(error) => return refused(error.to_string()),
    };
    let client = if target.allow_private {
        &clients.open
    } else {
        if let Err(error) = ssrf::check_url(message.url()) {
            return refused(error.to_string());
        }
        &clients.guarded
    };
    let scheme = match signer(target.secrets.valid_at(now)) {
        Ok(scheme) => scheme,
        Err(reason) => return refused(reason),
    };
    let attempt = attempt(
        client,
        &scheme,
        &message,
        Timestamp::from_unix(now),
        options,
    )
    .instrument(span)
    .await;
    result(lease, &attempt)
}

/// The attempt's span, and the trace context to send: with `otel`, the span is a child of the
/// event's stored context and the context sent is the span's own (the stored one when no
/// OpenTelemetry layer gives the span a context); without, the stored context as is.
fn attempt_span(claimed: &Claimed) -> (tracing::Span, Option<TraceContext>) {
    let span = tracing::info_span!(
        "webhook_attempt",
        webhook_id = %claimed.webhook_id,
        event_type = %claimed.event_type,
        endpoint = claimed.target.id.0,
        attempt = claimed.attempt,
    );
    #[cfg(feature = "otel")]
    {
        if let Some(stored) = &claimed.trace {
            stored.parent_of(&span);
        }
        if let Some(own) = TraceContext::of_span(&span) {
            return (span, Some(own));
        }
    }
    (span, claimed.trace.clone())
}

/// Standard Webhooks with every secret of the endpoint still valid (newest first): during a
/// rotation's overlap the receiver accepts whichever it knows.
fn signer<'a>(mut secrets: impl Iterator<Item = &'a str>) -> Result<StandardWebhooks, String> {
    let first = secrets
        .next()
        .ok_or_else(|| "the endpoint has no secret valid to sign with".to_owned())?;
    let mut scheme =
        StandardWebhooks::new(first).map_err(|e| format!("the endpoint's secret: {e}"))?;
    for secret in secrets {
        scheme = scheme
            .with_secret(secret)
            .map_err(|e| format!("one of the endpoint's secrets: {e}"))?;
    }
    Ok(scheme)
}

/// The store's view of an attempt: the status (with `Retry-After`) when the endpoint
/// answered, no response, or refused when retrying cannot help.
fn result(lease: crate::outbox::Lease, attempt: &Attempt) -> AttemptResult {
    let outcome = match (attempt.verdict, attempt.status) {
        (Verdict::Failed, _) => AttemptOutcome::Refused,
        (Verdict::NoResponse, _) | (_, None) => AttemptOutcome::NoResponse,
        (_, Some(status)) => AttemptOutcome::Response {
            status: status.as_u16(),
            retry_after: attempt.retry_after,
        },
    };
    let result = AttemptResult::new(lease, outcome).duration(attempt.duration);
    match (&attempt.error, attempt.status) {
        // No answer: say why (timeout, refused connection, the SSRF guard's refusal).
        (Some(error), None) => result.excerpt(error.to_string()),
        // The body as the endpoint sent it: NUL and bytes that are not UTF-8 escaped.
        _ => result.excerpt_bytes(&attempt.response_body),
    }
}
