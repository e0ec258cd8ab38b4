//! Field types of the API's bodies and headers: each checks what its JSON Schema states, so the
//! server accepts exactly what the document says (numbers written `5.0` count as whole).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// A whole number from `MIN` to `MAX`.
///
/// ```
/// use hookwire::platform::Bounded;
///
/// let rate: Bounded<1, 65535> = serde_json::from_str("50.0")?;
/// assert_eq!(rate.get(), 50);
/// assert!(serde_json::from_str::<Bounded<1, 65535>>("0").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Bounded<const MIN: u64, const MAX: u64>(u64);

impl<const MIN: u64, const MAX: u64> Bounded<MIN, MAX> {
    /// The number.
    ///
    /// ```
    /// let n: hookwire::platform::Bounded<0, 9> = serde_json::from_str("3")?;
    /// assert_eq!(n.get(), 3);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn get(self) -> u64 {
        self.0
    }
}

impl<'de, const MIN: u64, const MAX: u64> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        let whole = number.as_u64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                .map(|f| f as u64)
        });
        match whole {
            Some(n) if (MIN..=MAX).contains(&n) => Ok(Bounded(n)),
            _ => Err(D::Error::custom(format!(
                "expected a whole number from {MIN} to {MAX}, not {number}"
            ))),
        }
    }
}

impl<const MIN: u64, const MAX: u64> JsonSchema for Bounded<MIN, MAX> {
    fn schema_name() -> Cow<'static, str> {
        format!("Integer_{MIN}_to_{MAX}").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": MIN, "maximum": MAX })
    }
}

/// Text of at most `MAX` characters.
///
/// ```
/// let text: hookwire::platform::Text<4> = serde_json::from_str("\"abcd\"")?;
/// assert_eq!(text.as_str(), "abcd");
/// assert!(serde_json::from_str::<hookwire::platform::Text<4>>("\"abcde\"").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(String);

impl<const MAX: usize> Text<MAX> {
    /// The text.
    ///
    /// ```
    /// assert_eq!(hookwire::platform::Text::<9>::default().as_str(), "");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for Text<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.chars().count() > MAX {
            return Err(D::Error::custom(format!("at most {MAX} characters")));
        }
        Ok(Text(text))
    }
}

impl<const MAX: usize> JsonSchema for Text<MAX> {
    fn schema_name() -> Cow<'static, str> {
        format!("Text_{MAX}").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "maxLength": MAX })
    }
}

/// A character that is not Unicode `White_Space` (what `str::trim` removes), spelled out so
/// every regex engine reads it alike.
const NOT_ONLY_SPACES: &str = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

/// A name for people: 1 to 256 characters, not only spaces.
///
/// ```
/// assert!(serde_json::from_str::<hookwire::platform::Name>("\" \"").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    /// The name.
    ///
    /// ```
    /// let name: hookwire::platform::Name = serde_json::from_str("\"Acme\"")?;
    /// assert_eq!(name.as_str(), "Acme");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let count = text.chars().count();
        if !(1..=256).contains(&count) || text.chars().all(char::is_whitespace) {
            return Err(D::Error::custom("1 to 256 characters, not only spaces"));
        }
        Ok(Name(text))
    }
}

impl JsonSchema for Name {
    fn schema_name() -> Cow<'static, str> {
        "Name".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "pattern": NOT_ONLY_SPACES
        })
    }
}

/// A signing secret: `whsec_` (optional) and 32 to 100 characters of base64.
const SECRET_PATTERN: &str = "^(whsec_)?(([A-Za-z0-9+/]{4}){8,25}|([A-Za-z0-9+/]{4}){7,24}([A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=))$";

fn secret_ok(text: &str) -> bool {
    let body = text.strip_prefix("whsec_").unwrap_or(text);
    let data = body.trim_end_matches('=');
    let padding = body.len() - data.len();
    let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    if !data.bytes().all(alphabet) {
        return false;
    }
    let last = data.bytes().last().unwrap_or(b'A');
    match padding {
        0 => data.len().is_multiple_of(4) && (32..=100).contains(&data.len()),
        1 => {
            data.len() % 4 == 3
                && (31..=99).contains(&data.len())
                && b"AEIMQUYcgkosw048".contains(&last)
        }
        2 => data.len() % 4 == 2 && (30..=98).contains(&data.len()) && b"AQgw".contains(&last),
        _ => false,
    }
}

/// An endpoint's signing secret: `whsec_` and base64 (32 to 100 characters).
///
/// ```
/// let secret: hookwire::platform::SigningSecret = serde_json::from_str("\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"")?;
/// assert!(secret.as_str().starts_with("whsec_"));
/// assert!(serde_json::from_str::<hookwire::platform::SigningSecret>("\"whsec_short\"").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SigningSecret(String);

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret([redacted])")
    }
}

impl SigningSecret {
    /// The secret.
    ///
    /// ```
    /// # let secret: hookwire::platform::SigningSecret = serde_json::from_str("\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"").unwrap();
    /// assert!(!secret.as_str().is_empty());
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for SigningSecret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if secret_ok(&text) {
            Ok(SigningSecret(text))
        } else {
            Err(D::Error::custom(
                "a secret is `whsec_` (optional) and 32 to 100 characters of base64",
            ))
        }
    }
}

impl JsonSchema for SigningSecret {
    fn schema_name() -> Cow<'static, str> {
        "SigningSecret".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": SECRET_PATTERN })
    }
}

/// An `Idempotency-Key`: 1 to 256 visible ASCII characters.
///
/// ```
/// let key: hookwire::platform::IdempotencyKey = serde_json::from_str("\"order-1\"")?;
/// assert_eq!(key.as_str(), "order-1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key.
    ///
    /// ```
    /// # let key: hookwire::platform::IdempotencyKey = serde_json::from_str("\"k\"").unwrap();
    /// assert_eq!(key.as_str(), "k");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `text` is a key.
    pub(crate) fn valid(text: &str) -> bool {
        (1..=256).contains(&text.len()) && text.bytes().all(|b| (b'!'..=b'~').contains(&b))
    }
}

impl<'de> Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if IdempotencyKey::valid(&text) {
            Ok(IdempotencyKey(text))
        } else {
            Err(D::Error::custom("1 to 256 visible ASCII characters"))
        }
    }
}

impl JsonSchema for IdempotencyKey {
    fn schema_name() -> Cow<'static, str> {
        "IdempotencyKey".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "minLength": 1, "maxLength": 256, "pattern": "^[!-~]+$" })
    }
}

#[cfg(test)]
mod tests {
    use super::secret_ok;

    #[test]
    fn secrets_follow_the_pattern() {
        assert!(secret_ok("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assert!(secret_ok("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"));
        assert!(secret_ok("whsec_bmV3IHNlY3JldCBmb3IgdGhlIHJvdGF0aW9uIQ=="));
        assert!(!secret_ok("whsec_bmV3IHNlY3JldCBmb3IgdGhlIHJvdGF0aW9uIR=="));
        assert!(!secret_ok("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwX"));
        assert!(!secret_ok("whsec_c2VjcmV0"));
        for text in [
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_bmV3IHNlY3JldCBmb3IgdGhlIHJvdGF0aW9uIQ==",
        ] {
            assert!(hookwire_parses(text), "{text}");
        }
    }

    fn hookwire_parses(text: &str) -> bool {
        crate::signature::StandardKey::parse(text).is_ok()
    }
}
