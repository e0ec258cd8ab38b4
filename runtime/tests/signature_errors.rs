//! Every typed error, reached through the public API, with its message checked for leaks.

use hookwire::Timestamp;
use hookwire::signature::{
    GitHub, Scheme, SecretError, Shopify, SignError, Skew, Slack, StandardWebhooks, Stripe,
    Tolerance, VerifyError,
};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TS: i64 = 1_700_000_000;

fn standard() -> StandardWebhooks {
    StandardWebhooks::new(SECRET).unwrap()
}

fn signed_pairs(scheme: &dyn Scheme, body: &[u8]) -> Vec<(&'static str, String)> {
    scheme
        .sign("msg_1", Timestamp::from_unix(TS), body)
        .unwrap()
        .into_iter()
        .collect()
}

fn without(pairs: &[(&'static str, String)], name: &str) -> Vec<(&'static str, String)> {
    pairs.iter().filter(|(n, _)| *n != name).cloned().collect()
}

fn replaced(
    pairs: &[(&'static str, String)],
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    let mut out = without(pairs, name);
    out.push((name, value.to_owned()));
    out
}

#[test]
fn missing_header_names_the_header() {
    let cases: Vec<(Box<dyn Scheme>, &[&str])> = vec![
        (
            Box::new(standard()),
            &["webhook-id", "webhook-timestamp", "webhook-signature"],
        ),
        (
            Box::new(Stripe::new("whsec_x").unwrap()),
            &["stripe-signature"],
        ),
        (
            Box::new(GitHub::new("s").unwrap()),
            &["x-hub-signature-256"],
        ),
        (
            Box::new(Shopify::new("s").unwrap()),
            &["x-shopify-hmac-sha256"],
        ),
        (
            Box::new(Slack::new("s").unwrap()),
            &["x-slack-request-timestamp", "x-slack-signature"],
        ),
    ];
    for (scheme, names) in cases {
        let pairs = signed_pairs(scheme.as_ref(), b"{}");
        for &name in names {
            let err = scheme
                .verify(&without(&pairs, name), b"{}", Timestamp::from_unix(TS))
                .unwrap_err();
            assert_eq!(err, VerifyError::MissingHeader { name: leak(name) });
            assert_eq!(err.to_string(), format!("missing header `{name}`"));
        }
    }
}

fn leak(name: &str) -> &'static str {
    // The error holds the scheme's own `'static` name; compare by value.
    Box::leak(name.to_owned().into_boxed_str())
}

#[test]
fn malformed_headers_say_which_and_why() {
    let scheme = standard();
    let pairs = signed_pairs(&scheme, b"{}");
    for (name, value) in [
        ("webhook-timestamp", "hello"),
        ("webhook-timestamp", "-5"),
        ("webhook-timestamp", "1700000000.5"),
        ("webhook-id", "has space"),
        ("webhook-id", ""),
        ("webhook-signature", "v1,é"),
    ] {
        let err = scheme
            .verify(
                &replaced(&pairs, name, value),
                b"{}",
                Timestamp::from_unix(TS),
            )
            .unwrap_err();
        let VerifyError::MalformedHeader { name: got, reason } = &err else {
            panic!("{name}={value}: {err:?}");
        };
        assert_eq!(*got, name);
        assert!(!reason.is_empty());
        assert!(
            !err.to_string().contains(value) || value.is_empty(),
            "{err}"
        );
    }

    let stripe = Stripe::new("whsec_x").unwrap();
    for header in ["bad_header", "t=", "v1,t=1", "t=1,t=2,v1=00", "v1=00"] {
        let err = stripe
            .verify(
                &[("stripe-signature", header)],
                b"{}",
                Timestamp::from_unix(TS),
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                VerifyError::MalformedHeader {
                    name: "stripe-signature",
                    ..
                }
            ),
            "{header}: {err:?}"
        );
    }

    let github = GitHub::new("s").unwrap();
    for header in ["757107ea", "sha1=757107ea", "sha256=zz", "sha256="] {
        let err = github
            .verify(
                &[("x-hub-signature-256", header)],
                b"{}",
                Timestamp::from_unix(TS),
            )
            .unwrap_err();
        assert!(
            matches!(err, VerifyError::MalformedHeader { .. }),
            "{header}"
        );
    }

    let shopify = Shopify::new("s").unwrap();
    let err = shopify
        .verify(
            &[("x-shopify-hmac-sha256", "not base64!")],
            b"{}",
            Timestamp::from_unix(TS),
        )
        .unwrap_err();
    assert!(matches!(err, VerifyError::MalformedHeader { .. }));

    let slack = Slack::new("s").unwrap();
    let err = slack
        .verify(
            &[
                ("x-slack-request-timestamp", "1"),
                ("x-slack-signature", "v1=00"),
            ],
            b"{}",
            Timestamp::from_unix(1),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        VerifyError::MalformedHeader {
            name: "x-slack-signature",
            ..
        }
    ));

    // Non-ASCII bytes in a header value, through an `http::HeaderMap`.
    let mut map = http::HeaderMap::new();
    for (name, value) in signed_pairs(&scheme, b"{}") {
        map.insert(name, value.parse().unwrap());
    }
    map.insert(
        "webhook-signature",
        http::HeaderValue::from_bytes(b"v1,\xff").unwrap(),
    );
    assert!(matches!(
        scheme.verify(&map, b"{}", Timestamp::from_unix(TS)),
        Err(VerifyError::MalformedHeader {
            name: "webhook-signature",
            ..
        })
    ));
}

#[test]
fn timestamp_outside_tolerance_says_by_how_much() {
    let scheme = standard();
    let pairs = signed_pairs(&scheme, b"{}");
    assert_eq!(
        scheme.verify(&pairs, b"{}", Timestamp::from_unix(TS + 400)),
        Err(VerifyError::TimestampOutsideTolerance {
            offset: 400,
            direction: Skew::Past,
            tolerance: 300,
        })
    );
    let err = scheme
        .verify(&pairs, b"{}", Timestamp::from_unix(TS - 301))
        .unwrap_err();
    assert_eq!(
        err,
        VerifyError::TimestampOutsideTolerance {
            offset: 301,
            direction: Skew::Future,
            tolerance: 300,
        }
    );
    assert_eq!(
        err.to_string(),
        "timestamp is 301 seconds in the future, outside the tolerance of 300 seconds; check the \
         sender's and the receiver's clocks, or reject the request as a replay"
    );
    let custom = standard().tolerance(Tolerance::new(10, 0));
    assert!(matches!(
        custom.verify(&pairs, b"{}", Timestamp::from_unix(TS - 1)),
        Err(VerifyError::TimestampOutsideTolerance {
            direction: Skew::Future,
            tolerance: 0,
            ..
        })
    ));
}

#[test]
fn no_supported_signature_names_the_expected_versions() {
    let hmac_only = standard();
    let pairs = signed_pairs(&hmac_only, b"{}");
    let err = hmac_only
        .verify(
            &replaced(&pairs, "webhook-signature", "v1a,AAAA v2,BBBB"),
            b"{}",
            Timestamp::from_unix(TS),
        )
        .unwrap_err();
    assert_eq!(
        err,
        VerifyError::NoSupportedSignature {
            name: "webhook-signature",
            expected: "`v1,<base64>` entries",
        }
    );
    assert!(!err.to_string().contains("AAAA"));
}

#[test]
fn no_matching_signature() {
    let body = b"{\"amount\":1}";
    let schemes: Vec<Box<dyn Scheme>> = vec![
        Box::new(standard()),
        Box::new(Stripe::new("whsec_x").unwrap()),
        Box::new(GitHub::new("s").unwrap()),
        Box::new(Shopify::new("s").unwrap()),
        Box::new(Slack::new("s").unwrap()),
    ];
    for scheme in &schemes {
        let pairs = signed_pairs(scheme.as_ref(), body);
        let err = scheme
            .verify(&pairs, b"{\"amount\":9}", Timestamp::from_unix(TS))
            .unwrap_err();
        assert_eq!(err, VerifyError::NoMatchingSignature, "{}", scheme.name());
        assert_eq!(
            err.to_string(),
            "no signature matched the body and the configured secrets"
        );
    }
}

#[test]
fn malformed_and_empty_secrets_never_echo_the_secret() {
    let cases: Vec<(&str, Result<(), SecretError>)> = vec![
        ("whsec_", StandardWebhooks::new("whsec_").map(drop)),
        ("", StandardWebhooks::new("").map(drop)),
        (
            "whsec_s3cr3t!!",
            StandardWebhooks::new("whsec_s3cr3t!!").map(drop),
        ),
        (
            "whsk_s3cr3tAAAA",
            StandardWebhooks::new("whsk_s3cr3tAAAA").map(drop),
        ),
        (
            "whpk_s3cr3tAAAA",
            StandardWebhooks::new("whpk_s3cr3tAAAA").map(drop),
        ),
        ("", Stripe::new("").map(drop)),
        ("whsec_s3cr3t \n", Stripe::new("whsec_s3cr3t \n").map(drop)),
        ("", GitHub::new("").map(drop)),
        ("", Shopify::new("").map(drop)),
        ("", Slack::new("").map(drop)),
    ];
    for (secret, result) in cases {
        let err = result.expect_err(secret);
        assert!(matches!(
            err,
            SecretError::EmptySecret { .. } | SecretError::MalformedSecret { .. }
        ));
        let message = err.to_string();
        assert!(message.contains("expected"), "{message}");
        assert!(!message.contains("s3cr3t"), "{message}");
    }
    assert!(matches!(
        StandardWebhooks::new("whsec_"),
        Err(SecretError::EmptySecret { .. })
    ));
    assert!(matches!(
        Stripe::new("whsec_x\n"),
        Err(SecretError::MalformedSecret { .. })
    ));
}

#[test]
fn sign_errors() {
    let public =
        StandardWebhooks::new("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=").unwrap();
    assert_eq!(
        public.sign("msg_1", Timestamp::from_unix(TS), b"{}"),
        Err(SignError::NoSigningKey)
    );
    let scheme = standard();
    for id in ["", "has space", "line\nbreak", &"x".repeat(257)] {
        assert!(
            matches!(
                scheme.sign(id, Timestamp::from_unix(TS), b"{}"),
                Err(SignError::InvalidId { .. })
            ),
            "{id:?}"
        );
    }
    assert_eq!(
        scheme.sign("msg_1", Timestamp::from_unix(-1), b"{}"),
        Err(SignError::NegativeTimestamp)
    );
    assert_eq!(
        Slack::new("s")
            .unwrap()
            .sign("", Timestamp::from_unix(-1), b"{}"),
        Err(SignError::NegativeTimestamp)
    );
    assert!(matches!(
        GitHub::new("s")
            .unwrap()
            .sign("bad id", Timestamp::from_unix(0), b"{}"),
        Err(SignError::InvalidId { .. })
    ));
}

#[test]
fn secrets_and_schemes_redact_themselves() {
    let schemes: Vec<Box<dyn Scheme>> = vec![
        Box::new(StandardWebhooks::new(SECRET).unwrap()),
        Box::new(
            StandardWebhooks::new("whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=").unwrap(),
        ),
        Box::new(Stripe::new("whsec_topsecretvalue").unwrap()),
        Box::new(GitHub::new("topsecretvalue").unwrap()),
        Box::new(Shopify::new("topsecretvalue").unwrap()),
        Box::new(Slack::new("topsecretvalue").unwrap()),
    ];
    for scheme in &schemes {
        let debug = format!("{scheme:?}");
        assert!(debug.contains("redacted"), "{debug}");
        for leak in ["topsecret", "MfKQ9r8G", "VEVTVFNJ", "TESTSIGNING"] {
            assert!(!debug.contains(leak), "{debug}");
        }
    }
}
