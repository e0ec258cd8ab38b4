//! A string that a simple regular expression matches, for examples of `pattern` schemas.
//!
//! Supported: literals and escapes, `.`, `\d \w \s` (and their negations), classes with ranges
//! and negation, groups (`(...)`, `(?:...)`, named `(?<n>...)`) with alternation (the first
//! alternative is taken), anchors and word boundaries, and the quantifiers `? * + {n} {n,}
//! {n,m}` (each repeated its least number of times, `+` once). Look-arounds and
//! back-references are not: the caller falls back to the author's `examples`. Nor is a
//! pattern whose shortest instance is longer than 4 KiB (nested quantifiers multiply).

/// The longest instance built, in bytes.
const MAX_INSTANCE: usize = 4096;

/// The shortest string built from the first alternative of each choice that `pattern`
/// matches, or `None` when the pattern uses something this generator does not know.
pub(crate) fn instance(pattern: &str) -> Option<String> {
    let mut parser = Parser {
        chars: pattern.chars().collect(),
        at: 0,
        depth: 0,
    };
    let text = parser.alternatives()?;
    (parser.at == parser.chars.len()).then_some(text)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.at += 1;
        }
        found
    }

    /// `a|b|c` up to a `)` or the end: the first alternative's text.
    fn alternatives(&mut self) -> Option<String> {
        let first = self.sequence()?;
        while self.eat('|') {
            self.sequence()?;
        }
        Some(first)
    }

    fn sequence(&mut self) -> Option<String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let times = self.quantifier()?;
            // Nested quantifiers multiply: past the budget, give up as for an unknown pattern.
            if out.len() + atom.len().saturating_mul(times) > MAX_INSTANCE {
                return None;
            }
            out.push_str(&atom.repeat(times));
        }
        Some(out)
    }

    fn atom(&mut self) -> Option<String> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            '^' | '$' => String::new(),
            '.' => "a".to_owned(),
            '[' => self.class()?.to_string(),
            '\\' => self.escape()?.map(String::from).unwrap_or_default(),
            '(' => {
                if self.eat('?') {
                    let named = self.eat('<') || self.eat('P') && self.eat('<');
                    if named {
                        while !self.eat('>') {
                            self.peek()?;
                            self.at += 1;
                        }
                    } else if !self.eat(':') {
                        return None;
                    }
                }
                self.depth += 1;
                if self.depth > 64 {
                    return None;
                }
                let inner = self.alternatives()?;
                self.depth -= 1;
                self.eat(')').then_some(inner)?
            }
            '*' | '+' | '?' | '{' | ')' => return None,
            other => other.to_string(),
        })
    }

    /// An escape after `\`: `Some(None)` for a zero-width one (`\b`).
    fn escape(&mut self) -> Option<Option<char>> {
        let c = self.peek()?;
        self.at += 1;
        Some(Some(match c {
            'd' => '0',
            'w' | 'D' | 'S' => 'a',
            's' => ' ',
            'W' => '-',
            'b' | 'B' | 'A' | 'z' | 'Z' => return Some(None),
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'u' => {
                let hex: String = self.chars.get(self.at..self.at + 4)?.iter().collect();
                self.at += 4;
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            '1'..='9' | 'k' | 'p' | 'P' | 'x' | 'c' => return None,
            other => other,
        }))
    }

    /// A character class after `[`: its first member, or for `[^...]` a character outside it.
    fn class(&mut self) -> Option<char> {
        let negated = self.eat('^');
        let mut ranges: Vec<(char, char)> = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek()?;
            self.at += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = match c {
                '\\' => match self.peek()? {
                    'd' => {
                        self.at += 1;
                        ranges.push(('0', '9'));
                        continue;
                    }
                    'w' => {
                        self.at += 1;
                        ranges.extend([('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]);
                        continue;
                    }
                    's' => {
                        self.at += 1;
                        ranges.extend([(' ', ' '), ('\t', '\t'), ('\n', '\n')]);
                        continue;
                    }
                    _ => self.escape()??,
                },
                other => other,
            };
            let range = self.peek() == Some('-') && self.chars.get(self.at + 1) != Some(&']');
            if range {
                self.at += 1;
                let high = match self.peek()? {
                    '\\' => {
                        self.at += 1;
                        self.escape()??
                    }
                    other => {
                        self.at += 1;
                        other
                    }
                };
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        let inside = |c: char| ranges.iter().any(|(low, high)| (*low..=*high).contains(&c));
        if negated {
            "a0A_-x.Z9 ".chars().find(|c| !inside(*c))
        } else {
            ranges.first().map(|(low, _)| *low)
        }
    }

    /// How many times to repeat the atom before it: the quantifier's least count (`+`: 1).
    fn quantifier(&mut self) -> Option<usize> {
        let times = match self.peek() {
            Some('?' | '*') => {
                self.at += 1;
                0
            }
            Some('+') => {
                self.at += 1;
                1
            }
            Some('{') => {
                let close = self.chars[self.at..].iter().position(|c| *c == '}')?;
                let body: String = self.chars[self.at + 1..self.at + close].iter().collect();
                let least = body.split(',').next()?.trim().parse::<usize>().ok()?;
                self.at += close + 1;
                least.min(256)
            }
            _ => return Some(1),
        };
        // Lazy and possessive forms repeat the same least count.
        if !self.eat('?') {
            self.eat('+');
        }
        Some(times)
    }
}

#[cfg(test)]
mod tests {
    use super::instance;

    #[test]
    fn simple_patterns_have_instances() {
        for (pattern, expected) in [
            ("^[A-Z]{3}$", "AAA"),
            ("^(0|[1-9][0-9]*)(\\.[0-9]{1,2})?$", "0"),
            ("^v1a?,[A-Za-z0-9+/=]+( v1a?,[A-Za-z0-9+/=]+)*$", "v1,A"),
            ("^[0-9]+$", "0"),
            ("^msg_[a-zA-Z0-9]{4,}$", "msg_aaaa"),
            ("^\\d{4}-\\d{2}$", "0000-00"),
            ("^[^@]+@[^@]+$", "a@a"),
            ("^(?:ab|cd)+\\.x$", "ab.x"),
            ("[-a]", "-"),
            ("^(a{64}){64}$", "a".repeat(4096).as_str()),
        ] {
            assert_eq!(instance(pattern).as_deref(), Some(expected), "{pattern}");
        }
        let nested = "((((a{256}){256}){256}){256})";
        for unsupported in ["(?=a)b", "(a)\\1", "a{", "(a", "\\p{L}", nested] {
            assert_eq!(instance(unsupported), None, "{unsupported}");
        }
    }
}
