//! Temporary crates that depend on hookwire by path, checked or run with cargo in the
//! workspace's own target directory (cargo holds no lock on it while tests run), so the
//! dependencies the workspace's build or clippy already compiled with the same features are
//! reused, and what they add builds once; and where the shared provider corpora are (`corpora`).

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

pub mod corpora;

/// Cargo runs one at a time: they share a target directory.
static CARGO: Mutex<()> = Mutex::new(());

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ has a parent")
        .to_owned()
}

/// The workspace's target directory.
fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
}

/// A crate under `target/codegen-crates/<name>` with `files` (path, content), depending on
/// hookwire (with `features`) and serde.
pub struct TempCrate {
    pub dir: PathBuf,
}

impl TempCrate {
    pub fn new(name: &str, features: &[&str], files: &[(&str, &str)]) -> Self {
        let dir = target().join("codegen-crates").join(name);
        std::fs::create_dir_all(dir.join("src")).expect("create the crate folder");
        let runtime = repo().join("runtime");
        let features: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nhookwire = {{ path = {runtime:?}, features = [{}] }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\n\n[workspace]\n\n\
             [profile.dev]\ndebug = false\n",
            features.join(", ")
        );
        write_if_changed(&dir.join("Cargo.toml"), &manifest);
        let lock = std::fs::read_to_string(repo().join("Cargo.lock")).expect("Cargo.lock");
        write_if_changed(&dir.join("Cargo.lock"), &lock);
        for (path, content) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create folders");
            write_if_changed(&path, content);
        }
        TempCrate { dir }
    }

    /// Runs `cargo <args>` in the crate; returns its stderr, panicking with it on failure.
    pub fn cargo(&self, args: &[&str]) -> (String, String) {
        let _guard = CARGO
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(args)
            .arg("--message-format=short")
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", target())
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .expect("run cargo");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            output.status.success(),
            "cargo {args:?} failed in {}:\n{stderr}\n{stdout}",
            self.dir.display()
        );
        (stdout, stderr)
    }

    /// `cargo <command>` (`check`, `build`), failing on any warning in the crate's own code.
    pub fn without_warnings(&self, command: &str) {
        let (_, stderr) = self.cargo(&[command, "--offline", "--all-targets"]);
        // Only the crate's own files (relative paths); hookwire's are checked by its own CI.
        let warnings: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("src/") && l.contains("warning"))
            .collect();
        assert!(warnings.is_empty(), "warnings:\n{}", warnings.join("\n"));
    }
}

/// Writes only when the content differs, so cargo sees unchanged files as unchanged.
fn write_if_changed(path: &Path, content: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(content) {
        std::fs::write(path, content).expect("write a file of the temporary crate");
    }
}
