//! The compiler reads nothing itself: a [`Loader`] hands it text. The CLI has a disk loader,
//! tests and the playground use [`MemoryLoader`], the language server overlays open buffers.

use indexmap::IndexMap;

/// Hands the compiler the text of a file, by its project-relative path with `/` separators
/// (`main.cvl`, `lib/net.cvl`). Standard-library modules (`std/...`) never reach the loader.
pub trait Loader {
    fn load(&self, path: &str) -> Result<String, String>;

    /// The text of standard-library module `name` (`vpc` for `std.vpc`) when the loader
    /// overrides the embedded one (the CLI does, with `CVL_STDLIB_DIR`, for working on the
    /// standard library without rebuilding). `None`: use the embedded module.
    fn load_std(&self, name: &str) -> Option<String> {
        let _ = name;
        None
    }
}

/// Files held in memory, keyed by project-relative path.
#[derive(Clone, Debug, Default)]
pub struct MemoryLoader {
    files: IndexMap<String, String>,
}

impl MemoryLoader {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, path: impl Into<String>, text: impl Into<String>) -> Self {
        self.insert(path, text);
        self
    }

    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, t)| (p.as_str(), t.as_str()))
    }
}

impl Loader for MemoryLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| format!("no file `{path}`"))
    }
}

/// Joins an import path onto the directory of the importing file and normalizes `.` and `..`.
/// Returns `None` when the path climbs above the project root.
pub fn resolve_relative(importer: &str, import: &str) -> Option<String> {
    let mut parts: Vec<&str> = importer.split('/').collect();
    parts.pop();
    for part in import.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_imports_resolve_against_the_importer() {
        assert_eq!(
            resolve_relative("main.cvl", "./lib/net.cvl").as_deref(),
            Some("lib/net.cvl")
        );
        assert_eq!(
            resolve_relative("lib/a.cvl", "../b.cvl").as_deref(),
            Some("b.cvl")
        );
        assert_eq!(resolve_relative("main.cvl", "../x.cvl"), None);
    }
}
