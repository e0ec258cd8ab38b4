//! `--cacert FILE`: certificate authorities trusted beside the system's roots (which
//! `SSL_CERT_FILE` and `SSL_CERT_DIR` replace, as for curl and OpenSSL).

use std::path::Path;

use crate::error::CliError;

/// The certificates in the PEM file at `path` (none without `--cacert`); a file that cannot be
/// read or holds no certificate is a usage error naming it.
pub(crate) fn roots(path: Option<&Path>) -> Result<Vec<reqwest::Certificate>, CliError> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let pem = std::fs::read(path)
        .map_err(|e| CliError::usage(format!("--cacert: cannot read `{}`: {e}", path.display())))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        CliError::usage(format!(
            "--cacert: `{}` is not PEM certificates: {e}",
            path.display()
        ))
    })?;
    if certs.is_empty() {
        return Err(CliError::usage(format!(
            "--cacert: `{}` holds no certificate (expected -----BEGIN CERTIFICATE-----)",
            path.display()
        )));
    }
    Ok(certs)
}
