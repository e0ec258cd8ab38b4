//! `hookwire generate`: writes the module, `--check` passes on a fresh file and fails (exit 1)
//! on a stale one, bad input is a usage error (exit 2), fallbacks are reported with pointers.

mod support;

use std::path::PathBuf;

use support::run;

fn fixtures() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../codegen/tests/fixtures/constructs")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn generate_writes_checks_and_reports() {
    let output =
        std::env::temp_dir().join(format!("hookwire-cli-generate-{}.rs", std::process::id()));
    let output_arg = output.to_string_lossy().into_owned();
    let input = fixtures();

    let out = run(&["generate", &input, "-o", &output_arg]).expect(0);
    let code = std::fs::read_to_string(&output).expect("the module was written");
    assert!(code.contains("#[hookwire(event = \"tree\")]"), "{code}");
    assert!(
        out.stderr.contains("3 events (2 fully typed)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("fallback unsupported.json#/properties/either"),
        "{}",
        out.stderr
    );

    run(&["generate", &input, "-o", &output_arg, "--check"]).expect(0);
    std::fs::write(&output, format!("{code}// edited\n")).expect("edit the module");
    let stale = run(&["generate", &input, "-o", &output_arg, "--check"]).expect(1);
    assert!(stale.stderr.contains("is stale"), "{}", stale.stderr);
    assert!(
        stale.stderr.contains("hookwire generate"),
        "{}",
        stale.stderr
    );

    let printed = run(&["generate", &input, "--serialize"]).expect(0);
    assert!(
        printed.stdout.contains("serde::Serialize"),
        "{}",
        printed.stdout
    );
    std::fs::remove_file(&output).ok();
}

#[test]
fn unreadable_or_eventless_input_is_a_usage_error() {
    let missing = run(&["generate", "no-such-spec.json"]).expect(2);
    assert!(
        missing.stderr.contains("no-such-spec.json"),
        "{}",
        missing.stderr
    );
    let not_openapi = run(&["generate", &format!("{}/tree.json", fixtures())]).expect(2);
    assert!(
        not_openapi.stderr.contains("`openapi`"),
        "{}",
        not_openapi.stderr
    );
}
