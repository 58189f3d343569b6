//! The server: protocol handlers that convert (`convert.rs`), call `cvl::ide`, and convert back.
//!
//! One `Mutex<State>` holds the salsa database. Every handler does its work under the lock and
//! releases it before its first `.await`, so edits and queries never interleave; handlers start
//! in the order their messages arrive, so a request always sees the edits sent before it.
//!
//! Diagnostics come in two steps: the static ones (syntax, types, schemas) right after each
//! edit, then, once the document has not changed for [`SETTLE`], those of evaluating every env
//! (which takes longer on a large project), so that typing never waits for evaluation.
//!
//! Files are named by their id (see `convert::Paths`). Open documents are the editor's text;
//! other files are read from disk when an open file imports them, and read again when the
//! client reports them changed on disk (`workspace/didChangeWatchedFiles`, registered for
//! `**/*.cvl` when the client can watch files). The standard library is written as read-only
//! copies into a folder of the temp dir (`cvl-std-<hash>/std/*.cvl`), so that "go to
//! definition" into `std.vpc` opens a plain file in any editor.
//!
//! Formatting never changes a file that does not parse (or whose formatted text would not parse
//! back): it answers no edits and publishes a `format-refused` warning until the next edit.

use crate::convert::{self, Paths, Text};
use cvl::db::{CvlDb, SourceFile, project_files};
use cvl::ide;
use cvl::loader::Loader;
use cvl::syntax::format::FormatError;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// Everything the handlers share.
pub struct State {
    pub db: CvlDb,
    pub paths: Paths,
    /// The open documents: id to version.
    pub open: BTreeMap<String, i32>,
    /// The diagnostics last published per file (for code actions, and to clear them).
    pub published: BTreeMap<String, Vec<cvl::Diagnostic>>,
    pub options: ide::diagnostics::DiagnosticsOptions,
    /// The `format-refused` warning of a file whose formatting was refused since its last edit.
    pub refusals: BTreeMap<String, cvl::Diagnostic>,
    /// The client can watch files for us (dynamic registration of didChangeWatchedFiles).
    pub can_watch: bool,
}

pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
}

/// How long a document must stay unchanged before its project is evaluated.
pub const SETTLE: Duration = Duration::from_millis(250);

/// Reads project files from disk (the files under the workspace root, or absolute paths).
struct DiskLoader<'a>(&'a Paths);

impl Loader for DiskLoader<'_> {
    fn load(&self, path: &str) -> std::result::Result<String, String> {
        let file = self
            .0
            .path_of(path)
            .ok_or_else(|| format!("no file `{path}`"))?;
        std::fs::read_to_string(&file).map_err(|e| format!("cannot read `{}`: {e}", file.display()))
    }
}

/// Diagnostics to publish: (file id, its diagnostics, the document version).
type Publish = Vec<(String, Vec<cvl::Diagnostic>, Option<i32>)>;

impl Backend {
    pub fn new(client: Client) -> Self {
        let state = State {
            db: CvlDb::new(),
            paths: Paths::default(),
            open: BTreeMap::new(),
            published: BTreeMap::new(),
            options: ide::diagnostics::DiagnosticsOptions::default(),
            refusals: BTreeMap::new(),
            can_watch: false,
        };
        Backend {
            client,
            state: Arc::new(Mutex::new(state)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Runs a request under the lock; a panic (a bug) becomes an error answer, not a crash.
    fn query<T>(&self, f: impl FnOnce(&State) -> Result<Option<T>>) -> Result<Option<T>> {
        let state = self.lock();
        std::panic::catch_unwind(AssertUnwindSafe(|| f(&state)))
            .unwrap_or_else(|_| Err(Error::internal_error()))
    }

    /// Applies a document's new text, publishes the static diagnostics, and schedules the
    /// evaluation.
    async fn update(&self, uri: Uri, text: String, version: i32) {
        let (publish, paths, texts, evaluate) = {
            let mut guard = self.lock();
            let state = &mut *guard;
            let Some(id) = state.paths.file_id(&uri) else {
                return;
            };
            state.open.insert(id.clone(), version);
            state.refusals.remove(&id);
            if !id.starts_with("std/") {
                state.db.set_file(&id, text);
                load_around(state, &id);
            } else if state.db.file(&id).is_none() {
                load_around(state, &id);
            }
            let publish = diagnose(state, &id, true);
            let clean = publish
                .iter()
                .all(|(_, ds, _)| !ds.iter().any(cvl::Diagnostic::is_error));
            let evaluate = (clean && !state.options.static_only).then_some(id);
            let texts = texts_of(state, &publish);
            (publish, state.paths.clone(), texts, evaluate)
        };
        send_diagnostics(&self.client, publish, &paths, texts).await;
        if let Some(id) = evaluate {
            let (client, state) = (self.client.clone(), self.state.clone());
            tokio::spawn(async move {
                tokio::time::sleep(SETTLE).await;
                let (publish, paths, texts) = {
                    let mut guard = lock(&state);
                    let state = &mut *guard;
                    if state.open.get(&id) != Some(&version) {
                        return; // edited again: that edit schedules its own evaluation
                    }
                    let publish = diagnose(state, &id, false);
                    let texts = texts_of(state, &publish);
                    (publish, state.paths.clone(), texts)
                };
                send_diagnostics(&client, publish, &paths, texts).await;
            });
        }
    }

    /// Formats under the lock. A refusal (syntax errors, or a formatting that would not parse
    /// back) answers no edits and is published as a `format-refused` warning until the next edit.
    async fn format(
        &self,
        uri: &Uri,
        format: impl FnOnce(
            &dyn cvl::db::Db,
            SourceFile,
            &Text,
        ) -> std::result::Result<Vec<ide::TextEdit>, FormatError>,
    ) -> Result<Option<Vec<TextEdit>>> {
        let (answer, refused) = {
            let mut guard = self.lock();
            let state = &mut *guard;
            let Some((file, content)) = file_of(state, uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            let outcome =
                std::panic::catch_unwind(AssertUnwindSafe(|| format(&state.db, file, &text)))
                    .map_err(|_| Error::internal_error())?;
            match outcome {
                Ok(edits) => (
                    Ok(Some(
                        edits.iter().map(|e| convert::text_edit(e, &text)).collect(),
                    )),
                    None,
                ),
                Err(error) => {
                    let id = file.path(&state.db).clone();
                    state.refusals.insert(
                        id.clone(),
                        ide::formatting::refusal(&state.db, file, &error),
                    );
                    let mut diagnostics = state.published.get(&id).cloned().unwrap_or_default();
                    diagnostics.extend(state.refusals.get(&id).cloned());
                    let publish = vec![(id.clone(), diagnostics, state.open.get(&id).copied())];
                    let texts = texts_of(state, &publish);
                    let answer = match error {
                        FormatError::Syntax(_) => Ok(None),
                        changed @ FormatError::Changed(_) => Err(invalid(changed.to_string())),
                    };
                    (answer, Some((publish, state.paths.clone(), texts)))
                }
            }
        };
        if let Some((publish, paths, texts)) = refused {
            send_diagnostics(&self.client, publish, &paths, texts).await;
        }
        answer
    }
}

/// Applies what changed on disk to the files the database holds that the editor does not have
/// open (the editor's text wins). Files nobody imports are not added; a created file that an
/// open project imports is loaded by `load_around` after this. Whether anything changed.
fn reload_changed(state: &mut State, changes: &[FileEvent]) -> bool {
    let paths = state.paths.clone();
    let mut changed = false;
    for change in changes {
        let Some(id) = paths.file_id(&change.uri) else {
            continue;
        };
        if id.starts_with("std/") || state.open.contains_key(&id) {
            continue;
        }
        if change.typ == FileChangeType::DELETED {
            if state.db.file(&id).is_some() {
                state.db.remove_file(&id);
                changed = true;
            }
            continue;
        }
        let Some(file) = state.db.file(&id) else {
            changed |= change.typ == FileChangeType::CREATED;
            continue;
        };
        match DiskLoader(&paths).load(&id) {
            Ok(text) if *file.text(&state.db) != text => {
                state.db.set_file(&id, text);
                changed = true;
            }
            Ok(_) => {}
            Err(_) => {
                state.db.remove_file(&id);
                changed = true;
            }
        }
    }
    changed
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sends diagnostics (never under the lock).
async fn send_diagnostics(
    client: &Client,
    publish: Publish,
    paths: &Paths,
    texts: BTreeMap<String, String>,
) {
    for (id, diagnostics, version) in publish {
        let (Some(uri), Some(content)) = (paths.uri(&id), texts.get(&id)) else {
            continue;
        };
        let text = Text::new(content);
        let lookup = |file: &str| texts.get(file).cloned();
        let converted = diagnostics
            .iter()
            .map(|d| convert::diagnostic(d, &text, paths, &lookup))
            .collect();
        client.publish_diagnostics(uri, converted, version).await;
    }
}

/// Loads what a file imports, and the project it belongs to (the nearest `main.cvl` above it).
fn load_around(state: &mut State, id: &str) {
    let paths = state.paths.clone();
    let loader = DiskLoader(&paths);
    state.db.load_project(&loader, id);
    if let Some(main) = nearest_main(&paths, id)
        && main != id
    {
        state.db.load_project(&loader, &main);
    }
}

/// The id of the `main.cvl` in the file's folder or the nearest one above it, inside the root.
fn nearest_main(paths: &Paths, id: &str) -> Option<String> {
    if id.starts_with("std/") || Path::new(id).is_absolute() {
        return None;
    }
    let mut dir = Path::new(id).parent();
    while let Some(d) = dir {
        let candidate = if d.as_os_str().is_empty() {
            "main.cvl".to_string()
        } else {
            format!("{}/main.cvl", d.to_string_lossy())
        };
        if paths.path_of(&candidate).is_some_and(|p| p.is_file()) {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// The diagnostics of every file in the projects of `id` that is open or had diagnostics
/// (`static_only`: without evaluating). A panic (a bug) publishes nothing rather than crashing.
fn diagnose(state: &mut State, id: &str, static_only: bool) -> Publish {
    std::panic::catch_unwind(AssertUnwindSafe(|| diagnose_files(state, id, static_only)))
        .unwrap_or_default()
}

fn diagnose_files(state: &mut State, id: &str, static_only: bool) -> Publish {
    let Some(file) = state.db.file(id) else {
        return Vec::new();
    };
    let mut files: BTreeSet<String> = BTreeSet::new();
    files.insert(id.to_string());
    for entry in ide::diagnostics::entries_of(&state.db, file) {
        for f in project_files(&state.db, entry) {
            files.insert(f.path(&state.db).clone());
        }
    }
    let mut out = Vec::new();
    for path in files {
        if path.starts_with("std/") {
            continue;
        }
        let is_open = state.open.contains_key(&path);
        let had = state.published.get(&path).is_some_and(|d| !d.is_empty());
        let Some(f) = state.db.file(&path) else {
            continue;
        };
        let options = ide::diagnostics::DiagnosticsOptions {
            static_only: static_only || state.options.static_only,
            ..state.options.clone()
        };
        let diagnostics = ide::diagnostics::file_diagnostics(&state.db, f, &options);
        if !is_open && !had && diagnostics.is_empty() {
            continue;
        }
        state.published.insert(path.clone(), diagnostics.clone());
        let mut diagnostics = diagnostics;
        diagnostics.extend(state.refusals.get(&path).cloned());
        let version = state.open.get(&path).copied();
        out.push((path, diagnostics, version));
    }
    out
}

/// The texts of the files diagnostics point into.
fn texts_of(state: &State, publish: &Publish) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    for (id, diagnostics, _) in publish {
        for file in std::iter::once(id).chain(
            diagnostics
                .iter()
                .flat_map(|d| d.labels.iter().map(|l| &l.file)),
        ) {
            if let Some(f) = state.db.file(file) {
                texts.insert(file.clone(), f.text(&state.db).clone());
            }
        }
    }
    texts
}

/// Writes the standard library into `<temp>/cvl-std-<hash>/std/` (once per content), read only.
fn write_stdlib() -> Option<PathBuf> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, text) in cvl::stdlib::MODULES {
        for byte in name.bytes().chain(text.bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let root = std::env::temp_dir().join(format!("cvl-std-{hash:016x}"));
    let dir = root.join("std");
    std::fs::create_dir_all(&dir).ok()?;
    for (name, text) in cvl::stdlib::MODULES {
        let file = dir.join(format!("{name}.cvl"));
        if std::fs::read_to_string(&file).ok().as_deref() == Some(*text) {
            continue;
        }
        let temp = dir.join(format!(".{name}.{}", std::process::id()));
        std::fs::write(&temp, text).ok()?;
        if let Ok(meta) = std::fs::metadata(&temp) {
            let mut permissions = meta.permissions();
            permissions.set_readonly(true);
            let _ = std::fs::set_permissions(&temp, permissions);
        }
        std::fs::rename(&temp, &file).ok()?;
    }
    Some(convert::normalize(&root))
}

/// A file of the database with its text, for a request about `uri`.
fn file_of(state: &State, uri: &Uri) -> Option<(SourceFile, String)> {
    let id = state.paths.file_id(uri)?;
    let file = state.db.file(&id)?;
    Some((file, file.text(&state.db).clone()))
}

/// The text of a file by id (for converting results that point into other files).
fn text_by_id(state: &State, id: &str) -> Option<String> {
    state.db.file(id).map(|f| f.text(&state.db).clone())
}

fn invalid(message: impl Into<String>) -> Error {
    let mut error = Error::invalid_params(message.into());
    error.data = None;
    error
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        #[allow(deprecated)] // `root_uri` is what older clients send
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|uri| uri.to_file_path().map(|p| convert::normalize(&p)));
        let root = root.or_else(|| std::env::current_dir().ok().map(|p| convert::normalize(&p)));
        let can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        {
            let mut state = self.lock();
            state.paths = Paths {
                root,
                std_dir: write_stdlib(),
            };
            state.can_watch = can_watch;
            if let Some(options) = params.initialization_options.as_ref() {
                state.options.static_only = options
                    .get("staticOnly")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if let Some(params) = options.get("params").and_then(|p| p.as_object()) {
                    state.options.params = params
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect();
                }
            }
        }
        let capabilities = ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![".".to_string(), "\"".to_string(), ":".to_string()]),
                ..Default::default()
            }),
            signature_help_provider: Some(SignatureHelpOptions {
                trigger_characters: Some(vec!["(".to_string(), ",".to_string(), "{".to_string()]),
                ..Default::default()
            }),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            document_symbol_provider: Some(OneOf::Left(true)),
            semantic_tokens_provider: Some(
                SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
                    legend: convert::semantic_legend(),
                    full: Some(SemanticTokensFullOptions::Bool(true)),
                    range: Some(false),
                    ..Default::default()
                }),
            ),
            inlay_hint_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..Default::default()
            })),
            document_formatting_provider: Some(OneOf::Left(true)),
            document_range_formatting_provider: Some(OneOf::Left(true)),
            ..Default::default()
        };
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "cvl".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !self.lock().can_watch {
            return;
        }
        let watchers = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*.cvl".to_string()),
                kind: None,
            }],
        };
        let registration = Registration {
            id: "cvl-watch-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(watchers).ok(),
        };
        // not awaited here: the client answers while it goes on sending
        let client = self.client.clone();
        tokio::spawn(async move {
            let _ = client.register_capability(vec![registration]).await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.update(doc.uri, doc.text, doc.version).await;
    }

    async fn did_change(&self, mut params: DidChangeTextDocumentParams) {
        // full sync: the last change holds the whole text
        if let Some(change) = params.content_changes.pop() {
            self.update(
                params.text_document.uri,
                change.text,
                params.text_document.version,
            )
            .await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let (publish, paths, texts) = {
            let mut guard = self.lock();
            let state = &mut *guard;
            let Some(id) = state.paths.file_id(&params.text_document.uri) else {
                return;
            };
            state.open.remove(&id);
            // back to what is on disk (unsaved edits are dropped)
            if !id.starts_with("std/")
                && let Ok(text) = DiskLoader(&state.paths.clone()).load(&id)
            {
                state.db.set_file(&id, text);
            }
            let publish = diagnose(state, &id, false);
            let texts = texts_of(state, &publish);
            (publish, state.paths.clone(), texts)
        };
        send_diagnostics(&self.client, publish, &paths, texts).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.query(|state| {
            let at = params.text_document_position_params;
            let Some((file, content)) = file_of(state, &at.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            Ok(ide::hover::hover(&state.db, file, text.offset(at.position))
                .map(|h| convert::hover(&h, &text)))
        })
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.query(|state| {
            let at = params.text_document_position;
            let Some((file, content)) = file_of(state, &at.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            let items = ide::completion::completion(&state.db, file, text.offset(at.position));
            Ok(Some(CompletionResponse::Array(
                items
                    .iter()
                    .map(|i| convert::completion_item(i, &text))
                    .collect(),
            )))
        })
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        self.query(|state| {
            let at = params.text_document_position_params;
            let Some((file, content)) = file_of(state, &at.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            Ok(
                ide::signature_help::signature_help(&state.db, file, text.offset(at.position))
                    .map(|h| convert::signature_help(&h)),
            )
        })
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.query(|state| {
            let at = params.text_document_position_params;
            let Some((file, content)) = file_of(state, &at.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            let targets =
                ide::goto_definition::goto_definition(&state.db, file, text.offset(at.position));
            let texts = |id: &str| text_by_id(state, id);
            let locations: Vec<Location> = targets
                .iter()
                .filter_map(|t| convert::location(t, &state.paths, &texts))
                .collect();
            Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.query(|state| {
            let at = params.text_document_position;
            let Some((file, content)) = file_of(state, &at.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            let found = ide::references::find_references(
                &state.db,
                file,
                text.offset(at.position),
                params.context.include_declaration,
            );
            let texts = |id: &str| text_by_id(state, id);
            let locations = found
                .iter()
                .filter_map(|r| {
                    convert::location(
                        &ide::NavTarget {
                            file: r.file.clone(),
                            span: r.span,
                            full: r.span,
                        },
                        &state.paths,
                        &texts,
                    )
                })
                .collect();
            Ok(Some(locations))
        })
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.query(|state| {
            let Some((file, content)) = file_of(state, &params.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            match ide::rename::prepare_rename(&state.db, file, text.offset(params.position)) {
                Ok(span) => Ok(Some(PrepareRenameResponse::Range(text.range(span)))),
                Err(message) => Err(invalid(message)),
            }
        })
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.query(|state| {
            let at = params.text_document_position;
            let Some((file, content)) = file_of(state, &at.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            match ide::rename::rename(&state.db, file, text.offset(at.position), &params.new_name) {
                Ok(edits) => Ok(Some(convert::workspace_edit(&edits, &state.paths, &|id| {
                    text_by_id(state, id)
                }))),
                Err(message) => Err(invalid(message)),
            }
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.query(|state| {
            let Some((file, content)) = file_of(state, &params.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            let symbols = ide::document_symbols::document_symbols(&state.db, file);
            Ok(Some(DocumentSymbolResponse::Nested(
                symbols
                    .iter()
                    .map(|s| convert::document_symbol(s, &text))
                    .collect(),
            )))
        })
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.query(|state| {
            let Some((file, content)) = file_of(state, &params.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            let tokens = ide::semantic_tokens::semantic_tokens(&state.db, file);
            Ok(Some(SemanticTokensResult::Tokens(
                convert::semantic_tokens(&tokens, &text),
            )))
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.query(|state| {
            let Some((file, content)) = file_of(state, &params.text_document.uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            let hints = ide::inlay_hints::inlay_hints(&state.db, file, text.span(params.range));
            Ok(Some(
                hints
                    .iter()
                    .map(|h| convert::inlay_hint(h, &text))
                    .collect(),
            ))
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.query(|state| {
            let uri = params.text_document.uri;
            let Some((file, content)) = file_of(state, &uri) else {
                return Ok(None);
            };
            let text = Text::new(&content);
            let id = file.path(&state.db).clone();
            let diagnostics = state.published.get(&id).cloned().unwrap_or_default();
            let actions = ide::code_actions::code_actions(&diagnostics, text.span(params.range));
            let lookup = |f: &str| text_by_id(state, f);
            let response = actions
                .into_iter()
                .map(|action| {
                    let edit = convert::text_edit(&action.edit, &text);
                    CodeActionOrCommand::CodeAction(CodeAction {
                        title: action.title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![convert::diagnostic(
                            &action.diagnostic,
                            &text,
                            &state.paths,
                            &lookup,
                        )]),
                        edit: Some(WorkspaceEdit {
                            changes: Some([(uri.clone(), vec![edit])].into_iter().collect()),
                            ..Default::default()
                        }),
                        is_preferred: Some(true),
                        ..Default::default()
                    })
                })
                .collect();
            Ok(Some(response))
        })
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.format(&params.text_document.uri, |db, file, _| {
            ide::formatting::format_document(db, file)
        })
        .await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let range = params.range;
        self.format(&params.text_document.uri, move |db, file, text| {
            ide::formatting::format_range(db, file, text.span(range))
        })
        .await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let (publish, paths, texts) = {
            let mut guard = self.lock();
            let state = &mut *guard;
            if !reload_changed(state, &params.changes) {
                return;
            }
            let open: Vec<String> = state.open.keys().cloned().collect();
            let mut publish: BTreeMap<String, (Vec<cvl::Diagnostic>, Option<i32>)> =
                BTreeMap::new();
            for id in &open {
                load_around(state, id);
                for (file, diagnostics, version) in diagnose(state, id, false) {
                    publish.insert(file, (diagnostics, version));
                }
            }
            let publish: Publish = publish
                .into_iter()
                .map(|(file, (diagnostics, version))| (file, diagnostics, version))
                .collect();
            let texts = texts_of(state, &publish);
            (publish, state.paths.clone(), texts)
        };
        send_diagnostics(&self.client, publish, &paths, texts).await;
    }
}
