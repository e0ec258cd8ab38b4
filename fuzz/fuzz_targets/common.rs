//! Shared by the fuzz targets: split the input into header values and a body.

/// Splits `data` at `\n` into `names.len()` header values followed by the body.
pub fn split<'a>(data: &'a [u8], names: &[&'static str]) -> (Vec<(&'static str, &'a [u8])>, &'a [u8]) {
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
