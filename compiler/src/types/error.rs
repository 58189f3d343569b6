//! Every message the type checker writes, in one place: lower case, no trailing period, names
//! and types in backticks. Tests match on codes and spans, never on these words.

use super::ty::Ty;

// ---- names and declarations

pub fn unresolved_name(name: &str) -> String {
    format!("cannot find `{name}` in this scope")
}

pub fn unresolved_type(name: &str) -> String {
    format!("cannot find type `{name}` in this scope")
}

pub fn not_a_type(name: &str) -> String {
    format!("`{name}` is a value, not a type")
}

pub fn not_a_value(name: &str) -> String {
    format!("`{name}` is a type, not a value")
}

pub fn module_has_no_member(module: &str, name: &str) -> String {
    format!("module `{module}` has no `{name}`")
}

pub fn module_has_no_type(module: &str, name: &str) -> String {
    format!("module `{module}` has no type `{name}`")
}

pub fn stack_has_no_member(stack: &str, name: &str) -> String {
    format!("stack `{stack}` has no `{name}`")
}

pub fn not_a_module(name: &str) -> String {
    format!("`{name}` is not an imported module")
}

pub fn duplicate_definition(name: &str) -> String {
    format!("`{name}` is declared more than once in this scope")
}

pub fn duplicate_field(name: &str) -> String {
    format!("field `{name}` is written more than once")
}

pub const FIRST_DECLARED_HERE: &str = "first declared here";

pub fn recursion(name: &str, through: &[String]) -> String {
    if through.is_empty() {
        format!("`{name}` depends on itself")
    } else {
        let names: Vec<String> = through.iter().map(|n| format!("`{n}`")).collect();
        format!("`{name}` depends on itself through {}", names.join(", "))
    }
}

pub const PART_OF_THE_CYCLE: &str = "part of the cycle";

pub fn misplaced(what: &str, rule: &str) -> String {
    format!("{what} is not allowed here: {rule}")
}

pub const RULE_TOP_LEVEL: &str = "it is declared only at the top level of a file";
pub const RULE_PARAM: &str = "params are declared at the top level of the entry file (build inputs), in a stack (template parameters) or in a component";
pub const RULE_PARAM_OPTIONS: &str =
    "only a stack's params (template parameters) take options after `with`";
pub const RULE_PARAM_MODULE: &str = "modules declare no params; params belong to the entry file";
pub const RULE_STACK: &str = "stacks are declared only at the top level of the entry file";
pub const RULE_MODULE_RESOURCES: &str =
    "modules declare no resources, outputs, checks or tags outside components";

pub const EXPRESSION_TOO_DEEP: &str =
    "this expression is nested too deeply to check; split it with `let`s";

pub fn nesting_too_deep(name: &str) -> String {
    format!("the type of `{name}` is nested too deeply")
}

// ---- types

pub fn mismatch(expected: &Ty, found: &Ty) -> String {
    format!("expected `{expected}`, found `{found}`")
}

pub fn mismatch_what(expected: &str, found: &Ty) -> String {
    format!("expected {expected}, found `{found}`")
}

pub fn field_mismatch(field: &str, expected: &Ty, found: &Ty) -> String {
    format!("field `{field}`: expected `{expected}`, found `{found}`")
}

pub fn unknown_field(name: &str, ty: &Ty) -> String {
    format!("unknown field `{name}` for `{ty}`")
}

pub fn no_field(name: &str, ty: &Ty) -> String {
    format!("no field `{name}` on `{ty}`")
}

pub fn missing_field(name: &str, ty: &Ty) -> String {
    format!("missing field `{name}` of `{ty}`")
}

pub fn unknown_component_param(component: &str, name: &str) -> String {
    format!("component `{component}` has no param `{name}`")
}

pub fn missing_component_param(component: &str, names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let s = if names.len() == 1 { "" } else { "s" };
    format!(
        "missing param{s} {} of component `{component}`",
        names.join(", ")
    )
}

pub fn optional_field_access(name: &str, ty: &Ty) -> String {
    format!("cannot read `{name}` of `{ty}`, which may be null")
}

pub const HELP_COALESCE: &str = "use `??` to give a default first";

pub fn cannot_read_field(name: &str, ty: &Ty) -> String {
    format!("cannot read field `{name}` of `{ty}`")
}

pub fn cannot_index(ty: &Ty) -> String {
    format!("cannot index `{ty}`")
}

pub fn binary(op: &str, lhs: &Ty, rhs: &Ty) -> String {
    format!("cannot apply `{op}` to `{lhs}` and `{rhs}`")
}

pub fn unary(op: &str, operand: &Ty) -> String {
    format!("cannot apply `{op}` to `{operand}`")
}

pub fn never_null(ty: &Ty) -> String {
    format!("the left side of `??` is never null: it is `{ty}`")
}

pub fn not_a_literal_of(lit: &str, ty: &Ty) -> String {
    format!("`\"{lit}\"` is not a value of `{ty}`")
}

pub fn cannot_interpolate(ty: &Ty) -> String {
    format!("cannot interpolate a value of type `{ty}`")
}

pub fn spread_not_record(ty: &Ty) -> String {
    format!("only a record can be spread, found `{ty}`")
}

pub fn not_iterable(ty: &Ty) -> String {
    format!("expected a list or a range, found `{ty}`")
}

pub const EXPECTED_LITERAL_UNION: &str = "a literal union such as `\"a\" | \"b\"`";

pub fn non_exhaustive(missing: &[&str]) -> String {
    let lits: Vec<String> = missing.iter().map(|m| format!("`\"{m}\"`")).collect();
    format!("non-exhaustive match: {} not covered", lits.join(", "))
}

pub fn arm_not_in_union(lit: &str, ty: &Ty) -> String {
    format!("unreachable arm: `\"{lit}\"` is not a value of `{ty}`")
}

pub fn arm_already_covered(lit: &str) -> String {
    format!("unreachable arm: `\"{lit}\"` is already matched")
}

pub const ARM_AFTER_WILDCARD: &str = "unreachable arm: `_` above matches everything";
pub const WILDCARD_COVERS_NOTHING: &str = "unreachable arm: every value is already matched";

// ---- calls and instances

pub fn wrong_argument_count(callee: &str, min: usize, max: usize, found: usize) -> String {
    let expected = if min == max {
        format!("{min} argument{}", if min == 1 { "" } else { "s" })
    } else if max == usize::MAX {
        format!("at least {min} arguments")
    } else {
        format!("{min} to {max} arguments")
    };
    format!("`{callee}` takes {expected}, found {found}")
}

pub fn not_callable(ty: &Ty) -> String {
    format!("`{ty}` is not a function")
}

pub fn component_called(name: &str) -> String {
    format!("component `{name}` is instantiated with `{name} {{ ... }}`, not called")
}

pub fn not_a_component(ty: &Ty) -> String {
    format!("`{ty}` is not a component")
}

pub fn fn_instantiated(ty: &Ty) -> String {
    format!("`{ty}` is a function: call it with `(...)`")
}

pub const MISPLACED_INSTANCE: &str =
    "a component instance must be the whole value of a `let` in a stack or component";

// ---- resources

pub fn unknown_resource_type(name: &str) -> String {
    format!("unknown resource type `{name}`")
}

pub fn unknown_property(name: &str, owner: &str) -> String {
    format!("`{owner}` has no property `{name}`")
}

pub fn read_only_property(name: &str, owner: &str) -> String {
    format!("property `{name}` of `{owner}` is read-only: CloudFormation sets it")
}

pub fn missing_required_properties(owner: &str, names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let s = if names.len() == 1 { "y" } else { "ies" };
    format!(
        "missing required propert{s} {} of `{owner}`",
        names.join(", ")
    )
}

pub fn property_mismatch(name: &str, expected: &str, found: &Ty) -> String {
    format!("property `{name}`: expected {expected}, found `{found}`")
}

pub fn invalid_enum_value(value: &str, name: &str, allowed: &[String]) -> String {
    let shown: Vec<String> = allowed
        .iter()
        .take(12)
        .map(|v| format!("`\"{v}\"`"))
        .collect();
    let more = if allowed.len() > 12 { ", ..." } else { "" };
    format!(
        "`\"{value}\"` is not a valid value of `{name}`; allowed: {}{more}",
        shown.join(", ")
    )
}

pub fn unknown_attribute(name: &str, resource_type: &str) -> String {
    format!("`{resource_type}` has no attribute `{name}`")
}

pub fn unknown_resource_option(name: &str) -> String {
    format!(
        "unknown resource option `{name}`; options are `DependsOn`, `DeletionPolicy`, \
         `UpdateReplacePolicy`, `Condition` and `Metadata`"
    )
}

pub fn resource_option_type(name: &str, expected: &str, found: &Ty) -> String {
    format!("option `{name}`: expected {expected}, found `{found}`")
}

pub fn invalid_policy(name: &str, value: &str) -> String {
    format!(
        "option `{name}`: `\"{value}\"` is not one of `\"Delete\"`, `\"Retain\"`, `\"Snapshot\"`, \
         `\"RetainExceptOnDelete\"`"
    )
}
