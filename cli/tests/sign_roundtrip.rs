//! `hookwire sign` output, parsed and verified by the library.

use crate::support;

use hookwire::Timestamp;
use hookwire::signature::{GitHub, Scheme, Shopify, Slack, StandardWebhooks, Stripe};
use support::{TempFile, run, run_env, run_stdin};

/// Parses `Name: value` lines as printed by `sign`.
fn headers(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(": ").expect("Name: value");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

fn schemes() -> Vec<(&'static str, &'static str, Box<dyn Scheme>)> {
    let standard = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    vec![
        (
            "standard",
            standard,
            Box::new(StandardWebhooks::new(standard).unwrap()),
        ),
        (
            "stripe",
            "whsec_test_secret",
            Box::new(Stripe::new("whsec_test_secret").unwrap()),
        ),
        (
            "github",
            "gh secret",
            Box::new(GitHub::new("gh secret").unwrap()),
        ),
        (
            "shopify",
            "shop secret",
            Box::new(Shopify::new("shop secret").unwrap()),
        ),
        (
            "slack",
            "slack secret",
            Box::new(Slack::new("slack secret").unwrap()),
        ),
    ]
}

#[test]
fn every_scheme_signs_what_the_library_verifies() {
    // Not UTF-8: signed and verified as bytes.
    let body: &[u8] = &[b'{', 0xff, 0xfe, 0x00, b'}'];
    let file = TempFile::new("body.bin", body);
    for (flag, secret, scheme) in schemes() {
        let out = run(&["sign", "--scheme", flag, "--secret", secret, file.arg()]).expect(0);
        let headers = headers(&out.stdout);
        let verified = scheme
            .verify_now(&headers, body)
            .unwrap_or_else(|e| panic!("{flag}: {e}\n{}", out.stdout));
        assert_eq!(verified.body(), body);
        match flag {
            "standard" => assert!(verified.id().unwrap().starts_with("msg_")),
            "github" | "shopify" => assert_eq!(verified.id().unwrap().len(), 36, "a uuid"),
            _ => assert_eq!(verified.id(), None),
        }
    }
}

#[test]
fn json_output_and_fixed_inputs() {
    for (flag, secret, scheme) in schemes() {
        let out = run_stdin(
            &[
                "sign",
                "--scheme",
                flag,
                "--secret",
                secret,
                "--id",
                "evt_1",
                "--timestamp",
                "1700000000",
                "--json",
                "-",
            ],
            b"{}",
        );
        let out = out.expect(0);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["scheme"], scheme.name());
        let headers: Vec<(String, String)> = json["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let verified = scheme
            .verify(&headers, b"{}", Timestamp::from_unix(1_700_000_000))
            .unwrap();
        assert_eq!(json["id"].as_str(), verified.id());
        assert_eq!(
            json["timestamp"].as_i64(),
            verified.timestamp().map(Timestamp::unix_seconds)
        );
        if flag == "stripe" || flag == "slack" {
            // No id header: --id is ignored, and the user is told so.
            assert!(out.stderr.contains("--id is ignored"), "{}", out.stderr);
        }
    }
}

#[test]
fn rotation_signs_with_each_standard_key_and_verifies_with_any() {
    let (old, new) = (
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    );
    let out = run_stdin(&["sign", "--secret", new, "--secret", old], b"{}").expect(0);
    let signed = headers(&out.stdout);
    let signature = &signed
        .iter()
        .find(|(n, _)| n == "webhook-signature")
        .unwrap()
        .1;
    assert_eq!(signature.split(' ').count(), 2, "{signature}");
    for secret in [old, new] {
        assert!(
            StandardWebhooks::new(secret)
                .unwrap()
                .verify_now(&signed, b"{}")
                .is_ok()
        );
    }
    // `verify` with the new key first and the old one second accepts a message signed by the
    // old key only.
    let only_old = run_stdin(&["sign", "--secret", old], b"{}").expect(0);
    let file = TempFile::new("headers.txt", only_old.stdout.as_bytes());
    run_stdin(
        &[
            "verify",
            "--secret",
            new,
            "--secret",
            old,
            "--headers",
            file.arg(),
        ],
        b"{}",
    )
    .expect(0);
    run_stdin(&["verify", "--secret", new, "--headers", file.arg()], b"{}").expect(1);
}

#[test]
fn secret_from_the_environment() {
    let body = TempFile::new("body.json", b"{}");
    let out = run_env(
        &["sign", "--scheme", "github", body.arg()],
        &[("HOOKWIRE_SECRET", "from env")],
    )
    .expect(0);
    let verified = GitHub::new("from env")
        .unwrap()
        .verify_now(&headers(&out.stdout), b"{}");
    assert!(verified.is_ok());
    // `--help` never shows the variable's value.
    let help = run_env(&["sign", "--help"], &[("HOOKWIRE_SECRET", "from env")]).expect(0);
    assert!(!help.mentions("from env"), "{}", help.stdout);
}

#[test]
fn generated_secrets_work_with_their_scheme() {
    for flag in ["standard", "stripe", "github", "shopify", "slack"] {
        let out = run(&["secret", "--scheme", flag]).expect(0);
        let secret = out.stdout.trim();
        assert!(!secret.is_empty());
        let signed = run_stdin(&["sign", "--scheme", flag, "--secret", secret], b"{}").expect(0);
        let file = TempFile::new("h.txt", signed.stdout.as_bytes());
        run_stdin(
            &[
                "verify",
                "--scheme",
                flag,
                "--secret",
                secret,
                "--headers",
                file.arg(),
            ],
            b"{}",
        )
        .expect(0);
    }
    assert!(run(&["secret"]).expect(0).stdout.starts_with("whsec_"));
    assert_ne!(run(&["secret"]).stdout, run(&["secret"]).stdout);
    // An Ed25519 pair: the signing key signs, the public key verifies.
    let pair = run(&["secret", "--scheme", "standard", "--ed25519", "--json"]).expect(0);
    let pair: serde_json::Value = serde_json::from_str(&pair.stdout).unwrap();
    let (signing, public) = (
        pair["signing_key"].as_str().unwrap(),
        pair["public_key"].as_str().unwrap(),
    );
    assert!(signing.starts_with("whsk_") && public.starts_with("whpk_"));
    let signed = run_stdin(&["sign", "--secret", signing], b"{}").expect(0);
    let verifier = StandardWebhooks::new(public).unwrap();
    assert!(verifier.verify_now(&headers(&signed.stdout), b"{}").is_ok());
}
