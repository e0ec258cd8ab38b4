//! The module as a directory of files under a line budget: `mod.rs` (the `mod` lines, a `pub
//! use` of each file, the catalog and dispatch), the shared types, each event family's
//! payload types, and the endpoints, each group cut into files of at most `budget` lines.

use std::collections::{BTreeMap, BTreeSet};

use crate::GeneratedFile;
use crate::ir::{Def, Kind, Ty, VariantBody};
use crate::names::{self, Scope};

/// The formatted pieces of one generation.
pub(crate) struct Parts<'a> {
    /// The "generated, do not edit" comment every file starts with (ends with a newline).
    pub(crate) header: &'a str,
    pub(crate) source_name: &'a str,
    /// The catalog and dispatch items, each with the definitions it names.
    pub(crate) front: &'a [(String, Vec<usize>)],
    /// Each endpoint struct and the definitions it names.
    pub(crate) endpoints: &'a [(String, Vec<usize>)],
    pub(crate) defs: &'a [Def],
    /// Each definition's item, by index.
    pub(crate) def_code: &'a [String],
    /// Each event's payload definition and the event's name.
    pub(crate) events: &'a [(usize, &'a str)],
    /// The most lines a file should have (a single item longer than this gets a file alone).
    pub(crate) budget: usize,
}

/// One file before it is written: its module name, what it says it holds, its items.
struct Chunk {
    module: String,
    doc: String,
    /// The items' code.
    items: Vec<String>,
    /// Whether an item names a type of another file.
    imports: bool,
}

/// The files of the directory module, `mod.rs` first, then by name.
pub(crate) fn layout(parts: &Parts<'_>) -> Vec<GeneratedFile> {
    let uses: Vec<Vec<usize>> = parts.defs.iter().map(references).collect();
    let families = families(parts, &uses);
    let mut modules = Scope::default();
    let mut chunks = Vec::new();

    let mut by_family: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut shared = Vec::new();
    for (id, owners) in families.iter().enumerate() {
        match owners.iter().collect::<Vec<_>>().as_slice() {
            [only] => by_family.entry(only).or_default().push(id),
            _ => shared.push(id),
        }
    }
    let defs_group = |ids: &[usize]| -> Vec<(String, Vec<usize>, BTreeSet<usize>)> {
        ids.iter()
            .map(|&id| {
                (
                    parts.def_code[id].clone(),
                    uses[id].clone(),
                    BTreeSet::from([id]),
                )
            })
            .collect()
    };
    let doc = "Types the payloads of more than one event family use.".to_owned();
    pack(
        &mut chunks,
        &mut modules,
        "shared",
        &doc,
        defs_group(&shared),
        parts,
    );
    let endpoints = parts
        .endpoints
        .iter()
        .map(|(code, used)| (code.clone(), used.clone(), BTreeSet::new()))
        .collect();
    let doc = "Request types of the document's operations.".to_owned();
    pack(
        &mut chunks,
        &mut modules,
        "endpoints",
        &doc,
        endpoints,
        parts,
    );
    for (family, ids) in &by_family {
        let doc =
            format!("The payload types of the `{family}` events, and the types only they use.");
        pack(
            &mut chunks,
            &mut modules,
            &module_name(family),
            &doc,
            defs_group(ids),
            parts,
        );
    }

    // mod.rs: the catalog and dispatch stay in it when they fit, else get files of their own.
    let front: Vec<&str> = parts.front.iter().map(|(code, _)| code.as_str()).collect();
    let mut root = root(parts, &chunks, &front);
    if !front.is_empty() && lines(&root) > parts.budget {
        let doc = "The catalog of every event, and the dispatch helpers.".to_owned();
        let items = parts
            .front
            .iter()
            .map(|(code, used)| (code.clone(), used.clone(), BTreeSet::new()))
            .collect();
        pack(&mut chunks, &mut modules, "catalog", &doc, items, parts);
        root = self::root(parts, &chunks, &[]);
    }
    chunks.sort_by(|a, b| a.module.cmp(&b.module));
    let mut files = vec![GeneratedFile {
        name: "mod.rs".to_owned(),
        code: root,
    }];
    files.extend(chunks.iter().map(|chunk| GeneratedFile {
        name: format!("{}.rs", chunk.module),
        code: render(parts.header, chunk),
    }));
    files
}

/// `mod.rs`: header, module docs, the `mod` and `pub use` lines, then `front`.
fn root(parts: &Parts<'_>, chunks: &[Chunk], front: &[&str]) -> String {
    let mut modules: Vec<&str> = chunks.iter().map(|c| c.module.as_str()).collect();
    modules.sort_unstable();
    let mut code = format!(
        "{}\n//! The types generated from `{}`: the shared types, then one file per event family\n\
         //! (each at most {} lines, about); every item is re-exported here.\n\n",
        parts.header, parts.source_name, parts.budget
    );
    for module in &modules {
        code.push_str(&format!("mod {module};\n"));
    }
    code.push('\n');
    for module in &modules {
        code.push_str(&format!("pub use self::{module}::*;\n"));
    }
    for item in front {
        code.push('\n');
        code.push_str(item);
    }
    code
}

/// One file's text.
fn render(header: &str, chunk: &Chunk) -> String {
    let mut code = format!("{header}\n//! {}\n\n", chunk.doc);
    if chunk.imports {
        code.push_str("use super::*;\n\n");
    }
    code.push_str(&chunk.items.join("\n"));
    code
}

fn lines(code: &str) -> usize {
    code.lines().count()
}

/// Cuts `items` (code, the definitions it names, the definitions it defines) into files of at
/// most `parts.budget` lines, named `stem`, `stem_2`, ...
fn pack(
    chunks: &mut Vec<Chunk>,
    modules: &mut Scope,
    stem: &str,
    doc: &str,
    items: Vec<(String, Vec<usize>, BTreeSet<usize>)>,
    parts: &Parts<'_>,
) {
    // The header, a blank, the doc line, a blank, `use super::*;`, a blank.
    let fixed = lines(parts.header) + 5;
    let mut current: Vec<(String, Vec<usize>, BTreeSet<usize>)> = Vec::new();
    let mut used_lines = fixed;
    let mut groups = Vec::new();
    for item in items {
        let more = lines(&item.0) + usize::from(!current.is_empty());
        if !current.is_empty() && used_lines + more > parts.budget {
            groups.push(std::mem::take(&mut current));
            used_lines = fixed;
        }
        used_lines += lines(&item.0) + usize::from(!current.is_empty());
        current.push(item);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    let count = groups.len();
    for (index, group) in groups.into_iter().enumerate() {
        let defined: BTreeSet<usize> = group.iter().flat_map(|(_, _, d)| d).copied().collect();
        let imports = group
            .iter()
            .flat_map(|(_, used, _)| used)
            .any(|id| !defined.contains(id));
        let doc = if count > 1 {
            format!("{doc} (part {} of {count})", index + 1)
        } else {
            doc.to_owned()
        };
        chunks.push(Chunk {
            module: modules.claim(stem.to_owned()),
            doc,
            items: group.into_iter().map(|(code, _, _)| code).collect(),
            imports,
        });
    }
}

/// A module name for an event family: its snake case, with `_events` for a keyword.
fn module_name(family: &str) -> String {
    let snake = names::snake(family);
    match snake.strip_prefix("r#") {
        Some(keyword) => format!("{keyword}_events"),
        None => snake,
    }
}

/// For each definition, the event families (`pull_request` of `pull_request.opened`) whose
/// payload types reach it.
fn families<'a>(parts: &Parts<'a>, uses: &[Vec<usize>]) -> Vec<BTreeSet<&'a str>> {
    let mut owners = vec![BTreeSet::new(); parts.defs.len()];
    for &(def, event) in parts.events {
        let family = event.split_once('.').map_or(event, |(head, _)| head);
        let mut stack = vec![def];
        while let Some(id) = stack.pop() {
            if owners[id].insert(family) {
                stack.extend(uses[id].iter().copied());
            }
        }
    }
    owners
}

/// The definitions `def`'s item names.
fn references(def: &Def) -> Vec<usize> {
    let mut used = Vec::new();
    let mut add = |ty: &Ty| ty.named_ids(&mut used);
    match &def.kind {
        Kind::Pending | Kind::StringEnum(_) => {}
        Kind::Newtype(inner) => add(inner),
        Kind::Struct { fields, extra } => {
            fields.iter().for_each(|field| add(&field.ty));
            if let Some(extra) = extra {
                add(extra);
            }
        }
        Kind::Tagged { variants, .. } | Kind::Untagged(variants) => {
            for variant in variants {
                match &variant.body {
                    VariantBody::Unit => {}
                    VariantBody::Newtype(inner) => add(inner),
                    VariantBody::Fields(fields) => fields.iter().for_each(|field| add(&field.ty)),
                }
            }
        }
    }
    used
}
