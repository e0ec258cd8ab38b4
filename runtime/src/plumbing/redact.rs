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
    let start = url.find("://").map_or(0, |s| s + 3);
    // The credentials end at the last `@` of the whole rest: a password may hold `/`, `?` or
    // `#` unencoded, so the authority cannot be cut at the first of those before looking.
    let (head, rest) = match url[start..].rfind('@') {
        Some(at) if looks_like_credentials(&url[start..start + at]) => {
            let credentials = &url[start..start + at];
            let hidden = match credentials.split_once(':') {
                Some((user, _)) => format!("{user}:***"),
                None => "***".to_owned(),
            };
            (format!("{}{hidden}", &url[..start]), &url[start + at..])
        }
        _ => (String::new(), url),
    };
    let (base, query) = match rest.find('?') {
        Some(q) => (&rest[..q], Some(&rest[q + 1..])),
        None => (rest, None),
    };
    let mut out = head;
    out.push_str(base);
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

/// Whether `text`, what stands before the last `@`, is credentials (`user:password`, or a bare
/// token) rather than a path holding an `@` (`sqlite:///tmp/x@y.db`, `sqlite://a@b.db`): a
/// password is anything after a `:` in the first segment; a bare name made of plain characters
/// is a user name or a file name and is kept.
fn looks_like_credentials(text: &str) -> bool {
    match text.split_once(':') {
        // `user:password`: the user part is a name, not a path.
        Some((user, _)) => !user.contains('/'),
        // No `:`: a bare token is hidden unless it is a plain name or a path.
        None => !text.contains('/') && !plain(text),
    }
}

/// Letters, digits, `.`, `_` and `-` only.
fn plain(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
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
            (
                "postgres://app:PASS/WORD@db/app",
                "postgres://app:***@db/app",
            ),
            (
                "postgres://app:PASS?WORD@db/app",
                "postgres://app:***@db/app",
            ),
            (
                "postgres://app:PASS#WORD@db/app?sslmode=require",
                "postgres://app:***@db/app?sslmode=require",
            ),
            (
                "redis://:PASS@WORD/?@x@127.0.0.1:6379/0",
                "redis://:***@127.0.0.1:6379/0",
            ),
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
