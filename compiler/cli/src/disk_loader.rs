//! The loader that reads a project from disk: loader paths (project-relative, `/`-separated:
//! `main.cvl`, `lib/net.cvl`) map to files under the project root; paths that would leave the
//! root are refused.

use std::path::{Path, PathBuf};

/// A project on disk: its root folder and the loader path of its entry file.
#[derive(Clone, Debug)]
pub struct Project {
    pub root: PathBuf,
    /// The entry file as a loader path: `main.cvl`, or the file name given on the command line.
    pub entry: String,
}

impl Project {
    /// Finds the project at `path`: a `.cvl` file (the root is its folder) or a folder with a
    /// `main.cvl`. The error is a message for the user (an IO problem, exit status 2).
    pub fn locate(path: &Path) -> Result<Project, String> {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
        if meta.is_dir() {
            let main = path.join("main.cvl");
            if !main.is_file() {
                return Err(format!(
                    "`{}` has no `main.cvl`: give a folder with a main.cvl or a .cvl file",
                    path.display()
                ));
            }
            return Ok(Project {
                root: path.to_path_buf(),
                entry: "main.cvl".to_string(),
            });
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !name.ends_with(".cvl") {
            return Err(format!(
                "`{}` is not a .cvl file: give a .cvl file or a folder with a main.cvl",
                path.display()
            ));
        }
        let root = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(Project {
            root,
            entry: name.to_string(),
        })
    }
}

/// Reads project files from under a root folder.
#[derive(Clone, Debug)]
pub struct DiskLoader {
    root: PathBuf,
}

impl DiskLoader {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DiskLoader { root: root.into() }
    }

    /// The file a loader path names, or `None` when the path is not a plain relative path
    /// inside the root (absolute, `..`, backslashes, drive letters, empty segments).
    pub fn file_path(&self, path: &str) -> Option<PathBuf> {
        if path.is_empty() || path.starts_with('/') || path.contains('\\') || path.contains(':') {
            return None;
        }
        let mut file = self.root.clone();
        for segment in path.split('/') {
            match segment {
                "" | "." | ".." => return None,
                s => file.push(s),
            }
        }
        Some(file)
    }
}

impl cvl::Loader for DiskLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        let file = self
            .file_path(path)
            .ok_or_else(|| format!("`{path}` is outside the project folder"))?;
        std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read `{}`: {}", file.display(), io_reason(&e)))
    }
}

/// An IO error's reason without the "(os error 2)" noise.
pub fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cvl::Loader as _;

    #[test]
    fn loader_paths_stay_inside_the_root() {
        let loader = DiskLoader::new("/project");
        assert_eq!(
            loader.file_path("lib/x.cvl"),
            Some(PathBuf::from("/project/lib/x.cvl"))
        );
        assert_eq!(
            loader.file_path("main.cvl"),
            Some(PathBuf::from("/project/main.cvl"))
        );
        for bad in [
            "",
            "/etc/passwd",
            "../x.cvl",
            "lib/../../x.cvl",
            "a//b.cvl",
            "C:x",
            "a\\b",
        ] {
            assert_eq!(loader.file_path(bad), None, "{bad}");
        }
        assert!(
            loader
                .load("../secret")
                .unwrap_err()
                .contains("outside the project")
        );
    }

    #[test]
    fn a_project_is_a_cvl_file_or_a_folder_with_main() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.cvl"), "").unwrap();
        std::fs::write(dir.path().join("other.cvl"), "").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "").unwrap();
        let p = Project::locate(dir.path()).unwrap();
        assert_eq!(
            (p.root.as_path(), p.entry.as_str()),
            (dir.path(), "main.cvl")
        );
        let p = Project::locate(&dir.path().join("other.cvl")).unwrap();
        assert_eq!(
            (p.root.as_path(), p.entry.as_str()),
            (dir.path(), "other.cvl")
        );
        assert!(Project::locate(&dir.path().join("notes.txt")).is_err());
        assert!(Project::locate(&dir.path().join("missing")).is_err());
        let p = Project::locate(Path::new("x.cvl"));
        assert!(p.is_err());
    }
}
