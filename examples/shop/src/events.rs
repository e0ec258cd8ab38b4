//! The shop's webhooks: order and payment events, and [`ShopEvent`], the list of them.

use hookwire::{Event, Events, JsonSchema, Timestamp, schemars};
use serde::{Deserialize, Serialize};

use crate::Money;

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed, not yet paid.
    Pending,
    /// Paid, waiting to ship.
    Paid,
    /// Left the warehouse.
    Shipped,
    /// Reached the customer.
    Delivered,
    /// Cancelled before delivery.
    Cancelled,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LineItem {
    /// The product ordered.
    pub product_id: String,
    /// How many units.
    pub quantity: u32,
    /// The unit price when ordered.
    pub price: Money,
}

/// Who placed an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Customer {
    /// The customer's id.
    pub customer_id: String,
    /// Where order mail goes.
    pub email: String,
}

/// A customer placed an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.created")]
pub struct OrderCreated {
    /// The new order's id.
    pub order_id: String,
    /// Always `pending` for a new order.
    pub status: OrderStatus,
    /// The order total.
    pub total: Money,
    /// ISO 4217 currency code.
    #[schemars(regex(pattern = "^[A-Z]{3}$"))]
    pub currency: String,
    /// Who ordered.
    pub customer: Customer,
    /// What was ordered.
    pub items: Vec<LineItem>,
    /// When the order was placed.
    pub created_at: Timestamp,
}

/// The carrier and tracking number of a shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tracking {
    /// The carrier's name.
    pub carrier: String,
    /// The carrier's tracking number.
    pub number: String,
}

/// An order left the warehouse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
#[schemars(example = OrderShipped::example())]
pub struct OrderShipped {
    /// The order's id.
    pub order_id: String,
    /// Always `shipped`.
    pub status: OrderStatus,
    /// The order total.
    pub total: Money,
    /// What was shipped.
    pub items: Vec<LineItem>,
    /// Tracking details, when the carrier provides them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<Tracking>,
}

impl OrderShipped {
    /// The sample shipment the demo sends (the shop's `order.shipped` fixture).
    pub fn example() -> Self {
        let money =
            |amount: &str| Money::new(amount).unwrap_or_else(|_| unreachable!("a valid literal"));
        OrderShipped {
            order_id: "98765".into(),
            status: OrderStatus::Shipped,
            total: money("99.99"),
            items: vec![LineItem {
                product_id: "54321".into(),
                quantity: 2,
                price: money("49.99"),
            }],
            tracking: None,
        }
    }
}

/// Why an order was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancellationReason {
    /// The customer asked.
    CustomerRequest,
    /// An item ran out.
    OutOfStock,
    /// The payment did not go through.
    PaymentFailed,
    /// The order looked fraudulent.
    FraudSuspected,
}

/// An order was cancelled before delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.cancelled")]
pub struct OrderCancelled {
    /// The order's id.
    pub order_id: String,
    /// Always `cancelled`.
    pub status: OrderStatus,
    /// Why.
    pub reason: CancellationReason,
    /// The amount refunded, when something was charged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund: Option<Money>,
}

/// How a payment was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaymentMethod {
    /// A card payment.
    Card {
        /// The card network, e.g. `visa`.
        brand: String,
        /// The last four digits.
        #[schemars(regex(pattern = "^[0-9]{4}$"))]
        last4: String,
    },
    /// A bank transfer.
    BankTransfer {
        /// The paying bank.
        bank_name: String,
    },
    /// A wallet such as Apple Pay.
    Wallet {
        /// The wallet provider.
        provider: String,
    },
}

/// A payment for an order went through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "payment.succeeded")]
pub struct PaymentSucceeded {
    /// The payment's id.
    pub payment_id: String,
    /// The order paid for.
    pub order_id: String,
    /// The amount charged.
    pub amount: Money,
    /// ISO 4217 currency code.
    #[schemars(regex(pattern = "^[A-Z]{3}$"))]
    pub currency: String,
    /// How it was paid.
    pub method: PaymentMethod,
}

/// A payment for an order was declined or failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "payment.failed")]
pub struct PaymentFailed {
    /// The payment's id.
    pub payment_id: String,
    /// The order the payment was for.
    pub order_id: String,
    /// The amount attempted.
    pub amount: Money,
    /// ISO 4217 currency code.
    #[schemars(regex(pattern = "^[A-Z]{3}$"))]
    pub currency: String,
    /// A machine-readable reason, e.g. `card_declined`.
    pub failure_code: String,
    /// A reason to show the customer.
    pub failure_message: String,
    /// Whether trying again may succeed.
    pub retryable: bool,
}

/// Every event the shop sends.
#[derive(Debug, Clone, PartialEq, Events)]
pub enum ShopEvent {
    /// See [`OrderCreated`].
    OrderCreated(OrderCreated),
    /// See [`OrderShipped`].
    OrderShipped(OrderShipped),
    /// See [`OrderCancelled`].
    OrderCancelled(OrderCancelled),
    /// See [`PaymentSucceeded`].
    PaymentSucceeded(PaymentSucceeded),
    /// See [`PaymentFailed`].
    PaymentFailed(PaymentFailed),
}
