//! The event type name rule, mirrored from the runtime's `hookwire::check_event_type`
//! (`runtime/src/event_name.rs`): a proc-macro crate cannot depend on the crate it generates
//! code for. Self-contained (std only) so that the runtime's test `tests/event_name.rs` includes
//! this very file and checks both agree, name by name and message by message.

/// The longest event type name, in bytes.
pub(crate) const MAX_LEN: usize = 256;

/// `Ok` when `name` is letters, digits, `_` and `-` in non-empty segments separated by single
/// `.` or `/`, at most [`MAX_LEN`] bytes; otherwise what is wrong, as the runtime says it.
pub(crate) fn check(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".to_owned());
    }
    if name.len() > MAX_LEN {
        return Err(format!(
            "it is {} bytes long and receivers accept at most {MAX_LEN}",
            name.len()
        ));
    }
    for segment in name.split(['.', '/']) {
        if segment.is_empty() {
            return Err(
                "it has an empty segment (a separator at the start or end, or two in a row)"
                    .to_owned(),
            );
        }
        if let Some(bad) = segment
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        {
            return Err(format!("`{}` is not allowed", bad.escape_default()));
        }
    }
    Ok(())
}
