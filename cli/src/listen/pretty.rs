//! Indenting JSON text as received: keys keep their order and numbers their spelling, which
//! a round trip through `serde_json::Value` would not preserve.

/// Re-indents `json`, which must be valid JSON (checked by the caller), two spaces per level.
pub(super) fn indent(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    out.push(c);
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                skip_whitespace(&mut chars);
                if matches!(chars.peek(), Some('}' | ']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_whitespace(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while chars.next_if(char::is_ascii_whitespace).is_some() {}
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::indent;

    #[test]
    fn keeps_order_and_strings() {
        let json =
            r#" {"type":"a.b","data":{"z":1,"a":[1, 2.50,{}],"s":"x,\"{y}\": \\","e":[ ]}} "#;
        assert_eq!(
            indent(json),
            "{\n  \"type\": \"a.b\",\n  \"data\": {\n    \"z\": 1,\n    \"a\": [\n      1,\n      2.50,\n      {}\n    ],\n    \"s\": \"x,\\\"{y}\\\": \\\\\",\n    \"e\": []\n  }\n}"
        );
        assert_eq!(indent("3"), "3");
        assert_eq!(indent("[]"), "[]");
    }
}
