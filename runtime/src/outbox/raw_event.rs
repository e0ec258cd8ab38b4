//! Publishing without a typed event: [`RawEvent`].

use serde::Serialize;

use crate::outbox::{AppId, StoreError};
use crate::trace::TraceContext;

/// An event given as its type and JSON `data`, for publishing without a Rust type (the CLI,
/// relays, the operator API). The store wraps it in the Standard Webhooks envelope with the
/// time of publishing, unless it is a [`message`](Self::message), whose body is sent as given.
///
/// An event may name its [application](Self::app) (only that application's endpoints receive
/// it; without one, only endpoints that belong to no application do) and carry a
/// [dedupe key](Self::dedupe_key) that no other event of that application may repeat, and an
/// [ordering key](Self::ordering_key): each endpoint gets the events of one key in publish
/// order.
///
/// ```
/// use hookwire::outbox::{AppId, RawEvent};
///
/// let event = RawEvent::new("order.created", serde_json::json!({"order_id": "1"}))?
///     .app(AppId(3))
///     .dedupe_key("order-1-created")
///     .ordering_key("order-1");
/// assert_eq!(event.event_type(), "order.created");
/// # Ok::<(), hookwire::outbox::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RawEvent {
    event_type: String,
    data: serde_json::Value,
    app: Option<AppId>,
    dedupe_key: Option<String>,
    ordering_key: Option<String>,
    trace: Option<TraceContext>,
    as_given: bool,
}

impl RawEvent {
    /// An event of type `event_type`, a name [`check_event_type`](crate::check_event_type)
    /// accepts (such as `order.shipped` or `orders/create`).
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// assert!(RawEvent::new("bad type!", serde_json::Value::Null).is_err());
    /// ```
    pub fn new(event_type: impl Into<String>, data: serde_json::Value) -> Result<Self, StoreError> {
        let event_type = event_type.into();
        if let Err(why) = crate::check_event_type(&event_type) {
            return Err(StoreError::invalid(
                "event type",
                format!(
                    "`{}` is not an event type: {why}; expected {}",
                    event_type.escape_default(),
                    crate::EventTypeError::EXPECTED
                ),
            ));
        }
        Ok(Self {
            event_type,
            data,
            app: None,
            dedupe_key: None,
            ordering_key: None,
            trace: None,
            as_given: false,
        })
    }

    /// An event whose body is `payload` exactly as given, not wrapped in the envelope: a Svix
    /// message, whose receivers parse the payload itself.
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// let message = RawEvent::message("invoice.paid", serde_json::json!({"id": "in_1"}))?;
    /// assert!(message.is_message());
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    pub fn message(
        event_type: impl Into<String>,
        payload: serde_json::Value,
    ) -> Result<Self, StoreError> {
        let mut event = Self::new(event_type, payload)?;
        event.as_given = true;
        Ok(event)
    }

    /// Publishes it for `app`: only that application's endpoints receive it.
    ///
    /// ```
    /// # use hookwire::outbox::{AppId, RawEvent};
    /// let event = RawEvent::new("a.b", serde_json::Value::Null)?.app(AppId(1));
    /// assert_eq!(event.application(), Some(AppId(1)));
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    #[must_use]
    pub fn app(mut self, app: AppId) -> Self {
        self.app = Some(app);
        self
    }

    /// A key no other event of the same application may carry (Svix's `eventId`): publishing
    /// a second event with it fails with [`StoreError::Conflict`] and sends nothing.
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// let event = RawEvent::new("a.b", serde_json::Value::Null)?.dedupe_key("k-1");
    /// assert_eq!(event.dedupe(), Some("k-1"));
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    #[must_use]
    pub fn dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    /// Orders it with the other events of `key` (an order id): for each endpoint, the events
    /// of one key are attempted one at a time, in publish order (see
    /// [ordering](crate::outbox#ordering)). Checked when published
    /// ([`check_ordering_key`](crate::outbox::check_ordering_key): 1 to 256 bytes, no control
    /// characters).
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// let event = RawEvent::new("order.paid", serde_json::Value::Null)?.ordering_key("order-1");
    /// assert_eq!(event.ordering(), Some("order-1"));
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    #[must_use]
    pub fn ordering_key(mut self, key: impl Into<String>) -> Self {
        self.ordering_key = Some(key.into());
        self
    }

    /// Continues the trace of `context` (see [`crate::trace`]): stored with the event, the
    /// parent of every attempt's span, sent as `traceparent`. Without it, publishing with the
    /// `otel` feature stores the current span's context.
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// use hookwire::trace::TraceContext;
    /// let context = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", None).unwrap();
    /// let event = RawEvent::new("a.b", serde_json::Value::Null)?.trace(context.clone());
    /// assert_eq!(event.trace_context(), Some(&context));
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    #[must_use]
    pub fn trace(mut self, context: TraceContext) -> Self {
        self.trace = Some(context);
        self
    }

    /// The trace context given with [`trace`](Self::trace).
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// assert_eq!(RawEvent::new("a.b", serde_json::Value::Null)?.trace_context(), None);
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    pub fn trace_context(&self) -> Option<&TraceContext> {
        self.trace.as_ref()
    }

    /// Its ordering key.
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// assert_eq!(RawEvent::new("a.b", serde_json::Value::Null)?.ordering(), None);
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    pub fn ordering(&self) -> Option<&str> {
        self.ordering_key.as_deref()
    }

    /// The application it is published for.
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// assert_eq!(RawEvent::new("a.b", serde_json::Value::Null)?.application(), None);
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    pub fn application(&self) -> Option<AppId> {
        self.app
    }

    /// Its dedupe key.
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// assert_eq!(RawEvent::new("a.b", serde_json::Value::Null)?.dedupe(), None);
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    pub fn dedupe(&self) -> Option<&str> {
        self.dedupe_key.as_deref()
    }

    /// Whether its body is its payload as given ([`message`](Self::message)).
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// assert!(!RawEvent::new("a.b", serde_json::Value::Null)?.is_message());
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    pub fn is_message(&self) -> bool {
        self.as_given
    }

    /// The event's type.
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// # let event = RawEvent::new("a.b", serde_json::Value::Null)?;
    /// assert_eq!(event.event_type(), "a.b");
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The event's `data`.
    ///
    /// ```
    /// # use hookwire::outbox::RawEvent;
    /// # let event = RawEvent::new("a.b", serde_json::json!(1))?;
    /// assert_eq!(event.data(), &serde_json::json!(1));
    /// # Ok::<(), hookwire::outbox::StoreError>(())
    /// ```
    pub fn data(&self) -> &serde_json::Value {
        &self.data
    }

    /// The body to store and send at `timestamp`: the payload of a message, otherwise the
    /// envelope `{"type":..,"timestamp":..,"data":..}`.
    pub(crate) fn envelope(&self, timestamp: crate::Timestamp) -> Result<String, StoreError> {
        if self.as_given {
            return serde_json::to_string(&self.data).map_err(StoreError::Serialize);
        }
        #[derive(Serialize)]
        struct Envelope<'a> {
            #[serde(rename = "type")]
            event_type: &'a str,
            timestamp: crate::Timestamp,
            data: &'a serde_json::Value,
        }
        serde_json::to_string(&Envelope {
            event_type: &self.event_type,
            timestamp,
            data: &self.data,
        })
        .map_err(StoreError::Serialize)
    }
}

/// How a typed event is published by the SQL outboxes' `publish_with`: for which
/// application, with which ordering key. One options value rather than a method per
/// combination (`publish_to`, `publish_ordered`, `publish_to_ordered`, ...), so a new option
/// adds a builder method, not a family of methods.
///
/// ```
/// use hookwire::outbox::{AppId, PublishOptions};
///
/// let options = PublishOptions::new().app(AppId(3)).ordering_key("order-1");
/// assert_eq!(options.application(), Some(AppId(3)));
/// assert_eq!(options.ordering(), Some("order-1"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishOptions {
    app: Option<AppId>,
    ordering_key: Option<String>,
    trace: Option<TraceContext>,
}

impl PublishOptions {
    /// No application (endpoints of none receive the event), no ordering key.
    ///
    /// ```
    /// # use hookwire::outbox::PublishOptions;
    /// assert_eq!(PublishOptions::new(), PublishOptions::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Publishes for `app`: only that application's endpoints receive the event.
    ///
    /// ```
    /// # use hookwire::outbox::{AppId, PublishOptions};
    /// assert_eq!(PublishOptions::new().app(AppId(1)).application(), Some(AppId(1)));
    /// ```
    #[must_use]
    pub fn app(mut self, app: AppId) -> Self {
        self.app = Some(app);
        self
    }

    /// Orders the event with the others of `key` ([`RawEvent::ordering_key`]).
    ///
    /// ```
    /// # use hookwire::outbox::PublishOptions;
    /// assert_eq!(PublishOptions::new().ordering_key("k").ordering(), Some("k"));
    /// ```
    #[must_use]
    pub fn ordering_key(mut self, key: impl Into<String>) -> Self {
        self.ordering_key = Some(key.into());
        self
    }

    /// The trace context given with [`trace`](Self::trace), if any.
    ///
    /// ```
    /// # use hookwire::outbox::PublishOptions;
    /// assert_eq!(PublishOptions::new().trace_context(), None);
    /// ```
    pub fn trace_context(&self) -> Option<&TraceContext> {
        self.trace.as_ref()
    }

    /// Continues the trace of `context` ([`RawEvent::trace`]); without it, publishing with
    /// the `otel` feature stores the current span's context.
    ///
    /// ```
    /// # use hookwire::outbox::PublishOptions;
    /// # use hookwire::trace::TraceContext;
    /// let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /// let options = PublishOptions::new().trace(TraceContext::parse(parent, None).unwrap());
    /// let trace_id = options.trace_context().map(TraceContext::trace_id);
    /// assert_eq!(trace_id, Some("4bf92f3577b34da6a3ce929d0e0e4736"));
    /// ```
    #[must_use]
    pub fn trace(self, context: TraceContext) -> Self {
        Self {
            trace: Some(context),
            ..self
        }
    }

    /// The application.
    ///
    /// ```
    /// # use hookwire::outbox::PublishOptions;
    /// assert_eq!(PublishOptions::new().application(), None);
    /// ```
    pub fn application(&self) -> Option<AppId> {
        self.app
    }

    /// The ordering key.
    ///
    /// ```
    /// # use hookwire::outbox::PublishOptions;
    /// assert_eq!(PublishOptions::new().ordering(), None);
    /// ```
    pub fn ordering(&self) -> Option<&str> {
        self.ordering_key.as_deref()
    }
}
