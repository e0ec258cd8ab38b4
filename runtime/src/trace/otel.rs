//! With `otel`: [`TraceContext`] to and from the OpenTelemetry context of `tracing` spans
//! (through `tracing-opentelemetry`'s [`OpenTelemetrySpanExt`]).

use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::TraceContext;

impl TraceContext {
    /// The context of the current `tracing` span, when the `tracing_opentelemetry` layer gives
    /// it one (no layer, or no span: `None`).
    ///
    /// ```
    /// # use hookwire::trace::TraceContext;
    /// // No subscriber with the OpenTelemetry layer here: no context.
    /// assert_eq!(TraceContext::current(), None);
    /// ```
    pub fn current() -> Option<Self> {
        Self::of_span(&tracing::Span::current())
    }

    /// The context of `span` (its trace id and its own span id, as the child of a request sent
    /// inside it sees them), when the `tracing_opentelemetry` layer gives it one.
    ///
    /// ```
    /// # use hookwire::trace::TraceContext;
    /// assert_eq!(TraceContext::of_span(&tracing::info_span!("publish")), None);
    /// ```
    pub fn of_span(span: &tracing::Span) -> Option<Self> {
        let context = span.context();
        let span_context = context.span().span_context().clone();
        if !span_context.is_valid() {
            return None;
        }
        let traceparent = format!(
            "00-{:032x}-{:016x}-{:02x}",
            span_context.trace_id(),
            span_context.span_id(),
            span_context.trace_flags() & TraceFlags::SAMPLED
        );
        let tracestate = span_context.trace_state().header();
        Self::parse(&traceparent, Some(&tracestate))
    }

    /// The OpenTelemetry context whose (remote) span is this one: the parent to give a span.
    ///
    /// ```
    /// # use hookwire::trace::TraceContext;
    /// use opentelemetry::trace::TraceContextExt;
    /// let context = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", None).unwrap();
    /// assert!(context.to_otel().span().span_context().is_remote());
    /// ```
    pub fn to_otel(&self) -> opentelemetry::Context {
        let parent = &self.traceparent;
        let trace_id = TraceId::from_hex(&parent[3..35]).unwrap_or(TraceId::INVALID);
        let span_id = SpanId::from_hex(&parent[36..52]).unwrap_or(SpanId::INVALID);
        let flags = u8::from_str_radix(&parent[53..55], 16).unwrap_or(0);
        let state = self
            .tracestate
            .as_deref()
            .and_then(|state| state.parse::<TraceState>().ok())
            .unwrap_or_default();
        let span_context = SpanContext::new(
            trace_id,
            span_id,
            TraceFlags::new(flags) & TraceFlags::SAMPLED,
            true,
            state,
        );
        opentelemetry::Context::new().with_remote_span_context(span_context)
    }

    /// Makes this context the parent of `span`, which must not have been entered yet. Returns
    /// whether it did (not without the `tracing_opentelemetry` layer, or once `span` started).
    ///
    /// ```
    /// # use hookwire::trace::TraceContext;
    /// let context = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", None).unwrap();
    /// let span = tracing::info_span!("handle");
    /// // No subscriber with the OpenTelemetry layer here.
    /// assert!(!context.parent_of(&span));
    /// ```
    pub fn parent_of(&self, span: &tracing::Span) -> bool {
        span.set_parent(self.to_otel()).is_ok()
    }
}
