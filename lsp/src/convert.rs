//! The only place where the protocol's shapes meet the compiler's: positions (zero-based lines,
//! UTF-16 columns) and byte offsets, file URIs and file ids, and the compiler's plain IDE structs
//! and LSP types. Everything else in the server passes byte offsets and file ids.

use cvl::LineIndex;
use cvl::ide::{self, completion::CompletionKind, semantic_tokens::TokenType};
use cvl::source::Span;
use cvl::types::SymbolKind as CvlSymbolKind;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::Uri;

/// A file's text with its line index, for converting positions.
pub struct Text<'a> {
    pub text: &'a str,
    lines: LineIndex,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str) -> Self {
        Text {
            text,
            lines: LineIndex::new(text),
        }
    }

    /// The byte offset of an LSP position (clamped to the text).
    pub fn offset(&self, position: lsp::Position) -> usize {
        self.lines.offset_of_utf16(
            self.text,
            position.line as usize,
            position.character as usize,
        )
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let p = self.lines.position(self.text, offset);
        lsp::Position::new(p.line as u32, p.utf16_column as u32)
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        lsp::Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn span(&self, range: lsp::Range) -> Span {
        Span::new(self.offset(range.start), self.offset(range.end))
    }
}

// ---------------------------------------------------------------------------------------------
// URIs and file ids

/// How URIs map to the compiler's file ids: files under the workspace root by their path
/// relative to it (`examples/canvalo/main.cvl`), so that relative imports resolve; the standard
/// library by `std/<name>.cvl`, served from a folder of read-only copies; other files by their
/// absolute path.
#[derive(Clone, Debug, Default)]
pub struct Paths {
    pub root: Option<PathBuf>,
    /// The folder holding `std/<name>.cvl` copies of the standard library.
    pub std_dir: Option<PathBuf>,
}

impl Paths {
    pub fn file_id(&self, uri: &Uri) -> Option<String> {
        let path = normalize(&uri.to_file_path()?);
        if let Some(rel) = self
            .std_dir
            .as_ref()
            .and_then(|d| path.strip_prefix(d).ok())
        {
            return Some(slash(rel));
        }
        if let Some(rel) = self.root.as_ref().and_then(|r| path.strip_prefix(r).ok()) {
            return Some(slash(rel));
        }
        Some(slash(&path))
    }

    pub fn path_of(&self, id: &str) -> Option<PathBuf> {
        if id.starts_with("std/") {
            return self.std_dir.as_ref().map(|d| d.join(id));
        }
        let path = Path::new(id);
        if path.is_absolute() {
            return Some(path.to_path_buf());
        }
        self.root.as_ref().map(|r| r.join(id))
    }

    pub fn uri(&self, id: &str) -> Option<Uri> {
        let path = self.path_of(id)?;
        Uri::from_file_path(&path).or_else(|| format!("file://{}", slash(&path)).parse().ok())
    }
}

/// `a/b/c.cvl` whatever the platform's separator.
fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

/// Drops `.` and resolves `..` without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// results

/// A compiler diagnostic as an LSP diagnostic: the code, the message with its help, labels as
/// related information (`texts` gives the text of the files they point into).
pub fn diagnostic(
    d: &cvl::Diagnostic,
    text: &Text<'_>,
    paths: &Paths,
    texts: &dyn Fn(&str) -> Option<String>,
) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|label| {
            let range = if label.file == d.file {
                text.range(label.span)
            } else {
                let other = texts(&label.file)?;
                Text::new(&other).range(label.span)
            };
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: paths.uri(&label.file)?,
                    range,
                },
                message: label.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: text.range(d.span),
        severity: Some(match d.severity {
            cvl::Severity::Error => lsp::DiagnosticSeverity::ERROR,
            cvl::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("cvl".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

pub fn text_edit(edit: &ide::TextEdit, text: &Text<'_>) -> lsp::TextEdit {
    lsp::TextEdit {
        range: text.range(edit.span),
        new_text: edit.text.clone(),
    }
}

/// Edits of several files; `texts` gives each file's text.
pub fn workspace_edit(
    files: &[ide::FileEdits],
    paths: &Paths,
    texts: &dyn Fn(&str) -> Option<String>,
) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for file in files {
        let (Some(uri), Some(content)) = (paths.uri(&file.file), texts(&file.file)) else {
            continue;
        };
        let text = Text::new(&content);
        changes
            .entry(uri)
            .or_default()
            .extend(file.edits.iter().map(|e| text_edit(e, &text)));
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

pub fn location(
    target: &ide::NavTarget,
    paths: &Paths,
    texts: &dyn Fn(&str) -> Option<String>,
) -> Option<lsp::Location> {
    let content = texts(&target.file)?;
    Some(lsp::Location {
        uri: paths.uri(&target.file)?,
        range: Text::new(&content).range(target.span),
    })
}

pub fn hover(h: &ide::hover::Hover, text: &Text<'_>) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown.clone(),
        }),
        range: Some(text.range(h.span)),
    }
}

pub fn completion_item(
    item: &ide::completion::CompletionItem,
    text: &Text<'_>,
) -> lsp::CompletionItem {
    let kind = match item.kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Variable => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
        CompletionKind::Module => lsp::CompletionItemKind::MODULE,
        CompletionKind::Component => lsp::CompletionItemKind::CLASS,
        CompletionKind::Resource => lsp::CompletionItemKind::STRUCT,
        CompletionKind::ResourceType | CompletionKind::Type => {
            lsp::CompletionItemKind::TYPE_PARAMETER
        }
        CompletionKind::Property => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::Field => lsp::CompletionItemKind::FIELD,
        CompletionKind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Param => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Stack => lsp::CompletionItemKind::MODULE,
    };
    let new_text = item.insert.clone().unwrap_or_else(|| item.label.clone());
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(kind),
        detail: item.detail.clone(),
        documentation: item.documentation.as_ref().map(|d| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: d.clone(),
            })
        }),
        sort_text: Some(item.sort.clone()),
        filter_text: Some(item.label.clone()),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: text.range(item.replace),
            new_text,
        })),
        ..Default::default()
    }
}

fn symbol_kind(kind: CvlSymbolKind) -> lsp::SymbolKind {
    match kind {
        CvlSymbolKind::Let => lsp::SymbolKind::VARIABLE,
        CvlSymbolKind::Param => lsp::SymbolKind::PROPERTY,
        CvlSymbolKind::Fn => lsp::SymbolKind::FUNCTION,
        CvlSymbolKind::Component => lsp::SymbolKind::CLASS,
        CvlSymbolKind::Resource => lsp::SymbolKind::STRUCT,
        CvlSymbolKind::Output => lsp::SymbolKind::FIELD,
        CvlSymbolKind::Type => lsp::SymbolKind::TYPE_PARAMETER,
        CvlSymbolKind::Stack => lsp::SymbolKind::NAMESPACE,
        CvlSymbolKind::Import => lsp::SymbolKind::MODULE,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written to build the struct
pub fn document_symbol(
    s: &ide::document_symbols::DocumentSymbol,
    text: &Text<'_>,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: text.range(s.span),
        selection_range: text.range(s.selection),
        children: (!s.children.is_empty()).then(|| {
            s.children
                .iter()
                .map(|c| document_symbol(c, text))
                .collect()
        }),
    }
}

pub fn semantic_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TokenType::ALL
            .iter()
            .map(|t| lsp::SemanticTokenType::new(t.name()))
            .collect(),
        token_modifiers: ide::semantic_tokens::MODIFIERS
            .iter()
            .map(|m| lsp::SemanticTokenModifier::new(m))
            .collect(),
    }
}

/// Tokens as the protocol encodes them: deltas of lines and UTF-16 columns.
pub fn semantic_tokens(
    tokens: &[ide::semantic_tokens::SemanticToken],
    text: &Text<'_>,
) -> lsp::SemanticTokens {
    let mut data = Vec::with_capacity(tokens.len());
    let (mut line, mut column) = (0, 0);
    for token in tokens {
        let start = text.position(token.span.start);
        let end = text.position(token.span.end);
        if end.line != start.line {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - column
        } else {
            start.character
        };
        let modifiers = u32::from(token.declaration) | (u32::from(token.default_library) << 2);
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: TokenType::ALL
                .iter()
                .position(|t| *t == token.ty)
                .unwrap_or(0) as u32,
            token_modifiers_bitset: modifiers,
        });
        (line, column) = (start.line, start.character);
    }
    lsp::SemanticTokens {
        result_id: None,
        data,
    }
}

pub fn inlay_hint(h: &ide::inlay_hints::InlayHint, text: &Text<'_>) -> lsp::InlayHint {
    lsp::InlayHint {
        position: text.position(h.offset),
        label: lsp::InlayHintLabel::String(h.label.clone()),
        kind: match h.kind {
            ide::inlay_hints::InlayKind::Type => Some(lsp::InlayHintKind::TYPE),
            ide::inlay_hints::InlayKind::Note => None,
        },
        text_edits: None,
        tooltip: None,
        padding_left: None,
        padding_right: None,
        data: None,
    }
}

/// UTF-16 length of a prefix of `s`.
fn utf16(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

pub fn signature_help(h: &ide::signature_help::SignatureHelp) -> lsp::SignatureHelp {
    let parameters = h
        .params
        .iter()
        .map(|&(start, end)| lsp::ParameterInformation {
            label: lsp::ParameterLabel::LabelOffsets([
                utf16(&h.label[..start]),
                utf16(&h.label[..end]),
            ]),
            documentation: None,
        })
        .collect();
    let documentation = h.doc.as_ref().map(|d| {
        lsp::Documentation::MarkupContent(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: d.clone(),
        })
    });
    let active = h.active.map(|a| a as u32);
    lsp::SignatureHelp {
        signatures: vec![lsp::SignatureInformation {
            label: h.label.clone(),
            documentation,
            parameters: Some(parameters),
            active_parameter: active,
        }],
        active_signature: Some(0),
        active_parameter: active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_utf16_and_round_trip() {
        let text = Text::new("ab\nxé𝄞z\n");
        let z = text.text.find('z').unwrap_or_default();
        assert_eq!(text.position(z), lsp::Position::new(1, 4));
        assert_eq!(text.offset(lsp::Position::new(1, 4)), z);
        assert_eq!(text.span(text.range(Span::new(1, z))), Span::new(1, z));
    }

    #[test]
    fn uris_map_to_ids_under_the_root_and_std() {
        let paths = Paths {
            root: Some(PathBuf::from("/work/p")),
            std_dir: Some(PathBuf::from("/tmp/cvl-std")),
        };
        let uri: Uri = "file:///work/p/lib/../main.cvl".parse().unwrap();
        assert_eq!(paths.file_id(&uri).as_deref(), Some("main.cvl"));
        let uri: Uri = "file:///tmp/cvl-std/std/vpc.cvl".parse().unwrap();
        assert_eq!(paths.file_id(&uri).as_deref(), Some("std/vpc.cvl"));
        assert_eq!(
            paths.path_of("std/vpc.cvl"),
            Some(PathBuf::from("/tmp/cvl-std/std/vpc.cvl"))
        );
        assert_eq!(
            paths.path_of("a/b.cvl"),
            Some(PathBuf::from("/work/p/a/b.cvl"))
        );
        assert_eq!(
            paths
                .file_id(&"file:///elsewhere/x.cvl".parse().unwrap())
                .as_deref(),
            Some("/elsewhere/x.cvl")
        );
    }
}
