//! `hookwire verify`: whether a body matches its signature headers.

use hookwire::Timestamp;
use std::process::ExitCode;

use hookwire::clock::{Clock, SystemClock};
use hookwire::signature::VerifyError;
use serde_json::json;

use crate::error::CliError;
use crate::scheme;
use crate::{VerifyArgs, input};

pub(crate) fn run(args: VerifyArgs) -> Result<ExitCode, CliError> {
    let scheme = scheme::verifier(args.key, &args.tolerance)?;
    let headers = input::collect_headers(&args.headers, args.headers_file.as_ref())?;
    let body = input::read_body(args.file.as_deref())?;
    let now = args
        .now
        .map_or_else(|| SystemClock.now(), Timestamp::from_unix);

    match scheme.verify(&headers, &body, now) {
        Ok(verified) => {
            if args.json {
                let out = json!({
                    "valid": true,
                    "scheme": scheme.name(),
                    "id": verified.id(),
                    "timestamp": verified.timestamp().map(Timestamp::unix_seconds),
                    "body_bytes": body.len(),
                });
                outln!("{out}");
            } else {
                let mut line = format!("valid {} signature", scheme.name());
                if let Some(id) = verified.id() {
                    line.push_str(&format!(", id {id}"));
                }
                if let Some(timestamp) = verified.timestamp() {
                    line.push_str(&format!(", timestamp {}", timestamp.unix_seconds()));
                }
                outln!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            if args.json {
                let mut out = json!({
                    "valid": false,
                    "scheme": scheme.name(),
                    "code": code(&err),
                    "reason": err.to_string(),
                });
                if let Some(header) = header(&err) {
                    out["header"] = header.into();
                }
                outln!("{out}");
            }
            eprintln!("invalid: {err}");
            if headers.is_empty() && matches!(err, VerifyError::MissingHeader { .. }) {
                eprintln!(
                    "hint: pass the request's headers with --header 'Name: value' or --headers FILE"
                );
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// A stable snake_case name for each verification failure.
pub(crate) fn code(err: &VerifyError) -> &'static str {
    match err {
        VerifyError::MissingHeader { .. } => "missing_header",
        VerifyError::MalformedHeader { .. } => "malformed_header",
        VerifyError::TimestampOutsideTolerance { .. } => "timestamp_outside_tolerance",
        VerifyError::NoSupportedSignature { .. } => "no_supported_signature",
        VerifyError::NoMatchingSignature => "no_matching_signature",
        _ => "invalid_signature",
    }
}

fn header(err: &VerifyError) -> Option<&'static str> {
    match err {
        VerifyError::MissingHeader { name }
        | VerifyError::MalformedHeader { name, .. }
        | VerifyError::NoSupportedSignature { name, .. } => Some(name),
        _ => None,
    }
}
