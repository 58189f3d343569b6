//! The salsa database and the queries that drive the pipeline.
//!
//! Inputs: one [`SourceFile`] per file (its id and text) and one [`Workspace`] (every file of
//! the project by id). Queries, one per phase:
//!
//! - [`parse`]: a file's tree and syntax diagnostics. Re-runs only when that file's text changes.
//! - [`resolve_imports`]: a file's import aliases resolved to file ids. Depends on the file's
//!   tree and on which files exist.
//! - [`module_interface`] and [`check_file`]: the type checker's view of a file. `check_file`
//!   depends on the interfaces of the files it imports, not on their text, so editing a body
//!   that keeps a module's interface re-checks only that module.
//! - [`evaluate`]: params in, templates and manifest out, for one build request.
//!
//! Results carry their diagnostics (no accumulators), so a query's result is everything a
//! front end needs from it.

use crate::diagnostic::{self, Code, Diagnostic};
use crate::eval::interp::Interp;
use crate::eval::params as eval_params;
use crate::evaluation::{self, Trees};
use crate::loader::{Loader, resolve_relative};
use crate::project::{
    BuildOutput, BuildResult, CheckResult, PARAMS_FILE, ParamsResult, TemplatePart,
};
use crate::source::Span;
use crate::syntax::ast::{self, ImportTarget, ItemKind};
use crate::types::{self, CheckInput, CheckOutput, ModuleInterface};
use indexmap::IndexMap;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// One file of the project: its id (`main.cvl`, `std/vpc.cvl`) and its text.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
}

/// Every file of the project, by id. Files that could not be loaded are absent.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: BTreeMap<String, SourceFile>,
}

/// A build request: the entry file and the `NAME=VALUE` params.
#[salsa::interned(debug)]
pub struct BuildRequest<'db> {
    #[returns(ref)]
    pub entry: String,
    #[returns(ref)]
    pub params: Vec<(String, String)>,
}

#[salsa::db]
pub trait Db: salsa::Database {
    /// The project's file table.
    fn workspace(&self) -> Workspace;
}

/// The database: salsa's storage, the workspace input, and a log of executed queries (for
/// tests that prove what re-ran).
#[salsa::db]
#[derive(Clone)]
pub struct CvlDb {
    storage: salsa::Storage<Self>,
    workspace: Option<Workspace>,
    log: Arc<Mutex<Vec<salsa::DatabaseKeyIndex>>>,
}

impl Default for CvlDb {
    fn default() -> Self {
        let log: Arc<Mutex<Vec<salsa::DatabaseKeyIndex>>> = Arc::default();
        let sink = log.clone();
        let callback = Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind
                && let Ok(mut log) = sink.lock()
            {
                log.push(database_key);
            }
        });
        let storage = salsa::Storage::builder().event_callback(callback).build();
        let mut db = CvlDb {
            storage,
            workspace: None,
            log,
        };
        let workspace = Workspace::new(&db, BTreeMap::new());
        db.workspace = Some(workspace);
        db
    }
}

#[salsa::db]
impl salsa::Database for CvlDb {}

#[salsa::db]
impl Db for CvlDb {
    fn workspace(&self) -> Workspace {
        self.workspace
            .expect("the workspace is created with the database")
    }
}

impl CvlDb {
    pub fn new() -> Self {
        Self::default()
    }

    /// `parse(Id(0))`-style names of the queries executed since the last call.
    pub fn take_executed(&self) -> Vec<String> {
        use salsa::Database as _;
        let keys = match self.log.lock() {
            Ok(mut log) => std::mem::take(&mut *log),
            Err(_) => Vec::new(),
        };
        keys.into_iter()
            .map(|k| {
                format!(
                    "{}({:?})",
                    self.ingredient_debug_name(k.ingredient_index()),
                    k.key_index()
                )
            })
            .collect()
    }

    /// Sets the text of a file, adding it to the workspace when it is new.
    pub fn set_file(&mut self, path: &str, text: String) -> SourceFile {
        use salsa::Setter as _;
        let workspace = self.workspace();
        if let Some(&file) = workspace.files(self).get(path) {
            if file.text(self) != &text {
                file.set_text(self).to(text);
            }
            return file;
        }
        let file = SourceFile::new(self, path.to_string(), text);
        let mut files = workspace.files(self).clone();
        files.insert(path.to_string(), file);
        workspace.set_files(self).to(files);
        file
    }

    /// Removes a file from the workspace.
    pub fn remove_file(&mut self, path: &str) {
        use salsa::Setter as _;
        let workspace = self.workspace();
        if workspace.files(self).contains_key(path) {
            let mut files = workspace.files(self).clone();
            files.remove(path);
            workspace.set_files(self).to(files);
        }
    }

    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.workspace().files(self).get(path).copied()
    }

    /// Loads the entry file and everything it imports, transitively, through the loader
    /// (standard-library modules come from the compiler itself). Files already in the
    /// workspace are not loaded again. Returns the files that could not be loaded.
    pub fn load_project(&mut self, loader: &dyn Loader, entry: &str) -> Vec<String> {
        let mut queue = vec![entry.to_string()];
        let mut missing = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        while let Some(path) = queue.pop() {
            if !seen.insert(path.clone()) {
                continue;
            }
            let file = match self.file(&path) {
                Some(file) => file,
                None => match load_text(loader, &path) {
                    Ok(text) => self.set_file(&path, text),
                    Err(_) => {
                        missing.push(path);
                        continue;
                    }
                },
            };
            let parsed = parse(self, file);
            for item in &parsed.ast.items {
                if let ItemKind::Import(import) = &item.kind
                    && let Some(target) = import_path(&path, &import.target)
                {
                    queue.push(target);
                }
            }
        }
        missing
    }
}

/// The text of file `path` from the loader; standard-library modules (`std/vpc.cvl`) come from
/// the compiler itself unless the loader overrides them.
pub fn load_text(loader: &dyn Loader, path: &str) -> Result<String, String> {
    match path
        .strip_prefix("std/")
        .and_then(|p| p.strip_suffix(".cvl"))
    {
        Some(name) => loader
            .load_std(name)
            .or_else(|| crate::stdlib::module(name).map(String::from))
            .ok_or_else(|| format!("no module `{name}`")),
        None => loader.load(path),
    }
}

/// The file id an import names, relative to the importing file.
pub fn import_path(importer: &str, target: &ImportTarget) -> Option<String> {
    match target {
        ImportTarget::Std(segments) => {
            let names: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
            Some(format!("std/{}.cvl", names.join("/")))
        }
        ImportTarget::File { path, .. } => resolve_relative(importer, path),
    }
}

// ---------------------------------------------------------------------------------------------
// Queries

/// A parsed file: its tree and its syntax diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub ast: Arc<ast::File>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file. Cached per file; re-runs only when the file's text changes.
#[salsa::tracked(returns(ref))]
pub fn parse(db: &dyn Db, file: SourceFile) -> Parsed {
    let (ast, diagnostics) = crate::syntax::parse_file(file.path(db), file.text(db));
    Parsed {
        ast: Arc::new(ast),
        diagnostics,
    }
}

/// A file's imports: alias to the imported file (`None` when it does not exist or would
/// close a cycle), with the diagnostics for those that failed.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ResolvedImports {
    pub targets: Vec<(String, Option<SourceFile>)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Resolves a file's imports against the workspace. Cached per file; re-runs when the file's
/// tree or the set of files changes.
#[salsa::tracked(returns(ref))]
pub fn resolve_imports(db: &dyn Db, file: SourceFile) -> ResolvedImports {
    let parsed = parse(db, file);
    let files = db.workspace().files(db);
    let path = file.path(db);
    let mut out = ResolvedImports::default();
    for item in &parsed.ast.items {
        let ItemKind::Import(import) = &item.kind else {
            continue;
        };
        let span = match &import.target {
            ImportTarget::Std(segments) => segments
                .first()
                .map(|s| s.span)
                .unwrap_or(item.span)
                .to(segments.last().map(|s| s.span).unwrap_or(item.span)),
            ImportTarget::File { span, .. } => *span,
        };
        let target = import_path(path, &import.target).and_then(|p| files.get(&p).copied());
        if target.is_none() {
            let (message, known): (String, Vec<&str>) = match &import.target {
                ImportTarget::Std(segments) => {
                    let name: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
                    (
                        format!(
                            "the standard library has no module `std.{}`",
                            name.join(".")
                        ),
                        crate::stdlib::MODULES.iter().map(|(n, _)| *n).collect(),
                    )
                }
                ImportTarget::File { path: p, .. } => {
                    (format!("cannot find the file `{p}`"), Vec::new())
                }
            };
            let mut diagnostic =
                Diagnostic::error(Code::UnresolvedImport, path.clone(), span, message);
            if let ImportTarget::Std(segments) = &import.target
                && let Some(last) = segments.last()
            {
                diagnostic = diagnostic.with_suggestion(&last.name, known.iter().copied());
                if diagnostic.help.is_none() {
                    diagnostic.help = Some(format!(
                        "the modules are {}",
                        known
                            .iter()
                            .map(|k| format!("`std.{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            out.diagnostics.push(diagnostic);
        }
        out.targets.push((import.alias.name.clone(), target));
    }
    out
}

/// True when `from` imports `to`, directly or through other files.
fn reaches(db: &dyn Db, from: SourceFile, to: SourceFile) -> bool {
    let mut stack = vec![from];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(file) = stack.pop() {
        if file == to {
            return true;
        }
        if !seen.insert(file.path(db).clone()) {
            continue;
        }
        for (_, target) in &resolve_imports(db, file).targets {
            if let Some(target) = target {
                stack.push(*target);
            }
        }
    }
    false
}

/// Type-checks one file. Cached per file; re-runs when its tree changes or when the
/// interface of a module it imports changes.
#[salsa::tracked(returns(ref))]
pub fn check_file(db: &dyn Db, file: SourceFile) -> CheckOutput {
    let parsed = parse(db, file);
    let resolved = resolve_imports(db, file);
    let mut imports: IndexMap<String, Option<Arc<ModuleInterface>>> = IndexMap::new();
    let mut cycle_diagnostics = Vec::new();
    for (alias, target) in &resolved.targets {
        let interface = match target {
            Some(target) if reaches(db, *target, file) => {
                let span = parsed
                    .ast
                    .items
                    .iter()
                    .find_map(|item| match &item.kind {
                        ItemKind::Import(import) if import.alias.name == *alias => Some(item.span),
                        _ => None,
                    })
                    .unwrap_or_default();
                cycle_diagnostics.push(Diagnostic::error(
                    Code::ImportCycle,
                    file.path(db).clone(),
                    span,
                    format!(
                        "`{}` and `{}` import each other",
                        file.path(db),
                        target.path(db)
                    ),
                ));
                None
            }
            Some(target) => Some(module_interface(db, *target).clone()),
            None => None,
        };
        imports.insert(alias.clone(), interface);
    }
    let is_entry = !file.path(db).starts_with("std/") && is_entry_file(db, file);
    let mut output = types::check_module(CheckInput {
        file: file.path(db),
        ast: &parsed.ast,
        imports: &imports,
        is_entry,
    });
    output.diagnostics.extend(cycle_diagnostics);
    output
}

/// A file is an entry when no other file of the workspace imports it.
fn is_entry_file(db: &dyn Db, file: SourceFile) -> bool {
    let files = db.workspace().files(db);
    !files.values().any(|other| {
        *other != file
            && resolve_imports(db, *other)
                .targets
                .iter()
                .any(|(_, t)| *t == Some(file))
    })
}

/// What a module offers its importers. Separate from [`check_file`] so that importers are
/// re-checked only when this changes.
#[salsa::tracked(returns(ref))]
pub fn module_interface(db: &dyn Db, file: SourceFile) -> Arc<ModuleInterface> {
    check_file(db, file).interface.clone()
}

/// The outcome of one build: output when there is no error, and the diagnostics.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BuildOutcome {
    pub output: Option<BuildOutput>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every diagnostic of the project before evaluation: syntax, imports, types, for the entry
/// file and everything it imports.
pub fn static_diagnostics(db: &dyn Db, entry: SourceFile) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for file in project_files(db, entry) {
        diagnostics.extend(parse(db, file).diagnostics.iter().cloned());
        diagnostics.extend(resolve_imports(db, file).diagnostics.iter().cloned());
        diagnostics.extend(check_file(db, file).diagnostics.iter().cloned());
    }
    diagnostic::sort_and_dedup(&mut diagnostics);
    diagnostics
}

/// The entry file and the files it imports, transitively, in a stable order (entry first).
pub fn project_files(db: &dyn Db, entry: SourceFile) -> Vec<SourceFile> {
    let mut order = vec![entry];
    let mut index = 0;
    while index < order.len() {
        let file = order[index];
        for (_, target) in &resolve_imports(db, file).targets {
            if let Some(target) = target
                && !order.contains(target)
            {
                order.push(*target);
            }
        }
        index += 1;
    }
    order
}

/// Evaluates and lowers a project for one set of params. Cached per request.
#[salsa::tracked(returns(ref))]
pub fn evaluate<'db>(db: &'db dyn Db, request: BuildRequest<'db>) -> BuildOutcome {
    evaluate_uncached(db, request)
}

/// [`evaluate`] without the cache, for one-shot builds that take the result away.
pub fn evaluate_uncached<'db>(db: &'db dyn Db, request: BuildRequest<'db>) -> BuildOutcome {
    let Some(entry) = db.workspace().files(db).get(request.entry(db)).copied() else {
        return BuildOutcome::default();
    };
    check_then_evaluate(db, entry, request.params(db), None)
}

/// A template sink, or none (see [`crate::project::build_streaming`]).
pub type Sink<'s> = Option<&'s mut dyn FnMut(TemplatePart)>;

/// The sequential pipeline: the static diagnostics, then, when they hold no error, the
/// evaluation on this thread.
fn check_then_evaluate(
    db: &dyn Db,
    entry: SourceFile,
    params: &[(String, String)],
    sink: Sink<'_>,
) -> BuildOutcome {
    let (output, diagnostics) = evaluation::outcome(static_diagnostics(db, entry), || {
        Trees::of(db, entry).evaluate_then(params, None, sink, |evaluated| evaluated)
    });
    BuildOutcome {
        output,
        diagnostics,
    }
}

/// What the evaluating thread sends the checking one.
#[cfg(not(target_arch = "wasm32"))]
enum FromEvaluation {
    /// A part of a template's text, when the build streams them.
    Part(TemplatePart),
    /// The evaluation's result: the last message.
    Done(evaluation::Evaluated),
}

/// Whether a one-shot build evaluates on another thread while this one type-checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlap {
    /// When the project has [`OVERLAP_FROM_BYTES`] of source or more: below that, the check
    /// takes less time than starting and ending a thread.
    BySize,
    /// Always, whatever the project's size (for tests of the concurrent pipeline).
    Always,
}

/// From this many bytes of source (the project's files, the standard library's it imports
/// included), a build evaluates beside the check. A thread costs about 0.2 ms to start and end
/// here (its stack, its signal stack, the allocator's heap); a project of a few KB checks in
/// less. Measured interleaved (docs/performance.md): a one-resource file 2.07 -> 1.86 ms and
/// 100 generated services (2 KB) 3.67 -> 3.36 ms on one thread, 1,000 services (3 KB) the
/// same either way, canvalo (11 KB and the standard library) 5.8 ms beside, 6.1 ms after.
pub const OVERLAP_FROM_BYTES: usize = 4 * 1024;

/// Whether a one-shot build of `entry`'s project evaluates beside the check: always with
/// [`Overlap::Always`], else when its files (and those they import) have
/// [`OVERLAP_FROM_BYTES`] of source or more.
#[cfg(not(target_arch = "wasm32"))]
pub fn evaluates_beside_the_check(db: &dyn Db, entry: SourceFile, overlap: Overlap) -> bool {
    let source_bytes = || -> usize {
        let files = project_files(db, entry);
        files.iter().map(|file| file.text(db).len()).sum()
    };
    overlap == Overlap::Always || source_bytes() >= OVERLAP_FROM_BYTES
}

/// [`evaluate_uncached`], with the evaluation on another thread while this one type-checks
/// (see `evaluation.rs`): the same outcome, in about the time of the longer of the two. The
/// evaluating thread sends its result as soon as it has it, and then drops the interpreter's
/// values on its own, detached: a build does not wait for that. With a `sink`, it also sends
/// the templates' texts in parts as it writes them, and this thread, done checking, hands
/// them to the sink meanwhile (unless the check found an error).
#[cfg(not(target_arch = "wasm32"))]
fn evaluate_while_checking(
    db: &CvlDb,
    entry: SourceFile,
    params: &[(String, String)],
    mut sink: Sink<'_>,
) -> BuildOutcome {
    use std::sync::atomic::{AtomicBool, Ordering};
    let trees = Arc::new(Trees::of(db, entry));
    let cancel = Arc::new(AtomicBool::new(false));
    let (send, receive) = std::sync::mpsc::channel();
    let evaluating = {
        let (trees, cancel, params) = (trees.clone(), cancel.clone(), params.to_vec());
        let streaming = sink.is_some();
        std::thread::Builder::new()
            .name("cvl-evaluate".into())
            .stack_size(THREAD_STACK)
            .spawn(move || {
                // the receiver only goes away with a panic of its own
                let parts = send.clone();
                let mut stream = |part| {
                    let _ = parts.send(FromEvaluation::Part(part));
                };
                let stream = streaming.then_some(&mut stream as &mut dyn FnMut(TemplatePart));
                trees.evaluate_then(&params, Some(&cancel), stream, |evaluated| {
                    let _ = send.send(FromEvaluation::Done(evaluated));
                })
            })
    };
    let Ok(evaluating) = evaluating else {
        // no thread to be had: evaluate after checking, on this one
        return check_then_evaluate(db, entry, params, sink);
    };
    let diagnostics = static_diagnostics_sharing_the_work(db, entry, &trees.files);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    if failed {
        cancel.store(true, Ordering::Relaxed);
    }
    let evaluated = loop {
        match receive.recv() {
            Ok(FromEvaluation::Part(part)) => {
                if let Some(sink) = sink.as_mut().filter(|_| !failed) {
                    sink(part);
                }
            }
            Ok(FromEvaluation::Done(evaluated)) => break evaluated,
            // nothing sent: the evaluation panicked, and this thread goes on with that panic
            // (a thread that returned has sent its result; evaluating here again is what is
            // left, and hands the sink every part again from the start)
            Err(_) => match evaluating.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => break trees.evaluate_then(params, None, sink, |evaluated| evaluated),
            },
        }
    };
    let (output, diagnostics) = evaluation::outcome(diagnostics, || evaluated);
    BuildOutcome {
        output,
        diagnostics,
    }
}

/// [`static_diagnostics`], with a second thread that type-checks the imported files from the
/// last one back while this thread goes through them from the entry (whose check needs the
/// interfaces of what it imports), and then decodes the schemas of the entry's resource types,
/// from its last resource back, while this thread checks the entry. Where one thread needs a
/// file that the other is checking, salsa makes it wait for that result (a schema type, its
/// `OnceLock`); imports form no cycles (`reaches`), so neither waits for the other in turn. The
/// helper stops once this thread is done, and has let go of the database by the time this
/// returns.
#[cfg(not(target_arch = "wasm32"))]
fn static_diagnostics_sharing_the_work(
    db: &CvlDb,
    entry: SourceFile,
    files: &[SourceFile],
) -> Vec<Diagnostic> {
    use std::sync::atomic::{AtomicBool, Ordering};
    if files.len() < 2 {
        return static_diagnostics(db, entry);
    }
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let helper = db.clone();
        let helping = std::thread::Builder::new()
            .name("cvl-check".into())
            .stack_size(THREAD_STACK)
            .spawn_scoped(scope, || {
                let helper = helper;
                let stop = || done.load(Ordering::Relaxed);
                for file in files.iter().skip(1).rev() {
                    if stop() {
                        return;
                    }
                    check_file(&helper, *file);
                }
                let entry_ast = &parse(&helper, entry).ast;
                for name in entry_ast.resource_type_names().into_iter().rev() {
                    if stop() {
                        return;
                    }
                    crate::cfn::schema::resource_type(name);
                }
            });
        let diagnostics = static_diagnostics(db, entry);
        done.store(true, Ordering::Relaxed);
        if let Ok(helping) = helping
            && let Err(panic) = helping.join()
        {
            std::panic::resume_unwind(panic);
        }
        diagnostics
    })
}

/// The stack of a build's threads: as much as a main thread's (the checker and the evaluator
/// bound their own recursion, see `types/check.rs` and `eval/interp.rs`).
#[cfg(not(target_arch = "wasm32"))]
const THREAD_STACK: usize = 8 << 20;

/// The project of `entry` set up for evaluation with `params`, nothing forced yet, handed to
/// `f` with the project's files (module `i` is `files[i]`), for IDE features that ask what one
/// name evaluates to. `None` when the project has static errors or the params are wrong.
pub fn with_interp<T>(
    db: &dyn Db,
    entry: SourceFile,
    params: &[(String, String)],
    f: impl FnOnce(&mut Interp<'_>, &[SourceFile]) -> T,
) -> Option<T> {
    if static_diagnostics(db, entry)
        .iter()
        .any(Diagnostic::is_error)
    {
        return None;
    }
    let trees = Trees::of(db, entry);
    let mut interp = trees.interp(params).ok()?;
    Some(f(&mut interp, &trees.files))
}

// ---------------------------------------------------------------------------------------------
// The front door's implementations (see `project.rs`)

fn sources(db: &CvlDb, params: &[(String, String)]) -> IndexMap<String, String> {
    let mut sources: IndexMap<String, String> = db
        .workspace()
        .files(db)
        .iter()
        .map(|(path, file)| (path.clone(), file.text(db).clone()))
        .collect();
    sources.insert(PARAMS_FILE.to_string(), eval_params::params_text(params).0);
    sources
}

fn missing_entry(entry: &str) -> Diagnostic {
    Diagnostic::error(
        Code::IoError,
        entry,
        Span::default(),
        format!("cannot read `{entry}`"),
    )
}

pub fn build(loader: &dyn Loader, entry: &str, params: &[(String, String)]) -> BuildResult {
    build_in(&mut CvlDb::new(), loader, entry, params)
}

/// See [`crate::project::build_streaming`].
pub fn build_streaming(
    loader: &dyn Loader,
    entry: &str,
    params: &[(String, String)],
    sink: &mut dyn FnMut(TemplatePart),
) -> BuildResult {
    build_overlapping(loader, entry, params, Some(sink), Overlap::BySize)
}

/// [`build`] or, with a sink, [`build_streaming`], choosing whether the evaluation goes
/// beside the check (tests use [`Overlap::Always`] to cover the concurrent pipeline with
/// small projects).
pub fn build_overlapping(
    loader: &dyn Loader,
    entry: &str,
    params: &[(String, String)],
    sink: Sink<'_>,
    overlap: Overlap,
) -> BuildResult {
    build_with_sink(&mut CvlDb::new(), loader, entry, params, sink, overlap)
}

/// [`build`] in a database that may already hold the project (a [`crate::session::Session`]):
/// files already there are not loaded again.
pub fn build_in(
    db: &mut CvlDb,
    loader: &dyn Loader,
    entry: &str,
    params: &[(String, String)],
) -> BuildResult {
    build_with_sink(db, loader, entry, params, None, Overlap::BySize)
}

fn build_with_sink(
    db: &mut CvlDb,
    loader: &dyn Loader,
    entry: &str,
    params: &[(String, String)],
    sink: Sink<'_>,
    overlap: Overlap,
) -> BuildResult {
    db.load_project(loader, entry);
    let db = &*db;
    let Some(entry_file) = db.file(entry) else {
        return BuildResult {
            output: None,
            diagnostics: vec![missing_entry(entry)],
            sources: sources(db, params),
        };
    };
    // take the result out of the database instead of copying it out of a memo
    let sources = sources(db, params);
    #[cfg(not(target_arch = "wasm32"))]
    let outcome = if evaluates_beside_the_check(db, entry_file, overlap) {
        evaluate_while_checking(db, entry_file, params, sink)
    } else {
        check_then_evaluate(db, entry_file, params, sink)
    };
    // no threads here
    #[cfg(target_arch = "wasm32")]
    let outcome = {
        let _ = overlap;
        check_then_evaluate(db, entry_file, params, sink)
    };
    BuildResult {
        output: outcome.output,
        diagnostics: outcome.diagnostics,
        sources,
    }
}

/// At most this many param assignments are evaluated by `check`.
const MAX_ASSIGNMENTS: usize = 64;

pub fn check(loader: &dyn Loader, entry: &str, params: &[(String, String)]) -> CheckResult {
    let mut db = CvlDb::new();
    db.load_project(loader, entry);
    let Some(entry_file) = db.file(entry) else {
        return CheckResult {
            diagnostics: vec![missing_entry(entry)],
            sources: sources(&db, params),
            assignments: Vec::new(),
        };
    };
    let assignments = assignments(&db, entry_file, params);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for assignment in &assignments {
        let request = BuildRequest::new(&db, entry.to_string(), assignment.clone());
        let outcome = evaluate(&db, request);
        let extra: Vec<&(String, String)> =
            assignment.iter().filter(|a| !params.contains(a)).collect();
        for diagnostic in &outcome.diagnostics {
            let mut diagnostic = diagnostic.clone();
            if !extra.is_empty()
                && !diagnostics.iter().any(|d| {
                    d.code == diagnostic.code
                        && d.span == diagnostic.span
                        && d.file == diagnostic.file
                })
            {
                let when = extra
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let is_static = static_diagnostics(&db, entry_file).contains(&diagnostic);
                if !is_static {
                    diagnostic.help = Some(match diagnostic.help.take() {
                        Some(help) => format!("{help} (found with {when})"),
                        None => format!("found with {when}"),
                    });
                }
            } else if diagnostics.iter().any(|d| {
                d.code == diagnostic.code && d.span == diagnostic.span && d.file == diagnostic.file
            }) {
                continue;
            }
            diagnostics.push(diagnostic);
        }
    }
    diagnostic::sort_and_dedup(&mut diagnostics);
    CheckResult {
        diagnostics,
        sources: sources(&db, params),
        assignments,
    }
}

/// The given params plus every combination of the literal-union params left unset.
fn assignments(
    db: &CvlDb,
    entry: SourceFile,
    params: &[(String, String)],
) -> Vec<Vec<(String, String)>> {
    let ast = parse(db, entry).ast.clone();
    let mut assignments = vec![params.to_vec()];
    for (_, param) in eval_params::declarations(&ast) {
        if params.iter().any(|(name, _)| *name == param.name.name) {
            continue;
        }
        if let (eval_params::ParamKind::Literals(values), _) = eval_params::kind_of(&ast, &param.ty)
        {
            if values.is_empty() || assignments.len() * values.len() > MAX_ASSIGNMENTS {
                continue;
            }
            assignments = assignments
                .into_iter()
                .flat_map(|assignment| {
                    values.iter().map(move |value| {
                        let mut next = assignment.clone();
                        next.push((param.name.name.clone(), value.clone()));
                        next
                    })
                })
                .collect();
        }
    }
    assignments
}

pub fn params(loader: &dyn Loader, entry: &str) -> ParamsResult {
    let mut db = CvlDb::new();
    db.load_project(loader, entry);
    let Some(entry_file) = db.file(entry) else {
        return ParamsResult {
            params: Vec::new(),
            diagnostics: vec![missing_entry(entry)],
            sources: sources(&db, &[]),
        };
    };
    let parsed = parse(&db, entry_file);
    ParamsResult {
        params: eval_params::infos(&parsed.ast),
        diagnostics: parsed.diagnostics.clone(),
        sources: sources(&db, &[]),
    }
}
