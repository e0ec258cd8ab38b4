//! Traces across the wire: the W3C Trace Context (`traceparent`, `tracestate`) that the outbox
//! stores with an event, sends on every attempt, and that hookwire's receiver continues.
//!
//! With the `otel` feature, hookwire reads and writes the OpenTelemetry context of `tracing`
//! spans through `tracing-opentelemetry`, rather than calling the OpenTelemetry API directly:
//! hookwire already logs with `tracing` (the receiver's `webhook` and `inbox` spans, the
//! worker's logs), and its users' spans are `tracing` spans, so the span a handler or a
//! publisher is in is the one to continue. An application installs the
//! `tracing_opentelemetry` layer with the exporter of its choice; hookwire depends on the
//! OpenTelemetry API only (no SDK, no exporter).
//!
//! - **Publish**: the outbox stores the context given with [`RawEvent::trace`] or
//!   [`PublishOptions::trace`], or else (with `otel`) the current span's.
//! - **Attempt**: each attempt runs in a `webhook_attempt` span whose parent is the stored
//!   context and sends that span's `traceparent` (without `otel`, the stored one as is).
//! - **Receive**: the receiver's `webhook` span, in which the handler runs, and the inbox's
//!   `inbox` span (the request's headers are stored with the delivery) are children of the
//!   request's `traceparent`.
//!
//! [`RawEvent::trace`]: crate::outbox::RawEvent::trace
//! [`PublishOptions::trace`]: crate::outbox::PublishOptions::trace
//!
//! ```
//! use hookwire::trace::TraceContext;
//!
//! let context = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", None)
//!     .expect("a valid traceparent");
//! assert_eq!(context.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
//! ```

/// The W3C header naming the parent span: `version-traceid-parentid-flags`.
pub const TRACEPARENT: &str = "traceparent";

/// The W3C header carrying vendor-specific trace state beside [`TRACEPARENT`].
pub const TRACESTATE: &str = "tracestate";

/// A W3C trace context: a checked `traceparent` and the `tracestate` that goes with it.
///
/// ```
/// use hookwire::trace::TraceContext;
///
/// let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
/// let context = TraceContext::parse(parent, Some("congo=t61rcWkgMzE")).unwrap();
/// assert_eq!(context.traceparent(), parent);
/// assert_eq!(context.tracestate(), Some("congo=t61rcWkgMzE"));
/// assert!(TraceContext::parse("00-0-0-01", None).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TraceContext {
    traceparent: String,
    tracestate: Option<String>,
}

impl TraceContext {
    /// The context of `traceparent` (and `tracestate`, kept when not empty), or `None` when
    /// `traceparent` is not one the W3C recommendation accepts: two hex digits of version
    /// (not `ff`; version `00` is exactly 55 characters), a 32-digit trace id and a 16-digit
    /// parent id in lowercase hex, neither all zeros, and two digits of flags.
    ///
    /// ```
    /// # use hookwire::trace::TraceContext;
    /// assert!(TraceContext::parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01", None).is_none());
    /// ```
    pub fn parse(traceparent: &str, tracestate: Option<&str>) -> Option<Self> {
        let traceparent = traceparent.trim();
        let bytes = traceparent.as_bytes();
        let hex = |range: std::ops::Range<usize>| {
            bytes.get(range).is_some_and(|b| {
                b.iter()
                    .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            })
        };
        let dashes = [2, 35, 52].iter().all(|&i| bytes.get(i) == Some(&b'-'));
        let zero = |range: std::ops::Range<usize>| bytes[range].iter().all(|&c| c == b'0');
        let version_ok = match traceparent.get(..2) {
            Some("00") => bytes.len() == 55,
            Some("ff") => false,
            _ => bytes.len() == 55 || bytes.get(55) == Some(&b'-'),
        };
        let valid = version_ok
            && dashes
            && hex(0..2)
            && hex(3..35)
            && hex(36..52)
            && hex(53..55)
            && !zero(3..35)
            && !zero(36..52);
        valid.then(|| Self {
            traceparent: traceparent.to_owned(),
            tracestate: tracestate
                .map(str::trim)
                .filter(|state| !state.is_empty())
                .map(str::to_owned),
        })
    }

    /// The context carried by `headers` (`traceparent` and `tracestate`, names in any case),
    /// if they carry a valid one.
    ///
    /// ```
    /// # use hookwire::trace::TraceContext;
    /// let headers = [("TraceParent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")];
    /// assert!(TraceContext::from_headers(headers).is_some());
    /// ```
    pub fn from_headers<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let (mut parent, mut state) = (None, None);
        for (name, value) in headers {
            if name.eq_ignore_ascii_case(TRACEPARENT) {
                parent = Some(value);
            } else if name.eq_ignore_ascii_case(TRACESTATE) {
                state = Some(value);
            }
        }
        Self::parse(parent?, state)
    }

    /// The `traceparent` header's value.
    ///
    /// ```
    /// # use hookwire::trace::TraceContext;
    /// let context = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", None).unwrap();
    /// assert!(context.traceparent().starts_with("00-"));
    /// ```
    pub fn traceparent(&self) -> &str {
        &self.traceparent
    }

    /// The `tracestate` header's value, if any.
    ///
    /// ```
    /// # use hookwire::trace::TraceContext;
    /// let context = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Some("")).unwrap();
    /// assert_eq!(context.tracestate(), None);
    /// ```
    pub fn tracestate(&self) -> Option<&str> {
        self.tracestate.as_deref()
    }

    /// The trace id: 32 lowercase hex digits.
    ///
    /// ```
    /// # use hookwire::trace::TraceContext;
    /// let context = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", None).unwrap();
    /// assert_eq!(context.trace_id().len(), 32);
    /// ```
    pub fn trace_id(&self) -> &str {
        &self.traceparent[3..35]
    }

    /// The context as stored: two nullable columns, either read back (`None` when the stored
    /// `traceparent` is absent or not valid).
    #[cfg(all(feature = "outbox", any(feature = "sqlite", feature = "postgres")))]
    pub(crate) fn from_stored(
        traceparent: Option<String>,
        tracestate: Option<String>,
    ) -> Option<Self> {
        Self::parse(traceparent.as_deref()?, tracestate.as_deref())
    }

    /// The context to store with an event: `explicit` when given, otherwise (with `otel`) the
    /// current span's.
    #[cfg(feature = "outbox")]
    pub(crate) fn for_publish(explicit: Option<&TraceContext>) -> Option<Self> {
        match explicit {
            Some(context) => Some(context.clone()),
            #[cfg(feature = "otel")]
            None => Self::current(),
            #[cfg(not(feature = "otel"))]
            None => None,
        }
    }
}

#[cfg(feature = "otel")]
#[cfg_attr(docsrs, doc(cfg(feature = "otel")))]
mod otel;
