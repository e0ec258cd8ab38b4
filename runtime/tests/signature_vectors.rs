//! Official test vectors of each provider and of the Standard Webhooks reference libraries.
//! Each vector names its source.

use hookwire::Timestamp;
use hookwire::signature::{
    GitHub, Scheme, Shopify, Slack, StandardKey, StandardWebhooks, Stripe, Tolerance, VerifyError,
};

// Source: standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts and
// libraries/go/webhook_test.go ("sign function works"): key, id, timestamp, payload, expected.
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_TS: i64 = 1_614_265_330;
const SW_PAYLOAD: &[u8] = br#"{"test": 2432232314}"#;
const SW_V1: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn sw_headers(signature: &str) -> Vec<(&'static str, String)> {
    vec![
        ("webhook-id", SW_ID.to_owned()),
        ("webhook-timestamp", SW_TS.to_string()),
        ("webhook-signature", signature.to_owned()),
    ]
}

#[test]
fn standard_webhooks_v1_sign_vector() {
    let scheme = StandardWebhooks::new(SW_SECRET).unwrap();
    let headers = scheme
        .sign(SW_ID, Timestamp::from_unix(SW_TS), SW_PAYLOAD)
        .unwrap();
    assert_eq!(headers.get("webhook-signature"), Some(SW_V1));
    assert_eq!(headers.get("webhook-id"), Some(SW_ID));
    assert_eq!(headers.get("webhook-timestamp"), Some("1614265330"));
}

#[test]
fn standard_webhooks_v1_verify_vector_with_and_without_prefix() {
    // Source: libraries/javascript/src/webhook.test.ts, "verification works with and without
    // signature prefix": the bare base64 secret is accepted too.
    for secret in [SW_SECRET, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] {
        let scheme = StandardWebhooks::new(secret).unwrap();
        let verified = scheme
            .verify(
                &sw_headers(SW_V1),
                SW_PAYLOAD,
                Timestamp::from_unix(SW_TS + 10),
            )
            .unwrap();
        assert_eq!(verified.id(), Some(SW_ID));
        assert_eq!(verified.timestamp(), Some(Timestamp::from_unix(SW_TS)));
        assert_eq!(verified.body(), SW_PAYLOAD);
    }
}

#[test]
fn standard_webhooks_rust_library_vector() {
    // Source: standard-webhooks/standard-webhooks, libraries/rust/src/lib.rs, `test_sign`.
    let scheme = StandardWebhooks::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
    let body = br#"{"email":"test@example.com","username":"test_user"}"#;
    let headers = scheme
        .sign(
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            Timestamp::from_unix(1_649_367_553),
            body,
        )
        .unwrap();
    assert_eq!(
        headers.get("webhook-signature"),
        Some("v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=")
    );
    // `test_no_verify`: a foreign signature does not verify.
    let headers = [
        ("webhook-id", "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"),
        ("webhook-timestamp", "1649367553"),
        (
            "webhook-signature",
            "v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU=",
        ),
    ];
    assert_eq!(
        scheme.verify(&headers, body, Timestamp::from_unix(1_649_367_553)),
        Err(VerifyError::NoMatchingSignature)
    );
}

#[test]
fn standard_webhooks_multi_signature_list() {
    // Source: libraries/javascript/src/webhook.test.ts, "multi sig payload is valid": invalid
    // v1 entries and an unknown v2 entry around the valid one.
    let list = [
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        SW_V1,
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
    ]
    .join(" ");
    let scheme = StandardWebhooks::new(SW_SECRET).unwrap();
    assert!(
        scheme
            .verify(&sw_headers(&list), SW_PAYLOAD, Timestamp::from_unix(SW_TS))
            .is_ok()
    );
    // Source: libraries/rust/src/lib.rs, `test_no_verify_with_multiple_signatures`.
    let none = [
        "v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ=",
        "v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q=",
        "v1,9DfC1c3eeOrXB6w/5dIDydLNQaEyww5KalE5jLBZucE=",
    ]
    .join(" ");
    assert_eq!(
        scheme.verify(&sw_headers(&none), SW_PAYLOAD, Timestamp::from_unix(SW_TS)),
        Err(VerifyError::NoMatchingSignature)
    );
}

#[test]
fn standard_webhooks_partial_and_invalid_signatures() {
    // Source: libraries/javascript/src/webhook.test.ts, "invalid signature throws error" and
    // "partial signature throws error".
    let scheme = StandardWebhooks::new(SW_SECRET).unwrap();
    for bad in ["v1,dawfeoifkpqwoekfpqoekf", &SW_V1[..8], "v1,"] {
        assert_eq!(
            scheme.verify(&sw_headers(bad), SW_PAYLOAD, Timestamp::from_unix(SW_TS)),
            Err(VerifyError::NoMatchingSignature),
            "{bad}"
        );
    }
}

#[test]
fn standard_webhooks_timestamp_window() {
    // Source: libraries/javascript/src/webhook.test.ts, "old timestamp fails" and "new
    // timestamp fails": 5 minutes both ways.
    let scheme = StandardWebhooks::new(SW_SECRET).unwrap();
    let headers = sw_headers(SW_V1);
    assert!(
        scheme
            .verify(&headers, SW_PAYLOAD, Timestamp::from_unix(SW_TS + 300))
            .is_ok()
    );
    assert!(
        scheme
            .verify(&headers, SW_PAYLOAD, Timestamp::from_unix(SW_TS - 300))
            .is_ok()
    );
    assert!(
        scheme
            .verify(&headers, SW_PAYLOAD, Timestamp::from_unix(SW_TS + 301))
            .is_err()
    );
    assert!(
        scheme
            .verify(&headers, SW_PAYLOAD, Timestamp::from_unix(SW_TS - 301))
            .is_err()
    );
    // Source: libraries/go/webhook_asymmetric_test.go, "... passes when ignoring tolerance".
    let skip = scheme.tolerance(Tolerance::skip());
    assert!(
        skip.verify(
            &headers,
            SW_PAYLOAD,
            Timestamp::from_unix(SW_TS + 86_400 * 365)
        )
        .is_ok()
    );
}

// Source: standard-webhooks/standard-webhooks, libraries/go/webhook_asymmetric_test.go,
// `TestAsymmetricWebhookSign`. Cross-checked with Python's `cryptography` (Ed25519PrivateKey
// from the same seed signs the same bytes to the same value; its public key is `SW_V1A_PUBLIC`).
const SW_V1A_SEED: &str = "VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
const SW_V1A: &str =
    "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
const SW_V1A_PUBLIC: &str = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";

#[test]
fn standard_webhooks_v1a_sign_vector() {
    // The Go library accepts the seed with and without the `whsk_` prefix
    // (`TestAsymmetricWebhookPrefix`); hookwire reads bare base64 as an HMAC secret, so the
    // prefix is required for Ed25519 keys.
    let scheme = StandardWebhooks::new(format!("whsk_{SW_V1A_SEED}")).unwrap();
    let headers = scheme
        .sign(SW_ID, Timestamp::from_unix(SW_TS), SW_PAYLOAD)
        .unwrap();
    assert_eq!(headers.get("webhook-signature"), Some(SW_V1A));
    let key = StandardKey::parse(format!("whsk_{SW_V1A_SEED}")).unwrap();
    assert_eq!(key.public_key().as_deref(), Some(SW_V1A_PUBLIC));
}

#[test]
fn standard_webhooks_v1a_verify_with_public_key() {
    let scheme = StandardWebhooks::new(SW_V1A_PUBLIC).unwrap();
    let verified = scheme
        .verify(&sw_headers(SW_V1A), SW_PAYLOAD, Timestamp::from_unix(SW_TS))
        .unwrap();
    assert_eq!(verified.id(), Some(SW_ID));
    // Source: libraries/go/webhook_asymmetric_test.go, "valid multi sig is valid".
    let list = format!(
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {SW_V1A} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    );
    assert!(
        scheme
            .verify(&sw_headers(&list), SW_PAYLOAD, Timestamp::from_unix(SW_TS))
            .is_ok()
    );
    // "invalid signature is invalid" and "partial signature is invalid".
    for bad in ["v1a,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", "v1a,"] {
        assert_eq!(
            scheme.verify(&sw_headers(bad), SW_PAYLOAD, Timestamp::from_unix(SW_TS)),
            Err(VerifyError::NoMatchingSignature)
        );
    }
    // A tampered body fails.
    assert_eq!(
        scheme.verify(
            &sw_headers(SW_V1A),
            br#"{"test": 2432232315}"#,
            Timestamp::from_unix(SW_TS)
        ),
        Err(VerifyError::NoMatchingSignature)
    );
}

#[test]
fn standard_webhooks_mixed_keys_sign_every_signature() {
    let scheme = StandardWebhooks::new(SW_SECRET)
        .unwrap()
        .with_secret(format!("whsk_{SW_V1A_SEED}"))
        .unwrap();
    let headers = scheme
        .sign(SW_ID, Timestamp::from_unix(SW_TS), SW_PAYLOAD)
        .unwrap();
    assert_eq!(
        headers.get("webhook-signature"),
        Some(format!("{SW_V1} {SW_V1A}").as_str())
    );
    // Each single-key receiver accepts the combined header.
    for receiver in [SW_SECRET, SW_V1A_PUBLIC] {
        let receiver = StandardWebhooks::new(receiver).unwrap();
        assert!(
            receiver
                .verify(&headers, SW_PAYLOAD, Timestamp::from_unix(SW_TS))
                .is_ok()
        );
    }
}

// Source: stripe/stripe-node test/Webhook.spec.ts: secret `whsec_test_secret`, payload
// `JSON.stringify({id: 'evt_test_webhook', object: 'event'}, null, 2)`. Stripe's test suites
// generate their headers at run time, so the expected hex was computed for timestamp 1700000000
// with Python's `hmac` over `t.payload`, keyed with the secret string (stripe-go
// `ComputeSignature`).
const STRIPE_SECRET: &str = "whsec_test_secret";
const STRIPE_PAYLOAD: &[u8] = b"{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";
const STRIPE_V1: &str = "4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150";

#[test]
fn stripe_sign_and_verify_vector() {
    let stripe = Stripe::new(STRIPE_SECRET).unwrap();
    let headers = stripe
        .sign(
            "evt_test_webhook",
            Timestamp::from_unix(1_700_000_000),
            STRIPE_PAYLOAD,
        )
        .unwrap();
    let expected = format!("t=1700000000,v1={STRIPE_V1}");
    assert_eq!(headers.get("stripe-signature"), Some(expected.as_str()));
    let verified = stripe
        .verify(
            &[("Stripe-Signature", expected.as_str())],
            STRIPE_PAYLOAD,
            Timestamp::from_unix(1_700_000_005),
        )
        .unwrap();
    assert_eq!(
        verified.timestamp(),
        Some(Timestamp::from_unix(1_700_000_000))
    );
    assert_eq!(verified.id(), None);
}

#[test]
fn stripe_every_v1_is_tried_and_others_ignored() {
    let stripe = Stripe::new(STRIPE_SECRET).unwrap();
    let ts = 1_700_000_000;
    // stripe-go client_test.go: a rolled key's signature next to the valid one, in either
    // order; an unreadable `v1=bad_signature` is ignored; `v0` entries are ignored.
    let other = Stripe::new("whsec_test_secret_rolled_key")
        .unwrap()
        .sign("", Timestamp::from_unix(ts), STRIPE_PAYLOAD)
        .unwrap();
    let other = other
        .get("stripe-signature")
        .unwrap()
        .replace("t=1700000000,", "");
    for header in [
        format!("t={ts},v1={STRIPE_V1},{other}"),
        format!("t={ts},{other},v1={STRIPE_V1}"),
        format!("t={ts},v1=bad_signature,v0={STRIPE_V1},v1={STRIPE_V1}"),
        format!("v1={STRIPE_V1},t={ts}"),
    ] {
        let headers = [("stripe-signature", header.as_str())];
        assert!(
            stripe
                .verify(&headers, STRIPE_PAYLOAD, Timestamp::from_unix(ts))
                .is_ok(),
            "{header}"
        );
    }
    // Only `v0` with the right value: no `v1`, so nothing to check (stripe-node "no
    // signatures with the expected scheme").
    let v0_only = format!("t={ts},v0={STRIPE_V1}");
    assert!(matches!(
        stripe.verify(
            &[("stripe-signature", v0_only.as_str())],
            STRIPE_PAYLOAD,
            Timestamp::from_unix(ts)
        ),
        Err(VerifyError::NoSupportedSignature { .. })
    ));
}

#[test]
fn stripe_future_timestamps_follow_stripe_libraries() {
    // stripe-go `validatePayload` and stripe-node `verifyHeader` reject only timestamps older
    // than the tolerance; a timestamp in the future is accepted.
    let stripe = Stripe::new(STRIPE_SECRET).unwrap();
    let header = format!("t=1700000000,v1={STRIPE_V1}");
    let headers = [("stripe-signature", header.as_str())];
    assert!(
        stripe
            .verify(
                &headers,
                STRIPE_PAYLOAD,
                Timestamp::from_unix(1_600_000_000)
            )
            .is_ok()
    );
    assert!(
        stripe
            .verify(
                &headers,
                STRIPE_PAYLOAD,
                Timestamp::from_unix(1_700_000_301)
            )
            .is_err()
    );
    // stripe-go "ignoring tolerance": timestamp 12345 still verifies.
    let old = Stripe::new(STRIPE_SECRET)
        .unwrap()
        .tolerance(Tolerance::skip());
    let signed = old
        .sign("", Timestamp::from_unix(12_345), STRIPE_PAYLOAD)
        .unwrap();
    assert!(
        old.verify(&signed, STRIPE_PAYLOAD, Timestamp::from_unix(1_700_000_000))
            .is_ok()
    );
}

#[test]
fn github_docs_vector() {
    // Source: GitHub Docs, "Validating webhook deliveries", testing the webhook payload
    // validation: secret "It's a Secret to Everybody", payload "Hello, World!".
    let github = GitHub::new("It's a Secret to Everybody").unwrap();
    let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let headers = [("X-Hub-Signature-256", signature)];
    let verified = github
        .verify(&headers, b"Hello, World!", Timestamp::from_unix(0))
        .unwrap();
    assert_eq!((verified.id(), verified.timestamp()), (None, None));
    let signed = github
        .sign("", Timestamp::from_unix(0), b"Hello, World!")
        .unwrap();
    assert_eq!(signed.get("x-hub-signature-256"), Some(signature));
    assert_eq!(
        github.verify(&headers, b"Hello, World?", Timestamp::from_unix(0)),
        Err(VerifyError::NoMatchingSignature)
    );
}

#[test]
fn shopify_sdk_vector() {
    // Source: Shopify/shopify-app-js, packages/apps/shopify-api/lib/webhooks/__tests__/
    // validate.test.ts ("returns true for valid request"): the test config's apiSecretKey
    // `test_secret_key`, raw body `{"foo": "bar"}`, hmac `B23tXN68...`, webhook id 123456789.
    let shopify = Shopify::new("test_secret_key").unwrap();
    let body = br#"{"foo": "bar"}"#;
    let headers = [
        (
            "X-Shopify-Hmac-Sha256",
            "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=",
        ),
        ("X-Shopify-Webhook-Id", "123456789"),
        ("X-Shopify-Topic", "products/create"),
    ];
    let verified = shopify
        .verify(&headers, body, Timestamp::from_unix(0))
        .unwrap();
    assert_eq!(verified.id(), Some("123456789"));
    let signed = shopify.sign("", Timestamp::from_unix(0), body).unwrap();
    assert_eq!(
        signed.get("x-shopify-hmac-sha256"),
        Some("B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=")
    );
    assert_eq!(
        Shopify::new("other")
            .unwrap()
            .verify(&headers, body, Timestamp::from_unix(0)),
        Err(VerifyError::NoMatchingSignature)
    );
}

// Source: Slack API docs, "Verifying requests from Slack": signing secret, timestamp, body and
// the resulting `v0=a2114d57...` signature.
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const SLACK_TS: &str = "1531420618";
const SLACK_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const SLACK_SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

#[test]
fn slack_docs_vector() {
    let slack = Slack::new(SLACK_SECRET).unwrap();
    let headers = [
        ("X-Slack-Request-Timestamp", SLACK_TS),
        ("X-Slack-Signature", SLACK_SIG),
    ];
    let now = 1_531_420_618;
    assert!(
        slack
            .verify(&headers, SLACK_BODY, Timestamp::from_unix(now))
            .is_ok()
    );
    let signed = slack
        .sign("", Timestamp::from_unix(now), SLACK_BODY)
        .unwrap();
    assert_eq!(signed.get("x-slack-signature"), Some(SLACK_SIG));
    assert_eq!(signed.get("x-slack-request-timestamp"), Some(SLACK_TS));
    // python-slack-sdk's SignatureVerifier rejects |now - ts| > 300 both ways.
    assert!(
        slack
            .verify(&headers, SLACK_BODY, Timestamp::from_unix(now + 301))
            .is_err()
    );
    assert!(
        slack
            .verify(&headers, SLACK_BODY, Timestamp::from_unix(now - 301))
            .is_err()
    );
    assert!(
        slack
            .verify(&headers, SLACK_BODY, Timestamp::from_unix(now + 300))
            .is_ok()
    );
}

#[test]
fn non_utf8_bodies_verify_like_any_other() {
    let body: &[u8] = &[0xff, 0xfe, 0x00, 0x80];
    let schemes: Vec<Box<dyn Scheme>> = vec![
        Box::new(StandardWebhooks::new(SW_SECRET).unwrap()),
        Box::new(StandardWebhooks::new(format!("whsk_{SW_V1A_SEED}")).unwrap()),
        Box::new(Stripe::new(STRIPE_SECRET).unwrap()),
        Box::new(GitHub::new("s").unwrap()),
        Box::new(Shopify::new("s").unwrap()),
        Box::new(Slack::new("s").unwrap()),
    ];
    for scheme in &schemes {
        let headers = scheme
            .sign("msg_1", Timestamp::from_unix(1_700_000_000), body)
            .unwrap();
        let mut map = http::HeaderMap::new();
        for (name, value) in headers.iter() {
            map.insert(name, value.parse().unwrap());
        }
        let verified = scheme
            .verify(&map, body, Timestamp::from_unix(1_700_000_000))
            .unwrap();
        assert_eq!(verified.body(), body, "{}", scheme.name());
        assert!(
            std::ptr::eq(verified.body(), body),
            "the body is borrowed, not copied"
        );
    }
}
