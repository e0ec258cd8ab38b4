//! Choosing a signature scheme and building it from the secrets and tolerance given.

use std::sync::Arc;

use clap::ValueEnum;
use hookwire::signature::{Provider, Scheme, SchemeBuildError, Tolerance};

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
    /// The provider whose scheme this is; everything else about it comes from there.
    pub(crate) fn provider(self) -> Provider {
        match self {
            SchemeName::Standard => Provider::StandardWebhooks,
            SchemeName::Stripe => Provider::Stripe,
            SchemeName::Github => Provider::GitHub,
            SchemeName::Shopify => Provider::Shopify,
            SchemeName::Slack => Provider::Slack,
        }
    }

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
        self.provider().signs_timestamp()
    }
}

/// The `--tolerance` / `--no-timestamp-check` choice in the provider's shape (past only for
/// Stripe, whose libraries accept any timestamp in the future); `None` keeps the scheme's
/// default.
pub(crate) fn tolerance(name: SchemeName, seconds: Option<u64>, skip: bool) -> Option<Tolerance> {
    if skip {
        Some(Tolerance::skip())
    } else {
        seconds.and_then(|seconds| name.provider().tolerance(seconds))
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
    name.provider()
        .scheme(secrets, tolerance)
        .map_err(|error| match error {
            SchemeBuildError::Secret { position, source } => {
                let which = if count > 1 {
                    format!("--secret #{position}")
                } else {
                    "--secret".to_owned()
                };
                CliError::usage(format!(
                    "invalid {which} for --scheme {}: {source}",
                    name.flag()
                ))
            }
            _ => CliError::usage("a secret is required: pass --secret or set HOOKWIRE_SECRET"),
        })
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
