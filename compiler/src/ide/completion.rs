//! Completion. What is offered depends on where the cursor is:
//!
//! - after `import std.`: the standard library's modules;
//! - after `resource Name: `: CloudFormation resource types;
//! - after `name.`: the members of a module, stack or component instance, the attributes of a
//!   resource (`Bucket.Arn`), the fields of `aws` or of a record;
//! - at a key of a record whose fields are known: a resource's properties (required ones
//!   first, with their types), the resource options of `with { }`, a component's params inside
//!   `Comp { }`, the fields of a declared record type; at a value: the allowed values;
//! - in a string compared with a param (`env == "`) or in a `match` arm on one: its values;
//! - elsewhere: the names in scope, the built-ins and the keywords.
//!
//! While typing, the text rarely parses: the file is parsed again with a placeholder at the
//! cursor (`__cvl`, `__cvl: null,`, a closing quote, closing brackets), and the variant that
//! parses best is indexed ([`repaired`]).

use super::index::{
    AWS_FIELDS, BUILTINS, DefKind, Detail, FileIndex, Target, build, expressions_at,
};
use super::resolve::{
    Cx, Denotation, Location, Resolved, def_type, denote, expected_fields, resolve,
};
use super::word_at;
use crate::cfn::schema;
use crate::db::{Db, SourceFile};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, TypeExprKind};
use crate::types::Ty;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Keyword,
    Variable,
    Function,
    Module,
    Component,
    Resource,
    ResourceType,
    Type,
    Property,
    Field,
    Value,
    Param,
    Stack,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// A type, or what the item is.
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// The text to insert, when it is not the label.
    pub insert: Option<String>,
    /// The key to sort by (required properties first).
    pub sort: String,
    /// The text the item replaces: the word being typed.
    pub replace: Span,
}

impl CompletionItem {
    fn new(label: impl Into<String>, kind: CompletionKind, replace: Span) -> Self {
        let label = label.into();
        CompletionItem {
            sort: format!("5{label}"),
            label,
            kind,
            detail: None,
            documentation: None,
            insert: None,
            replace,
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    fn doc(mut self, doc: Option<&str>) -> Self {
        self.documentation = doc.map(str::to_string);
        self
    }
}

/// The placeholder name inserted at the cursor to make the text parse.
const PLACEHOLDER: &str = "__cvl";

/// At most this many resource types are offered for one prefix.
const MAX_RESOURCE_TYPES: usize = 200;

const KEYWORDS: &[&str] = &[
    "import",
    "param",
    "let",
    "type",
    "fn",
    "component",
    "resource",
    "output",
    "stack",
    "check",
    "tags",
    "if",
    "else",
    "for",
    "in",
    "match",
    "with",
    "export",
    "as",
    "true",
    "false",
    "null",
];

pub fn completion(db: &dyn Db, file: SourceFile, offset: usize) -> Vec<CompletionItem> {
    let text = file.text(db);
    let offset = floor_boundary(text, offset);
    let line = &text[text[..offset].rfind('\n').map_or(0, |n| n + 1)..offset];
    let word = word_at(text, offset);
    if let Some(items) = std_modules(line, word) {
        return items;
    }
    if let Some(items) = resource_types(text, line, offset) {
        return items;
    }
    let fixed = repaired_file(db, file, offset);
    let cx = Cx {
        db,
        file,
        index: &fixed.index,
    };
    if let Some(items) = string_values(&cx, &fixed.tree, text, line, offset) {
        return items;
    }
    if let Some(items) = members(&cx, text, offset, word) {
        return items;
    }
    if let Some(items) = record_entries(&cx, text, offset, word) {
        return items;
    }
    names(&cx, offset, word)
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `import std.` and a partial name.
fn std_modules(line: &str, word: Span) -> Option<Vec<CompletionItem>> {
    let rest = line
        .trim_start()
        .strip_prefix("import")?
        .trim_start()
        .strip_prefix("std.")?;
    if !rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let items = crate::stdlib::MODULES
        .iter()
        .map(|(name, text)| {
            let doc = text
                .lines()
                .take_while(|l| l.starts_with("//"))
                .map(|l| l.trim_start_matches('/').trim())
                .collect::<Vec<_>>()
                .join(" ");
            CompletionItem::new(*name, CompletionKind::Module, word)
                .detail(format!("std/{name}.cvl"))
                .doc((!doc.is_empty()).then_some(doc.as_str()))
        })
        .collect();
    Some(items)
}

/// `resource Name: ` and a partial type.
fn resource_types(text: &str, line: &str, offset: usize) -> Option<Vec<CompletionItem>> {
    let rest = line.trim_start().strip_prefix("resource")?;
    let rest = rest.trim_start();
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let partial = rest[name_len..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    if !partial
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ':')
    {
        return None;
    }
    let is_type_char = |c: char| c.is_ascii_alphanumeric() || c == ':';
    let end = text[offset..]
        .find(|c: char| !is_type_char(c))
        .map_or(text.len(), |n| offset + n);
    let replace = Span::new(offset - partial.len(), end);
    let lower = partial.to_ascii_lowercase();
    let items = schema::resource_type_names()
        .filter(|name| {
            let candidate = name.to_ascii_lowercase();
            candidate.starts_with(&lower)
                || (!lower.contains("::") && candidate.split("::").any(|s| s.starts_with(&lower)))
        })
        .take(MAX_RESOURCE_TYPES)
        .map(|name| CompletionItem::new(name, CompletionKind::ResourceType, replace))
        .collect();
    Some(items)
}

/// The text parsed and indexed with a placeholder at the cursor.
pub struct Repaired {
    pub text: String,
    pub tree: ast::File,
    pub index: FileIndex,
}

/// The file's tree and index at `offset`: the cached ones when the file parses, else [`repaired`].
pub fn repaired_file(db: &dyn Db, file: SourceFile, offset: usize) -> Repaired {
    let parsed = crate::db::parse(db, file);
    if parsed.diagnostics.is_empty() {
        let index = (**super::index::file_index(db, file)).clone();
        return Repaired {
            text: file.text(db).clone(),
            tree: (*parsed.ast).clone(),
            index,
        };
    }
    repaired(file.text(db), offset)
}

/// Parses `text` as it is and with placeholders at `offset`; indexes the variant with the fewest
/// syntax errors (the text as it is when it parses). Offsets before the cursor are the same in
/// every variant.
pub fn repaired(text: &str, offset: usize) -> Repaired {
    let insert = |s: &str| format!("{}{s}{}", &text[..offset], &text[offset..]);
    let at_word_end = word_at(text, offset).start < offset;
    let closers = closers(&text[..offset]);
    let mut variants = vec![text.to_string(), insert(PLACEHOLDER)];
    variants.push(if at_word_end {
        insert(": null,")
    } else {
        insert(&format!("{PLACEHOLDER}: null,"))
    });
    variants.push(insert("\""));
    variants.push(insert("\" => null,"));
    if !closers.is_empty() {
        variants.push(insert(&format!("{PLACEHOLDER}{closers}")));
        variants.push(insert(&format!("{PLACEHOLDER}: null{closers}")));
        variants.push(insert(&format!("\"{closers}")));
    }
    let mut best: Option<(usize, String, ast::File)> = None;
    for variant in variants {
        let (tree, diagnostics) = crate::syntax::parse_file("completion", &variant);
        if best
            .as_ref()
            .is_none_or(|(count, _, _)| diagnostics.len() < *count)
        {
            let done = diagnostics.is_empty();
            best = Some((diagnostics.len(), variant, tree));
            if done {
                break;
            }
        }
    }
    let (_, text, tree) = best.unwrap_or_default();
    let index = build(&tree, &text);
    Repaired { text, tree, index }
}

/// The brackets open at the end of `text` (outside strings and comments), closed innermost first.
fn closers(text: &str) -> String {
    let mut stack = Vec::new();
    let mut in_string = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '\n' => in_string = false,
            '/' if !in_string && chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '{' | '[' | '(' if !in_string => stack.push(c),
            '}' | ']' | ')' if !in_string => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack
        .iter()
        .rev()
        .map(|c| match c {
            '{' => '}',
            '[' => ']',
            _ => ')',
        })
        .collect()
}

/// In a string compared with a param (`env == "be`) or in a `match` arm pattern on one: the
/// param's values.
fn string_values(
    cx: &Cx<'_>,
    tree: &ast::File,
    text: &str,
    line: &str,
    offset: usize,
) -> Option<Vec<CompletionItem>> {
    let quotes: Vec<usize> = line
        .char_indices()
        .filter(|&(i, c)| c == '"' && !line[..i].ends_with('\\'))
        .map(|(i, _)| i)
        .collect();
    if quotes.len().is_multiple_of(2) {
        return None;
    }
    let line_start = offset - line.len();
    let string_start = line_start + quotes.last()?;
    let end = text[offset..]
        .find(['"', '\n'])
        .map_or(text.len(), |n| offset + n);
    let replace = Span::new(string_start + 1, end);
    let before = text[..string_start].trim_end();
    // `name == "` or `name != "`
    let subject = if let Some(left) = before
        .strip_suffix("==")
        .or_else(|| before.strip_suffix("!="))
    {
        let left = left.trim_end();
        let start = left
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |n| n + 1);
        Some(left[start..].to_string())
    } else if before.ends_with(['{', ',', '|']) {
        expressions_at(tree, offset)
            .into_iter()
            .rev()
            .find_map(|e| match &e.kind {
                ExprKind::Match { scrutinee, .. } => match &scrutinee.kind {
                    ExprKind::Name(name) => Some(name.clone()),
                    _ => None,
                },
                _ => None,
            })
    } else {
        None
    };
    let subject = subject.filter(|s| !s.is_empty())?;
    let def = cx.index.lookup(cx.index.scope_at(offset), &subject)?;
    let values = literal_values(cx, tree, Location { file: cx.file, def });
    let items = values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let mut item = CompletionItem::new(v, CompletionKind::Value, replace)
                .detail(format!("a value of `{subject}`"));
            item.sort = format!("0{i:04}");
            item
        })
        .collect();
    Some(items)
}

/// The literals of a param's (or let's) type.
fn literal_values(cx: &Cx<'_>, tree: &ast::File, location: Location) -> Vec<String> {
    let def = location.get(cx);
    if let Detail::Typed { ty, .. } = &def.detail
        && let (crate::eval::params::ParamKind::Literals(values), _) =
            crate::eval::params::kind_of(tree, ty)
    {
        return values;
    }
    match def_type(cx, location).map(|t| parse_type(&t)) {
        Some(Some(ty)) => literals_of(&ty),
        _ => Vec::new(),
    }
}

fn literals_of(ty: &ast::TypeExpr) -> Vec<String> {
    match &ty.kind {
        TypeExprKind::StrLit(s) => vec![s.clone()],
        TypeExprKind::Union(members) => members.iter().flat_map(literals_of).collect(),
        TypeExprKind::Optional(inner) => literals_of(inner),
        _ => Vec::new(),
    }
}

/// A type as the checker displays it, read back as a type expression (records, lists, unions
/// and literals read back; functions, components and modules do not).
pub fn parse_type(display: &str) -> Option<ast::TypeExpr> {
    let (tree, diagnostics) = crate::syntax::parse_file("type", &format!("type T = {display}"));
    if !diagnostics.is_empty() {
        return None;
    }
    match tree.items.into_iter().next()?.kind {
        ast::ItemKind::Type(alias) => Some(alias.ty),
        _ => None,
    }
}

/// After `chain.`: the members of what the chain names.
fn members(cx: &Cx<'_>, text: &str, offset: usize, word: Span) -> Option<Vec<CompletionItem>> {
    let dot = word
        .start
        .checked_sub(1)
        .filter(|&d| text.as_bytes().get(d) == Some(&b'.'))?;
    if dot > 0 && text.as_bytes()[dot - 1] == b'.' {
        return None;
    }
    let mut path = Vec::new();
    let mut end = dot;
    loop {
        let segment = word_at(text, end);
        if segment.is_empty() {
            return None;
        }
        path.push(text[segment.start..segment.end].to_string());
        match segment.start.checked_sub(1) {
            Some(d) if text.as_bytes()[d] == b'.' => end = d,
            _ => break,
        }
    }
    path.reverse();
    let root = path.remove(0);
    let replace = Span::new(word.start, word.end.max(offset));
    if root == "aws"
        && path.is_empty()
        && cx.index.lookup(cx.index.scope_at(offset), "aws").is_none()
    {
        return Some(
            AWS_FIELDS
                .iter()
                .map(|(n, t, d)| {
                    CompletionItem::new(*n, CompletionKind::Field, replace)
                        .detail(*t)
                        .doc(Some(d))
                })
                .collect(),
        );
    }
    let base = cx.index.lookup(cx.index.scope_at(offset), &root)?;
    let resolved = if path.is_empty() {
        Resolved::Def(Location {
            file: cx.file,
            def: base,
        })
    } else {
        resolve(cx, &Target::Member { base, path })
    };
    let mut items = Vec::new();
    match resolved {
        Resolved::Def(location) => match denote(cx, location, 0) {
            Denotation::Module(module) => {
                let index = cx.index_of(module);
                for &d in &index.scopes[0].defs {
                    let def = &index.defs[d];
                    if matches!(
                        def.kind,
                        DefKind::Let | DefKind::Fn | DefKind::Component | DefKind::Type
                    ) {
                        items.push(def_item(
                            cx,
                            Location {
                                file: module,
                                def: d,
                            },
                            replace,
                        ));
                    }
                }
            }
            Denotation::Scope(file, scope) => {
                for d in cx.index_of(file).members(scope) {
                    items.push(def_item(cx, Location { file, def: d }, replace));
                }
            }
            Denotation::Outputs(file, scope) => {
                let index = cx.index_of(file);
                for &d in &index.scopes[scope].defs {
                    if index.defs[d].kind == DefKind::Output {
                        items.push(def_item(cx, Location { file, def: d }, replace));
                    }
                }
            }
            Denotation::Resource(type_name) => items.extend(attributes(&type_name, "", replace)),
            Denotation::Nothing => {
                let ty = def_type(cx, location).and_then(|t| parse_type(&t));
                if let Some(ast::TypeExpr {
                    kind: TypeExprKind::Record(fields),
                    ..
                }) = ty
                {
                    for f in fields {
                        items.push(
                            CompletionItem::new(f.name.name, CompletionKind::Field, replace)
                                .detail(crate::syntax::print_type(&f.ty)),
                        );
                    }
                }
            }
        },
        Resolved::Attribute { type_name, name } => {
            items.extend(attributes(&type_name, &format!("{name}."), replace))
        }
        _ => {}
    }
    Some(items)
}

/// The attributes of a resource type under `prefix` (`""`, or `Endpoint.`).
fn attributes(type_name: &str, prefix: &str, replace: Span) -> Vec<CompletionItem> {
    let Some(rt) = schema::resource_type(type_name) else {
        return Vec::new();
    };
    rt.attributes
        .iter()
        .filter_map(|(name, ty)| {
            let rest = name.strip_prefix(prefix)?;
            let item = CompletionItem::new(rest, CompletionKind::Field, replace)
                .detail(ty.display(rt))
                .doc(Some(&format!("Attribute of `{type_name}` (`Fn::GetAtt`).")));
            Some(item)
        })
        .collect()
}

/// At a key (or a value) of a record whose fields are known.
fn record_entries(
    cx: &Cx<'_>,
    text: &str,
    offset: usize,
    word: Span,
) -> Option<Vec<CompletionItem>> {
    let site = cx.index.record_at(offset)?;
    let before = text[..word.start].trim_end();
    let fields = expected_fields(cx, &site.expected);
    if before.ends_with(['{', ',']) {
        let typed = &text[word.start..word.end];
        let mut items = Vec::new();
        for (i, field) in fields.iter().enumerate() {
            if site.keys.iter().any(|k| *k == field.name && k != typed) {
                continue;
            }
            let detail = if field.required {
                format!("{} (required)", field.ty)
            } else {
                field.ty.clone()
            };
            let kind = if matches!(site.expected, super::index::Expected::Args { .. }) {
                CompletionKind::Param
            } else {
                CompletionKind::Property
            };
            let mut item = CompletionItem::new(
                field.name.clone(),
                kind,
                Span::new(word.start, word.end.max(offset)),
            )
            .detail(detail)
            .doc(field.doc.as_deref());
            item.insert = Some(format!("{}: ", field.name));
            item.sort = format!("{}{i:04}", if field.required { 0 } else { 1 });
            items.push(item);
        }
        return Some(items);
    }
    // a value: the allowed values of the field
    let key_part = before.strip_suffix(':')?.trim_end();
    let key = &key_part[key_part
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |n| n + 1)..];
    let field = fields.into_iter().find(|f| f.name == key)?;
    let replace = Span::new(word.start, word.end.max(offset));
    let mut values: Vec<String> = field.values.iter().map(|v| format!("\"{v}\"")).collect();
    if field.ty == "boolean" || field.ty == "bool" {
        values = vec!["true".to_string(), "false".to_string()];
    }
    if values.is_empty()
        && let Some(ty) = parse_type(&field.ty)
    {
        values = literals_of(&ty)
            .into_iter()
            .map(|v| format!("\"{v}\""))
            .collect();
    }
    if values.is_empty() {
        return None;
    }
    Some(
        values
            .into_iter()
            .map(|v| {
                CompletionItem::new(v, CompletionKind::Value, replace).detail(field.ty.clone())
            })
            .collect(),
    )
}

/// The names in scope, the built-ins and the keywords.
fn names(cx: &Cx<'_>, offset: usize, word: Span) -> Vec<CompletionItem> {
    let replace = Span::new(word.start, word.end.max(offset));
    let scope = cx.index.scope_at(offset);
    let mut items: Vec<CompletionItem> = cx
        .index
        .visible(scope)
        .into_iter()
        .filter(|&d| {
            cx.index.defs[d].name != PLACEHOLDER && !cx.index.defs[d].span.contains(offset)
        })
        .map(|d| {
            def_item(
                cx,
                Location {
                    file: cx.file,
                    def: d,
                },
                replace,
            )
        })
        .collect();
    for name in BUILTINS {
        let mut item = CompletionItem::new(*name, CompletionKind::Function, replace)
            .detail(Ty::Builtin(name.to_string()).to_string());
        item.sort = format!("7{name}");
        items.push(item);
    }
    if cx.index.lookup(scope, "aws").is_none() {
        items.push(
            CompletionItem::new("aws", CompletionKind::Variable, replace)
                .detail("the deploy-time pseudo parameters"),
        );
    }
    for keyword in KEYWORDS {
        let mut item = CompletionItem::new(*keyword, CompletionKind::Keyword, replace);
        item.sort = format!("9{keyword}");
        items.push(item);
    }
    items
}

/// A definition as a completion item: its kind, type and doc.
fn def_item(cx: &Cx<'_>, location: Location, replace: Span) -> CompletionItem {
    let def = location.get(cx);
    let kind = match def.kind {
        DefKind::Import => CompletionKind::Module,
        DefKind::Param | DefKind::FnParam => CompletionKind::Param,
        DefKind::Let | DefKind::Local | DefKind::LoopVar | DefKind::Output => {
            CompletionKind::Variable
        }
        DefKind::Type => CompletionKind::Type,
        DefKind::Fn => CompletionKind::Function,
        DefKind::Component => CompletionKind::Component,
        DefKind::Resource => CompletionKind::Resource,
        DefKind::Stack => CompletionKind::Stack,
    };
    let detail = match &def.detail {
        Detail::Resource { type_name } => Some(type_name.clone()),
        Detail::Import { path } => Some(path.clone()),
        _ => def_type(cx, location),
    };
    let mut item = CompletionItem::new(def.name.clone(), kind, replace).doc(def.doc.as_deref());
    item.detail = detail;
    item.sort = format!("3{}", def.name);
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, one};

    fn labels(files: &[(&str, &str)]) -> Vec<String> {
        let (db, file, offset) = fixture(files);
        let mut items = completion(&db, file, offset);
        items.sort_by(|a, b| a.sort.cmp(&b.sort));
        items.into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn resource_properties_come_required_first_with_types() {
        let (db, file, offset) =
            one("stack s {\n  resource Sg: AWS::EC2::SecurityGroup {\n    $0\n  }\n}\n");
        let mut items = completion(&db, file, offset);
        items.sort_by(|a, b| a.sort.cmp(&b.sort));
        assert_eq!(items[0].label, "GroupDescription", "{items:?}");
        assert!(
            items[0]
                .detail
                .as_deref()
                .unwrap_or_default()
                .contains("required")
        );
        assert!(
            items
                .iter()
                .any(|i| i.label == "VpcId" && i.detail.as_deref() == Some("string"))
        );
        // while typing a key: the broken text is repaired at the cursor
        let found = labels(&[(
            "main.cvl",
            "stack s {\n  resource B: AWS::S3::Bucket {\n    BucketName: \"x\",\n    Versio$0\n  }\n}\n",
        )]);
        assert!(
            found.contains(&"VersioningConfiguration".to_string()),
            "{found:?}"
        );
        assert!(
            !found.contains(&"BucketName".to_string()),
            "already given: {found:?}"
        );
        // nested definitions and allowed values
        let found = labels(&[(
            "main.cvl",
            "stack s {\n  resource B: AWS::S3::Bucket {\n    VersioningConfiguration: { $0 },\n  }\n}\n",
        )]);
        assert_eq!(found, ["Status"]);
        let found = labels(&[(
            "main.cvl",
            "stack s {\n  resource B: AWS::S3::Bucket {\n    VersioningConfiguration: { Status: $0 },\n  }\n}\n",
        )]);
        assert_eq!(found, ["\"Enabled\"", "\"Suspended\""]);
    }

    #[test]
    fn component_params_options_and_resource_types() {
        let found = labels(&[(
            "main.cvl",
            "import std.vpc\nstack s {\n  let n = vpc.Network { $0 }\n}\n",
        )]);
        assert!(
            found.contains(&"azs".to_string()) && found.contains(&"cidr_block".to_string()),
            "{found:?}"
        );
        let found = labels(&[(
            "main.cvl",
            "stack s {\n  resource B: AWS::S3::Bucket {} with { Del$0 }\n}\n",
        )]);
        assert!(found.contains(&"DeletionPolicy".to_string()), "{found:?}");
        let found = labels(&[("main.cvl", "stack s {\n  resource B: AWS::S3::Buck$0\n}\n")]);
        assert!(
            found.contains(&"AWS::S3::Bucket".to_string()) && found.len() < 20,
            "{found:?}"
        );
        let found = labels(&[("main.cvl", "import std.v$0\n")]);
        assert!(
            found.contains(&"vpc".to_string()) && found.contains(&"ecs".to_string()),
            "{found:?}"
        );
    }

    #[test]
    fn members_after_a_dot() {
        let found = labels(&[(
            "main.cvl",
            "stack s {\n  resource B: AWS::S3::Bucket {}\n  output a = B.$0\n}\n",
        )]);
        assert!(
            found.contains(&"Arn".to_string()) && found.contains(&"DomainName".to_string()),
            "{found:?}"
        );
        let found = labels(&[("main.cvl", "import std.vpc\nlet x = vpc.$0\n")]);
        assert_eq!(found, ["Network"]);
        let found = labels(&[(
            "main.cvl",
            "import std.vpc\nstack s {\n  let n = vpc.Network { name: \"x\" }\n  output o = n.$0\n}\n",
        )]);
        assert!(
            found.contains(&"vpc".to_string()) && found.contains(&"public_subnets".to_string()),
            "{found:?}"
        );
        let found = labels(&[(
            "main.cvl",
            "let size = { cpu: 1, memory: 2 }\nlet c = size.$0\n",
        )]);
        assert_eq!(found, ["cpu", "memory"]);
        let found = labels(&[("main.cvl", "let r = aws.$0\n")]);
        assert!(found.contains(&"region".to_string()), "{found:?}");
    }

    #[test]
    fn param_values_in_comparisons_and_matches() {
        let text = "param env: \"beta\" | \"prod\"\nlet a = env == \"$0\n";
        assert_eq!(labels(&[("main.cvl", text)]), ["beta", "prod"]);
        let text = "param env: \"beta\" | \"prod\"\nlet a = match env {\n  \"$0\n}\n";
        assert_eq!(labels(&[("main.cvl", text)]), ["beta", "prod"]);
    }

    #[test]
    fn names_in_scope_and_declared_record_fields() {
        let found = labels(&[(
            "main.cvl",
            "let alpha = 1\nstack s {\n  let beta = al$0\n}\n",
        )]);
        assert!(
            found.contains(&"alpha".to_string()) && found.contains(&"len".to_string()),
            "{found:?}"
        );
        let found = labels(&[(
            "main.cvl",
            "type Size = { cpu: int, memory?: int }\nlet s: Size = { $0 }\n",
        )]);
        assert_eq!(found, ["cpu", "memory"]);
    }
}
