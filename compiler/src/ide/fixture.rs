//! Test fixtures: files with the cursor drawn in as `$0`, in a database with the standard
//! library loaded.

use crate::db::{CvlDb, SourceFile};
use crate::loader::MemoryLoader;

/// A database holding `files` (the first is the entry) and what they import. The file holding
/// `$0` is returned with the cursor's offset (the marker removed); without one, the first file
/// and offset 0.
pub fn fixture(files: &[(&str, &str)]) -> (CvlDb, SourceFile, usize) {
    let mut db = CvlDb::new();
    let mut loader = MemoryLoader::new();
    let mut cursor = None;
    for (path, text) in files {
        if let Some(at) = text.find("$0") {
            cursor = Some((path.to_string(), at));
        }
        loader.insert(path.to_string(), text.replace("$0", ""));
    }
    for (path, _) in files {
        db.load_project(&loader, path);
    }
    let (path, offset) = cursor.unwrap_or((files[0].0.to_string(), 0));
    let file = db.file(&path).expect("the fixture's file is loaded");
    (db, file, offset)
}

/// One file, `main.cvl`.
pub fn one(text: &str) -> (CvlDb, SourceFile, usize) {
    fixture(&[("main.cvl", text)])
}

/// The text of `span` in `file`.
pub fn slice(db: &CvlDb, file: SourceFile, span: crate::source::Span) -> String {
    file.text(db)[span.start..span.end].to_string()
}
