//! Who is calling: an operator (full access) or an application's portal token (its own
//! application only). Tokens travel as `Authorization: Bearer <token>`; they are compared in
//! constant time and never logged.
//!
//! A portal token is `hwpt_<app>.<generation>.<expiry>.<signature>`: the application's number,
//! the application's token generation, the Unix second it expires, and an HMAC-SHA256 over
//! those under the platform's key. `POST /api/v1/auth/app/{app_id}/expire-all` raises the
//! application's generation (a keyed record in the store, so every server sharing the
//! database sees it): every token issued before stops working at once.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::errors::OperatorError;
use super::state::Platform;
use crate::outbox::{AppId, ApplicationStore};

/// The keyed-record space holding each application's portal token generation.
pub(crate) const GENERATION_SPACE: &str = "portal_token_generation";
const PREFIX: &str = "hwpt_";

/// Who a request comes from.
///
/// ```
/// use hookwire::outbox::AppId;
/// use hookwire::platform::Caller;
///
/// assert!(Caller::Operator.may_see(AppId(1)));
/// assert!(!Caller::Application(AppId(2)).may_see(AppId(1)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// An operator token: every route, every application.
    Operator,
    /// A portal token of this application: its own objects only.
    Application(AppId),
}

impl Caller {
    /// Whether the caller may see application `app`'s objects.
    ///
    /// ```
    /// # use hookwire::{outbox::AppId, platform::Caller};
    /// assert!(Caller::Application(AppId(1)).may_see(AppId(1)));
    /// ```
    pub fn may_see(self, app: AppId) -> bool {
        match self {
            Caller::Operator => true,
            Caller::Application(own) => own == app,
        }
    }

    /// `Ok` for an operator, [`OperatorError::Forbidden`] for a portal token.
    ///
    /// ```
    /// # use hookwire::{outbox::AppId, platform::Caller};
    /// assert!(Caller::Operator.operator().is_ok());
    /// assert!(Caller::Application(AppId(1)).operator().is_err());
    /// ```
    pub fn operator(self) -> Result<(), OperatorError> {
        match self {
            Caller::Operator => Ok(()),
            Caller::Application(_) => Err(OperatorError::Forbidden),
        }
    }
}

/// The keys that check tokens: operator token digests and the portal tokens' HMAC key.
#[derive(Clone)]
pub(crate) struct Keys {
    operators: Vec<[u8; 32]>,
    portal: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Keys([{} operator tokens, redacted])",
            self.operators.len()
        )
    }
}

impl Keys {
    /// Keys for `operators`; the portal key is `portal`, or derived from the first operator
    /// token (so servers sharing a token share portal tokens).
    pub(crate) fn new(operators: &[String], portal: Option<[u8; 32]>) -> Self {
        let operators: Vec<[u8; 32]> = operators.iter().map(|t| digest(t.as_bytes())).collect();
        let portal = portal.unwrap_or_else(|| {
            let mut hasher = Sha256::new();
            hasher.update(b"hookwire portal token key\0");
            hasher.update(operators.first().copied().unwrap_or_default());
            hasher.finalize().into()
        });
        Keys { operators, portal }
    }

    /// Whether `token` is an operator token (constant time in the token's content).
    fn is_operator(&self, token: &str) -> bool {
        let given = digest(token.as_bytes());
        self.operators
            .iter()
            .fold(subtle::Choice::from(0), |found, known| {
                found | known.ct_eq(&given)
            })
            .into()
    }

    fn sign(&self, payload: &str) -> String {
        // HMAC takes a key of any length: the error cannot happen; an empty signature would
        // match no token.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.portal) else {
            return String::new();
        };
        mac.update(b"hookwire portal token\0");
        mac.update(payload.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// A portal token for `app`, of `generation`, valid until `expires` (Unix seconds).
    pub(crate) fn portal_token(&self, app: AppId, generation: u64, expires: i64) -> String {
        let payload = format!("{}.{generation}.{expires}", app.0);
        let signature = self.sign(&payload);
        format!("{PREFIX}{payload}.{signature}")
    }

    /// The application, generation and expiry a well-signed portal token carries.
    fn read_portal_token(&self, token: &str) -> Option<(AppId, u64, i64)> {
        let rest = token.strip_prefix(PREFIX)?;
        let (payload, signature) = rest.rsplit_once('.')?;
        let expected = self.sign(payload);
        if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
            return None;
        }
        let mut parts = payload.split('.');
        let app = parts.next()?.parse().ok()?;
        let generation = parts.next()?.parse().ok()?;
        let expires = parts.next()?.parse().ok()?;
        Some((AppId(app), generation, expires))
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// An application's current portal token generation (0 until the first expire-all).
pub(crate) async fn generation<S: ApplicationStore>(
    store: &S,
    app: AppId,
) -> Result<u64, OperatorError> {
    let record = store
        .record_of(GENERATION_SPACE, &app.0.to_string())
        .await?;
    Ok(record.and_then(|r| r.value.parse().ok()).unwrap_or(0))
}

/// Who `authorization` (the header's value) names, if anyone.
pub(crate) async fn caller<S: ApplicationStore>(
    platform: &Platform<S>,
    authorization: Option<&str>,
) -> Result<Caller, OperatorError> {
    let token = authorization
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then_some(token.trim())
        })
        .ok_or(OperatorError::Unauthorized)?;
    let keys = platform.keys();
    if keys.is_operator(token) {
        return Ok(Caller::Operator);
    }
    let (app, token_generation, expires) = keys
        .read_portal_token(token)
        .ok_or(OperatorError::Unauthorized)?;
    let store = platform.store();
    if expires <= store.now() || generation(store, app).await? != token_generation {
        return Err(OperatorError::Unauthorized);
    }
    Ok(Caller::Application(app))
}

/// Middleware: authenticates the request and puts its [`Caller`] in the extensions, or answers
/// `401`.
pub(crate) async fn authenticate<S: ApplicationStore + 'static>(
    State(platform): State<Platform<S>>,
    mut request: Request,
    next: Next,
) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    match caller(&platform, authorization).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_tokens_are_signed_and_read_back() {
        let keys = Keys::new(&["op".to_owned()], None);
        let token = keys.portal_token(AppId(5), 2, 1_000);
        assert_eq!(keys.read_portal_token(&token), Some((AppId(5), 2, 1_000)));
        let forged = token.replace("hwpt_5.", "hwpt_6.");
        assert_eq!(keys.read_portal_token(&forged), None);
        let other = Keys::new(&["another".to_owned()], None);
        assert_eq!(other.read_portal_token(&token), None);
        assert!(keys.is_operator("op"));
        assert!(!keys.is_operator("op "));
        assert!(format!("{keys:?}").contains("redacted"));
    }
}
