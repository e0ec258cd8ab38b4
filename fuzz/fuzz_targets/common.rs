//! Shared by the verify fuzz targets: split the input into header values and a body, verify
//! through both header lookups.

use hookwire::signature::Scheme;

/// Splits `data` at `\n` into `names.len()` header values followed by the body.
pub fn split<'a>(
    data: &'a [u8],
    names: &[&'static str],
) -> (Vec<(&'static str, &'a [u8])>, &'a [u8]) {
    let mut rest = data;
    let mut headers = Vec::with_capacity(names.len());
    for &name in names {
        let (value, tail) = match rest.iter().position(|&b| b == b'\n') {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        headers.push((name, value));
        rest = tail;
    }
    (headers, rest)
}

/// The same headers as an `http::HeaderMap`, keeping only values `http` accepts.
pub fn header_map(headers: &[(&'static str, &[u8])]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in headers {
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            map.append(*name, value);
        }
    }
    map
}

/// Verifies `data`, split into `names` header values and a body, with `scheme` at a fixed time
/// through both header lookups (pairs and `http::HeaderMap`), and checks that they agree
/// whenever `http` accepts every value.
pub fn verify_both_ways(scheme: &dyn Scheme, data: &[u8], names: &[&'static str]) {
    let (headers, body) = split(data, names);
    let now = hookwire::Timestamp::from_unix(1_700_000_000);
    let from_pairs = scheme.verify(&headers, body, now);
    let from_map = scheme.verify(&header_map(&headers), body, now);
    // Both lookups see the same values whenever `http` accepts them all.
    if headers
        .iter()
        .all(|(_, v)| http::HeaderValue::from_bytes(v).is_ok())
    {
        assert_eq!(from_pairs, from_map);
    }
}
