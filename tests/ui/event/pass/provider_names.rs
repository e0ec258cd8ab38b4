// Every provider's real event names are accepted.
use hookwire::{Event, Events};
use serde::Deserialize;

#[derive(Deserialize, Event)]
#[hookwire(event = "orders/create")]
pub struct ShopifyOrderCreate {}

#[derive(Deserialize, Event)]
#[hookwire(event = "pull_request")]
pub struct GitHubPullRequest {}

#[derive(Deserialize, Event)]
#[hookwire(event = "payment_intent.succeeded")]
pub struct StripePaymentIntentSucceeded {}

#[derive(Deserialize, Event)]
#[hookwire(event = "app_mention")]
pub struct SlackAppMention {}

#[derive(Deserialize, Event)]
#[hookwire(event = "customer.subscription.trial_will_end")]
pub struct StripeTrialWillEnd {}

#[derive(Deserialize, Event)]
#[hookwire(event = "customers/data_request")]
pub struct ShopifyDataRequest {}

#[derive(Events)]
pub enum Received {
    ShopifyOrderCreate(ShopifyOrderCreate),
    GitHubPullRequest(GitHubPullRequest),
    StripePaymentIntentSucceeded(StripePaymentIntentSucceeded),
    SlackAppMention(SlackAppMention),
    StripeTrialWillEnd(StripeTrialWillEnd),
    ShopifyDataRequest(ShopifyDataRequest),
}

fn main() {
    assert_eq!(Received::index_of("orders/create"), Some(0));
    assert_eq!(Received::index_of("customers/data_request"), Some(5));
}
