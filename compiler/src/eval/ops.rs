//! Binary operators on evaluated values: arithmetic, comparison, concatenation.

use super::interp::{Abort, Interp, MAX_LEN, R};
use super::value::{Deploy, ScopeIdx, SubPart, Value};
use crate::diagnostic::Code;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp};
use std::cmp::Ordering;
use std::rc::Rc;

#[allow(clippy::too_many_arguments)]
pub fn binary<'a>(
    interp: &mut Interp<'a>,
    op: BinaryOp,
    left: Value,
    right: Value,
    lhs: &'a ast::Expr,
    rhs: &'a ast::Expr,
    span: Span,
    scope: ScopeIdx,
) -> R<Value> {
    match op {
        BinaryOp::Eq => Ok(Value::Bool(interp.equal(&left, &right, span, scope)?)),
        BinaryOp::Ne => Ok(Value::Bool(!interp.equal(&left, &right, span, scope)?)),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            let ordering = compare(interp, &left, &right, lhs, rhs, scope)?;
            Ok(Value::Bool(match op {
                BinaryOp::Lt => ordering == Ordering::Less,
                BinaryOp::Le => ordering != Ordering::Greater,
                BinaryOp::Gt => ordering == Ordering::Greater,
                _ => ordering != Ordering::Less,
            }))
        }
        BinaryOp::Add => add(interp, left, right, lhs, rhs, span, scope),
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
            arithmetic(interp, op, left, right, lhs, rhs, span, scope)
        }
        BinaryOp::And | BinaryOp::Or | BinaryOp::Coalesce => Err(Abort), // handled by the interpreter
    }
}

fn non_build_time(
    interp: &mut Interp<'_>,
    value: &Value,
    expr: &ast::Expr,
    scope: ScopeIdx,
) -> Abort {
    if value.is_deploy_time() {
        interp.error(
            scope,
            Code::DeployTimeValue,
            expr.span,
            "this value is known only at deploy time, but is needed at build time",
        )
    } else {
        interp.error(
            scope,
            Code::TypeMismatch,
            expr.span,
            format!("unexpected {} here", value.kind()),
        )
    }
}

fn compare(
    interp: &mut Interp<'_>,
    left: &Value,
    right: &Value,
    lhs: &ast::Expr,
    rhs: &ast::Expr,
    scope: ScopeIdx,
) -> R<Ordering> {
    match (left, right) {
        (Value::Int(a), Value::Int(b)) => Ok(a.cmp(b)),
        (Value::Str(a), Value::Str(b)) => Ok(a.cmp(b)),
        (a, b) => match (as_number(a), as_number(b)) {
            (Some(x), Some(y)) => Ok(x.partial_cmp(&y).unwrap_or(Ordering::Equal)),
            (None, _) => Err(non_build_time(interp, a, lhs, scope)),
            (_, None) => Err(non_build_time(interp, b, rhs, scope)),
        },
    }
}

fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

fn is_stringish(value: &Value) -> bool {
    matches!(value, Value::Str(_) | Value::Resource(_) | Value::Deploy(_))
}

#[allow(clippy::too_many_arguments)]
fn add<'a>(
    interp: &mut Interp<'a>,
    left: Value,
    right: Value,
    lhs: &'a ast::Expr,
    rhs: &'a ast::Expr,
    span: Span,
    scope: ScopeIdx,
) -> R<Value> {
    match (left, right) {
        (Value::Str(a), Value::Str(b)) => {
            if a.len() + b.len() > MAX_LEN {
                return Err(interp.error(
                    scope,
                    Code::LimitExceeded,
                    span,
                    "a string grew past 1,000,000 bytes",
                ));
            }
            interp.charge(scope, span, a.len() + b.len(), 0)?;
            Ok(Value::str(format!("{a}{b}")))
        }
        (Value::List(a), Value::List(b)) => {
            if a.len() + b.len() > MAX_LEN {
                return Err(interp.error(
                    scope,
                    Code::LimitExceeded,
                    span,
                    "a list grew past 1,000,000 elements",
                ));
            }
            interp.charge(scope, span, 0, a.len() + b.len())?;
            let mut items = Vec::with_capacity(a.len() + b.len());
            items.extend(a.iter().cloned());
            items.extend(b.iter().cloned());
            Ok(Value::list(items))
        }
        (a, b) if is_stringish(&a) && is_stringish(&b) => {
            Ok(Value::Deploy(Rc::new(Deploy::Sub(vec![
                to_sub(a),
                to_sub(b),
            ]))))
        }
        (a, b) => arithmetic(interp, BinaryOp::Add, a, b, lhs, rhs, span, scope),
    }
}

fn to_sub(value: Value) -> SubPart {
    match value {
        Value::Str(s) => SubPart::Lit(s.to_string()),
        other => SubPart::Value(other),
    }
}

#[allow(clippy::too_many_arguments)]
fn arithmetic(
    interp: &mut Interp<'_>,
    op: BinaryOp,
    left: Value,
    right: Value,
    lhs: &ast::Expr,
    rhs: &ast::Expr,
    span: Span,
    scope: ScopeIdx,
) -> R<Value> {
    if let (Value::Int(a), Value::Int(b)) = (&left, &right) {
        let (a, b) = (*a, *b);
        if matches!(op, BinaryOp::Div | BinaryOp::Rem) && b == 0 {
            return Err(interp.error(scope, Code::DivisionByZero, rhs.span, "division by zero"));
        }
        let result = match op {
            BinaryOp::Add => a.checked_add(b),
            BinaryOp::Sub => a.checked_sub(b),
            BinaryOp::Mul => a.checked_mul(b),
            BinaryOp::Div => a.checked_div(b),
            _ => a.checked_rem(b),
        };
        return match result {
            Some(value) => Ok(Value::Int(value)),
            None => Err(interp.error(
                scope,
                Code::ArithmeticOverflow,
                span,
                format!("`{}` overflows 64-bit integers", op.symbol()),
            )),
        };
    }
    let x = match as_number(&left) {
        Some(x) => x,
        None => return Err(non_build_time(interp, &left, lhs, scope)),
    };
    let y = match as_number(&right) {
        Some(y) => y,
        None => return Err(non_build_time(interp, &right, rhs, scope)),
    };
    if matches!(op, BinaryOp::Div | BinaryOp::Rem) && y == 0.0 {
        return Err(interp.error(scope, Code::DivisionByZero, rhs.span, "division by zero"));
    }
    let result = match op {
        BinaryOp::Add => x + y,
        BinaryOp::Sub => x - y,
        BinaryOp::Mul => x * y,
        BinaryOp::Div => x / y,
        _ => x % y,
    };
    if !result.is_finite() {
        return Err(interp.error(
            scope,
            Code::ArithmeticOverflow,
            span,
            "the result is not a finite number",
        ));
    }
    Ok(Value::Number(result))
}
