//! Random delivery ids and secrets, from the operating system's random source.

use crate::error::CliError;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `count` random bytes.
pub(crate) fn bytes(count: usize) -> Result<Vec<u8>, CliError> {
    let mut bytes = vec![0u8; count];
    getrandom::fill(&mut bytes)
        .map_err(|err| CliError::failed(format!("no random source available: {err}")))?;
    Ok(bytes)
}

/// `len` random characters of `[0-9A-Za-z]`, without modulo bias.
pub(crate) fn alphanumeric(len: usize) -> Result<String, CliError> {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for byte in bytes(len * 2)? {
            // 248 = 4 * 62: bytes at or above it would favour the first characters.
            if byte < 248 && out.len() < len {
                out.push(char::from(BASE62[usize::from(byte % 62)]));
            }
        }
    }
    Ok(out)
}

/// Lowercase hex of `count` random bytes.
pub(crate) fn hex(count: usize) -> Result<String, CliError> {
    Ok(bytes(count)?.iter().map(|b| format!("{b:02x}")).collect())
}

/// A Standard Webhooks style message id: `msg_` and 22 alphanumeric characters.
pub(crate) fn message_id() -> Result<String, CliError> {
    Ok(format!("msg_{}", alphanumeric(22)?))
}

/// A random (version 4) UUID, as GitHub's `X-GitHub-Delivery` and Shopify's ids look.
pub(crate) fn uuid() -> Result<String, CliError> {
    let mut b = bytes(16)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let id = message_id().unwrap();
        assert_eq!(id.len(), 26);
        assert!(id[4..].bytes().all(|c| c.is_ascii_alphanumeric()));
        let uuid = uuid().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert_eq!(hex(16).unwrap().len(), 32);
        assert_ne!(message_id().unwrap(), id);
    }
}
