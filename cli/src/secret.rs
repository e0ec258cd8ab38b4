//! `hookwire secret`: a new secret in the scheme's format.

use std::process::ExitCode;

use hookwire::signature::{Secret, StandardKey};
use serde_json::json;

use crate::error::CliError;
use crate::scheme::SchemeName;
use crate::{SecretArgs, random};

pub(crate) fn run(args: SecretArgs) -> Result<ExitCode, CliError> {
    if args.ed25519 {
        if args.scheme != SchemeName::Standard {
            return Err(CliError::usage(format!(
                "--ed25519 needs --scheme standard: {} signatures are HMAC-SHA256 only",
                args.scheme.flag()
            )));
        }
        let signing = StandardKey::generate_signing_key().map_err(no_random)?;
        let public = StandardKey::parse(signing.clone())
            .ok()
            .and_then(|key| key.public_key())
            .ok_or_else(|| CliError::failed("the generated key has no public key"))?;
        let signing = text(&signing)?;
        if args.json {
            outln!(
                "{}",
                json!({ "scheme": "standard", "signing_key": signing, "public_key": public })
            );
        } else {
            outln!("{signing}");
            outln!("{public}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let secret = match args.scheme {
        SchemeName::Standard => text(&StandardKey::generate_hmac_secret().map_err(no_random)?)?,
        // Stripe shows `whsec_` and 32 alphanumeric characters; the whole string is the key.
        SchemeName::Stripe => format!("whsec_{}", random::alphanumeric(32)?),
        // GitHub suggests a random string of high entropy; 32 bytes, hex.
        SchemeName::Github => random::hex(32)?,
        // A Shopify app's client secret: 32 bytes, hex.
        SchemeName::Shopify => random::hex(32)?,
        // A Slack signing secret: 32 hex digits.
        SchemeName::Slack => random::hex(16)?,
    };
    if args.json {
        outln!(
            "{}",
            json!({ "scheme": args.scheme.flag(), "secret": secret })
        );
    } else {
        outln!("{secret}");
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn text(secret: &Secret) -> Result<String, CliError> {
    String::from_utf8(secret.expose_secret().to_vec())
        .map_err(|_| CliError::failed("the generated secret is not text"))
}

pub(crate) fn no_random(err: impl std::fmt::Display) -> CliError {
    CliError::failed(format!("no random source available: {err}"))
}
