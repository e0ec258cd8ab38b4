//! The endpoint URL rule the document states (`URL_PATTERN` in `model/endpoint.rs`),
//! checked by hand so the server accepts exactly what the document says.

/// Whether `url` matches the documented pattern: `http://` or `https://`; a host name whose
/// labels are `A-Za-z0-9-` and whose last label starts with a letter, or a dotted IPv4
/// address; an optional port from 1 to 65535 (no leading zero); an optional path of visible ASCII
/// starting with `/`.
pub(crate) fn matches(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    if !path.bytes().all(|b| (b'!'..=b'~').contains(&b)) {
        return false;
    }
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if let Some(port) = port
        && !(port.bytes().all(|b| b.is_ascii_digit())
            && !port.starts_with('0')
            && port.parse::<u16>().is_ok_and(|n| n >= 1))
    {
        return false;
    }
    is_host_name(host) || is_ipv4(host)
}

fn is_host_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|last| last.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()))
}

fn is_ipv4(host: &str) -> bool {
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|octet| {
            !octet.is_empty()
                && octet.len() <= 3
                && octet.bytes().all(|b| b.is_ascii_digit())
                && !(octet.len() > 1 && octet.starts_with('0'))
                && octet.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn the_rule_takes_what_the_pattern_takes() {
        for good in [
            "https://example.com",
            "http://127.0.0.1:8080/hook?x=1",
            "https://a-b.c9.example/x/y",
            "http://localhost:1/",
        ] {
            assert!(matches(good), "{good}");
        }
        for bad in [
            "ftp://example.com",
            "https://",
            "https://example.com:/",
            "https://example.com:65536/",
            "https://example.com:080/",
            "https://exa mple.com",
            "https://1.2.3",
            "https://256.1.1.1",
            "https://01.1.1.1",
            "https://example.123",
            "https://[::1]/",
            "https://a..b",
            "https://example.com/a b",
            "https://example.com/\u{85}",
            "https://example.com/é",
        ] {
            assert!(!matches(bad), "{bad}");
        }
    }
}
