//! [`Money`]: an amount as a decimal string, exactly as the shop's payloads carry it.

use std::borrow::Cow;
use std::fmt;

use hookwire::schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The pattern every amount matches: digits, optionally a dot and one or two more digits.
pub const MONEY_PATTERN: &str = r"^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$";

/// An amount of money as a decimal string (`"19.99"`), never a float, so no cent is lost in
/// transit. Its JSON Schema carries [`MONEY_PATTERN`], and deserializing checks it.
///
/// ```
/// use hookwire_example_shop::Money;
///
/// let price = Money::new("19.99").unwrap();
/// assert_eq!(price.as_str(), "19.99");
/// assert!(Money::new("19.999").is_err());
/// assert!(Money::new("1e3").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Money(String);

/// The text is not a decimal amount matching [`MONEY_PATTERN`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidMoney;

impl fmt::Display for InvalidMoney {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected a decimal amount such as \"19.99\" matching {MONEY_PATTERN}"
        )
    }
}

impl std::error::Error for InvalidMoney {}

impl Money {
    /// Checks and wraps a decimal amount.
    ///
    /// # Errors
    /// [`InvalidMoney`] when `amount` does not match [`MONEY_PATTERN`].
    pub fn new(amount: impl Into<String>) -> Result<Self, InvalidMoney> {
        let amount = amount.into();
        if is_decimal(&amount) {
            Ok(Money(amount))
        } else {
            Err(InvalidMoney)
        }
    }

    /// The amount as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hand-written check of [`MONEY_PATTERN`], to keep a regex engine out of the example.
fn is_decimal(amount: &str) -> bool {
    let (whole, fraction) = match amount.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (amount, None),
    };
    let whole_ok = whole == "0"
        || (!whole.is_empty()
            && !whole.starts_with('0')
            && whole.bytes().all(|b| b.is_ascii_digit()));
    let fraction_ok = fraction
        .is_none_or(|f| (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()));
    whole_ok && fraction_ok
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Money::new(text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Money").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An amount as a decimal string, in the currency's major unit.",
            "pattern": MONEY_PATTERN,
            "examples": ["19.99"]
        })
    }
}
