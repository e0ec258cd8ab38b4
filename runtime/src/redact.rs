//! The one place hookwire hides credentials in a connection URL before it appears in an error,
//! a log line or a command's output.

/// Query parameters whose value is a credential (libpq's `password`/`sslpassword`, tokens).
const SECRET_PARAMS: [&str; 6] = ["password", "sslpassword", "pass", "token", "secret", "auth"];

/// `url` with its password and credential parameters replaced by `***`, for messages.
///
/// The user name and everything else are kept, so the message still says which server and
/// database it is about. A string that is not a URL comes back unchanged, except that anything
/// before an `@` in what looks like an authority is hidden.
///
/// ```
/// use hookwire::redact_url;
///
/// assert_eq!(
///     redact_url("postgres://app:hunter2@db.internal:5432/app?sslmode=require"),
///     "postgres://app:***@db.internal:5432/app?sslmode=require"
/// );
/// assert_eq!(redact_url("redis://:hunter2@cache:6379/0"), "redis://:***@cache:6379/0");
/// assert_eq!(
///     redact_url("postgres://db/app?user=app&password=hunter2"),
///     "postgres://db/app?user=app&password=***"
/// );
/// assert_eq!(redact_url("sqlite://outbox.db"), "sqlite://outbox.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], Some(&url[q + 1..])),
        None => (url, None),
    };
    let mut out = redact_authority(base);
    if let Some(query) = query {
        out.push('?');
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((key, _)) if SECRET_PARAMS.contains(&key.to_ascii_lowercase().as_str()) => {
                    out.push_str(key);
                    out.push_str("=***");
                }
                _ => out.push_str(pair),
            }
        }
    }
    out
}

/// `scheme://user:***@host/path`: the password hidden, the user kept. Without a scheme, a
/// `user:password@host` start is hidden the same way.
fn redact_authority(base: &str) -> String {
    let start = base.find("://").map_or(0, |s| s + 3);
    let authority_end = base[start..].find('/').map_or(base.len(), |e| start + e);
    let Some(at) = base[start..authority_end].rfind('@').map(|a| start + a) else {
        return base.to_owned();
    };
    let credentials = &base[start..at];
    let user = credentials.split_once(':').map(|(user, _)| user);
    match user {
        Some(user) => format!("{}{user}:***{}", &base[..start], &base[at..]),
        // Only a user name (or a bare token before `@`, as some Redis URLs carry): hide it too
        // when it is not a plain name.
        None if credentials
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) =>
        {
            base.to_owned()
        }
        None => format!("{}***{}", &base[..start], &base[at..]),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_survive() {
        for (url, want) in [
            ("postgres://u:PASSWORD@h:1/db", "postgres://u:***@h:1/db"),
            ("postgresql://u:PASS@WORD@h/db", "postgresql://u:***@h/db"),
            (
                "redis://:PASSWORD@127.0.0.1:6379",
                "redis://:***@127.0.0.1:6379",
            ),
            (
                "rediss://default:PASSWORD@h:6380/?prefix=x",
                "rediss://default:***@h:6380/?prefix=x",
            ),
            (
                "postgres://h/db?password=PASSWORD&sslmode=x",
                "postgres://h/db?password=***&sslmode=x",
            ),
            (
                "postgres://h/db?sslPassword=PASSWORD",
                "postgres://h/db?sslPassword=***",
            ),
            ("mysql://u:PASSWORD@db/x", "mysql://u:***@db/x"),
            ("u:PASSWORD@h/db", "u:***@h/db"),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("sqlite://a@b.db", "sqlite://a@b.db"),
            ("memory", "memory"),
            ("", ""),
        ] {
            let got = redact_url(url);
            assert_eq!(got, want, "{url}");
            assert!(!got.contains("PASSWORD"), "{got}");
        }
    }

    #[test]
    fn a_path_holding_an_at_sign_is_not_an_authority() {
        assert_eq!(redact_url("sqlite:///tmp/x@y.db"), "sqlite:///tmp/x@y.db");
    }
}
