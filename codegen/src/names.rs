//! Rust names from wire names: `PascalCase` types and variants, `snake_case` fields, keywords
//! made raw, collisions numbered.

use std::collections::BTreeSet;

/// Words Rust reserves; a field named like one is written `r#name`.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_`.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names the generated code spells itself; a schema with one of these names is renamed.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Vec",
    "String",
    "Box",
    "Result",
    "Ok",
    "Err",
    "Value",
    "BTreeMap",
    "Deserialize",
    "Serialize",
    "JsonSchema",
    "Event",
    "Events",
    "Endpoint",
    "Self",
];

/// Splits a wire name into lowercase words at separators and case changes: `appId`,
/// `app_id`, `app-id` and `AppID` all give `app`, `id`.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            let spelled = match c {
                '+' => "plus",
                '-' if current.is_empty() && chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                    "minus"
                }
                _ => "",
            };
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            if !spelled.is_empty() {
                words.push(spelled.to_owned());
            }
            continue;
        }
        let boundary = c.is_ascii_uppercase()
            && !current.is_empty()
            && (chars[i - 1].is_ascii_lowercase()
                || chars[i - 1].is_ascii_digit()
                || chars.get(i + 1).is_some_and(char::is_ascii_lowercase));
        if boundary {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `order.shipped` -> `OrderShipped`; never empty, never starting with a digit.
pub(crate) fn pascal(name: &str) -> String {
    let mut out: String = words(name)
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// `appId` -> `app_id`; keywords become `r#type`; never empty or starting with a digit.
pub(crate) fn snake(name: &str) -> String {
    let mut out = words(name).join("_");
    if out.is_empty() {
        out.push_str("field");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    escape_keyword(out)
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// A set of names in one scope (the module's types, one struct's fields, one enum's
/// variants): a second use of a name gets `2`, `3`, ... appended.
#[derive(Default)]
pub(crate) struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope for the module's type names, with the names the generated code uses reserved.
    pub(crate) fn types() -> Self {
        Scope {
            taken: RESERVED_TYPES
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
        }
    }

    /// Takes `wanted`, or the first free numbered form of it.
    pub(crate) fn claim(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let stem = match wanted.strip_prefix("r#") {
            Some(stem) => stem.to_owned(),
            None => wanted.trim_end_matches('_').to_owned(),
        };
        (2..)
            .map(|n| {
                if stem.chars().next().is_some_and(char::is_uppercase) {
                    format!("{stem}{n}")
                } else {
                    format!("{stem}_{n}")
                }
            })
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(pascal("order.shipped"), "OrderShipped");
        assert_eq!(pascal("pull_request$opened"), "PullRequestOpened");
        assert_eq!(pascal("common/pull-request"), "CommonPullRequest");
        assert_eq!(pascal("HTTPHeader"), "HttpHeader");
        assert_eq!(pascal("+1"), "Plus1");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("2xx"), "V2xx");
        assert_eq!(snake("appId"), "app_id");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("+1"), "plus_1");
        assert_eq!(snake("-1"), "minus_1");
        assert_eq!(snake("$ref"), "r#ref");
        assert_eq!(snake("@timestamp"), "timestamp");
        assert_eq!(snake("2fa"), "n_2fa");
    }

    #[test]
    fn scopes_number_collisions() {
        let mut scope = Scope::types();
        assert_eq!(scope.claim("Value".into()), "Value2");
        assert_eq!(scope.claim("User".into()), "User");
        assert_eq!(scope.claim("User".into()), "User2");
        let mut fields = Scope::default();
        assert_eq!(fields.claim("r#type".into()), "r#type");
        assert_eq!(fields.claim("r#type".into()), "type_2");
    }
}
