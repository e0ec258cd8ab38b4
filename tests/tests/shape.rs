//! The shape of the code base, checked: no source file over 500 lines of non-test code, no
//! import circle between the runtime crate's top-level modules (a module may use another only if
//! that one does not use it back, directly or through others), and one integration-test binary
//! per package, naming every test file beside it.
//!
//! Both read the sources as text: comments and `#[cfg(test)] mod tests` blocks at the end of a
//! file are not code here, so a doc link (`[Receiver](crate::receiver::Receiver)`) is no import.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 500;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The file's code lines: comments dropped, cut where its unit-test module starts.
fn code_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut iter = text.lines().peekable();
    while let Some(line) = iter.next() {
        let trimmed = line.trim();
        if trimmed == "#[cfg(test)]"
            && !line.starts_with(' ')
            && iter
                .peek()
                .is_some_and(|next| next.starts_with("mod tests"))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        lines.push(line);
    }
    lines
}

/// A file that holds only tests (a `tests.rs` module or a file under a `tests` folder).
fn is_test_file(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "tests.rs")
        || path.components().any(|c| c.as_os_str() == "tests")
}

#[test]
fn no_source_file_is_over_500_lines_of_non_test_code() {
    let root = workspace();
    let mut files = Vec::new();
    for dir in ["runtime/src", "macros/src", "codegen/src", "cli/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut long: Vec<String> = files
        .iter()
        .filter(|path| !is_test_file(path.strip_prefix(&root).unwrap_or(path)))
        .filter_map(|path| {
            let text = fs::read_to_string(path).expect("a readable source file");
            let total = text.lines().count();
            let cut = text
                .lines()
                .position(|line| line == "#[cfg(test)]")
                .filter(|at| {
                    text.lines()
                        .nth(at + 1)
                        .is_some_and(|l| l.starts_with("mod tests"))
                })
                .unwrap_or(total);
            (cut > MAX_LINES).then(|| {
                format!(
                    "{}: {cut} lines",
                    path.strip_prefix(&root).unwrap_or(path).display()
                )
            })
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines of non-test code:\n{}",
        long.join("\n")
    );
}

/// The top-level modules a file's code names: `crate::x`, `use crate::{x, y::z}`.
fn referenced_modules(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        push_names(&group[start..i], modules, &mut found);
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        push_names(&group[start..i], modules, &mut found);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            push_names(rest, modules, &mut found);
        }
    }
    found
}

fn push_names(path: &str, modules: &BTreeSet<String>, found: &mut BTreeSet<String>) {
    let name: String = path
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if modules.contains(&name) {
        found.insert(name);
    }
}

#[test]
fn runtime_modules_form_no_import_circle() {
    let src = workspace().join("runtime/src");
    let mut modules = BTreeSet::new();
    for entry in fs::read_dir(&src).expect("runtime/src") {
        let path = entry.expect("an entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let is_module = path.is_dir() || path.extension().is_some_and(|ext| ext == "rs");
        if is_module && stem != "lib" && stem != "__private" {
            modules.insert(stem);
        }
    }
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &files {
        let relative = path.strip_prefix(&src).expect("under runtime/src");
        let first = relative.components().next().expect("a component");
        let module = Path::new(first.as_os_str())
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        if !modules.contains(&module) {
            continue;
        }
        let text = fs::read_to_string(path).expect("a readable source file");
        let code = code_lines(&text).join("\n");
        let targets = uses.entry(module.clone()).or_default();
        targets.extend(
            referenced_modules(&code, &modules)
                .into_iter()
                .filter(|m| *m != module),
        );
    }
    let cycles = strongly_connected(&uses);
    let described: Vec<String> = cycles
        .iter()
        .map(|cycle| {
            let edges: Vec<String> = cycle
                .iter()
                .flat_map(|from| {
                    uses[from]
                        .iter()
                        .filter(|to| cycle.contains(*to))
                        .map(move |to| format!("{from} -> {to}"))
                })
                .collect();
            edges.join(", ")
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "import circles between runtime modules:\n{}",
        described.join("\n")
    );
}

/// Tarjan's algorithm: the components of more than one module.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        next: usize,
        found: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        state.index.insert(node, state.next);
        state.low.insert(node, state.next);
        state.next += 1;
        state.stack.push(node);
        let graph = state.graph;
        for next in graph.get(node).into_iter().flatten() {
            let next = next.as_str();
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[next].min(state.low[node]);
                state.low.insert(node, low);
            } else if state.stack.contains(&next) {
                let low = state.index[next].min(state.low[node]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = BTreeSet::new();
            while let Some(top) = state.stack.pop() {
                component.insert(top.to_owned());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}

#[test]
fn the_reader_sees_grouped_imports_and_skips_comments() {
    let modules: BTreeSet<String> = ["clock", "dedup", "inbox"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let text = "//! [x](crate::inbox::X)\nuse crate::{clock::Clock, dedup::{A, B}};\nfn f() {}\n";
    let code = code_lines(text).join("\n");
    let found = referenced_modules(&code, &modules);
    assert_eq!(
        found,
        ["clock", "dedup"].iter().map(|s| s.to_string()).collect()
    );

    let mut graph = BTreeMap::new();
    graph.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    graph.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    graph.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    let cycles = strongly_connected(&graph);
    assert_eq!(
        cycles,
        vec![BTreeSet::from(["a".to_owned(), "b".to_owned()])]
    );
}

/// `pub struct|enum|trait|type Name` declared in the runtime's sources, with where.
fn public_type_names() -> BTreeMap<String, Vec<String>> {
    let src = workspace().join("runtime/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in &files {
        let text = fs::read_to_string(path).expect("a readable source file");
        for line in code_lines(&text) {
            let mut words = line.split_whitespace();
            if words.next() != Some("pub") {
                continue;
            }
            if !matches!(words.next(), Some("struct" | "enum" | "trait" | "type")) {
                continue;
            }
            let Some(word) = words.next() else { continue };
            // A macro's `pub struct $name`: the invocation spells the type's name.
            if word.starts_with('$') {
                continue;
            }
            let name: String = word
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let place = path
                .strip_prefix(&src)
                .unwrap_or(path)
                .display()
                .to_string();
            names.entry(name).or_default().push(place);
        }
    }
    names
}

#[test]
fn no_two_public_types_share_a_name() {
    let shared: Vec<String> = public_type_names()
        .into_iter()
        .filter(|(_, places)| places.len() > 1)
        .map(|(name, places)| format!("{name}: {}", places.join(", ")))
        .collect();
    assert!(
        shared.is_empty(),
        "public types declared twice under one name:\n{}",
        shared.join("\n")
    );
}

/// The workspace's members, as the root `Cargo.toml` lists them.
fn members() -> Vec<String> {
    let manifest = fs::read_to_string(workspace().join("Cargo.toml")).expect("Cargo.toml");
    let line = manifest
        .lines()
        .find(|line| line.starts_with("members = ["))
        .expect("a `members = [...]` line");
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// A package with several test files builds them as one binary, `tests/it.rs` (linking the
/// package's dependencies once, not once per file): `autotests = false`, and each file beside
/// `it.rs` is one of its modules, or it would never run.
#[test]
fn each_package_has_one_test_binary_that_runs_every_test_file() {
    let mut wrong = Vec::new();
    for member in members() {
        let dir = workspace().join(&member);
        let Ok(entries) = fs::read_dir(dir.join("tests")) else {
            continue;
        };
        let mut files: Vec<String> = entries
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
            .collect();
        files.sort();
        if files.len() < 2 {
            continue;
        }
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("a member's Cargo.toml");
        let Ok(root) = fs::read_to_string(dir.join("tests/it.rs")) else {
            wrong.push(format!(
                "{member}/tests: several test files and no tests/it.rs"
            ));
            continue;
        };
        if !manifest.contains("autotests = false") {
            wrong.push(format!(
                "{member}/Cargo.toml: `autotests = false` is missing"
            ));
        }
        let modules: BTreeSet<&str> = root
            .lines()
            .filter_map(|line| line.trim().strip_prefix("mod ")?.strip_suffix(';'))
            .collect();
        for file in files.iter().filter(|file| *file != "it") {
            // A test that needs a process of its own is a `[[test]]` of its own.
            let own_binary = manifest.contains(&format!("path = \"tests/{file}.rs\""));
            if !modules.contains(file.as_str()) && !own_binary {
                wrong.push(format!(
                    "{member}/tests/{file}.rs never runs: add `mod {file};` to {member}/tests/it.rs"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
