//! Parameters as text: turning values into strings for a request, and parsing strings back into
//! typed values with serde (a string-aware deserializer, as for URL query strings).

use serde::Serialize;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde_json::Value;

/// The texts a value becomes: one for a scalar, none for `None`, several for a sequence.
pub(crate) fn to_texts<T: Serialize + ?Sized>(value: &T) -> Result<Vec<String>, String> {
    match serde_json::to_value(value).map_err(|error| error.to_string())? {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .map(|item| scalar(item).ok_or_else(|| "expected a list of scalars".to_owned()))
            .collect(),
        other => scalar(other)
            .map(|text| vec![text])
            .ok_or_else(|| "expected a string, number or boolean".to_owned()),
    }
}

fn scalar(value: Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Parses a value of `T` from the texts a parameter arrived as (none when absent).
pub(crate) fn from_texts<T: DeserializeOwned>(texts: &[&str]) -> Result<T, TextError> {
    T::deserialize(Texts(texts))
}

/// Why texts do not parse as a type.
#[derive(Debug)]
pub(crate) struct TextError {
    pub(crate) missing: bool,
    pub(crate) reason: String,
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for TextError {}

impl de::Error for TextError {
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        TextError {
            missing: false,
            reason: message.to_string(),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        TextError {
            missing: true,
            reason: format!("missing `{field}`"),
        }
    }
}

/// A deserializer over a parameter's texts: scalars parse from the single text, `Option` is
/// `None` when there is none, sequences take every text.
struct Texts<'a>(&'a [&'a str]);

impl<'a> Texts<'a> {
    fn one(&self) -> Result<&'a str, TextError> {
        match self.0 {
            [one] => Ok(one),
            [] => Err(TextError {
                missing: true,
                reason: "missing".to_owned(),
            }),
            _ => Err(TextError {
                missing: false,
                reason: "given more than once".to_owned(),
            }),
        }
    }

    fn parse<T: std::str::FromStr>(&self, what: &str) -> Result<T, TextError> {
        let text = self.one()?;
        text.parse().map_err(|_| TextError {
            missing: false,
            reason: format!("expected {what}, found `{}`", text.escape_debug()),
        })
    }
}

macro_rules! parse_scalar {
    ($($method:ident => $visit:ident($ty:ty, $what:literal);)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
            visitor.$visit(self.parse::<$ty>($what)?)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Texts<'_> {
    type Error = TextError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        visitor.visit_str(self.one()?)
    }

    parse_scalar! {
        deserialize_bool => visit_bool(bool, "true or false");
        deserialize_i8 => visit_i8(i8, "an integer");
        deserialize_i16 => visit_i16(i16, "an integer");
        deserialize_i32 => visit_i32(i32, "an integer");
        deserialize_i64 => visit_i64(i64, "an integer");
        deserialize_i128 => visit_i128(i128, "an integer");
        deserialize_u8 => visit_u8(u8, "a non-negative integer");
        deserialize_u16 => visit_u16(u16, "a non-negative integer");
        deserialize_u32 => visit_u32(u32, "a non-negative integer");
        deserialize_u64 => visit_u64(u64, "a non-negative integer");
        deserialize_u128 => visit_u128(u128, "a non-negative integer");
        deserialize_f32 => visit_f32(f32, "a number");
        deserialize_f64 => visit_f64(f64, "a number");
        deserialize_char => visit_char(char, "one character");
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        if self.0.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, TextError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        let items = self.0.iter().map(|text| Texts(std::slice::from_ref(text)));
        visitor.visit_seq(de::value::SeqDeserializer::new(items))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TextError> {
        let text: de::value::StrDeserializer<'_, TextError> = self.one()?.into_deserializer();
        visitor.visit_enum(text)
    }

    serde::forward_to_deserialize_any! {
        str string bytes byte_buf unit unit_struct tuple tuple_struct map struct identifier
        ignored_any
    }
}

impl<'de, 'a> IntoDeserializer<'de, TextError> for Texts<'a> {
    type Deserializer = Texts<'a>;

    fn into_deserializer(self) -> Self::Deserializer {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    enum Sort {
        Asc,
        Desc,
    }

    #[test]
    fn scalars_options_sequences_and_enums_parse_from_text() {
        assert_eq!(from_texts::<u32>(&["42"]).unwrap(), 42);
        assert_eq!(from_texts::<String>(&["a b"]).unwrap(), "a b");
        assert!(from_texts::<bool>(&["true"]).unwrap());
        assert_eq!(from_texts::<Option<u8>>(&[]).unwrap(), None);
        assert_eq!(from_texts::<Option<u8>>(&["7"]).unwrap(), Some(7));
        assert_eq!(from_texts::<Vec<u8>>(&["1", "2"]).unwrap(), vec![1, 2]);
        assert_eq!(from_texts::<Vec<u8>>(&[]).unwrap(), Vec::<u8>::new());
        assert_eq!(from_texts::<Sort>(&["desc"]).unwrap(), Sort::Desc);
    }

    #[test]
    fn bad_text_is_an_error_saying_why() {
        let error = from_texts::<u32>(&["-1"]).unwrap_err();
        assert!(!error.missing);
        assert_eq!(error.reason, "expected a non-negative integer, found `-1`");
        assert!(from_texts::<u32>(&[]).unwrap_err().missing);
        assert!(!from_texts::<u32>(&["1", "2"]).unwrap_err().missing);
        assert!(from_texts::<Sort>(&["up"]).is_err());
    }

    #[test]
    fn values_become_texts() {
        assert_eq!(to_texts(&5u8).unwrap(), ["5"]);
        assert_eq!(to_texts(&Some("x")).unwrap(), ["x"]);
        assert!(to_texts(&None::<u8>).unwrap().is_empty());
        assert_eq!(to_texts(&vec![1, 2]).unwrap(), ["1", "2"]);
        assert_eq!(to_texts(&Sort::Asc).unwrap(), ["asc"]);
        assert!(to_texts(&std::collections::BTreeMap::from([("a", 1)])).is_err());
    }
}
