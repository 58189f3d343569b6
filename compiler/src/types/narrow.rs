//! Null narrowing: what a condition proves about names of optional type.
//!
//! `if port != null { port + 1 } else { 80 }` checks the first branch with `port: int`, not
//! `int?`. Conditions prove facts through `!=`/`==` against `null`, `!`, `&&` and `||`; only
//! plain names are narrowed (not fields: `s.port != null` proves nothing about `s.port`).

use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

/// The names a condition proves non-null: when it is true, and when it is false.
#[derive(Debug, Default, PartialEq)]
pub struct Facts<'e> {
    pub when_true: Vec<&'e str>,
    pub when_false: Vec<&'e str>,
}

pub fn facts(condition: &Expr) -> Facts<'_> {
    match &condition.kind {
        ExprKind::Binary {
            op: op @ (BinaryOp::Ne | BinaryOp::Eq),
            lhs,
            rhs,
        } => {
            let name = match (&lhs.kind, &rhs.kind) {
                (ExprKind::Name(name), ExprKind::Null) | (ExprKind::Null, ExprKind::Name(name)) => {
                    name.as_str()
                }
                _ => return Facts::default(),
            };
            if *op == BinaryOp::Ne {
                Facts {
                    when_true: vec![name],
                    when_false: Vec::new(),
                }
            } else {
                Facts {
                    when_true: Vec::new(),
                    when_false: vec![name],
                }
            }
        }
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => {
            let inner = facts(operand);
            Facts {
                when_true: inner.when_false,
                when_false: inner.when_true,
            }
        }
        // both sides held
        ExprKind::Binary {
            op: BinaryOp::And,
            lhs,
            rhs,
        } => {
            let (l, r) = (facts(lhs), facts(rhs));
            Facts {
                when_true: [l.when_true, r.when_true].concat(),
                when_false: Vec::new(),
            }
        }
        // both sides failed
        ExprKind::Binary {
            op: BinaryOp::Or,
            lhs,
            rhs,
        } => {
            let (l, r) = (facts(lhs), facts(rhs));
            Facts {
                when_true: Vec::new(),
                when_false: [l.when_false, r.when_false].concat(),
            }
        }
        _ => Facts::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::facts;
    use crate::syntax::parse_file;

    /// The facts of the condition in `let c = <condition>`.
    fn of(condition: &str) -> (Vec<String>, Vec<String>) {
        let (file, diagnostics) = parse_file("t.cvl", &format!("let c = {condition}\n"));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let crate::syntax::ast::ItemKind::Let(decl) = &file.items[0].kind else {
            panic!("a let")
        };
        let f = facts(&decl.value);
        let owned = |v: Vec<&str>| v.into_iter().map(String::from).collect();
        (owned(f.when_true), owned(f.when_false))
    }

    #[test]
    fn comparisons_with_null_narrow_names() {
        assert_eq!(of("a != null"), (vec!["a".into()], vec![]));
        assert_eq!(of("null != a"), (vec!["a".into()], vec![]));
        assert_eq!(of("a == null"), (vec![], vec!["a".into()]));
        assert_eq!(of("!(a == null)"), (vec!["a".into()], vec![]));
        assert_eq!(
            of("a != null && b != null"),
            (vec!["a".into(), "b".into()], vec![])
        );
        assert_eq!(
            of("a == null || b == null"),
            (vec![], vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn other_conditions_prove_nothing() {
        assert_eq!(of("a != null || b != null"), (vec![], vec![]));
        assert_eq!(of("a.b != null"), (vec![], vec![]));
        assert_eq!(of("a != 1"), (vec![], vec![]));
        assert_eq!(of("true"), (vec![], vec![]));
    }
}
