//! [`Receiver`]: a router that verifies, skips duplicates, parses and dispatches each event
//! type to its own typed handler. This file builds it; `pipeline.rs` is the path a request takes.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use axum::Router;
use axum::routing::{MethodRouter, post};
use foldhash::fast::RandomState;
use serde_json::value::RawValue;

use crate::receiver::Handler;
use crate::receiver::config::WebhookConfig;
use crate::receiver::error::ReceiveError;
use crate::receiver::inbox::Queue;
use crate::receiver::parse::{KnownSeed, RawSeed, TypedSeed};
use crate::receiver::pipeline::ReceiverHandler;
use crate::receiver::route::{Route, TypedRoute};
use crate::receiver::stats::ReceiverStats;
use crate::{Event, Events};

/// A webhook endpoint: verifies each request with the configured scheme, rejects replays,
/// skips duplicates, parses the event and runs the handler registered for its type.
///
/// - [`on`](Self::on) registers a handler for one event type, the one its
///   [`Delivery<T>`](crate::receiver::Delivery) argument names; [`events`](Self::events) one
///   handler for every type of a catalog, receiving `Delivery<E>` (so a `match` makes the
///   compiler check you handle them all); a handler for a specific type wins over the
///   catalog's.
/// - Handlers take axum extractors before the delivery, as axum handlers do: the router's
///   [`State`](axum::extract::State) (`S`, set with `Router::with_state`), the request's
///   `HeaderMap`, anything that implements `FromRequestParts<S>`.
/// - **Unknown event types** (no handler for the type) are never silent. Each one is counted
///   ([`stats`](Self::stats): a total and per type) and reaches the path you choose:
///   - [`acknowledge_unknown`](Self::acknowledge_unknown), the default: answered `200` and
///     logged at `warn` with the type. The sender stops retrying; the event is gone unless
///     you [catch up](Self::catch_up) later. Right when the sender sends more types than you
///     care about (GitHub, Stripe with "all events").
///   - [`reject_unknown`](Self::reject_unknown): answered `422` and logged at `warn`, so the
///     sender keeps it and retries (until a deployment that knows the type, or its schedule
///     ends). Right when every type sent should be handled.
///   - [`unknown`](Self::unknown): your handler gets the raw payload (stored in the
///     [inbox](Self::inbox) first, when there is one), and answers as handlers do.
/// - A handler returns `()` or `Result<(), impl Display>`; an `Err` is logged and answered `500`
///   and the delivery is not marked handled, so the sender's retry runs it again. On success
///   the delivery id is marked done: copies get `200` without running the handler; a copy
///   arriving while the handler runs gets `409` with `Retry-After`, so it runs at most once
///   at a time and, once it succeeded, never again (within the store's TTL).
/// - Every request runs in a `webhook` tracing span with `scheme`, `delivery_id` and
///   `event_type`.
///
/// ```
/// use axum::Router;
/// use axum::extract::State;
/// use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
/// use hookwire::signature::StandardWebhooks;
/// use hookwire::{Event, JsonSchema, schemars};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "order.shipped")]
/// struct OrderShipped {
///     order_id: String,
/// }
///
/// #[derive(Clone)]
/// struct Shop {
///     name: &'static str,
/// }
///
/// async fn shipped(State(shop): State<Shop>, delivery: Delivery<OrderShipped>) -> Result<(), std::io::Error> {
///     println!("{}: {:?}: order {} shipped", shop.name, delivery.id, delivery.event.order_id);
///     Ok(())
/// }
///
/// let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let webhooks = Receiver::new(WebhookConfig::new(scheme))
///     .on(shipped)
///     .unknown(|delivery: Delivery<_>| async move {
///         println!("not handled: {}", delivery.event_type);
///     });
/// let app: Router = Router::new()
///     .route("/webhooks/shop", webhooks.into_method_router())
///     .with_state(Shop { name: "shop" });
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
pub struct Receiver<S = ()> {
    pub(super) config: WebhookConfig,
    /// Hashed with foldhash: SipHash was a visible part of each request.
    routes: HashMap<&'static str, Arc<dyn Route<S>>, RandomState>,
    unknown: Unknown<S>,
    /// Where deliveries are stored before their handlers run, when they are.
    pub(super) inbox: Option<Queue>,
    /// What it counted, shared by its clones.
    pub(super) stats: ReceiverStats,
}

enum Unknown<S> {
    Ignore,
    Reject,
    Handle(Arc<dyn Route<S>>),
}

impl<S> Clone for Unknown<S> {
    fn clone(&self) -> Self {
        match self {
            Unknown::Ignore => Unknown::Ignore,
            Unknown::Reject => Unknown::Reject,
            Unknown::Handle(route) => Unknown::Handle(Arc::clone(route)),
        }
    }
}

/// A copy sharing the handlers (they are reference-counted): keep one to build an
/// [`InboxWorker`](crate::receiver::InboxWorker) or to [`catch_up`](Self::catch_up) after
/// mounting another.
impl<S> Clone for Receiver<S> {
    fn clone(&self) -> Self {
        Receiver {
            config: self.config.clone(),
            routes: self.routes.clone(),
            unknown: self.unknown.clone(),
            inbox: self.inbox.clone(),
            stats: self.stats.clone(),
        }
    }
}

impl<S: Clone + Send + Sync + 'static> Receiver<S> {
    /// A receiver with no handlers yet.
    ///
    /// ```
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let receiver: Receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn new(config: WebhookConfig) -> Self {
        Receiver {
            config,
            routes: HashMap::default(),
            unknown: Unknown::Ignore,
            inbox: None,
            stats: ReceiverStats::default(),
        }
    }

    /// A handle on this receiver's counters (unknown event types), shared with its clones,
    /// its router and its workers: keep it before [`into_router`](Self::into_router).
    ///
    /// ```
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let receiver: Receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?));
    /// let stats = receiver.stats();
    /// assert_eq!(stats.unknown_types(), 0);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn stats(&self) -> ReceiverStats {
        self.stats.clone()
    }

    /// Runs `handler` for deliveries of event type `T::TYPE`, parsed into `T` (the type its
    /// `Delivery<T>` argument names); replaces an earlier handler for the type.
    ///
    /// ```
    /// # use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// # use hookwire::{Event, JsonSchema, schemars};
    /// # use serde::{Deserialize, Serialize};
    /// #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// #[hookwire(event = "ping")]
    /// struct Ping {
    ///     zen: String,
    /// }
    /// let receiver: Receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?))
    ///     .on(|ping: Delivery<Ping>| async move { println!("{}", ping.event.zen) });
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn on<T, H, Args>(mut self, handler: H) -> Self
    where
        T: Event + Send + 'static,
        H: Handler<T, S, Args>,
        Args: 'static,
    {
        let route = Arc::new(TypedRoute::<TypedSeed<T>, H, Args>::new(handler));
        self.routes.insert(T::TYPE, route);
        self
    }

    /// Runs `handler` for every event type catalog `E` lists that has no handler of its own.
    ///
    /// ```
    /// # use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
    /// # use hookwire::signature::StandardWebhooks;
    /// # use hookwire::{Event, Events, JsonSchema, schemars};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// # #[hookwire(event = "order.created")]
    /// # struct OrderCreated {}
    /// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// # #[hookwire(event = "order.shipped")]
    /// # struct OrderShipped {}
    /// #[derive(Events)]
    /// enum ShopEvent {
    ///     OrderCreated(OrderCreated),
    ///     OrderShipped(OrderShipped),
    /// }
    ///
    /// async fn handle(delivery: Delivery<ShopEvent>) {
    ///     match delivery.event {
    ///         ShopEvent::OrderCreated(_) => println!("created"),
    ///         ShopEvent::OrderShipped(_) => println!("shipped"),
    ///     }
    /// }
    ///
    /// let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// let receiver: Receiver = Receiver::new(WebhookConfig::new(scheme)).events(handle);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn events<E, H, Args>(mut self, handler: H) -> Self
    where
        E: Events + Send + 'static,
        H: Handler<E, S, Args>,
        Args: 'static,
    {
        let route: Arc<dyn Route<S>> = Arc::new(TypedRoute::<KnownSeed<E>, H, Args>::new(handler));
        for &event_type in E::TYPES {
            self.routes
                .entry(event_type)
                .or_insert_with(|| Arc::clone(&route));
        }
        self
    }

    /// Runs `handler` for event types without a handler, with the event as raw JSON (instead
    /// of answering `200` and logging them).
    ///
    /// ```
    /// # use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let receiver: Receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?)).unknown(
    ///     |delivery: Delivery<Box<serde_json::value::RawValue>>| async move {
    ///         println!("{}: {}", delivery.event_type, delivery.event.get());
    ///     },
    /// );
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn unknown<H, Args>(mut self, handler: H) -> Self
    where
        H: Handler<Box<RawValue>, S, Args>,
        Args: 'static,
    {
        self.unknown = Unknown::Handle(Arc::new(TypedRoute::<RawSeed, H, Args>::new(handler)));
        self
    }

    /// Answers `200` to event types without a handler, counting them and logging each at
    /// `warn`: the default, named for code that wants to say so.
    ///
    /// ```
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let receiver: Receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?)).acknowledge_unknown();
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn acknowledge_unknown(mut self) -> Self {
        self.unknown = Unknown::Ignore;
        self
    }

    /// Answers `422` to event types without a handler (counting them and logging each at
    /// `warn`), so the sender keeps retrying them (until a deployment that knows them).
    ///
    /// ```
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let receiver: Receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?)).reject_unknown();
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn reject_unknown(mut self) -> Self {
        self.unknown = Unknown::Reject;
        self
    }

    /// A `POST` route for your router: `.route("/webhooks/github", receiver.into_method_router())`.
    ///
    /// ```
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?));
    /// let app: axum::Router = axum::Router::new().route("/github", receiver.into_method_router());
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn into_method_router(self) -> MethodRouter<S> {
        post(ReceiverHandler(Arc::new(self)))
    }

    /// A router answering `POST /`, to [`nest`](axum::Router::nest) or serve as is.
    ///
    /// ```
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?));
    /// let app: axum::Router = receiver.into_router();
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn into_router(self) -> Router<S> {
        Router::new().route("/", self.into_method_router())
    }

    /// The route of `event_type` for a delivery arriving now: as [`route_of`](Self::route_of),
    /// counting and logging an unknown type.
    pub(super) fn lookup(
        &self,
        event_type: &str,
    ) -> Result<Option<Arc<dyn Route<S>>>, ReceiveError> {
        if let Some(route) = self.routes.get(event_type) {
            // One lookup for the usual case, a known type.
            return Ok(Some(Arc::clone(route)));
        }
        let total = self.stats.count_unknown(event_type);
        match &self.unknown {
            Unknown::Ignore => tracing::warn!(
                event_type,
                unknown_total = total,
                "no handler for this event type: acknowledged and ignored (register one, \
                 or choose `Receiver::unknown` or `reject_unknown`)"
            ),
            Unknown::Reject => tracing::warn!(
                event_type,
                unknown_total = total,
                "no handler for this event type: rejected with 422, the sender will retry"
            ),
            Unknown::Handle(_) => tracing::debug!(
                event_type,
                unknown_total = total,
                "no handler for this event type: given to the unknown-type handler"
            ),
        }
        self.route_of(event_type)
    }

    /// The route of `event_type`: its handler, the catalog's, the unknown-type handler, or
    /// `Ok(None)` for an unknown type that is ignored.
    pub(super) fn route_of(
        &self,
        event_type: &str,
    ) -> Result<Option<Arc<dyn Route<S>>>, ReceiveError> {
        match (self.routes.get(event_type), &self.unknown) {
            (Some(route), _) | (None, Unknown::Handle(route)) => Ok(Some(Arc::clone(route))),
            (None, Unknown::Ignore) => Ok(None),
            (None, Unknown::Reject) => Err(ReceiveError::UnknownEventType(event_type.to_owned())),
        }
    }
}

impl<S> fmt::Debug for Receiver<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut types: Vec<_> = self.routes.keys().collect();
        types.sort();
        f.debug_struct("Receiver")
            .field("config", &self.config)
            .field("event_types", &types)
            .finish_non_exhaustive()
    }
}
