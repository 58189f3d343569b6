//! The output folder of `cvl build`, replaced all at once or not at all.
//!
//! The files go into a fresh sibling folder `<out>.tmp-<pid>` as the build produces them (a
//! template's text arrives in parts while the build goes on). Once the build has succeeded,
//! that folder takes the place of `out`: on Linux the two folders are exchanged in one step
//! (`renameat2`), so `out` never goes missing, and the old one is removed; elsewhere the old
//! folder is moved aside to `<out>.old-<pid>`, the new one moved in, and the old one removed.
//! A build that fails, or
//! is dropped before [`Staging::commit`], removes its temporary folder and leaves the previous
//! `out` as it was. An existing `out` is replaced only when it is empty or holds a
//! `manifest.json` (that is, when cvl wrote it): a mistyped `--out src` never deletes sources.

use crate::disk_loader::io_reason;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// A temporary output folder that [`Staging::commit`] puts in the place of `out`.
pub struct Staging {
    out: PathBuf,
    /// `out`'s last component; `None` when `out` names no folder (`..`), which every write and
    /// the commit then report.
    name: Option<String>,
    /// The folder `out` is in.
    parent: PathBuf,
    /// `<out>.tmp-<pid>`, beside `out`.
    tmp: PathBuf,
    /// Whether this staging created `tmp` (and so removes it unless committed).
    created: bool,
    committed: bool,
}

impl Staging {
    /// A staging for `out`; nothing is created until the first write.
    pub fn new(out: &Path) -> Staging {
        let name = out.file_name().and_then(|n| n.to_str()).map(str::to_string);
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = parent.join(format!(
            "{}.tmp-{}",
            name.as_deref().unwrap_or("out"),
            std::process::id()
        ));
        Staging {
            out: out.to_path_buf(),
            name,
            parent,
            tmp,
            created: false,
            committed: false,
        }
    }

    /// Writes `file` (a plain file name) into the temporary folder, replacing what an earlier
    /// write put there.
    pub fn write(&mut self, file: &str, text: &str) -> Result<(), String> {
        let path = self.folder()?.join(file);
        let written = std::fs::File::create(&path).and_then(|mut f| f.write_all(text.as_bytes()));
        written.map_err(|e| format!("cannot write `{}`: {}", path.display(), io_reason(&e)))
    }

    /// Adds `text` at the end of `file` in the temporary folder (creating it if need be).
    pub fn append(&mut self, file: &str, text: &str) -> Result<(), String> {
        let path = self.folder()?.join(file);
        let written = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        written.map_err(|e| format!("cannot write `{}`: {}", path.display(), io_reason(&e)))
    }

    /// The temporary folder, created on first use (a leftover of the same name, from a
    /// process that had this pid, is removed first).
    fn folder(&mut self) -> Result<&Path, String> {
        self.name_or_error()?;
        if !self.created {
            std::fs::create_dir_all(&self.parent).map_err(|e| {
                format!(
                    "cannot create `{}`: {}",
                    self.parent.display(),
                    io_reason(&e)
                )
            })?;
            let _ = std::fs::remove_dir_all(&self.tmp);
            std::fs::create_dir(&self.tmp).map_err(|e| {
                format!("cannot create `{}`: {}", self.tmp.display(), io_reason(&e))
            })?;
            self.created = true;
        }
        Ok(&self.tmp)
    }

    fn name_or_error(&self) -> Result<&str, String> {
        self.name.as_deref().ok_or_else(|| {
            format!(
                "`--out {}` must name a folder (such as `out`)",
                self.out.display()
            )
        })
    }

    /// Puts the temporary folder, with what was written into it, in the place of `out`. A
    /// failure at any point leaves the previous `out` as it was.
    pub fn commit(self) -> Result<(), String> {
        self.commit_with(swap)
    }

    /// [`Staging::commit`], exchanging an existing `out` and the temporary folder with
    /// `exchange` when it can (see [`swap`]), else by two renames.
    fn commit_with(
        mut self,
        exchange: fn(&Path, &Path) -> Result<bool, String>,
    ) -> Result<(), String> {
        let name = self.name_or_error()?.to_string();
        let shown = self.out.display().to_string();
        let exists = match std::fs::symlink_metadata(&self.out) {
            Ok(meta) if meta.is_dir() => true,
            Ok(_) => return Err(format!("`{shown}` exists and is not a folder")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(format!("cannot read `{shown}`: {}", io_reason(&e))),
        };
        if exists && !self.out.join("manifest.json").is_file() {
            let empty = std::fs::read_dir(&self.out)
                .map_err(|e| format!("cannot read `{shown}`: {}", io_reason(&e)))?
                .next()
                .is_none();
            if !empty {
                return Err(format!(
                    "refusing to replace `{shown}`: it is not empty and has no manifest.json, so cvl did not write it; \
                     remove it or choose another --out"
                ));
            }
        }
        self.folder()?;
        if !exists {
            std::fs::rename(&self.tmp, &self.out)
                .map_err(|e| format!("cannot create `{shown}`: {}", io_reason(&e)))?;
            self.committed = true;
            return Ok(());
        }
        if exchange(&self.tmp, &self.out).map_err(|e| format!("cannot replace `{shown}`: {e}"))? {
            self.committed = true;
            // `tmp` holds the previous output now: only clutter
            let _ = std::fs::remove_dir_all(&self.tmp);
            return Ok(());
        }
        let old = self
            .parent
            .join(format!("{name}.old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(&self.out, &old)
            .map_err(|e| format!("cannot replace `{shown}`: {}", io_reason(&e)))?;
        if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
            let _ = std::fs::rename(&old, &self.out);
            return Err(format!("cannot replace `{shown}`: {}", io_reason(&e)));
        }
        self.committed = true;
        // The new output is in place; a leftover old folder is only clutter.
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }
}

impl Drop for Staging {
    /// An uncommitted staging takes its temporary folder with it.
    fn drop(&mut self) {
        if self.created && !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Exchanges two folders in one step, so that `b` always exists (Linux's
/// `renameat2(RENAME_EXCHANGE)`). `Ok(false)` where that is not available (another system, an
/// older kernel, a file system without it): the caller renames in two steps instead.
fn swap(a: &Path, b: &Path) -> Result<bool, String> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
            Err(e) => Err(io_reason(&std::io::Error::from(e))),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Tidies up after builds that were killed midway (`<out>.tmp-<pid>` and `<out>.old-<pid>`
/// folders of processes that no longer run). A build killed between its two renames leaves
/// `out` missing and the previous output in `<out>.old-<pid>`: that folder is put back, so the
/// previous output is in place again even if this build then fails. The others are removed.
/// Runs before anything is compiled; errors are ignored (the folders are only clutter).
pub fn recover_output(out: &Path) {
    let Some(name) = out.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    let mut found: Vec<(bool, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let Ok(file_name) = entry.file_name().into_string() else {
            continue;
        };
        let Some(rest) = file_name.strip_prefix(name) else {
            continue;
        };
        let (old, pid) = match (rest.strip_prefix(".old-"), rest.strip_prefix(".tmp-")) {
            (Some(pid), _) => (true, pid),
            (_, Some(pid)) => (false, pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !is_running(pid) {
            found.push((old, entry.path()));
        }
    }
    found.sort();
    for (old, path) in found {
        if old && !out.exists() {
            let _ = std::fs::rename(&path, out);
        } else {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Whether a process runs. Linux lists running processes in `/proc`; where there is no such
/// list, every process counts as running, so the folders of another build are never touched.
fn is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stages `files` (name, text) and commits them.
    fn replace(out: &Path, files: &[(&str, &str)]) -> Result<(), String> {
        let mut staging = Staging::new(out);
        for (file, text) in files {
            staging.write(file, text)?;
        }
        staging.commit()
    }

    fn files(n: &'static str) -> Vec<(&'static str, &'static str)> {
        vec![("a.template.json", n), ("manifest.json", "{}\n")]
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_whole_folder_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("nested/out");
        replace(&out, &files("1\n")).unwrap();
        std::fs::write(out.join("stale.template.json"), "old").unwrap();
        replace(&out, &files("2\n")).unwrap();
        assert_eq!(listing(&out), ["a.template.json", "manifest.json"]);
        assert_eq!(
            std::fs::read_to_string(out.join("a.template.json")).unwrap(),
            "2\n"
        );
        assert_eq!(listing(&dir.path().join("nested")), ["out"]);
    }

    /// Where folders cannot be exchanged in one step, the old output is moved aside and the
    /// new one moved in; the result is the same.
    #[test]
    fn without_an_exchange_two_renames_replace_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        replace(&out, &files("1\n")).unwrap();
        let mut staging = Staging::new(&out);
        staging.write("a.template.json", "2\n").unwrap();
        staging.write("manifest.json", "{}\n").unwrap();
        staging.commit_with(|_, _| Ok(false)).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a.template.json")).unwrap(),
            "2\n"
        );
        assert_eq!(listing(dir.path()), ["out"]);
        // an exchange that fails leaves the previous output and takes the new one away
        let mut staging = Staging::new(&out);
        staging.write("a.template.json", "3\n").unwrap();
        let err = staging
            .commit_with(|_, _| Err("no such thing".into()))
            .unwrap_err();
        assert!(err.contains("cannot replace"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("a.template.json")).unwrap(),
            "2\n"
        );
        assert_eq!(listing(dir.path()), ["out"]);
    }

    #[test]
    fn parts_are_written_in_order_and_a_new_first_part_starts_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut staging = Staging::new(&out);
        staging.write("a.template.json", "{\n  \"A\": 1").unwrap();
        staging.write("b.template.json", "{").unwrap();
        staging.append("a.template.json", "\n}\n").unwrap();
        // a build that starts over writes the first part again
        staging.write("b.template.json", "{}").unwrap();
        staging.append("b.template.json", "\n").unwrap();
        staging.write("manifest.json", "{}\n").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a.template.json")).unwrap(),
            "{\n  \"A\": 1\n}\n"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("b.template.json")).unwrap(),
            "{}\n"
        );
    }

    #[test]
    fn an_uncommitted_staging_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        replace(&out, &files("1\n")).unwrap();
        {
            let mut staging = Staging::new(&out);
            staging.write("a.template.json", "2\n").unwrap();
            staging.write("b.template.json", "{").unwrap();
        }
        assert_eq!(listing(dir.path()), ["out"]);
        assert_eq!(
            std::fs::read_to_string(out.join("a.template.json")).unwrap(),
            "1\n"
        );
        // nothing written: nothing created either
        drop(Staging::new(&dir.path().join("other")));
        assert_eq!(listing(dir.path()), ["out"]);
    }

    #[test]
    fn never_replaces_a_folder_cvl_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("main.cvl"), "keep").unwrap();
        let err = replace(&src, &files("1\n")).unwrap_err();
        assert!(err.contains("refusing to replace"), "{err}");
        assert_eq!(listing(&src), ["main.cvl"]);
        assert_eq!(listing(dir.path()), ["src"]);
        // an empty folder is fine
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        replace(&empty, &files("1\n")).unwrap();
        // a file is not
        std::fs::write(dir.path().join("file"), "").unwrap();
        let err = replace(&dir.path().join("file"), &files("1\n")).unwrap_err();
        assert!(err.contains("is not a folder"), "{err}");
        let err = replace(Path::new(".."), &files("1\n")).unwrap_err();
        assert!(err.contains("must name a folder"), "{err}");
        assert_eq!(listing(dir.path()), ["empty", "file", "src"]);
    }

    #[test]
    fn a_failed_write_keeps_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        replace(&out, &files("1\n")).unwrap();
        let bad = [("a.template.json", "2"), ("no/such/dir.json", "")];
        let err = replace(&out, &bad).unwrap_err();
        assert!(err.contains("cannot write"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("a.template.json")).unwrap(),
            "1\n"
        );
        assert_eq!(listing(dir.path()), ["out"]);
    }

    #[test]
    fn recovery_puts_back_the_output_of_a_build_killed_between_its_renames() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        // pid 4194304 + 1 is above Linux's pid_max: no such process runs
        let old = dir.path().join("out.old-4194305");
        let tmp = dir.path().join("out.tmp-4194305");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("manifest.json"), "{}\n").unwrap();
        std::fs::create_dir(&tmp).unwrap();
        recover_output(&out);
        assert_eq!(listing(dir.path()), ["out"]);
        assert_eq!(listing(&out), ["manifest.json"]);
    }
}
