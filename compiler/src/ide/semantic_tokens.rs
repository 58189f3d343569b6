//! Semantic tokens: every name classified by what it names (a module, a type, a component, a
//! resource, a param, a property...), for colouring beyond what the TextMate grammar sees.

use super::index::{DefKind, file_index};
use super::resolve::{Cx, Resolved, resolve};
use crate::db::{Db, SourceFile};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    Namespace,
    Type,
    Class,
    Struct,
    Function,
    Parameter,
    Variable,
    Property,
}

impl TokenType {
    /// Every token type, in the order of the legend the language server announces.
    pub const ALL: &'static [TokenType] = &[
        TokenType::Namespace,
        TokenType::Type,
        TokenType::Class,
        TokenType::Struct,
        TokenType::Function,
        TokenType::Parameter,
        TokenType::Variable,
        TokenType::Property,
    ];

    /// The standard LSP name of the token type.
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Namespace => "namespace",
            TokenType::Type => "type",
            TokenType::Class => "class",
            TokenType::Struct => "struct",
            TokenType::Function => "function",
            TokenType::Parameter => "parameter",
            TokenType::Variable => "variable",
            TokenType::Property => "property",
        }
    }
}

/// The modifiers, in the order of the legend.
pub const MODIFIERS: &[&str] = &["declaration", "readonly", "defaultLibrary"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub span: Span,
    pub ty: TokenType,
    /// Where the name is declared.
    pub declaration: bool,
    /// Built-ins, `aws`, CloudFormation properties and attributes.
    pub default_library: bool,
}

fn kind_token(kind: DefKind) -> TokenType {
    match kind {
        DefKind::Import | DefKind::Stack => TokenType::Namespace,
        DefKind::Type => TokenType::Type,
        DefKind::Component => TokenType::Class,
        DefKind::Resource => TokenType::Struct,
        DefKind::Fn => TokenType::Function,
        DefKind::Param | DefKind::FnParam => TokenType::Parameter,
        DefKind::Let | DefKind::Local | DefKind::LoopVar => TokenType::Variable,
        DefKind::Output => TokenType::Property,
    }
}

/// The tokens of a file, sorted, one per name.
pub fn semantic_tokens(db: &dyn Db, file: SourceFile) -> Vec<SemanticToken> {
    let index = file_index(db, file);
    let cx = Cx::new(db, file);
    let mut out: Vec<SemanticToken> = index
        .defs
        .iter()
        .map(|d| SemanticToken {
            span: d.span,
            ty: kind_token(d.kind),
            declaration: true,
            default_library: false,
        })
        .collect();
    for reference in &index.refs {
        let (ty, default_library) = match resolve(&cx, &reference.target) {
            Resolved::Def(location) => (
                kind_token(location.get(&cx).kind),
                location.file.path(db).starts_with("std/"),
            ),
            Resolved::Module(_) => (TokenType::Namespace, false),
            Resolved::Property { .. }
            | Resolved::Attribute { .. }
            | Resolved::ResourceOption(_) => (TokenType::Property, true),
            Resolved::ResourceType(_) => (TokenType::Type, true),
            Resolved::Builtin(_) => (TokenType::Function, true),
            Resolved::Aws(None) => (TokenType::Variable, true),
            Resolved::Aws(Some(_)) => (TokenType::Property, true),
            Resolved::Unknown => continue,
        };
        out.push(SemanticToken {
            span: reference.span,
            ty,
            declaration: false,
            default_library,
        });
    }
    let text = file.text(db);
    out.retain(|t| {
        !t.span.is_empty()
            && !text
                .get(t.span.start..t.span.end)
                .unwrap_or("\n")
                .contains('\n')
    });
    out.sort_by_key(|t| (t.span.start, std::cmp::Reverse(t.span.end)));
    out.dedup_by(|b, a| b.span.start < a.span.end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{one, slice};

    #[test]
    fn names_are_classified() {
        let (db, file, _) = one(
            "import std.vpc\nparam env: \"a\" | \"b\"\nstack s {\n  resource B: AWS::S3::Bucket { BucketName: upper(env) }\n  let n = vpc.Network { name: B.Arn }\n}\n",
        );
        let tokens: Vec<(String, TokenType, bool)> = semantic_tokens(&db, file)
            .into_iter()
            .map(|t| (slice(&db, file, t.span), t.ty, t.declaration))
            .collect();
        for expected in [
            ("env".to_string(), TokenType::Parameter, true),
            ("env".to_string(), TokenType::Parameter, false),
            ("AWS::S3::Bucket".to_string(), TokenType::Type, false),
            ("BucketName".to_string(), TokenType::Property, false),
            ("upper".to_string(), TokenType::Function, false),
            ("Network".to_string(), TokenType::Class, false),
            ("name".to_string(), TokenType::Parameter, false),
            ("Arn".to_string(), TokenType::Property, false),
            ("vpc".to_string(), TokenType::Namespace, false),
        ] {
            assert!(tokens.contains(&expected), "{expected:?} in {tokens:?}");
        }
        let starts: Vec<usize> = semantic_tokens(&db, file)
            .iter()
            .map(|t| t.span.start)
            .collect();
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
    }
}
