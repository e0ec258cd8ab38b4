//! A consumer's scope: the event types it may read, intersected with the types it asks for.

use crate::feed::FeedQuery;

/// A type pattern: an exact name, or a prefix (`order.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pattern<'a> {
    Exact(&'a str),
    Prefix(&'a str),
}

impl<'a> Pattern<'a> {
    fn of(text: &'a str) -> Self {
        match text.strip_suffix('*') {
            Some(prefix) => Pattern::Prefix(prefix),
            None => Pattern::Exact(text),
        }
    }

    /// The types both match, as one pattern, if any.
    fn and(self, other: Self) -> Option<Self> {
        match (self, other) {
            (Pattern::Exact(a), Pattern::Exact(b)) => (a == b).then_some(self),
            (Pattern::Exact(a), Pattern::Prefix(p)) => a.starts_with(p).then_some(self),
            (Pattern::Prefix(p), Pattern::Exact(a)) => a.starts_with(p).then_some(other),
            (Pattern::Prefix(p), Pattern::Prefix(q)) if p.starts_with(q) => Some(self),
            (Pattern::Prefix(p), Pattern::Prefix(q)) if q.starts_with(p) => Some(other),
            (Pattern::Prefix(_), Pattern::Prefix(_)) => None,
        }
    }

    fn render(self) -> String {
        match self {
            Pattern::Exact(name) => name.to_owned(),
            Pattern::Prefix(prefix) => format!("{prefix}*"),
        }
    }
}

/// `query` narrowed to `scope` (no scope: unchanged): every type the query asks for that the
/// scope allows, or the whole scope when it asks for every type. `None` when nothing it asks
/// for is in scope (an empty type list would mean every type).
pub(crate) fn narrow(query: FeedQuery, scope: Option<&[String]>) -> Option<FeedQuery> {
    let Some(scope) = scope else {
        return Some(query);
    };
    if query.types.is_empty() {
        return Some(query.types(scope.iter().cloned()));
    }
    let mut allowed: Vec<String> = Vec::new();
    for asked in &query.types {
        for granted in scope {
            if let Some(both) = Pattern::of(asked).and(Pattern::of(granted)) {
                let both = both.render();
                if !allowed.contains(&both) {
                    allowed.push(both);
                }
            }
        }
    }
    (!allowed.is_empty()).then(|| query.types(allowed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn narrowed(asked: &[&str], scope: &[&str]) -> Option<Vec<String>> {
        let scope: Vec<String> = scope.iter().map(|s| (*s).to_owned()).collect();
        let query = FeedQuery::from_start().types(asked.iter().copied());
        narrow(query, Some(&scope)).map(|q| q.types)
    }

    #[test]
    fn a_query_is_narrowed_to_the_scope() {
        assert_eq!(narrowed(&[], &["order.*"]).unwrap(), ["order.*"]);
        assert_eq!(
            narrowed(&["order.created", "invoice.*"], &["order.*"]).unwrap(),
            ["order.created"]
        );
        assert_eq!(
            narrowed(&["*"], &["order.*", "refund.issued"]).unwrap(),
            ["order.*", "refund.issued"]
        );
        assert_eq!(
            narrowed(&["order.*"], &["order.shipped.*", "order.created"]).unwrap(),
            ["order.shipped.*", "order.created"]
        );
        assert_eq!(narrowed(&["invoice.paid"], &["order.*"]), None);
        assert_eq!(narrowed(&["invoice.*"], &["order.*"]), None);
        let unscoped = FeedQuery::from_start().types(["x"]);
        assert_eq!(narrow(unscoped.clone(), None), Some(unscoped));
    }
}
