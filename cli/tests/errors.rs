//! Bad input: the right exit code, a clear message, no panic, and never a secret in any output.

use crate::support;

use support::{Run, TempFile, run, run_stdin};

/// A secret distinctive enough that finding it in an output is never a coincidence.
const SECRET: &str = "whsec_U2VjcmV0TmV2ZXJQcmludGVkWFla";
/// The same secret, base64-decoded ("SecretNeverPrintedXYZ").
const DECODED: &str = "SecretNeverPrintedXYZ";

#[track_caller]
fn assert_quiet(out: &Run) {
    for needle in [SECRET, DECODED, "U2VjcmV0TmV2ZXJQcmludGVkWFla"] {
        assert!(
            !out.mentions(needle),
            "secret printed:\n{}\n{}",
            out.stdout,
            out.stderr
        );
    }
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn missing_header_is_an_invalid_signature_with_a_hint() {
    let out = run_stdin(&["verify", "--secret", SECRET], b"{}").expect(1);
    assert!(
        out.stderr.contains("invalid: missing header `webhook-id`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--header"), "{}", out.stderr);
    assert_quiet(&out);
    let out = run_stdin(
        &[
            "verify",
            "--secret",
            SECRET,
            "-H",
            "webhook-id: msg_1",
            "--json",
        ],
        b"{}",
    )
    .expect(1);
    let verdict: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["code"], "missing_header");
    assert_eq!(verdict["header"], "webhook-timestamp");
    assert_quiet(&out);
}

#[test]
fn malformed_header_values_and_flags() {
    // A value the scheme cannot read: the request is invalid (1).
    let out = run_stdin(
        &[
            "verify",
            "--secret",
            SECRET,
            "-H",
            "webhook-id: msg_1",
            "-H",
            "webhook-timestamp: hello",
            "-H",
            "webhook-signature: v1,abc",
            "--json",
        ],
        b"{}",
    )
    .expect(1);
    let verdict: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(verdict["code"], "malformed_header");
    assert!(
        out.stderr.contains("malformed header `webhook-timestamp`"),
        "{}",
        out.stderr
    );
    assert_quiet(&out);
    // A --header that is not `Name: value`: a usage error (2).
    for bad in ["no-colon", ": empty name", "two words: v"] {
        let out = run_stdin(&["verify", "--secret", SECRET, "-H", bad], b"{}").expect(2);
        assert!(
            out.stderr.starts_with("error: invalid --header: "),
            "{}",
            out.stderr
        );
        assert_quiet(&out);
    }
    // A bad line in a --headers file names the file and the line.
    let file = TempFile::new("headers.txt", b"webhook-id: msg_1\nnot a header\n");
    let out = run_stdin(
        &["verify", "--secret", SECRET, "--headers", file.arg()],
        b"{}",
    )
    .expect(2);
    assert!(out.stderr.contains("line 2"), "{}", out.stderr);
}

#[test]
fn bad_secrets_are_usage_errors_that_never_echo_the_secret() {
    let cases: &[&[&str]] = &[
        &[
            "verify",
            "--secret",
            "whsec_SecretNeverPrintedXYZ!!",
            "-H",
            "a: b",
        ],
        &["sign", "--secret", "whsec_SecretNeverPrintedXYZ!!"],
        &["sign", "--secret", "whsk_U2VjcmV0TmV2ZXJQcmludGVkWFla"],
        &[
            "send",
            "--secret",
            "whsec_SecretNeverPrintedXYZ!!",
            "--url",
            "http://127.0.0.1:9/",
            "-",
        ],
        &[
            "listen",
            "--secret",
            "whsec_SecretNeverPrintedXYZ!!",
            "--port",
            "0",
        ],
        &[
            "sign",
            "--scheme",
            "stripe",
            "--secret",
            "SecretNeverPrintedXYZ \n",
        ],
        &[
            "verify",
            "--secret",
            SECRET,
            "--secret",
            "whsec_SecretNeverPrintedXYZ!!",
        ],
    ];
    for args in cases {
        let out = run(args).expect(2);
        assert!(
            out.stderr.starts_with("error: invalid --secret"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("expected"), "{}", out.stderr);
        assert!(
            !out.mentions("SecretNeverPrintedXYZ"),
            "{args:?}: {}",
            out.stderr
        );
        assert_quiet(&out);
    }
    // The second of two secrets is named by position.
    let out = run(&["verify", "--secret", SECRET, "--secret", "whsec_!!"]).expect(2);
    assert!(out.stderr.contains("--secret #2"), "{}", out.stderr);
    // An empty one.
    let out = run(&["sign", "--scheme", "github", "--secret", ""]).expect(2);
    assert!(out.stderr.contains("empty secret"), "{}", out.stderr);
}

#[test]
fn a_public_key_cannot_sign() {
    let out = run_stdin(
        &[
            "sign",
            "--secret",
            "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=",
        ],
        b"{}",
    )
    .expect(2);
    assert!(out.stderr.contains("no signing key"), "{}", out.stderr);
}

#[test]
fn unreadable_files_and_bad_arguments() {
    let out = run(&["sign", "--secret", SECRET, "/no/such/file.json"]).expect(2);
    assert!(
        out.stderr.contains("cannot read `/no/such/file.json`"),
        "{}",
        out.stderr
    );
    assert_quiet(&out);
    let out = run(&["verify", "--secret", SECRET, "--headers", "/no/such/h.txt"]).expect(2);
    assert!(
        out.stderr.contains("cannot read `/no/such/h.txt`"),
        "{}",
        out.stderr
    );
    let out = run(&[
        "send",
        "--secret",
        SECRET,
        "--url",
        "http://127.0.0.1:9/",
        "/no/such",
    ]);
    assert!(out.expect(2).stderr.contains("cannot read"));
    // clap's own errors: exit 2, never echoing the secret.
    for args in [
        &["sign", "--scheme", "nope", "--secret", SECRET][..],
        &["verify", "--secret", SECRET, "--now", "yesterday"],
        &[
            "verify",
            "--secret",
            SECRET,
            "--tolerance",
            "5",
            "--no-timestamp-check",
        ],
        &["sign"],
        &["frobnicate"],
        &[
            "send",
            "--secret",
            SECRET,
            "--url",
            "http://127.0.0.1:9/",
            "--attempts",
            "0",
            "x",
        ],
    ] {
        let out = run(args).expect(2);
        assert_quiet(&out);
    }
    let out = run(&["sign", "--secret", SECRET, "--id", "has space"]).expect(2);
    assert!(out.stderr.contains("invalid delivery id"), "{}", out.stderr);
    let out = run(&["sign", "--secret", SECRET, "--timestamp=-5"]).expect(2);
    assert!(out.stderr.contains("invalid timestamp"), "{}", out.stderr);
}

#[test]
fn send_refuses_what_it_cannot_do() {
    let body = TempFile::new("push.json", br#"{"ref":"main"}"#);
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--url",
                "http://127.0.0.1:9/",
                "--cacert",
                "/nonexistent/ca.pem",
            ],
            "--cacert: cannot read",
        ),
        (&["--url", "not a url"], "url"),
        (
            &["--scheme", "github", "--url", "http://127.0.0.1:9/"],
            "--type is required",
        ),
        (
            &[
                "--scheme",
                "slack",
                "--type",
                "x",
                "--url",
                "http://127.0.0.1:9/",
            ],
            "not supported",
        ),
        (
            &["--type", "bad type", "--url", "http://127.0.0.1:9/"],
            "type",
        ),
        (
            &["--count", "1", "--url", "http://127.0.0.1:9/"],
            "unexpected argument",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["send", "--secret", SECRET, body.arg()];
        all.extend_from_slice(args);
        let out = run(&all).expect(2);
        assert!(
            out.stderr.to_lowercase().contains(&needle.to_lowercase()),
            "{args:?}: {}",
            out.stderr
        );
        assert_quiet(&out);
    }
    let not_json = TempFile::new("x.txt", b"not json");
    let out = run(&[
        "send",
        "--secret",
        SECRET,
        "--type",
        "a.b",
        "--url",
        "http://127.0.0.1:9/",
        not_json.arg(),
    ])
    .expect(2);
    assert!(out.stderr.contains("is not JSON"), "{}", out.stderr);
}

#[test]
fn every_command_has_examples_in_its_help() {
    for command in ["sign", "verify", "send", "listen", "secret"] {
        let out = run(&[command, "--help"]).expect(0);
        assert!(
            out.stdout.contains("Examples:"),
            "{command}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains(&format!("hookwire {command}")),
            "{command}"
        );
    }
    let out = run(&["--help"]).expect(0);
    assert!(out.stdout.contains("Exit status"));
    run(&["--version"]).expect(0);
}

#[test]
fn secret_flag_combinations() {
    let out = run(&["secret", "--scheme", "github", "--ed25519"]).expect(2);
    assert!(
        out.stderr.contains("--ed25519 needs --scheme standard"),
        "{}",
        out.stderr
    );
}
