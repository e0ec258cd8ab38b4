//! The one TLS stack of the crate: rustls with the aws-lc-rs crypto provider, for reqwest (the
//! sender, the outbox worker, the API and feed clients), sqlx (PostgreSQL `sslmode=`) and
//! Redis (`rediss://`).
//!
//! aws-lc-rs is rustls' and reqwest's own default, so a service that also uses reqwest or
//! rustls with their defaults compiles no second provider; it brings post-quantum hybrid key
//! exchange by default. ring would build faster, but with reqwest it means a process-wide
//! provider every user must install before the first `reqwest::Client`, or that client panics.

/// Makes aws-lc-rs the process' rustls provider unless one is already installed, so libraries
/// that ask rustls for "the" provider (redis-rs does) work even when some other crate in the
/// tree turns on a second provider.
pub(crate) fn ensure_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err means another thread installed one first: that one is used, which is fine.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    }
}
