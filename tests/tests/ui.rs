//! Compile-time behaviour of the derives: what they accept (`ui/*/pass`) and the exact error for
//! each mistake (`ui/*/fail`, one error condition per file). Regenerate the expected output with
//! `TRYBUILD=overwrite cargo test -p hookwire-tests --test ui` and review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/event/pass/*.rs");
    cases.pass("ui/events/pass/*.rs");
    cases.compile_fail("ui/event/fail/*.rs");
    cases.compile_fail("ui/events/fail/*.rs");
    cases.pass("ui/endpoint/pass/*.rs");
    cases.compile_fail("ui/endpoint/fail/*.rs");
}
