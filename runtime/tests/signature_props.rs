//! Property tests: sign-then-verify for random inputs, single-byte tampering is always caught,
//! and no header content makes verification panic.

use hookwire::Timestamp;
use hookwire::signature::{
    GitHub, Scheme, Shopify, Slack, StandardKey, StandardWebhooks, Stripe, Tolerance,
};
use proptest::prelude::*;

/// The schemes, each built from random key material, with the timestamp check off so that
/// tampering tests isolate the signature.
#[derive(Debug, Clone, Copy)]
enum Kind {
    StandardHmac,
    StandardEd25519,
    Stripe,
    GitHub,
    Shopify,
    Slack,
}

const KINDS: [Kind; 6] = [
    Kind::StandardHmac,
    Kind::StandardEd25519,
    Kind::Stripe,
    Kind::GitHub,
    Kind::Shopify,
    Kind::Slack,
];

fn build(kind: Kind, key: &[u8]) -> Box<dyn Scheme> {
    // Printable keys for the schemes whose secrets are text; raw bytes otherwise.
    let text: String = key.iter().map(|b| char::from(b'a' + b % 26)).collect();
    match kind {
        Kind::StandardHmac => Box::new(
            StandardWebhooks::from_key(StandardKey::hmac(key.to_vec()).unwrap())
                .tolerance(Tolerance::skip()),
        ),
        Kind::StandardEd25519 => {
            let mut seed = [0u8; 32];
            for (s, k) in seed.iter_mut().zip(key.iter().cycle()) {
                *s = *k;
            }
            Box::new(
                StandardWebhooks::from_key(StandardKey::ed25519_seed(seed))
                    .tolerance(Tolerance::skip()),
            )
        }
        Kind::Stripe => Box::new(Stripe::new(text).unwrap().tolerance(Tolerance::skip())),
        Kind::GitHub => Box::new(GitHub::new(key.to_vec()).unwrap()),
        Kind::Shopify => Box::new(Shopify::new(key.to_vec()).unwrap()),
        Kind::Slack => Box::new(Slack::new(text).unwrap().tolerance(Tolerance::skip())),
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    (0..KINDS.len()).prop_map(|i| KINDS[i])
}

fn id() -> impl Strategy<Value = String> {
    "[!-~]{1,40}"
}

fn pairs(scheme: &dyn Scheme, id: &str, ts: i64, body: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    scheme
        .sign(id, Timestamp::from_unix(ts), body)
        .unwrap()
        .into_iter()
        .map(|(name, value)| (name, value.into_bytes()))
        .collect()
}

/// Whether two hex signature values are the same once case is ignored, which the hex schemes
/// accept by design.
fn same_ignoring_hex_case(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify(
        kind in kind(),
        key in proptest::collection::vec(any::<u8>(), 1..80),
        id in id(),
        ts in 0i64..(1 << 40),
        body in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let scheme = build(kind, &key);
        let headers = pairs(scheme.as_ref(), &id, ts, &body);
        let verified = scheme.verify(&headers, &body, Timestamp::from_unix(ts)).unwrap();
        prop_assert_eq!(verified.body(), body.as_slice());
        if scheme.id_header().is_some() {
            prop_assert_eq!(verified.id(), Some(id.as_str()));
        }
        if matches!(kind, Kind::StandardHmac | Kind::StandardEd25519 | Kind::Stripe | Kind::Slack) {
            prop_assert_eq!(verified.timestamp(), Some(Timestamp::from_unix(ts)));
        }
    }

    #[test]
    fn flipping_a_body_byte_fails(
        kind in kind(),
        key in proptest::collection::vec(any::<u8>(), 1..40),
        ts in 0i64..(1 << 40),
        body in proptest::collection::vec(any::<u8>(), 1..300),
        at in any::<prop::sample::Index>(),
        mask in 1u8..,
    ) {
        let scheme = build(kind, &key);
        let headers = pairs(scheme.as_ref(), "msg_1", ts, &body);
        let mut tampered = body.clone();
        let i = at.index(tampered.len());
        tampered[i] ^= mask;
        prop_assert!(scheme.verify(&headers, &tampered, Timestamp::from_unix(ts)).is_err());
    }

    #[test]
    fn flipping_a_signed_header_byte_fails(
        kind in kind(),
        key in proptest::collection::vec(any::<u8>(), 1..40),
        id in id(),
        ts in 0i64..(1 << 40),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        mask in 1u8..,
    ) {
        let scheme = build(kind, &key);
        let mut headers = pairs(scheme.as_ref(), &id, ts, &body);
        // Only headers that are signed or carry the signature: the id is informational for
        // GitHub and Shopify.
        let signed: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, (name, _))| {
                !matches!(*name, "x-github-delivery" | "x-shopify-event-id")
            })
            .map(|(i, _)| i)
            .collect();
        let h = signed[which.index(signed.len())];
        let original = headers[h].1.clone();
        let i = at.index(original.len());
        headers[h].1[i] ^= mask;
        prop_assume!(!same_ignoring_hex_case(&original, &headers[h].1));
        prop_assert!(
            scheme.verify(&headers, &body, Timestamp::from_unix(ts)).is_err(),
            "{} accepted {:?} changed to {:?}",
            scheme.name(),
            String::from_utf8_lossy(&original),
            String::from_utf8_lossy(&headers[h].1)
        );
    }

    #[test]
    fn arbitrary_header_bytes_never_panic(
        kind in kind(),
        values in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..120), 6),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        now in any::<i64>(),
    ) {
        let scheme = build(kind, b"key");
        let names = [
            "webhook-id", "webhook-timestamp", "webhook-signature",
            "stripe-signature", "x-hub-signature-256", "x-shopify-hmac-sha256",
            "x-slack-request-timestamp", "x-slack-signature", "svix-signature",
        ];
        let headers: Vec<(&str, Vec<u8>)> = names
            .iter()
            .zip(values.iter().cycle())
            .map(|(name, value)| (*name, value.clone()))
            .collect();
        let _ = scheme.verify(&headers, &body, Timestamp::from_unix(now));
    }

    #[test]
    fn structured_header_strings_never_panic(
        kind in kind(),
        id in "[ -~]{0,20}",
        ts in "[0-9+ -]{0,22}",
        signature in "(v1a?,|v0=|v1=|t=|sha256=|[A-Za-z0-9+/=, ]){0,40}",
        now in any::<i64>(),
    ) {
        let scheme = build(kind, b"key");
        let headers = [
            ("webhook-id", id.as_str()),
            ("webhook-timestamp", ts.as_str()),
            ("webhook-signature", signature.as_str()),
            ("stripe-signature", signature.as_str()),
            ("x-hub-signature-256", signature.as_str()),
            ("x-shopify-hmac-sha256", signature.as_str()),
            ("x-slack-request-timestamp", ts.as_str()),
            ("x-slack-signature", signature.as_str()),
        ];
        let _ = scheme.verify(&headers, b"{}", Timestamp::from_unix(now));
        let mut map = http::HeaderMap::new();
        for (name, value) in headers {
            if let Ok(value) = http::HeaderValue::from_str(value) {
                map.insert(name, value);
            }
        }
        let _ = scheme.verify(&map, b"{}", Timestamp::from_unix(now));
    }

    #[test]
    fn arbitrary_secrets_never_panic(secret in proptest::collection::vec(any::<u8>(), 0..100)) {
        let _ = StandardWebhooks::new(secret.clone());
        let mut prefixed = b"whsk_".to_vec();
        prefixed.extend_from_slice(&secret);
        let _ = StandardWebhooks::new(prefixed);
        let mut prefixed = b"whpk_".to_vec();
        prefixed.extend_from_slice(&secret);
        let _ = StandardWebhooks::new(prefixed);
        let _ = Stripe::new(secret);
    }
}

#[test]
fn rotation_any_key_verifies() {
    let keys = [
        "whsec_a2V5LW9uZQ==",
        "whsec_a2V5LXR3bw==",
        "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
    ];
    for signer in keys {
        let sender = StandardWebhooks::new(signer).unwrap();
        let headers = sender
            .sign("msg_1", Timestamp::from_unix(100), b"{}")
            .unwrap();
        let receiver = keys[1..]
            .iter()
            .fold(StandardWebhooks::new(keys[0]).unwrap(), |scheme, key| {
                scheme.with_secret(*key).unwrap()
            });
        assert!(
            receiver
                .verify(&headers, b"{}", Timestamp::from_unix(100))
                .is_ok(),
            "{signer}"
        );
    }
}
