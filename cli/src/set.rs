//! `--set PATH=VALUE`: overriding one value of a payload, by a dotted path (`customer.email`,
//! `items.0.quantity`) or a JSON pointer (`/customer/email`).

use serde_json::Value;

use crate::error::CliError;

/// Applies one `PATH=VALUE`: VALUE is JSON when it parses as JSON (`3`, `true`, `null`,
/// `{"a": 1}`, `"quoted"`), a string otherwise. Every segment but the last must exist; the last
/// may add a member to an object, or replace an existing array item (`-` appends).
pub(crate) fn apply(payload: &mut Value, assignment: &str) -> Result<(), CliError> {
    let fail = |why: String| CliError::usage(format!("--set {assignment}: {why}"));
    let (path, text) = assignment
        .split_once('=')
        .ok_or_else(|| fail("expected PATH=VALUE".into()))?;
    let value = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()));
    let segments = segments(path).map_err(fail)?;
    let Some((last, parents)) = segments.split_last() else {
        *payload = value;
        return Ok(());
    };
    let mut at = payload;
    let mut walked = String::new();
    for segment in parents {
        at = child(at, segment, &walked).map_err(fail)?;
        walked.push('/');
        walked.push_str(segment);
    }
    let place = if walked.is_empty() {
        "the payload"
    } else {
        walked.as_str()
    };
    match at {
        Value::Object(map) => {
            map.insert(last.clone(), value);
        }
        Value::Array(items) if last == "-" => items.push(value),
        Value::Array(items) => {
            let len = items.len();
            let slot = last
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get_mut(index))
                .ok_or_else(|| {
                    fail(format!("`{last}` is not an index of the array at {place} ({len} items; `-` appends)"))
                })?;
            *slot = value;
        }
        other => {
            return Err(fail(format!(
                "{place} is {}, not an object or an array",
                kind(other)
            )));
        }
    }
    Ok(())
}

/// The segments of a JSON pointer (`/a/b`) or a dotted path (`a.b`); `""` is the payload.
fn segments(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(pointer) = path.strip_prefix('/') {
        return Ok(pointer
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect());
    }
    let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
    if segments.iter().any(String::is_empty) {
        return Err(
            "an empty segment in the path (use a JSON pointer, /a/b, for keys with dots)".into(),
        );
    }
    Ok(segments)
}

fn child<'a>(value: &'a mut Value, segment: &str, walked: &str) -> Result<&'a mut Value, String> {
    let place = if walked.is_empty() {
        "the payload"
    } else {
        walked
    };
    match value {
        Value::Object(map) => {
            let known: Vec<String> = map.keys().take(12).cloned().collect();
            map.get_mut(segment).ok_or_else(|| {
                format!(
                    "{place} has no member `{segment}` (it has: {})",
                    known.join(", ")
                )
            })
        }
        Value::Array(items) => {
            let len = items.len();
            segment
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get_mut(index))
                .ok_or_else(|| {
                    format!("`{segment}` is not an index of the array at {place} ({len} items)")
                })
        }
        other => Err(format!("{place} is {}, it has no `{segment}`", kind(other))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::apply;
    use crate::error::CliError;

    #[test]
    fn paths_and_pointers_set_values() {
        let mut payload = json!({"customer": {"email": "a@b"}, "items": [{"qty": 1}], "a.b": 0});
        apply(&mut payload, "customer.email=x@y.z").unwrap();
        apply(&mut payload, "items.0.qty=5").unwrap();
        apply(&mut payload, "/a.b=true").unwrap();
        apply(&mut payload, "items.-={\"qty\": 2}").unwrap();
        apply(&mut payload, "note=\"12\"").unwrap();
        assert_eq!(
            payload,
            json!({"customer": {"email": "x@y.z"}, "items": [{"qty": 5}, {"qty": 2}],
                   "a.b": true, "note": "12"})
        );
        for (bad, needle) in [
            ("nobody.email=1", "has no member `nobody`"),
            ("items.7.qty=1", "not an index"),
            ("items.3=1", "not an index"),
            ("customer.email.x=1", "is a string"),
            ("noequals", "PATH=VALUE"),
            ("a..b=1", "empty segment"),
        ] {
            match apply(&mut payload, bad) {
                Err(CliError::Usage(message)) => {
                    assert!(message.contains(needle), "{bad}: {message}")
                }
                other => panic!("{bad}: expected a usage error, got {other:?}"),
            }
        }
    }
}
