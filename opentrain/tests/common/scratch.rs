//! A scratch directory for tests that write files: fresh per test, under the system's
//! temporary directory, removed again on drop.

use std::path::{Path, PathBuf};

/// A fresh directory under the system's temporary directory, removed on drop.
pub struct Scratch(PathBuf);

impl Scratch {
    /// Makes the directory; `label` names the test file it serves, so a leftover is easy to
    /// trace.
    pub fn new(label: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "opentrain-{label}-test-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// The directory itself.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `relative` inside the directory (not created).
    pub fn join(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.0.join(relative)
    }

    /// The names of every entry of the subdirectory `sub`, sorted (a leftover temporary file
    /// would show).
    pub fn entries(&self, sub: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.0.join(sub))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
