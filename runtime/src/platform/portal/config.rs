//! The portal's settings: which pages may embed it (`frame-ancestors`), and the
//! Content-Security-Policy that follows.

/// The policy's fixed part: scripts, styles and API calls from the portal's own origin only, no
/// inline script or style, images only from itself or `data:` URLs, no `<base>`, no form posts.
const BASE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/// How the portal is served. Today one setting: the pages allowed to show it in a frame.
///
/// By default any page may (`frame-ancestors *`): the portal only works with a token the
/// embedding page put in its URL, so a page without one frames an empty portal. Name your own
/// origins to refuse everyone else:
///
/// ```
/// use hookwire::platform::portal::PortalConfig;
///
/// let config = PortalConfig::new().frame_ancestors("https://dashboard.example.com")?;
/// assert!(config
///     .content_security_policy()
///     .ends_with("frame-ancestors https://dashboard.example.com"));
/// assert!(PortalConfig::new().frame_ancestors("'self'; script-src *").is_err());
/// # Ok::<(), hookwire::platform::portal::PortalConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalConfig {
    frame_ancestors: String,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            frame_ancestors: "*".to_owned(),
        }
    }
}

/// A setting [`PortalConfig`] refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PortalConfigError {
    /// The `frame-ancestors` sources were empty or held something other than CSP sources
    /// separated by spaces (a `;` or `,` would start another directive or policy).
    #[error(
        "invalid frame-ancestors sources {0:?}: expected sources separated by spaces, such as \
         `'self' https://dashboard.example.com` or `'none'`, without `;` or `,`"
    )]
    FrameAncestors(String),
}

impl PortalConfig {
    /// The defaults: `frame-ancestors *`.
    ///
    /// ```
    /// use hookwire::platform::portal::PortalConfig;
    ///
    /// assert!(PortalConfig::new().content_security_policy().ends_with("frame-ancestors *"));
    /// ```
    pub fn new() -> Self {
        PortalConfig::default()
    }

    /// The pages that may show the portal in a frame, as CSP `frame-ancestors` sources:
    /// origins such as `https://dashboard.example.com`, `'self'`, or `'none'` to forbid
    /// framing.
    ///
    /// ```
    /// use hookwire::platform::portal::PortalConfig;
    ///
    /// let config = PortalConfig::new().frame_ancestors("'none'")?;
    /// assert!(config.content_security_policy().ends_with("frame-ancestors 'none'"));
    /// # Ok::<(), hookwire::platform::portal::PortalConfigError>(())
    /// ```
    pub fn frame_ancestors(mut self, sources: &str) -> Result<Self, PortalConfigError> {
        let normalized = sources
            .split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let valid = !normalized.is_empty()
            && normalized
                .bytes()
                .all(|b| (b.is_ascii_graphic() || b == b' ') && b != b';' && b != b',');
        if !valid {
            return Err(PortalConfigError::FrameAncestors(sources.to_owned()));
        }
        self.frame_ancestors = normalized;
        Ok(self)
    }

    /// The `Content-Security-Policy` every portal response carries.
    ///
    /// ```
    /// use hookwire::platform::portal::PortalConfig;
    ///
    /// let policy = PortalConfig::new().content_security_policy();
    /// assert!(policy.starts_with("default-src 'none'; script-src 'self'"));
    /// assert!(!policy.contains("unsafe-inline"));
    /// ```
    pub fn content_security_policy(&self) -> String {
        format!("{BASE_POLICY}; frame-ancestors {}", self.frame_ancestors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_normalized_and_checked() {
        let config = PortalConfig::new()
            .frame_ancestors("  'self'\n https://a.example ")
            .unwrap();
        assert!(
            config
                .content_security_policy()
                .ends_with("frame-ancestors 'self' https://a.example")
        );
        for bad in ["", "   ", "a; b", "a, b", "caf\u{e9}", "a\u{0}b"] {
            assert_eq!(
                PortalConfig::new().frame_ancestors(bad),
                Err(PortalConfigError::FrameAncestors(bad.to_owned())),
                "{bad:?}"
            );
        }
    }
}
