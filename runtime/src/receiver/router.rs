//! [`Receiver`]: a router that verifies, skips duplicates, parses and dispatches each event
//! type to its own typed handler.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post_service};
use bytes::Bytes;
use serde_json::value::RawValue;
use tracing::Instrument;
use tracing::field::Empty;

use crate::receiver::Handler;
use crate::receiver::config::WebhookConfig;
use crate::receiver::dedup::BoxFuture;
use crate::receiver::parse::{KnownSeed, RawSeed, TypedSeed};
use crate::receiver::pipeline;
use crate::receiver::problem::ReceiveError;
use crate::receiver::route::{Meta, Route, TypedRoute};
use crate::{Event, Events};

/// A webhook endpoint: verifies each request with the configured scheme, rejects replays,
/// skips duplicates, parses the event and runs the handler registered for its type.
///
/// - [`on::<T>`](Self::on) registers a handler for one event type, receiving
///   [`Delivery<T>`](crate::receiver::Delivery); [`events::<E>`](Self::events) one handler for every type of a
///   catalog, receiving `Delivery<E>` (so a `match` makes the compiler check you handle them
///   all); a handler for a specific type wins over the catalog's.
/// - Unknown types (no handler) are answered `200` and logged by default;
///   [`unknown`](Self::unknown) hands them to a handler, [`reject_unknown`](Self::reject_unknown)
///   answers `422`.
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
/// async fn shipped(delivery: Delivery<OrderShipped>) -> Result<(), std::io::Error> {
///     println!("{:?}: order {} shipped", delivery.id, delivery.event.order_id);
///     Ok(())
/// }
///
/// let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let webhooks = Receiver::new(WebhookConfig::new(scheme))
///     .on::<OrderShipped, _>(shipped)
///     .unknown(|delivery: Delivery<_>| async move {
///         println!("not handled: {}", delivery.event_type);
///     });
/// let app: Router = Router::new().route("/webhooks/shop", webhooks.into_method_router());
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
pub struct Receiver {
    config: WebhookConfig,
    routes: HashMap<&'static str, Arc<dyn Route>>,
    unknown: Unknown,
}

enum Unknown {
    Ignore,
    Reject,
    Handle(Arc<dyn Route>),
}

impl Receiver {
    /// A receiver with no handlers yet.
    ///
    /// ```
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn new(config: WebhookConfig) -> Self {
        Receiver {
            config,
            routes: HashMap::new(),
            unknown: Unknown::Ignore,
        }
    }

    /// Runs `handler` for deliveries of event type `T::TYPE`, parsed into `T`; replaces an
    /// earlier handler for the type.
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
    /// let receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?))
    ///     .on::<Ping, _>(|ping: Delivery<Ping>| async move { println!("{}", ping.event.zen) });
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn on<T: Event + Send + 'static, H: Handler<T>>(mut self, handler: H) -> Self {
        let route = Arc::new(TypedRoute::<TypedSeed<T>, H>::new(handler));
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
    /// let receiver = Receiver::new(WebhookConfig::new(scheme)).events::<ShopEvent, _>(handle);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn events<E, H>(mut self, handler: H) -> Self
    where
        E: Events + Send + 'static,
        H: Handler<E>,
    {
        let route: Arc<dyn Route> = Arc::new(TypedRoute::<KnownSeed<E>, H>::new(handler));
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
    /// let receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?)).unknown(
    ///     |delivery: Delivery<Box<serde_json::value::RawValue>>| async move {
    ///         println!("{}: {}", delivery.event_type, delivery.event.get());
    ///     },
    /// );
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn unknown<H: Handler<Box<RawValue>>>(mut self, handler: H) -> Self {
        self.unknown = Unknown::Handle(Arc::new(TypedRoute::<RawSeed, H>::new(handler)));
        self
    }

    /// Answers `422` to event types without a handler, so the sender keeps retrying them
    /// (until a deployment that knows them).
    ///
    /// ```
    /// # use hookwire::receiver::{Receiver, WebhookConfig};
    /// # use hookwire::signature::GitHub;
    /// let receiver = Receiver::new(WebhookConfig::new(GitHub::new("s")?)).reject_unknown();
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
    pub fn into_method_router<S: Clone + Send + Sync + 'static>(self) -> MethodRouter<S> {
        post_service(ReceiverService(Arc::new(self)))
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
    pub fn into_router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        Router::new().route("/", self.into_method_router())
    }

    /// The response to one request, in a `webhook` span. Only the headers and the body are
    /// kept, so the future stays small (it is allocated per request).
    fn receive(self: Arc<Self>, request: Request) -> impl Future<Output = Response> + Send {
        let span = tracing::info_span!(
            "webhook",
            scheme = self.config.scheme().name(),
            delivery_id = Empty,
            event_type = Empty,
        );
        let (headers, body) = pipeline::split(request);
        // Boxed on its own: the pipeline's state stays below the allocator's small-size
        // classes, and the outer future holds a pointer.
        let handled = Box::pin(self.handle(headers, body));
        async move {
            match handled.await {
                Ok(()) => StatusCode::OK.into_response(),
                Err(error) => {
                    pipeline::log_rejection(&error);
                    error.into_response()
                }
            }
        }
        .instrument(span)
    }

    async fn handle(self: Arc<Self>, headers: HeaderMap, body: Body) -> Result<(), ReceiveError> {
        let inner = self.config.inner();
        let body = pipeline::read_body(inner, &headers, body).await?;
        let Some((route, meta, body)) = self.route(headers, body)? else {
            tracing::info!("no handler for this event type; ignored");
            return Ok(());
        };
        let claim = pipeline::claim(inner, meta.id.as_deref()).await?;
        let outcome = match route.start(&inner.format, meta, body) {
            Ok(future) => future.await.map_err(ReceiveError::Handler),
            Err(error) => Err(error),
        };
        match (outcome, claim) {
            (Ok(()), Some(claim)) => {
                if let Err(error) = claim.complete().await {
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

    /// Verifies the body, finds the event type and its route; `Ok(None)` for an unknown type
    /// that is ignored. Synchronous, so that nothing here is kept in the request's future.
    #[allow(clippy::type_complexity)]
    fn route(
        &self,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Option<(&Arc<dyn Route>, Meta, Bytes)>, ReceiveError> {
        let inner = self.config.inner();
        let checked = pipeline::verify(inner, headers, body)?;
        let located = inner.format.locate(&checked.headers, &checked.body)?;
        let id = located.body_id.or(checked.id);
        let span = tracing::Span::current();
        if let Some(id) = &id {
            span.record("delivery_id", id.as_str());
        }
        span.record("event_type", located.event_type.as_str());
        let route = match (self.routes.get(located.event_type.as_str()), &self.unknown) {
            (Some(route), _) | (None, Unknown::Handle(route)) => route,
            (None, Unknown::Ignore) => return Ok(None),
            (None, Unknown::Reject) => {
                return Err(ReceiveError::UnknownEventType(located.event_type));
            }
        };
        let meta = Meta {
            id,
            event_type: located.event_type,
            signed_at: checked.timestamp,
        };
        Ok(Some((route, meta, checked.body)))
    }
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut types: Vec<_> = self.routes.keys().collect();
        types.sort();
        f.debug_struct("Receiver")
            .field("config", &self.config)
            .field("event_types", &types)
            .finish_non_exhaustive()
    }
}

/// The receiver as a tower service: its future is boxed once, at the size of the pipeline's
/// state (an axum handler closure would add its own wrapper to the same allocation).
#[derive(Clone)]
struct ReceiverService(Arc<Receiver>);

impl tower::Service<Request> for ReceiverService {
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = BoxFuture<'static, Result<Response, std::convert::Infallible>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let response = Arc::clone(&self.0).receive(request);
        Box::pin(async move { Ok(response.await) })
    }
}
