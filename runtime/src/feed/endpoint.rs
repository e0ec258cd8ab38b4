//! `GET /events` as a typed [`Endpoint`]: listed under `paths` in the OpenAPI document, served
//! by [`router`](crate::feed::router) and called by [`FeedClient`](crate::feed::FeedClient).

use crate::endpoint::{
    DescribeEndpoint, Endpoint, Incoming, Location, Outgoing, ParamError, ParamInfo,
};
use crate::feed::{Cursor, FeedQuery, SignedPage};

/// `GET /events?after=<cursor>&types=<type>[,<type>...]&limit=<n>`: one page of the events
/// feed.
///
/// `types` may repeat (`types=a&types=b`) or hold a comma-separated list; `prefix.*` names a
/// family. The answer is a [`SignedPage`], every item signed for the consumer whose bearer
/// token came with the request (`Authorization: Bearer <token>`; `401` without one); ask again
/// with its `next` as `after`. [`FeedClient`](crate::feed::FeedClient) sends the token and
/// verifies the items.
///
/// ```
/// use hookwire::Endpoint;
/// use hookwire::feed::ListEvents;
///
/// assert_eq!(ListEvents::PATH, "/events");
/// let request = ListEvents { after: None, types: vec!["order.*".into()], limit: Some(50) };
/// let outgoing = hookwire::endpoint::Outgoing::of(&request)?;
/// assert_eq!(outgoing.path_and_query(), "/events?types=order.%2A&limit=50");
/// # Ok::<(), hookwire::endpoint::ParamError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListEvents {
    /// Read after this cursor (a page's `next`); from the oldest event kept when absent.
    pub after: Option<Cursor>,
    /// Only these event types (exact, or `prefix.*`); every type when empty.
    pub types: Vec<String>,
    /// At most this many events (default 100, at most 1000).
    pub limit: Option<u32>,
}

impl ListEvents {
    /// The feed query this request asks for.
    ///
    /// ```
    /// use hookwire::feed::{FeedQuery, ListEvents};
    /// let request = ListEvents { limit: Some(5), ..ListEvents::default() };
    /// assert_eq!(request.query(), FeedQuery::from_start().limit(5));
    /// ```
    pub fn query(&self) -> FeedQuery {
        let mut query = match &self.after {
            Some(cursor) => FeedQuery::after(cursor.clone()),
            None => FeedQuery::from_start(),
        };
        if !self.types.is_empty() {
            query = query.types(self.types.iter().cloned());
        }
        match self.limit {
            Some(limit) => query.limit(limit),
            None => query,
        }
    }
}

impl Endpoint for ListEvents {
    type Response = SignedPage;

    const METHOD: http::Method = http::Method::GET;
    const PATH: &'static str = "/events";
    const OPERATION_ID: &'static str = "listEvents";
    const DESCRIPTION: Option<&'static str> = Some(
        "Published events in order, from a cursor: poll it to catch up on webhooks missed while down. \
         No event is skipped, even when the transactions that published them committed out of order. \
         Needs `Authorization: Bearer <token>` (401 without a consumer's token); each item is signed \
         like a webhook (Standard Webhooks over the envelope's bytes, `webhook-id` = `id`, \
         `webhook-timestamp` = `signed_at`, `webhook-signature` = `signature`) with the consumer's secret.",
    );
    const ERRORS: &'static [u16] = &[401, 403, 503];

    fn write_request(&self, request: &mut Outgoing) -> Result<(), ParamError> {
        request.query("after", &self.after.as_ref().map(Cursor::as_str))?;
        if !self.types.is_empty() {
            request.query("types", &self.types.join(","))?;
        }
        request.query("limit", &self.limit)
    }

    fn read_request(request: &Incoming<'_>) -> Result<Self, ParamError> {
        let after: Option<String> = request.query("after")?;
        let after = after
            .map(|text| Cursor::parse(&text))
            .transpose()
            .map_err(|e| ParamError::invalid(Location::Query, "after", e.to_string()))?;
        let types: Vec<String> = request.query("types")?;
        let types = types
            .iter()
            .flat_map(|list| list.split(','))
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(ListEvents {
            after,
            types,
            limit: request.query("limit")?,
        })
    }

    fn describe<D: DescribeEndpoint>(describe: &mut D) {
        describe.param::<Option<Cursor>>(ParamInfo::new(
            Location::Query,
            "after",
            false,
            Some(
                "Read after this cursor (a page's `next`); from the oldest event kept when absent.",
            ),
        ));
        describe.param::<Option<String>>(ParamInfo::new(
            Location::Query,
            "types",
            false,
            Some("Comma-separated event types, exact or `prefix.*`; every type when absent."),
        ));
        describe.param::<Option<u32>>(ParamInfo::new(
            Location::Query,
            "limit",
            false,
            Some("At most this many events (default 100, at most 1000)."),
        ));
    }
}
