//! Hover and completion for the page's editor: the compiler's IDE functions (`cvl::ide`) over
//! a database holding the files the page sends. Offsets in and out are UTF-16.

use crate::positions::{byte_offset, utf16_offset};
use cvl::MemoryLoader;
use cvl::db::{CvlDb, SourceFile};
use cvl::ide::completion::CompletionKind;
use serde_json::{Value, json};

/// The database of a project held in memory, with `file` and, when present, `main.cvl` loaded
/// (and what they import). `None` when `file` is not among the files.
fn open(loader: &MemoryLoader, file: &str) -> Option<(CvlDb, SourceFile)> {
    let mut db = CvlDb::new();
    if cvl::Loader::load(loader, crate::ENTRY).is_ok() {
        db.load_project(loader, crate::ENTRY);
    }
    db.load_project(loader, file);
    let source = db.file(file)?;
    Some((db, source))
}

/// `{"text": "<markdown>", "start", "end"}` for the name at `offset`, or `null`.
pub fn hover(loader: &MemoryLoader, file: &str, offset: usize) -> Value {
    let Some((db, source)) = open(loader, file) else {
        return Value::Null;
    };
    let text = source.text(&db).clone();
    let Some(found) = cvl::ide::hover::hover(&db, source, byte_offset(&text, offset)) else {
        return Value::Null;
    };
    json!({
        "text": found.markdown,
        "start": utf16_offset(&text, found.span.start),
        "end": utf16_offset(&text, found.span.end),
    })
}

/// The completions at `offset`, in the compiler's order: `[{label, kind, detail, doc, insert,
/// sort, start, end}]` (`start`..`end`: the word they replace).
pub fn complete(loader: &MemoryLoader, file: &str, offset: usize) -> Value {
    let Some((db, source)) = open(loader, file) else {
        return json!([]);
    };
    let text = source.text(&db).clone();
    let items = cvl::ide::completion::completion(&db, source, byte_offset(&text, offset));
    Value::Array(
        items
            .into_iter()
            .map(|item| {
                json!({
                    "label": item.label,
                    "kind": kind_name(item.kind),
                    "detail": item.detail,
                    "doc": item.documentation,
                    "insert": item.insert,
                    "sort": item.sort,
                    "start": utf16_offset(&text, item.replace.start),
                    "end": utf16_offset(&text, item.replace.end),
                })
            })
            .collect(),
    )
}

fn kind_name(kind: CompletionKind) -> &'static str {
    match kind {
        CompletionKind::Keyword => "keyword",
        CompletionKind::Variable => "variable",
        CompletionKind::Function => "function",
        CompletionKind::Module => "module",
        CompletionKind::Component => "component",
        CompletionKind::Resource => "resource",
        CompletionKind::ResourceType => "resource-type",
        CompletionKind::Type => "type",
        CompletionKind::Property => "property",
        CompletionKind::Field => "field",
        CompletionKind::Value => "value",
        CompletionKind::Param => "param",
        CompletionKind::Stack => "stack",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: &str =
        "stack app {\n  resource Bucket: AWS::S3::Bucket {}\n  output arn = Bucket.Arn\n}\n";

    fn loader() -> MemoryLoader {
        MemoryLoader::new().with("main.cvl", MAIN)
    }

    #[test]
    fn hover_over_a_resource_type_shows_its_doc() {
        let at = MAIN.find("S3::Bucket").unwrap();
        let out = hover(&loader(), "main.cvl", at);
        let text = out["text"].as_str().unwrap();
        assert!(text.contains("AWS::S3::Bucket"), "{text}");
        assert!(text.contains("Attributes:"), "{text}");
        assert!(out["start"].as_u64().unwrap() <= at as u64);
    }

    #[test]
    fn completion_after_a_dot_lists_attributes() {
        let text =
            "stack app {\n  resource Bucket: AWS::S3::Bucket {}\n  output arn = Bucket.\n}\n";
        let loader = MemoryLoader::new().with("main.cvl", text);
        let out = complete(&loader, "main.cvl", text.find("Bucket.\n").unwrap() + 7);
        let labels: Vec<&str> = out
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["label"].as_str())
            .collect();
        assert!(
            labels.contains(&"Arn") && labels.contains(&"DomainName"),
            "{labels:?}"
        );
    }

    #[test]
    fn unknown_files_and_wild_offsets_are_empty_not_panics() {
        assert_eq!(hover(&loader(), "nope.cvl", 3), Value::Null);
        assert_eq!(complete(&loader(), "nope.cvl", 3), json!([]));
        let _ = hover(&loader(), "main.cvl", usize::MAX);
        let _ = complete(&loader(), "main.cvl", usize::MAX);
    }
}
