//! Compile-time behaviour of the derives: what they accept (`ui/*/pass`) and the exact error for
//! each mistake (`ui/*/fail`, one error condition per file). Regenerate the expected output with
//! `TRYBUILD=overwrite cargo test -p hookwire-ui-tests --test ui` and review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("event/pass/*.rs");
    cases.pass("events/pass/*.rs");
    cases.compile_fail("event/fail/*.rs");
    cases.compile_fail("events/fail/*.rs");
    cases.pass("endpoint/pass/*.rs");
    cases.compile_fail("endpoint/fail/*.rs");
}
