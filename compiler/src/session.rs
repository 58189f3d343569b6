//! A build session: one database kept from build to build, so that a build after an edit parses
//! and checks again only the files whose text changed. The standard-library modules a project
//! imports (most of what a small project parses) are parsed and checked once per session.
//!
//! The playground compiles on every edit through one session; the CLI builds once, through
//! [`crate::build`], which has nothing to keep.

use crate::db::{self, CvlDb, Db as _};
use crate::loader::Loader;
use crate::project::BuildResult;

/// A database that outlives one build. See the module docs.
#[derive(Default)]
pub struct Session {
    db: CvlDb,
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds `entry` as [`crate::build`] does, with what the loader holds now: files whose text
    /// changed since the last build are read again, files the loader no longer has are dropped,
    /// and everything else is reused.
    pub fn build(
        &mut self,
        loader: &dyn Loader,
        entry: &str,
        params: &[(String, String)],
    ) -> BuildResult {
        self.refresh(loader);
        db::build_in(&mut self.db, loader, entry, params)
    }

    /// The queries executed since the last call, `parse(Id(0))` and so on: for tests that
    /// prove what a build did again.
    pub fn take_executed(&self) -> Vec<String> {
        self.db.take_executed()
    }

    /// Brings every file already in the database up to date with the loader. Setting a text
    /// that did not change is free: salsa keeps what it computed from it.
    fn refresh(&mut self, loader: &dyn Loader) {
        let paths: Vec<String> = self
            .db
            .workspace()
            .files(&self.db)
            .keys()
            .cloned()
            .collect();
        for path in paths {
            match db::load_text(loader, &path) {
                Ok(text) => {
                    self.db.set_file(&path, text);
                }
                Err(_) => self.db.remove_file(&path),
            }
        }
    }
}
