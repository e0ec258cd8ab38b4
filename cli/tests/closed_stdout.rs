//! A reader that goes away (`hookwire ... | head -1`) is not a crash: the command ends as it
//! would have, without a panic, and says nothing about the closed pipe.

use std::process::{Command, Stdio};

/// Runs `hookwire args` with a standard output whose reading end is already closed.
fn run_into_closed_pipe(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_hookwire"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("hookwire runs")
}

#[test]
fn a_closed_stdout_ends_the_output_quietly() {
    let body = std::env::temp_dir().join(format!(
        "hookwire-closed-stdout-{}.json",
        std::process::id()
    ));
    std::fs::write(&body, br#"{"type":"ping","data":{}}"#).unwrap();
    let body = body.to_str().unwrap().to_owned();
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    for args in [
        vec!["secret"],
        vec!["secret", "--json"],
        vec![
            "sign",
            "--secret",
            secret,
            "--id",
            "msg_1",
            "--timestamp",
            "1700000000",
            &body,
        ],
    ] {
        let output = run_into_closed_pipe(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
    let _ = std::fs::remove_file(body);
}
