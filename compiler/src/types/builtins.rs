//! The types of the built-in functions and of `aws` (the pseudo parameters). Generic functions
//! (`len`, `select`, `flatten`...) are typed by a small special case each, at the call.

use super::error;
use super::items::Checker;
use super::ty::{self, Field, FnTy, ParamTy, Ty};
use crate::diagnostic::Code;
use crate::source::Span;
use crate::syntax::ast::Expr;

/// Every built-in function with its signature as hover shows it.
pub(crate) const FUNCTIONS: &[(&str, &str)] = &[
    ("len", "fn len(x: [T] | map<T> | string) -> int"),
    ("keys", "fn keys(m: map<T>) -> [string]"),
    ("values", "fn values(m: map<T>) -> [T]"),
    (
        "contains",
        "fn contains(xs: [T] | map<T> | string, x: T | string) -> bool",
    ),
    ("upper", "fn upper(s: string) -> string"),
    ("lower", "fn lower(s: string) -> string"),
    (
        "replace",
        "fn replace(s: string, from: string, to: string) -> string",
    ),
    ("to_string", "fn to_string(x: T) -> string"),
    ("to_json", "fn to_json(x: T) -> string"),
    ("min", "fn min(a: number, b: number) -> number"),
    ("max", "fn max(a: number, b: number) -> number"),
    ("flatten", "fn flatten(xss: [[T]]) -> [T]"),
    ("join", "fn join(separator: string, xs: [string]) -> string"),
    (
        "split",
        "fn split(separator: string, s: string) -> [string]",
    ),
    ("select", "fn select(index: int, xs: [T]) -> T"),
    (
        "cidr",
        "fn cidr(block: string, count: int, bits: int) -> [string]",
    ),
    ("base64", "fn base64(s: string) -> string"),
    ("import_value", "fn import_value(name: string) -> string"),
    (
        "secret",
        "fn secret(id: string, key: string? = null) -> string",
    ),
    ("ssm", "fn ssm(name: string) -> string"),
];

pub(crate) fn is_function(name: &str) -> bool {
    FUNCTIONS.iter().any(|(n, _)| *n == name)
}

/// The signature of a built-in function, as displayed.
pub(crate) fn signature(name: &str) -> &'static str {
    FUNCTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("fn", |(_, s)| s)
}

/// The signature of a built-in that is not generic, so that it can be passed where a function
/// type is expected (`map_names(upper)`); `None` for the generic ones.
pub(crate) fn fn_ty(name: &str) -> Option<FnTy> {
    let s = || ParamTy {
        name: None,
        ty: Ty::String,
        has_default: false,
    };
    let int = || ParamTy {
        name: None,
        ty: Ty::Int,
        has_default: false,
    };
    let number = || ParamTy {
        name: None,
        ty: Ty::Number,
        has_default: false,
    };
    let (params, ret) = match name {
        "upper" | "lower" | "base64" | "import_value" | "ssm" => (vec![s()], Ty::String),
        "replace" => (vec![s(), s(), s()], Ty::String),
        "join" => (
            vec![
                s(),
                ParamTy {
                    ty: Ty::List(Box::new(Ty::String)),
                    ..s()
                },
            ],
            Ty::String,
        ),
        "split" => (vec![s(), s()], Ty::List(Box::new(Ty::String))),
        "cidr" => (vec![s(), int(), int()], Ty::List(Box::new(Ty::String))),
        "secret" => (
            vec![
                s(),
                ParamTy {
                    ty: ty::optional(Ty::String),
                    has_default: true,
                    name: None,
                },
            ],
            Ty::String,
        ),
        "min" | "max" => (vec![number(), number()], Ty::Number),
        _ => return None,
    };
    Some(FnTy { params, ret })
}

/// How many arguments a built-in takes: (at least, at most).
fn arity(name: &str) -> (usize, usize) {
    match name {
        "len" | "keys" | "values" | "upper" | "lower" | "to_string" | "to_json" | "flatten"
        | "base64" | "import_value" | "ssm" => (1, 1),
        "contains" | "min" | "max" | "join" | "split" | "select" => (2, 2),
        "replace" | "cidr" => (3, 3),
        "secret" => (1, 2),
        _ => (0, usize::MAX),
    }
}

/// The type of `aws`: the pseudo parameters, deploy-time strings all.
pub(crate) fn aws_type() -> Ty {
    let s = |name: &str, doc: &str| Field {
        doc: Some(doc.to_string()),
        ..Field::new(name, Ty::String)
    };
    Ty::record(vec![
        s(
            "region",
            "The region the stack is deployed in (`AWS::Region`).",
        ),
        s(
            "account_id",
            "The account the stack is deployed in (`AWS::AccountId`).",
        ),
        s(
            "partition",
            "The partition: `aws`, `aws-cn`, `aws-us-gov` (`AWS::Partition`).",
        ),
        s("stack_name", "The name of the stack (`AWS::StackName`)."),
        s("stack_id", "The ID of the stack (`AWS::StackId`)."),
        s(
            "url_suffix",
            "The domain suffix: `amazonaws.com` mostly (`AWS::URLSuffix`).",
        ),
        Field {
            doc: Some("The availability zones of the region (`Fn::GetAZs`).".to_string()),
            ..Field::new("azs", Ty::List(Box::new(Ty::String)))
        },
    ])
}

fn list_of(t: Ty) -> Ty {
    Ty::List(Box::new(t))
}

impl Checker<'_> {
    /// A call of built-in `name`.
    pub(crate) fn call_builtin(&mut self, name: &str, span: Span, args: &[Expr]) -> Ty {
        let (min, max) = arity(name);
        if args.len() < min || args.len() > max {
            self.error(
                Code::WrongArgumentCount,
                span,
                error::wrong_argument_count(name, min, max, args.len()),
            );
            for a in args {
                self.check(a, None);
            }
            return match name {
                "len" => Ty::Int,
                "contains" => Ty::Bool,
                "keys" | "split" | "cidr" => list_of(Ty::String),
                "upper" | "lower" | "replace" | "to_string" | "to_json" | "join" | "base64"
                | "import_value" | "secret" | "ssm" => Ty::String,
                _ => Ty::Error,
            };
        }
        let s = Ty::String;
        match name {
            "len" => {
                let t = self.check(&args[0], None);
                let ok = ty::members(&t).iter().all(|m| {
                    matches!(
                        m,
                        Ty::List(_)
                            | Ty::Map(_)
                            | Ty::Record(_)
                            | Ty::String
                            | Ty::Lit(_)
                            | Ty::Error
                            | Ty::Never
                    )
                });
                if !ok {
                    self.error(
                        Code::TypeMismatch,
                        args[0].span,
                        error::mismatch_what("a list, a map or a string", &t),
                    );
                }
                Ty::Int
            }
            "keys" => {
                let t = self.check(&args[0], None);
                if !matches!(t, Ty::Map(_) | Ty::Record(_) | Ty::Error) {
                    self.error(
                        Code::TypeMismatch,
                        args[0].span,
                        error::mismatch_what("a map or a record", &t),
                    );
                }
                list_of(Ty::String)
            }
            "values" => {
                let t = self.check(&args[0], None);
                match t {
                    Ty::Map(elem) => list_of(*elem),
                    Ty::Record(fields) => {
                        list_of(ty::join(fields.iter().map(Field::value_ty).collect()))
                    }
                    Ty::Error => Ty::Error,
                    other => {
                        self.error(
                            Code::TypeMismatch,
                            args[0].span,
                            error::mismatch_what("a map or a record", &other),
                        );
                        Ty::Error
                    }
                }
            }
            "contains" => {
                let container = self.check(&args[0], None);
                match &container {
                    Ty::List(elem) => {
                        let x = self.check(&args[1], None);
                        // Either way round: an element of `[string]` may be a literal, and a
                        // literal list may be asked about a string.
                        if !ty::fits(&x, elem) && !ty::fits(elem, &x) {
                            self.error(Code::TypeMismatch, args[1].span, error::mismatch(elem, &x));
                        }
                    }
                    Ty::Map(_) | Ty::Record(_) | Ty::String | Ty::Lit(_) => {
                        self.check(&args[1], Some(&s));
                    }
                    Ty::Error => {
                        self.check(&args[1], None);
                    }
                    other => {
                        let message = error::mismatch_what("a list, a map or a string", other);
                        self.error(Code::TypeMismatch, args[0].span, message);
                        self.check(&args[1], None);
                    }
                }
                Ty::Bool
            }
            "upper" | "lower" | "base64" | "import_value" | "ssm" => {
                self.check(&args[0], Some(&s));
                Ty::String
            }
            "replace" => {
                for a in args {
                    self.check(a, Some(&s));
                }
                Ty::String
            }
            "to_string" | "to_json" => {
                self.check(&args[0], None);
                Ty::String
            }
            "min" | "max" => {
                let a = self.check(&args[0], Some(&Ty::Number));
                let b = self.check(&args[1], Some(&Ty::Number));
                if ty::fits(&a, &Ty::Int) && ty::fits(&b, &Ty::Int) {
                    Ty::Int
                } else {
                    Ty::Number
                }
            }
            "flatten" => {
                let t = self.check(&args[0], None);
                match &t {
                    Ty::List(inner) => match &**inner {
                        Ty::List(elem) => list_of((**elem).clone()),
                        Ty::Never => list_of(Ty::Never),
                        Ty::Error => Ty::Error,
                        _ => {
                            self.error(
                                Code::TypeMismatch,
                                args[0].span,
                                error::mismatch_what("a list of lists", &t),
                            );
                            Ty::Error
                        }
                    },
                    Ty::Error => Ty::Error,
                    other => {
                        self.error(
                            Code::TypeMismatch,
                            args[0].span,
                            error::mismatch_what("a list of lists", other),
                        );
                        Ty::Error
                    }
                }
            }
            "join" => {
                self.check(&args[0], Some(&s));
                self.check(&args[1], Some(&list_of(Ty::String)));
                Ty::String
            }
            "split" => {
                self.check(&args[0], Some(&s));
                self.check(&args[1], Some(&s));
                list_of(Ty::String)
            }
            "select" => {
                self.check(&args[0], Some(&Ty::Int));
                let t = self.check(&args[1], None);
                match t {
                    Ty::List(elem) => *elem,
                    Ty::Error => Ty::Error,
                    other => {
                        self.error(
                            Code::TypeMismatch,
                            args[1].span,
                            error::mismatch_what("a list", &other),
                        );
                        Ty::Error
                    }
                }
            }
            "cidr" => {
                self.check(&args[0], Some(&s));
                self.check(&args[1], Some(&Ty::Int));
                self.check(&args[2], Some(&Ty::Int));
                list_of(Ty::String)
            }
            "secret" => {
                self.check(&args[0], Some(&s));
                if let Some(key) = args.get(1) {
                    self.check(key, Some(&ty::optional(Ty::String)));
                }
                Ty::String
            }
            _ => {
                for a in args {
                    self.check(a, None);
                }
                Ty::Error
            }
        }
    }
}
