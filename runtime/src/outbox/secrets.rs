//! An endpoint's signing secrets, newest first, each valid until an optional time: how a
//! rotation keeps the previous secret signing for an overlap window.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::outbox::StoreError;

/// The signing secrets of an endpoint, newest first. Every secret still valid signs each
/// delivery (a space-separated signature list), so a receiver rotating its secret accepts
/// either; after [`rotate`](Self::rotate) the previous ones sign only until the overlap ends.
///
/// It never shows its content in `Debug`.
///
/// ```
/// use hookwire::outbox::Secrets;
///
/// let secrets = Secrets::new(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
/// assert_eq!(format!("{secrets:?}"), "Secrets([1 redacted])");
/// assert_eq!(secrets.expose().len(), 1);
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secrets {
    texts: Vec<String>,
    /// Per secret: the Unix second from which it no longer signs.
    until: Vec<Option<i64>>,
}

/// One secret as stored: a plain string, or with the time it stops signing.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Stored {
    Plain(String),
    Until { secret: String, until: i64 },
}

impl Secrets {
    /// The given secrets, newest first, none expiring.
    ///
    /// ```
    /// # use hookwire::outbox::Secrets;
    /// assert_eq!(Secrets::new(["a", "b"]).expose(), ["a", "b"]);
    /// ```
    pub fn new<S: Into<String>>(secrets: impl IntoIterator<Item = S>) -> Self {
        let texts: Vec<String> = secrets.into_iter().map(Into::into).collect();
        let until = vec![None; texts.len()];
        Self { texts, until }
    }

    /// Every secret's text, newest first, expired ones included: hand them only to a signature
    /// scheme (the worker signs with [`valid_at`](Self::valid_at)).
    ///
    /// ```
    /// # use hookwire::outbox::Secrets;
    /// assert_eq!(Secrets::new(["s"]).expose()[0], "s");
    /// ```
    pub fn expose(&self) -> &[String] {
        &self.texts
    }

    /// When each secret stops signing (Unix seconds), in the order of [`expose`](Self::expose);
    /// `None`: never.
    ///
    /// ```
    /// # use hookwire::outbox::Secrets;
    /// assert_eq!(Secrets::new(["s"]).expires_at(), [None]);
    /// ```
    pub fn expires_at(&self) -> &[Option<i64>] {
        &self.until
    }

    /// The secrets that sign at `now` (Unix seconds), newest first.
    ///
    /// ```
    /// # use hookwire::outbox::Secrets;
    /// use std::time::Duration;
    ///
    /// let rotated = Secrets::new(["whsec_b2xk"]).rotate("whsec_bmV3", 1_000, Duration::from_secs(60));
    /// assert_eq!(rotated.valid_at(1_059).collect::<Vec<_>>(), ["whsec_bmV3", "whsec_b2xk"]);
    /// assert_eq!(rotated.valid_at(1_060).collect::<Vec<_>>(), ["whsec_bmV3"]);
    /// ```
    pub fn valid_at(&self, now: i64) -> impl Iterator<Item = &str> {
        self.texts
            .iter()
            .zip(&self.until)
            .filter(move |(_, until)| until.is_none_or(|until| now < until))
            .map(|(text, _)| text.as_str())
    }

    /// A rotation at `now`: `new` first, then the secrets still valid, each signing until
    /// `now + overlap` at the latest (an earlier end stays), so receivers switch without losing
    /// a delivery. Expired secrets are dropped; a zero overlap drops every previous secret.
    ///
    /// ```
    /// # use hookwire::outbox::Secrets;
    /// use std::time::Duration;
    ///
    /// let day = Duration::from_secs(24 * 3600);
    /// let rotated = Secrets::new(["whsec_b2xk"]).rotate("whsec_bmV3", 1_000, day);
    /// assert_eq!(rotated.expose(), ["whsec_bmV3", "whsec_b2xk"]);
    /// assert_eq!(rotated.expires_at(), [None, Some(1_000 + 86_400)]);
    /// ```
    #[must_use]
    pub fn rotate(&self, new: impl Into<String>, now: i64, overlap: Duration) -> Self {
        let end = now.saturating_add(i64::try_from(overlap.as_secs()).unwrap_or(i64::MAX));
        let mut rotated = Self::new([new]);
        for (text, until) in self.texts.iter().zip(&self.until) {
            let until = until.map_or(end, |until| until.min(end));
            if now < until {
                rotated.texts.push(text.clone());
                rotated.until.push(Some(until));
            }
        }
        rotated
    }

    /// As stored: a JSON list of strings, an expiring secret as `{"secret", "until"}`.
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn to_json(&self) -> String {
        let stored: Vec<Stored> = self
            .texts
            .iter()
            .zip(&self.until)
            .map(|(text, until)| match until {
                None => Stored::Plain(text.clone()),
                Some(until) => Stored::Until {
                    secret: text.clone(),
                    until: *until,
                },
            })
            .collect();
        serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned())
    }

    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn from_json(text: &str) -> Result<Self, StoreError> {
        let stored: Vec<Stored> = serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
            table: "hw_endpoint",
            reason: format!("secrets are not a JSON list of secrets: {e}"),
        })?;
        let mut secrets = Self::default();
        for one in stored {
            let (text, until) = match one {
                Stored::Plain(text) => (text, None),
                Stored::Until { secret, until } => (secret, Some(until)),
            };
            secrets.texts.push(text);
            secrets.until.push(until);
        }
        Ok(secrets)
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets([{} redacted])", self.texts.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips_and_reads_the_old_list() {
        let old = Secrets::from_json(r#"["whsec_a","whsec_b"]"#).unwrap();
        assert_eq!(old, Secrets::new(["whsec_a", "whsec_b"]));
        assert_eq!(old.to_json(), r#"["whsec_a","whsec_b"]"#);
        let rotated = old.rotate("whsec_n", 10, Duration::from_secs(5));
        let json = rotated.to_json();
        assert_eq!(
            json,
            r#"["whsec_n",{"secret":"whsec_a","until":15},{"secret":"whsec_b","until":15}]"#
        );
        assert_eq!(Secrets::from_json(&json).unwrap(), rotated);
        assert!(Secrets::from_json(r#"[{"secret": 1}]"#).is_err());
    }

    #[test]
    fn rotation_drops_expired_secrets_and_keeps_earlier_ends() {
        let once = Secrets::new(["a"]).rotate("b", 100, Duration::from_secs(50));
        let twice = once.rotate("c", 120, Duration::from_secs(100));
        assert_eq!(twice.expose(), ["c", "b", "a"]);
        assert_eq!(twice.expires_at(), [None, Some(220), Some(150)]);
        let later = twice.rotate("d", 160, Duration::from_secs(100));
        assert_eq!(later.expose(), ["d", "c", "b"], "`a` ended at 150");
        assert_eq!(
            Secrets::new(["a"]).rotate("b", 1, Duration::ZERO).expose(),
            ["b"]
        );
    }
}
