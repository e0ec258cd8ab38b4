//! The providers' published test vectors through `hookwire verify` and `hookwire sign`
//! (sources in tests/fixtures/VECTORS.md and runtime/tests/signature_vectors.rs).

use crate::support;

use support::{TempFile, run, run_stdin};

const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
const SW_V1: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const SW_V1A: &str =
    "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
const SW_V1A_SEED: &str = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
const SW_V1A_PUBLIC: &str = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";

fn sw_verify(secret: &str, signature: &str, now: &str, body: &[u8]) -> support::Run {
    let id = format!("webhook-id: {SW_ID}");
    let sig = format!("webhook-signature: {signature}");
    let args = [
        "verify",
        "--scheme",
        "standard",
        "--secret",
        secret,
        "-H",
        &id,
        "-H",
        "webhook-timestamp: 1614265330",
        "-H",
        &sig,
        "--now",
        now,
        "-",
    ];
    run_stdin(&args, body)
}

#[test]
fn standard_webhooks_v1_vector() {
    for secret in [SW_SECRET, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] {
        let out = sw_verify(secret, SW_V1, "1614265340", SW_BODY).expect(0);
        assert_eq!(
            out.stdout.trim(),
            format!("valid standard-webhooks signature, id {SW_ID}, timestamp 1614265330")
        );
    }
    // One byte changed, or a window of 5 minutes passed: exit 1, the reason on stderr.
    let out = sw_verify(SW_SECRET, SW_V1, "1614265330", br#"{"test": 2432232315}"#).expect(1);
    assert!(
        out.stderr.contains("no signature matched"),
        "{}",
        out.stderr
    );
    let out = sw_verify(SW_SECRET, SW_V1, "1614265631", SW_BODY).expect(1);
    assert!(
        out.stderr.contains("301 seconds in the past"),
        "{}",
        out.stderr
    );
    // The multi-signature list of the reference tests.
    let list = format!(
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {SW_V1}"
    );
    sw_verify(SW_SECRET, &list, "1614265330", SW_BODY).expect(0);
}

#[test]
fn standard_webhooks_v1a_vector() {
    sw_verify(SW_V1A_PUBLIC, SW_V1A, "1614265330", SW_BODY).expect(0);
    let out = run_stdin(
        &[
            "sign",
            "--secret",
            SW_V1A_SEED,
            "--id",
            SW_ID,
            "--timestamp",
            "1614265330",
        ],
        SW_BODY,
    )
    .expect(0);
    assert!(
        out.stdout
            .contains(&format!("webhook-signature: {SW_V1A}\n"))
    );
}

#[test]
fn standard_webhooks_sign_vector() {
    let body = TempFile::new("body.json", SW_BODY);
    let out = run(&[
        "sign",
        "--secret",
        SW_SECRET,
        "--id",
        SW_ID,
        "--timestamp",
        "1614265330",
        body.arg(),
    ])
    .expect(0);
    assert_eq!(
        out.stdout,
        format!("webhook-id: {SW_ID}\nwebhook-timestamp: 1614265330\nwebhook-signature: {SW_V1}\n")
    );
}

#[test]
fn github_docs_vector() {
    let secret = "It's a Secret to Everybody";
    let signature = "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let args = [
        "verify", "--scheme", "github", "--secret", secret, "-H", signature,
    ];
    run_stdin(&args, b"Hello, World!").expect(0);
    run_stdin(&args, b"Hello, World?").expect(1);
    let out = run_stdin(
        &[
            "sign", "--scheme", "github", "--secret", secret, "--id", "d-1",
        ],
        b"Hello, World!",
    )
    .expect(0);
    assert_eq!(out.stdout, format!("{signature}\nX-GitHub-Delivery: d-1\n"));
}

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const SLACK_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const SLACK_SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

#[test]
fn slack_docs_vector() {
    let headers = TempFile::new(
        "headers.txt",
        format!(
            "POST /slack/commands HTTP/1.1\r\nX-Slack-Request-Timestamp: 1531420618\r\nX-Slack-Signature: {SLACK_SIG}\r\n\r\n"
        )
        .as_bytes(),
    );
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--scheme",
            "slack",
            "--secret",
            SLACK_SECRET,
            "--headers",
            headers.arg(),
        ];
        args.extend_from_slice(extra);
        run_stdin(&args, SLACK_BODY)
    };
    verify(&["--now", "1531420618"]).expect(0);
    let late = verify(&["--now", "1531420919"]).expect(1);
    assert!(
        late.stderr.contains("301 seconds in the past"),
        "{}",
        late.stderr
    );
    verify(&["--now", "1531420919", "--tolerance", "400"]).expect(0);
    verify(&["--now", "1700000000", "--no-timestamp-check"]).expect(0);
    let out = run_stdin(
        &[
            "sign",
            "--scheme",
            "slack",
            "--secret",
            SLACK_SECRET,
            "--timestamp",
            "1531420618",
        ],
        SLACK_BODY,
    )
    .expect(0);
    assert_eq!(
        out.stdout,
        format!("X-Slack-Request-Timestamp: 1531420618\nX-Slack-Signature: {SLACK_SIG}\n")
    );
}

const STRIPE_SECRET: &str = "whsec_test_secret";
const STRIPE_BODY: &[u8] = b"{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";
const STRIPE_V1: &str = "4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150";

#[test]
fn stripe_vectors() {
    let header = format!("Stripe-Signature: t=1700000000,v1={STRIPE_V1}");
    let args = |now: &'static str| {
        vec![
            "verify".to_owned(),
            "--scheme".into(),
            "stripe".into(),
            "--secret".into(),
            STRIPE_SECRET.into(),
            "-H".into(),
            header.clone(),
            "--now".into(),
            now.into(),
            "--json".into(),
        ]
    };
    let ok = |now| {
        let args = args(now);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_stdin(&args, STRIPE_BODY)
    };
    let out = ok("1700000005").expect(0);
    let verdict: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(verdict["valid"], true);
    assert_eq!(verdict["timestamp"], 1_700_000_000);
    // Stripe's libraries accept timestamps in the future, and reject ones older than 300 s.
    ok("1600000000").expect(0);
    let out = ok("1700000301").expect(1);
    let verdict: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(verdict["code"], "timestamp_outside_tolerance");
    // stripe-python `test_timestamp_off_but_no_tolerance`: t=12345, derived signature.
    run_stdin(
        &[
            "verify", "--scheme", "stripe", "--secret", STRIPE_SECRET, "--no-timestamp-check",
            "-H",
            "stripe-signature: t=12345,v1=07b1ede164afb7b5de91267ffa656f568c65d6e0783ce0ac55ee094643578eda",
        ],
        b"{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\",\n  \"data\": { \"object\": { \"id\": \"rdr_123\", \"object\": \"terminal.reader\" } }\n}",
    )
    .expect(0);
}

#[test]
fn shopify_sdk_vector() {
    let out = run_stdin(
        &[
            "verify",
            "--scheme",
            "shopify",
            "--secret",
            "test_secret_key",
            "--json",
            "-H",
            "X-Shopify-Hmac-Sha256: B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=",
            "-H",
            "X-Shopify-Webhook-Id: 123456789",
        ],
        br#"{"foo": "bar"}"#,
    )
    .expect(0);
    let verdict: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(verdict["id"], "123456789");
    assert_eq!(verdict["timestamp"], serde_json::Value::Null);
}
