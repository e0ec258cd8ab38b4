//! Choosing a signature scheme and building it from the secrets and tolerance given.

use std::sync::Arc;

use clap::ValueEnum;
use hookwire::signature::{
    GitHub, Scheme, SecretError, Shopify, Slack, StandardWebhooks, Stripe, Tolerance,
};

use crate::error::CliError;

/// The signature schemes the command knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemeName {
    /// Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature (whsec_, whsk_, whpk_ keys)
    Standard,
    /// Stripe: Stripe-Signature: t=..,v1=..
    Stripe,
    /// GitHub: X-Hub-Signature-256: sha256=..
    Github,
    /// Shopify: X-Shopify-Hmac-Sha256
    Shopify,
    /// Slack: X-Slack-Signature: v0=.., X-Slack-Request-Timestamp
    Slack,
}

impl SchemeName {
    /// The name used in `--scheme`.
    pub(crate) fn flag(self) -> &'static str {
        match self {
            SchemeName::Standard => "standard",
            SchemeName::Stripe => "stripe",
            SchemeName::Github => "github",
            SchemeName::Shopify => "shopify",
            SchemeName::Slack => "slack",
        }
    }

    /// Whether the scheme signs a timestamp (and so has a tolerance).
    pub(crate) fn has_timestamp(self) -> bool {
        matches!(
            self,
            SchemeName::Standard | SchemeName::Stripe | SchemeName::Slack
        )
    }

    /// The window a `--tolerance SECS` gives: both ways, except Stripe, whose libraries accept
    /// any timestamp in the future.
    fn window(self, seconds: u64) -> Tolerance {
        match self {
            SchemeName::Stripe => Tolerance::past_only(seconds),
            _ => Tolerance::symmetric(seconds),
        }
    }
}

/// The `--tolerance` / `--no-timestamp-check` choice; `None` keeps the scheme's default.
pub(crate) fn tolerance(name: SchemeName, seconds: Option<u64>, skip: bool) -> Option<Tolerance> {
    if skip {
        Some(Tolerance::skip())
    } else {
        seconds.map(|seconds| name.window(seconds))
    }
}

/// Builds the scheme from its secrets (the first signs; all verify) and an optional tolerance.
///
/// A malformed secret is a usage error whose message names the flag, its position and the
/// expected format, never the secret.
pub(crate) fn build(
    name: SchemeName,
    secrets: Vec<String>,
    tolerance: Option<Tolerance>,
) -> Result<Arc<dyn Scheme>, CliError> {
    let count = secrets.len();
    let mut secrets = secrets.into_iter().enumerate();
    let Some((_, first)) = secrets.next() else {
        return Err(CliError::usage(
            "a secret is required: pass --secret or set HOOKWIRE_SECRET",
        ));
    };
    let bad = |index: usize, err: SecretError| {
        let which = if count > 1 {
            format!("--secret #{}", index + 1)
        } else {
            "--secret".to_owned()
        };
        CliError::usage(format!(
            "invalid {which} for --scheme {}: {err}",
            name.flag()
        ))
    };
    let scheme: Arc<dyn Scheme> = match name {
        SchemeName::Standard => {
            let mut scheme = StandardWebhooks::new(first).map_err(|e| bad(0, e))?;
            for (i, secret) in secrets {
                scheme = scheme.with_secret(secret).map_err(|e| bad(i, e))?;
            }
            if let Some(tolerance) = tolerance {
                scheme = scheme.tolerance(tolerance);
            }
            Arc::new(scheme)
        }
        SchemeName::Stripe => {
            let mut scheme = Stripe::new(first).map_err(|e| bad(0, e))?;
            for (i, secret) in secrets {
                scheme = scheme.with_secret(secret).map_err(|e| bad(i, e))?;
            }
            if let Some(tolerance) = tolerance {
                scheme = scheme.tolerance(tolerance);
            }
            Arc::new(scheme)
        }
        SchemeName::Slack => {
            let mut scheme = Slack::new(first).map_err(|e| bad(0, e))?;
            for (i, secret) in secrets {
                scheme = scheme.with_secret(secret).map_err(|e| bad(i, e))?;
            }
            if let Some(tolerance) = tolerance {
                scheme = scheme.tolerance(tolerance);
            }
            Arc::new(scheme)
        }
        SchemeName::Github => {
            let mut scheme = GitHub::new(first).map_err(|e| bad(0, e))?;
            for (i, secret) in secrets {
                scheme = scheme.with_secret(secret).map_err(|e| bad(i, e))?;
            }
            Arc::new(scheme)
        }
        SchemeName::Shopify => {
            let mut scheme = Shopify::new(first).map_err(|e| bad(0, e))?;
            for (i, secret) in secrets {
                scheme = scheme.with_secret(secret).map_err(|e| bad(i, e))?;
            }
            Arc::new(scheme)
        }
    };
    Ok(scheme)
}

/// The scheme a verifying command (`verify`, `listen`) builds from its options.
pub(crate) fn verifier(
    key: crate::KeyArgs,
    options: &crate::ToleranceArgs,
) -> Result<Arc<dyn Scheme>, CliError> {
    let tolerance = tolerance(key.scheme, options.tolerance, options.no_timestamp_check);
    build(key.scheme, key.secrets, tolerance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_errors_name_the_flag_not_the_secret() {
        let secrets = vec![
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
            "whsec_not!base64".to_owned(),
        ];
        let Err(CliError::Usage(message)) = build(SchemeName::Standard, secrets, None) else {
            panic!("expected a usage error");
        };
        assert!(message.starts_with("invalid --secret #2 for --scheme standard"));
        assert!(!message.contains("not!base64"), "{message}");
    }

    #[test]
    fn stripe_tolerance_keeps_future_open() {
        assert_eq!(
            tolerance(SchemeName::Stripe, Some(10), false),
            Some(Tolerance::past_only(10))
        );
        assert_eq!(
            tolerance(SchemeName::Slack, None, true),
            Some(Tolerance::skip())
        );
        assert_eq!(tolerance(SchemeName::Standard, None, false), None);
    }
}
