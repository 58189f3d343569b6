//! The interpreter: evaluates a checked project for one assignment of its params.
//!
//! Everything lives in arenas (scopes, slots, resources, stacks) addressed by index, so values
//! can refer to scopes without reference cycles. Declarations are registered first (phase 1:
//! every name gets a slot, every resource its logical ID) and forced afterwards (phase 2), so
//! that declarations may refer to each other in any order. Slots are lazy: a `let` is evaluated
//! on first use, at most once; a slot met again while it is being evaluated is a recursion.

use super::value::{
    Deploy, Fields, FnRef, FxIndexMap, KeyMap, ResourceIdx, ScopeIdx, SubPart, Value, display,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ExprKind, ItemKind, UnaryOp};
use indexmap::IndexMap;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Evaluation stops with `step-budget-exceeded` after this many steps.
pub const STEP_BUDGET: u64 = 10_000_000;
/// Lists, strings and ranges longer than this are `limit-exceeded`.
pub const MAX_LEN: usize = 1_000_000;
/// How often evaluation looks at its cancel flag, in steps.
const CANCEL_POLL_STEPS: u64 = 4096;
/// How deeply evaluation may nest (calls, lazy lets, nested expressions).
const MAX_DEPTH: usize = 350;
/// What registering one declaration costs, in steps: `for` blocks repeat declarations, and each
/// one holds a scope, slots and names (about a kilobyte), so that the step budget bounds their
/// memory (a million lets in two nested loops took 800 MB).
const DECLARATION_STEPS: u64 = 32;
/// How many outputs or parameters one stack may declare while evaluating. CloudFormation takes
/// 200 of each per template (reported with the count when the template is made); past ten
/// times that a `for` block is running away, and each new output is compared with the others.
const MAX_DECLARED_PER_STACK: usize = 2_000;

/// Evaluation stopped; the reason is already in the diagnostics (or was reported earlier).
#[derive(Debug, Clone, Copy)]
pub struct Abort;
pub type R<T> = Result<T, Abort>;

pub struct ModuleData<'a> {
    pub file: String,
    pub ast: &'a ast::File,
    pub scope: ScopeIdx,
    /// Import alias to module index (`None`: could not be resolved).
    pub imports: IndexMap<String, Option<usize>>,
}

/// Where declarations in a scope put their resources and how their logical IDs are formed.
#[derive(Clone, Debug, Default)]
pub struct DeclCtx {
    pub stack: usize,
    /// PascalCase names of the enclosing component instances (shared: every declaration of an
    /// instance or block reads it).
    pub prefix: Rc<str>,
    /// 1-based positions in the enclosing `for` blocks of this component or stack.
    pub suffix: Rc<str>,
}

pub struct ScopeData {
    pub parent: Option<ScopeIdx>,
    pub module: usize,
    /// Name to slot.
    pub names: KeyMap<usize>,
    /// Present for scopes that hold declarations (stacks, instances, declaration blocks).
    pub decl: Option<DeclCtx>,
    /// Component outputs (instance scopes): name to slot.
    pub outputs: KeyMap<usize>,
    /// What phase 2 must force in this scope.
    pub tasks: Vec<Task>,
    /// A scope made by a declaration-level `if` or `for`: its declarations belong to the
    /// enclosing stack or instance.
    pub block_child: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum Task {
    Slot(usize),
    Resource(ResourceIdx),
    Check { item: ItemRef },
    Block(usize),
}

/// A declaration in some module: module index and a pointer-free path to it.
#[derive(Clone, Copy, Debug)]
pub struct ItemRef {
    pub module: usize,
    pub scope: ScopeIdx,
    pub id: usize,
}

enum SlotState<'a> {
    Expr {
        expr: &'a ast::Expr,
        scope: ScopeIdx,
    },
    /// A `let` whose value is a component instance, declared in a declaration scope.
    Instance {
        name: &'a ast::Ident,
        expr: &'a ast::Expr,
        scope: ScopeIdx,
    },
    /// A name declared inside a declaration-level `if` or `for` block.
    BlockName {
        block: usize,
        name: Rc<str>,
    },
    Value(Value),
    InProgress,
    Poisoned,
}

struct Slot<'a> {
    state: SlotState<'a>,
    module: usize,
    span: Span,
}

pub struct BlockData<'a> {
    pub scope: ScopeIdx,
    pub kind: BlockKind<'a>,
    /// The child scopes, once expanded: one for an `if` (None when no branch was taken), one
    /// per element for a `for`.
    pub expanded: Option<Vec<ScopeIdx>>,
    pub in_progress: bool,
}

pub enum BlockKind<'a> {
    If(&'a ast::IfItems),
    For(&'a ast::ForItems),
}

pub struct ResourceData<'a> {
    pub stack: usize,
    pub logical_id: String,
    pub decl: &'a ast::Resource,
    pub scope: ScopeIdx,
    pub properties: Option<Value>,
    pub options: Option<Value>,
    pub in_progress: bool,
    pub failed: bool,
}

pub struct OutputData<'a> {
    pub logical_id: String,
    pub decl: &'a ast::Output,
    pub scope: ScopeIdx,
    pub value: Option<Value>,
    pub export: Option<Value>,
}

/// A stack's template parameter (a `param` declared in a stack).
pub struct ParameterData<'a> {
    pub logical_id: String,
    pub decl: &'a ast::Param,
    pub doc: Option<String>,
    pub scope: ScopeIdx,
}

pub struct StackData<'a> {
    pub name: String,
    pub parameters: Vec<ParameterData<'a>>,
    pub module: usize,
    pub span: Span,
    pub scope: ScopeIdx,
    pub resources: FxIndexMap<String, ResourceIdx>,
    pub outputs: Vec<OutputData<'a>>,
    pub tags: Option<(&'a ast::Expr, ScopeIdx)>,
    pub tag_values: Option<Value>,
}

pub struct Interp<'a> {
    pub modules: Vec<ModuleData<'a>>,
    pub scopes: Vec<ScopeData>,
    slots: Vec<Slot<'a>>,
    pub blocks: Vec<BlockData<'a>>,
    pub resources: Vec<ResourceData<'a>>,
    pub stacks: Vec<StackData<'a>>,
    checks: Vec<(&'a ast::Check, ScopeIdx)>,
    pending: VecDeque<ScopeIdx>,
    pub diagnostics: Vec<Diagnostic>,
    steps: u64,
    depth: usize,
    budget_exceeded: bool,
    /// Once set, evaluation stops as if the budget were spent (see [`Interp::cancel_on`]).
    cancel: Option<&'a AtomicBool>,
    pub params: IndexMap<String, Value>,
    /// Counts the scopes that must outlive the expression that made them (component instances
    /// and expanded declaration blocks). While it is unchanged, the scopes and slots an
    /// expression made (call frames, blocks, comprehension variables) are released afterwards.
    persistent: u64,
    /// Non-zero while a `check` condition is evaluated.
    checking: u32,
    /// The shared copies of the names and string literals of the trees, by the address and
    /// length of their text in the tree: record keys, scope names and literal strings are made
    /// from them once, and each record or scope holds a reference instead of a copy.
    interned: rustc_hash::FxHashMap<(usize, usize), Rc<str>>,
    /// The keys of each record literal evaluated so far, by the address of its entries.
    record_shapes: rustc_hash::FxHashMap<usize, Rc<RecordShape>>,
    /// A buffer for the text of interpolated strings, reused from one string to the next.
    scratch: String,
}

/// The keys a record literal writes, shared by every record made from it.
struct RecordShape {
    /// The keys of its `key: value` entries, in order (spreads are not included).
    keys: Vec<Rc<str>>,
    /// True when there are no spreads and no key is written twice: each field is then new to
    /// the record, and is added without looking for an earlier one.
    distinct: bool,
}

/// The sizes of the scope and slot arenas at some point, to release what came after.
#[derive(Clone, Copy)]
struct Mark {
    scopes: usize,
    slots: usize,
    persistent: u64,
}

/// The texts one after another, in a string allocated once (`format!` costs several times as
/// much, and logical IDs are made for every declaration).
fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Whether no key appears twice: compared pairwise when there are few (a literal is usually
/// evaluated a few times, and a hash set would cost more than it saves), with a set otherwise.
fn all_distinct(keys: &[Rc<str>]) -> bool {
    if keys.len() <= 16 {
        return keys
            .iter()
            .enumerate()
            .all(|(i, key)| keys[..i].iter().all(|earlier| earlier != key));
    }
    let mut seen = rustc_hash::FxHashSet::default();
    keys.iter().all(|key| seen.insert(key))
}

/// `suffix` followed by the 1-based `position`, padded with zeros to `width` digits.
fn position_suffix(suffix: &str, position: usize, width: usize) -> String {
    let digits = position.to_string();
    let mut out = String::with_capacity(suffix.len() + digits.len().max(width));
    out.push_str(suffix);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
    out
}

/// Converts `load_balancer` to `LoadBalancer` for logical IDs.
pub fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for ch in name.chars() {
        if ch == '_' || ch == '-' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// What the interpreter is given of one module: its file id, its tree, and its import aliases
/// (alias to module index; `None` when the import did not resolve).
pub type ModuleSource<'a> = (String, &'a ast::File, IndexMap<String, Option<usize>>);

impl<'a> Interp<'a> {
    /// Sets up the modules (index 0 is the entry file).
    pub fn new(modules: Vec<ModuleSource<'a>>, params: IndexMap<String, Value>) -> Self {
        let mut interp = Interp {
            modules: Vec::new(),
            scopes: Vec::new(),
            slots: Vec::new(),
            blocks: Vec::new(),
            resources: Vec::new(),
            stacks: Vec::new(),
            checks: Vec::new(),
            pending: VecDeque::new(),
            diagnostics: Vec::new(),
            steps: 0,
            cancel: None,
            depth: 0,
            budget_exceeded: false,
            params,
            persistent: 0,
            checking: 0,
            interned: rustc_hash::FxHashMap::default(),
            record_shapes: rustc_hash::FxHashMap::default(),
            scratch: String::new(),
        };
        for (index, (file, ast, imports)) in modules.into_iter().enumerate() {
            let scope = interp.new_scope(None, index, None);
            interp.modules.push(ModuleData {
                file,
                ast,
                scope,
                imports,
            });
        }
        interp
    }

    fn new_scope(
        &mut self,
        parent: Option<ScopeIdx>,
        module: usize,
        decl: Option<DeclCtx>,
    ) -> ScopeIdx {
        self.scopes.push(ScopeData {
            parent,
            module,
            names: KeyMap::new(),
            decl,
            outputs: KeyMap::new(),
            tasks: Vec::new(),
            block_child: false,
        });
        self.scopes.len() - 1
    }

    fn new_slot(&mut self, state: SlotState<'a>, module: usize, span: Span) -> usize {
        self.slots.push(Slot {
            state,
            module,
            span,
        });
        self.slots.len() - 1
    }

    fn mark(&self) -> Mark {
        Mark {
            scopes: self.scopes.len(),
            slots: self.slots.len(),
            persistent: self.persistent,
        }
    }

    /// Drops the scopes and slots made since `mark`, unless something persistent was made.
    /// Values never refer to such scopes (only instances refer to scopes, and instances are
    /// persistent), so nothing dangles.
    fn release(&mut self, mark: Mark) {
        if self.persistent == mark.persistent {
            self.scopes.truncate(mark.scopes);
            self.slots.truncate(mark.slots);
        }
    }

    /// The shared copy of `text`, a name or literal of a tree the interpreter evaluates. The
    /// trees outlive the interpreter and are not changed, so the address of a text names it.
    fn intern(&mut self, text: &'a str) -> Rc<str> {
        self.interned
            .entry((text.as_ptr() as usize, text.len()))
            .or_insert_with(|| Rc::from(text))
            .clone()
    }

    /// Binds `name` in `scope` to a new slot holding `value`, and returns the slot.
    fn bind(&mut self, scope: ScopeIdx, name: Rc<str>, value: Value, span: Span) -> usize {
        let module = self.scopes[scope].module;
        let slot = self.new_slot(SlotState::Value(value), module, span);
        self.scopes[scope].names.insert(name, slot);
        slot
    }

    /// [`Interp::bind`] for a name written in a tree.
    fn bind_ident(&mut self, scope: ScopeIdx, ident: &'a ast::Ident, value: Value) -> usize {
        let name = self.intern(&ident.name);
        self.bind(scope, name, value, ident.span)
    }

    pub fn file_of(&self, scope: ScopeIdx) -> &str {
        &self.modules[self.scopes[scope].module].file
    }

    pub fn error(
        &mut self,
        scope: ScopeIdx,
        code: Code,
        span: Span,
        message: impl Into<String>,
    ) -> Abort {
        let file = self.file_of(scope).to_string();
        self.diagnostics
            .push(Diagnostic::error(code, file, span, message));
        Abort
    }

    // ------------------------------------------------------------------------------------------
    // Phase 1: registering declarations

    /// Registers every module's top-level declarations and the entry file's stacks.
    pub fn register_all(&mut self) {
        for module in 0..self.modules.len() {
            let scope = self.modules[module].scope;
            let ast = self.modules[module].ast;
            let imports: Vec<(String, Option<usize>)> = self.modules[module]
                .imports
                .iter()
                .map(|(a, m)| (a.clone(), *m))
                .collect();
            for (alias, target) in imports {
                if let Some(target) = target {
                    self.bind(scope, alias.into(), Value::Module(target), Span::default());
                }
            }
            let mut top_level_decls = Vec::new();
            // a function or component is called by the first declaration of its name, as the
            // checker sees it
            let mut first: rustc_hash::FxHashMap<(bool, &str), u32> = Default::default();
            for (position, item) in ast.items.iter().enumerate() {
                let position = u32::try_from(position).unwrap_or(u32::MAX);
                let module_index = u32::try_from(module).unwrap_or(u32::MAX);
                match &item.kind {
                    ItemKind::Let(decl) => self.register_let(scope, decl),
                    ItemKind::Fn(decl) => {
                        let item = *first.entry((true, &decl.name.name)).or_insert(position);
                        let value = Value::Fn(FnRef::Declared {
                            module: module_index,
                            item,
                        });
                        self.bind_ident(scope, &decl.name, value);
                    }
                    ItemKind::Component(decl) => {
                        let item = *first.entry((false, &decl.name.name)).or_insert(position);
                        let value = Value::Component {
                            module: module_index,
                            item,
                        };
                        self.bind_ident(scope, &decl.name, value);
                    }
                    ItemKind::Param(decl) if module == 0 => {
                        let state = match (self.params.get(&decl.name.name), &decl.default) {
                            (Some(value), _) => SlotState::Value(value.clone()),
                            (None, Some(default)) => SlotState::Expr {
                                expr: default,
                                scope,
                            },
                            (None, None) => SlotState::Value(Value::Null),
                        };
                        let slot = self.new_slot(state, module, decl.name.span);
                        let name = self.intern(&decl.name.name);
                        self.scopes[scope].names.insert(name, slot);
                    }
                    ItemKind::Stack(_) if module == 0 => {}
                    ItemKind::Resource(_)
                    | ItemKind::Output(_)
                    | ItemKind::Check(_)
                    | ItemKind::If(_)
                    | ItemKind::For(_)
                    | ItemKind::Tags(_)
                        if module == 0 =>
                    {
                        top_level_decls.push(item)
                    }
                    _ => {}
                }
            }
            if module == 0 {
                for item in &ast.items {
                    if let ItemKind::Stack(stack) = &item.kind {
                        let index = self.stacks.len();
                        self.bind_ident(scope, &stack.name, Value::Stack(index));
                        self.stacks.push(StackData {
                            parameters: Vec::new(),
                            name: stack.name.name.clone(),
                            module,
                            span: stack.name.span,
                            scope: usize::MAX,
                            resources: FxIndexMap::default(),
                            outputs: Vec::new(),
                            tags: None,
                            tag_values: None,
                        });
                    }
                }
                let only_checks = top_level_decls
                    .iter()
                    .all(|item| matches!(item.kind, ItemKind::Check(_)));
                if !top_level_decls.is_empty() && only_checks {
                    // top-level checks alone make no stack: they run against the others
                    for item in top_level_decls {
                        self.register_decl_item(scope, item);
                    }
                    self.pending.push_back(scope);
                } else if !top_level_decls.is_empty() {
                    // Top-level declarations of the entry file form the stack `main`, whose
                    // scope is the module scope itself.
                    let index = self.stacks.len();
                    self.stacks.push(StackData {
                        parameters: Vec::new(),
                        name: "main".into(),
                        module,
                        span: top_level_decls[0].span,
                        scope,
                        resources: FxIndexMap::default(),
                        outputs: Vec::new(),
                        tags: None,
                        tag_values: None,
                    });
                    self.scopes[scope].decl = Some(DeclCtx {
                        stack: index,
                        ..DeclCtx::default()
                    });
                    for item in top_level_decls {
                        self.register_decl_item(scope, item);
                    }
                    self.pending.push_back(scope);
                }
                let mut stack_index = 0;
                for item in &ast.items {
                    if let ItemKind::Stack(stack) = &item.kind {
                        let ctx = DeclCtx {
                            stack: stack_index,
                            ..DeclCtx::default()
                        };
                        let stack_scope = self.new_scope(Some(scope), module, Some(ctx));
                        self.stacks[stack_index].scope = stack_scope;
                        for inner in &stack.items {
                            self.register_decl_item(stack_scope, inner);
                        }
                        self.pending.push_back(stack_scope);
                        stack_index += 1;
                    }
                }
            }
        }
    }

    fn register_let(&mut self, scope: ScopeIdx, decl: &'a ast::Let) {
        let module = self.scopes[scope].module;
        let state = if matches!(decl.value.kind, ExprKind::Instantiate { .. })
            && self.scopes[scope].decl.is_some()
        {
            SlotState::Instance {
                name: &decl.name,
                expr: &decl.value,
                scope,
            }
        } else {
            SlotState::Expr {
                expr: &decl.value,
                scope,
            }
        };
        let slot = self.new_slot(state, module, decl.name.span);
        let name = self.intern(&decl.name.name);
        self.scopes[scope].names.insert(name, slot);
        self.scopes[scope].tasks.push(Task::Slot(slot));
    }

    /// Registers one declaration of a stack, component instance or declaration block.
    fn register_decl_item(&mut self, scope: ScopeIdx, item: &'a ast::Item) {
        self.steps = self.steps.saturating_add(DECLARATION_STEPS - 1);
        if self.step(scope, item.span).is_err() {
            return;
        }
        let module = self.scopes[scope].module;
        let ctx = self.scopes[scope].decl.clone().unwrap_or_default();
        let declared = match &item.kind {
            ItemKind::Output(_) => Some((self.stacks[ctx.stack].outputs.len(), "outputs")),
            ItemKind::Param(_) => Some((self.stacks[ctx.stack].parameters.len(), "parameters")),
            _ => None,
        };
        if let Some((count, what)) = declared
            && count >= MAX_DECLARED_PER_STACK
            && !self.is_instance_scope(scope)
        {
            let message = format!(
                "stack `{}` declares more than {MAX_DECLARED_PER_STACK} {what}; CloudFormation allows at most 200",
                self.stacks[ctx.stack].name
            );
            let _ = self.error(scope, Code::TemplateQuota, item.span, message);
            // stop evaluating: the build has failed, and what follows would repeat this
            self.budget_exceeded = true;
            return;
        }
        match &item.kind {
            ItemKind::Let(decl) => self.register_let(scope, decl),
            ItemKind::Resource(decl) => {
                let logical_id = concat(&[&ctx.prefix, &decl.name.name, &ctx.suffix]);
                let index = self.resources.len();
                self.resources.push(ResourceData {
                    stack: ctx.stack,
                    logical_id: logical_id.clone(),
                    decl,
                    scope,
                    properties: None,
                    options: None,
                    in_progress: false,
                    failed: false,
                });
                self.bind_ident(scope, &decl.name, Value::Resource(index));
                self.scopes[scope].tasks.push(Task::Resource(index));
                self.add_logical_id(ctx.stack, logical_id, index, scope);
            }
            ItemKind::Output(decl) => {
                if self.is_instance_scope(scope) {
                    let slot = self.new_slot(
                        SlotState::Expr {
                            expr: &decl.value,
                            scope,
                        },
                        module,
                        decl.name.span,
                    );
                    let name = if ctx.suffix.is_empty() {
                        self.intern(&decl.name.name)
                    } else {
                        format!("{}{}", decl.name.name, ctx.suffix).into()
                    };
                    let instance = self.instance_scope_of(scope);
                    self.scopes[instance].outputs.insert(name, slot);
                    self.scopes[scope].tasks.push(Task::Slot(slot));
                } else {
                    let logical_id = format!("{}{}", pascal_case(&decl.name.name), ctx.suffix);
                    let stack = &mut self.stacks[ctx.stack];
                    if let Some(previous) =
                        stack.outputs.iter().find(|o| o.logical_id == logical_id)
                    {
                        let previous_span = previous.decl.name.span;
                        let file = self.file_of(scope).to_string();
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::LogicalIdCollision,
                                file,
                                decl.name.span,
                                format!(
                                    "output `{logical_id}` is declared twice in stack `{}`",
                                    self.stacks[ctx.stack].name
                                ),
                            )
                            .with_label(previous_span, "first declared here"),
                        );
                        return;
                    }
                    stack.outputs.push(OutputData {
                        logical_id,
                        decl,
                        scope,
                        value: None,
                        export: None,
                    });
                    // outputs are forced when the stack is lowered
                }
            }
            ItemKind::Check(decl) => {
                let id = self.checks.len();
                self.checks.push((decl, scope));
                self.scopes[scope].tasks.push(Task::Check {
                    item: ItemRef { module, scope, id },
                });
            }
            ItemKind::Tags(expr) => {
                let stack = &mut self.stacks[ctx.stack];
                stack.tags = Some((expr, scope));
            }
            ItemKind::Param(decl) if !self.is_instance_scope(scope) => {
                let logical_id = format!("{}{}", pascal_case(&decl.name.name), ctx.suffix);
                let value = Value::Deploy(Rc::new(Deploy::Parameter {
                    stack: ctx.stack,
                    logical_id: logical_id.as_str().into(),
                }));
                self.bind_ident(scope, &decl.name, value);
                self.stacks[ctx.stack].parameters.push(ParameterData {
                    logical_id,
                    decl,
                    doc: item.doc.clone(),
                    scope,
                });
            }
            ItemKind::If(block) => self.register_block(scope, BlockKind::If(block)),
            ItemKind::For(block) => self.register_block(scope, BlockKind::For(block)),
            // params inside components are bound when the instance is created; other
            // declarations are misplaced and were reported by the checker
            _ => {}
        }
    }

    fn is_instance_scope(&self, scope: ScopeIdx) -> bool {
        let instance = self.instance_scope_of(scope);
        self.stacks.iter().all(|s| s.scope != instance)
            && self.modules.iter().all(|m| m.scope != instance)
    }

    /// The nearest enclosing scope that is not a declaration block: the instance or stack scope.
    fn instance_scope_of(&self, mut scope: ScopeIdx) -> ScopeIdx {
        while self.scopes[scope].block_child {
            match self.scopes[scope].parent {
                Some(parent) => scope = parent,
                None => break,
            }
        }
        scope
    }

    fn add_logical_id(
        &mut self,
        stack: usize,
        logical_id: String,
        index: ResourceIdx,
        scope: ScopeIdx,
    ) {
        let span = self.resources[index].decl.name.span;
        if !logical_id.bytes().all(|b| b.is_ascii_alphanumeric()) || logical_id.len() > 255 {
            self.error(
                scope,
                Code::InvalidLogicalId,
                span,
                format!(
                    "logical ID `{logical_id}` must be alphanumeric and at most 255 characters"
                ),
            );
            return;
        }
        if let Some(&previous) = self.stacks[stack].resources.get(&logical_id) {
            let previous_scope = self.resources[previous].scope;
            let previous_file = self.file_of(previous_scope).to_string();
            let previous_span = self.resources[previous].decl.name.span;
            let file = self.file_of(scope).to_string();
            self.diagnostics.push(
                Diagnostic::error(
                    Code::LogicalIdCollision,
                    file,
                    span,
                    format!(
                        "two resources get the logical ID `{logical_id}` in stack `{}`",
                        self.stacks[stack].name
                    ),
                )
                .with_label_in(
                    previous_file,
                    previous_span,
                    "the other one is declared here",
                )
                .with_help(
                    "rename one of them, or bind the component instances to different names",
                ),
            );
            self.resources[index].failed = true;
            return;
        }
        self.stacks[stack].resources.insert(logical_id, index);
    }

    fn register_block(&mut self, scope: ScopeIdx, kind: BlockKind<'a>) {
        let index = self.blocks.len();
        let items: Vec<&'a ast::Item> = match &kind {
            BlockKind::If(b) => b.then_items.iter().chain(b.else_items.iter()).collect(),
            BlockKind::For(b) => b.items.iter().collect(),
        };
        self.blocks.push(BlockData {
            scope,
            kind,
            expanded: None,
            in_progress: false,
        });
        let mut names = Vec::new();
        for item in items {
            declared_idents(item, &mut names);
        }
        let module = self.scopes[scope].module;
        for ident in names {
            if self.scopes[scope].names.contains_key(&ident.name) {
                continue;
            }
            let name = self.intern(&ident.name);
            let slot = self.new_slot(
                SlotState::BlockName {
                    block: index,
                    name: name.clone(),
                },
                module,
                ident.span,
            );
            self.scopes[scope].names.insert(name, slot);
        }
        self.scopes[scope].tasks.push(Task::Block(index));
    }

    /// Evaluates a block's condition or iterable and registers the chosen declarations.
    fn expand_block(&mut self, index: usize) -> R<()> {
        let scope = self.blocks[index].scope;
        if self.blocks[index].in_progress {
            let span = match &self.blocks[index].kind {
                BlockKind::If(b) => b.condition.span,
                BlockKind::For(b) => b.iterable.span,
            };
            return Err(self.error(
                scope,
                Code::Recursion,
                span,
                "this condition depends on a declaration inside its own block",
            ));
        }
        if self.blocks[index].expanded.is_some() {
            return Ok(());
        }
        self.blocks[index].in_progress = true;
        let result = self.expand_block_inner(index, scope);
        self.blocks[index].in_progress = false;
        let children = result?;
        self.blocks[index].expanded = Some(children.clone());
        for child in children {
            self.pending.push_back(child);
        }
        Ok(())
    }

    fn expand_block_inner(&mut self, index: usize, scope: ScopeIdx) -> R<Vec<ScopeIdx>> {
        self.persistent += 1;
        let module = self.scopes[scope].module;
        let ctx = self.scopes[scope].decl.clone().unwrap_or_default();
        match self.blocks[index].kind {
            BlockKind::If(block) => {
                let condition = self.eval(&block.condition, scope)?;
                let taken = self.expect_bool(condition, &block.condition, scope)?;
                let items = if taken {
                    &block.then_items
                } else {
                    &block.else_items
                };
                if items.is_empty() {
                    return Ok(Vec::new());
                }
                let child = self.new_scope(Some(scope), module, Some(ctx));
                self.mark_block_child(index, child);
                for item in items {
                    self.register_decl_item(child, item);
                }
                Ok(vec![child])
            }
            BlockKind::For(block) => {
                let iterable = self.eval(&block.iterable, scope)?;
                let elements = self.expect_list(iterable, &block.iterable, scope)?;
                let mut children = Vec::new();
                // positions in an inner `for` are padded to the width of its length, so that
                // (1, 11) and (11, 1) in a 20-by-20 grid give `X111` and `X1101`, not `X111` twice
                let width = if ctx.suffix.is_empty() {
                    0
                } else {
                    elements.len().to_string().len()
                };
                for (position, element) in elements.iter().enumerate() {
                    let child_ctx = DeclCtx {
                        suffix: position_suffix(&ctx.suffix, position + 1, width).into(),
                        ..ctx.clone()
                    };
                    let child = self.new_scope(Some(scope), module, Some(child_ctx));
                    self.mark_block_child(index, child);
                    self.bind_ident(child, &block.var, element.clone());
                    for item in &block.items {
                        self.register_decl_item(child, item);
                    }
                    children.push(child);
                }
                Ok(children)
            }
        }
    }

    fn mark_block_child(&mut self, _index: usize, child: ScopeIdx) {
        self.scopes[child].block_child = true;
    }

    // ------------------------------------------------------------------------------------------
    // Phase 2: forcing everything

    /// Forces every declaration of every stack (and of the instances and blocks they create),
    /// and runs the checks.
    pub fn force_all(&mut self) {
        while let Some(scope) = self.pending.pop_front() {
            let tasks = self.scopes[scope].tasks.clone();
            for task in tasks {
                if self.budget_exceeded {
                    return;
                }
                let _ = match task {
                    Task::Slot(slot) => self.force(slot).map(|_| ()),
                    Task::Resource(index) => self.force_resource(index),
                    Task::Block(index) => self.expand_block(index),
                    Task::Check { item } => self.run_check(item.id),
                };
            }
        }
        for stack in 0..self.stacks.len() {
            self.force_outputs(stack);
        }
    }

    fn force_outputs(&mut self, stack: usize) {
        for index in 0..self.stacks[stack].outputs.len() {
            let (decl, scope) = {
                let output = &self.stacks[stack].outputs[index];
                (output.decl, output.scope)
            };
            if let Ok(value) = self.eval(&decl.value, scope) {
                self.stacks[stack].outputs[index].value = Some(value);
            }
            if let Some(export) = &decl.export
                && let Ok(value) = self.eval(export, scope)
            {
                self.stacks[stack].outputs[index].export = Some(value);
            }
        }
        if let Some((expr, scope)) = self.stacks[stack].tags
            && let Ok(value) = self.eval(expr, scope)
        {
            let value = self.to_data(value, expr.span, scope);
            if let Ok(value) = value {
                self.stacks[stack].tag_values = Some(value);
            }
        }
    }

    pub fn force_resource(&mut self, index: ResourceIdx) -> R<()> {
        if self.resources[index].properties.is_some() {
            return Ok(());
        }
        if self.resources[index].failed {
            return Err(Abort);
        }
        let scope = self.resources[index].scope;
        let decl = self.resources[index].decl;
        if self.resources[index].in_progress {
            return Err(self.error(
                scope,
                Code::Recursion,
                decl.name.span,
                format!(
                    "the properties of `{}` depend on themselves",
                    decl.name.name
                ),
            ));
        }
        self.resources[index].in_progress = true;
        let properties = self
            .eval(&decl.properties, scope)
            .and_then(|v| self.to_data(v, decl.properties.span, scope));
        let options = match &decl.options {
            Some(options) => self.eval(options, scope).map(Some),
            None => Ok(None),
        };
        self.resources[index].in_progress = false;
        match (properties, options) {
            (Ok(properties), Ok(options)) => {
                self.resources[index].properties = Some(properties);
                self.resources[index].options = options;
                Ok(())
            }
            _ => {
                self.resources[index].failed = true;
                Err(Abort)
            }
        }
    }

    fn run_check(&mut self, id: usize) -> R<()> {
        let (check, scope) = self.checks[id];
        self.checking += 1;
        let value = self.eval(&check.condition, scope);
        self.checking -= 1;
        let value = value?;
        let passed = self.expect_bool(value, &check.condition, scope)?;
        if passed {
            return Ok(());
        }
        let message = match &check.message {
            Some(message) => match self.eval(message, scope)? {
                Value::Str(s) => s.to_string(),
                other => display(&other),
            },
            None => "the condition is false".to_string(),
        };
        let file = self.file_of(scope).to_string();
        let mut diagnostic = Diagnostic::error(
            Code::CheckFailed,
            file,
            check.condition.span,
            format!("check failed: {message}"),
        );
        let mut facts = Vec::new();
        self.checking += 1;
        self.explain(&check.condition, scope, &mut facts);
        self.checking -= 1;
        for (span, text) in facts {
            diagnostic = diagnostic.with_label(span, text);
        }
        self.diagnostics.push(diagnostic);
        Ok(())
    }

    /// The values of the operands of the comparisons in a failed check, as labels.
    fn explain(&mut self, expr: &'a ast::Expr, scope: ScopeIdx, facts: &mut Vec<(Span, String)>) {
        if facts.len() >= 8 {
            return;
        }
        match &expr.kind {
            ExprKind::Binary {
                op: BinaryOp::And | BinaryOp::Or,
                lhs,
                rhs,
            } => {
                self.explain(lhs, scope, facts);
                self.explain(rhs, scope, facts);
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => self.explain(operand, scope, facts),
            ExprKind::Binary { lhs, rhs, .. } => {
                for side in [lhs, rhs] {
                    if is_literal(side) {
                        continue;
                    }
                    if let Ok(value) = self.eval(side, scope) {
                        facts.push((side.span, format!("this is {}", display(&value))));
                    }
                }
            }
            _ if !is_literal(expr) => {
                if let Ok(value) = self.eval(expr, scope) {
                    facts.push((expr.span, format!("this is {}", display(&value))));
                }
            }
            _ => {}
        }
    }

    // ------------------------------------------------------------------------------------------
    // Names and slots

    pub fn lookup(&mut self, scope: ScopeIdx, name: &str, span: Span) -> R<Value> {
        let mut current = Some(scope);
        while let Some(s) = current {
            if let Some(&slot) = self.scopes[s].names.get(name) {
                return self.force(slot);
            }
            current = self.scopes[s].parent;
        }
        if name == "aws" {
            return Ok(Value::Aws);
        }
        if let Some(builtin) = super::builtins::lookup(name) {
            return Ok(Value::Fn(FnRef::Builtin(builtin)));
        }
        // The checker reports unresolved names; an import that failed to resolve lands here too.
        let module = self.scopes[scope].module;
        if self.modules[module].imports.contains_key(name) {
            return Err(Abort);
        }
        Err(self.error(
            scope,
            Code::UnresolvedName,
            span,
            format!("`{name}` is not declared"),
        ))
    }

    fn force(&mut self, slot: usize) -> R<Value> {
        // most reads find the value already there
        if let SlotState::Value(value) = &self.slots[slot].state {
            return Ok(value.clone());
        }
        let state = std::mem::replace(&mut self.slots[slot].state, SlotState::InProgress);
        let result = match state {
            SlotState::Value(value) => {
                self.slots[slot].state = SlotState::Value(value.clone());
                return Ok(value);
            }
            SlotState::Poisoned => {
                self.slots[slot].state = SlotState::Poisoned;
                return Err(Abort);
            }
            SlotState::InProgress => {
                let module = self.slots[slot].module;
                let file = self.modules[module].file.clone();
                let span = self.slots[slot].span;
                self.diagnostics.push(Diagnostic::error(
                    Code::Recursion,
                    file,
                    span,
                    "this declaration depends on itself",
                ));
                self.slots[slot].state = SlotState::Poisoned;
                return Err(Abort);
            }
            SlotState::Expr { expr, scope } => self.eval(expr, scope),
            SlotState::Instance { name, expr, scope } => self.instantiate(name, expr, scope),
            SlotState::BlockName { block, name } => self.block_value(block, &name),
        };
        self.slots[slot].state = match &result {
            Ok(value) => SlotState::Value(value.clone()),
            Err(_) => SlotState::Poisoned,
        };
        result
    }

    fn block_value(&mut self, block: usize, name: &str) -> R<Value> {
        self.expand_block(block)?;
        let children = self.blocks[block].expanded.clone().unwrap_or_default();
        let mut values = Vec::new();
        for child in &children {
            match self.scopes[*child].names.get(name).copied() {
                Some(slot) => values.push(self.force(slot)?),
                None => values.push(Value::Null),
            }
        }
        match self.blocks[block].kind {
            BlockKind::If(_) => Ok(values.into_iter().next().unwrap_or(Value::Null)),
            BlockKind::For(_) => Ok(Value::list(values)),
        }
    }

    /// Creates a component instance: binds its params (lazily, in the caller's scope),
    /// registers its declarations with the instance's logical-ID prefix, and queues them.
    fn instantiate(
        &mut self,
        name: &'a ast::Ident,
        expr: &'a ast::Expr,
        scope: ScopeIdx,
    ) -> R<Value> {
        let ExprKind::Instantiate { component, args } = &expr.kind else {
            return self.eval(expr, scope);
        };
        let Value::Component { module, item } = self.eval(component, scope)? else {
            return Err(self.error(
                scope,
                Code::NotCallable,
                component.span,
                "this is not a component",
            ));
        };
        let module = module as usize;
        let Some(ItemKind::Component(decl)) = self
            .modules
            .get(module)
            .and_then(|m| m.ast.items.get(item as usize))
            .map(|item| &item.kind)
        else {
            return Err(Abort);
        };
        let outer = self.scopes[scope].decl.clone().unwrap_or_default();
        let ctx = DeclCtx {
            stack: outer.stack,
            prefix: concat(&[&outer.prefix, &pascal_case(&name.name), &outer.suffix]).into(),
            suffix: "".into(),
        };
        let module_scope = self.modules[module].scope;
        self.persistent += 1;
        let instance = self.new_scope(Some(module_scope), module, Some(ctx));
        // params: given args (evaluated in the caller's scope), then defaults (in the instance)
        let mut given: rustc_hash::FxHashMap<&str, &'a ast::Expr> = Default::default();
        let mut spreads = Vec::new();
        for entry in args {
            match entry {
                ast::RecordEntry::Field { key, value } => {
                    given.insert(key.name.as_str(), value);
                }
                ast::RecordEntry::Spread(value) => spreads.push(value),
            }
        }
        let mut spread_values: Fields = Fields::default();
        for spread in spreads {
            let value = self.eval(spread, scope)?;
            if let Value::Record(fields) = self.to_data(value, spread.span, scope)? {
                for (k, v) in fields.iter() {
                    spread_values.insert(k.clone(), v.clone());
                }
            }
        }
        for item in &decl.items {
            if let ItemKind::Param(param) = &item.kind {
                let state = if let Some(value) = given.get(param.name.name.as_str()) {
                    SlotState::Expr { expr: value, scope }
                } else if let Some(value) = spread_values.get(&param.name.name) {
                    SlotState::Value(value.clone())
                } else if let Some(default) = &param.default {
                    SlotState::Expr {
                        expr: default,
                        scope: instance,
                    }
                } else {
                    SlotState::Value(Value::Null)
                };
                let slot = self.new_slot(state, module, param.name.span);
                let name = self.intern(&param.name.name);
                self.scopes[instance].names.insert(name, slot);
            }
        }
        for item in &decl.items {
            self.register_decl_item(instance, item);
        }
        self.pending.push_back(instance);
        Ok(Value::Instance(instance))
    }

    // ------------------------------------------------------------------------------------------
    // Expressions

    /// Stops evaluating soon after `cancel` is set: every few thousand steps fail from then on,
    /// with no diagnostic. For an evaluation whose result nobody will read (a build that runs
    /// it beside the type checker, which found an error).
    pub fn cancel_on(&mut self, cancel: &'a AtomicBool) {
        self.cancel = Some(cancel);
    }

    fn step(&mut self, scope: ScopeIdx, span: Span) -> R<()> {
        if self.budget_exceeded {
            return Err(Abort);
        }
        self.steps += 1;
        if self.steps.is_multiple_of(CANCEL_POLL_STEPS)
            && self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
        {
            self.budget_exceeded = true;
            return Err(Abort);
        }
        if self.steps > STEP_BUDGET {
            self.budget_exceeded = true;
            return Err(self.error(
                scope,
                Code::StepBudgetExceeded,
                span,
                format!("evaluation took more than {STEP_BUDGET} steps"),
            ));
        }
        Ok(())
    }

    /// Charges the steps for a value built in one go (a concatenation, a spread, an
    /// interpolation, a built-in's result): one step per 16 bytes of text and per element.
    /// Values share their parts, so one step could otherwise copy a million elements, and the
    /// step budget would not bound memory: a million concatenations of two long lists, each one
    /// step, would need terabytes. Within the budget, values built this way hold at most about
    /// 250 MB. Small values (under 16 bytes, one element) cost nothing more.
    pub fn charge(&mut self, scope: ScopeIdx, span: Span, bytes: usize, elements: usize) -> R<()> {
        let units = (bytes / 16).saturating_add(elements) as u64;
        if units == 0 {
            return Ok(());
        }
        self.steps = self.steps.saturating_add(units - 1);
        self.step(scope, span)
    }

    pub fn eval(&mut self, expr: &'a ast::Expr, scope: ScopeIdx) -> R<Value> {
        self.step(scope, expr.span)?;
        if self.depth >= MAX_DEPTH {
            return Err(self.error(
                scope,
                Code::LimitExceeded,
                expr.span,
                "evaluation is nested too deeply",
            ));
        }
        self.depth += 1;
        let result = self.eval_inner(expr, scope);
        self.depth -= 1;
        result
    }

    fn eval_inner(&mut self, expr: &'a ast::Expr, scope: ScopeIdx) -> R<Value> {
        match &expr.kind {
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Int(i) => Ok(Value::Int(*i)),
            ExprKind::Number(text) => match text.parse::<f64>() {
                Ok(n) => Ok(Value::Number(n)),
                Err(_) => Err(self.error(
                    scope,
                    Code::SyntaxError,
                    expr.span,
                    format!("`{text}` is not a number"),
                )),
            },
            ExprKind::Str(parts) => self.eval_string(parts, scope, expr.span),
            ExprKind::Name(name) => self.lookup(scope, name, expr.span),
            ExprKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.eval(item, scope)?);
                }
                Ok(Value::list(values))
            }
            ExprKind::ListFor(comp) => self.eval_list_for(comp, scope),
            ExprKind::Record(entries) => self.eval_record(entries, scope),
            ExprKind::MapFor(comp) => self.eval_map_for(comp, scope),
            ExprKind::Field { base, name } => {
                let value = self.eval(base, scope)?;
                self.field(value, name, base.span, scope)
            }
            ExprKind::Index { base, index } => {
                let value = self.eval(base, scope)?;
                let index_value = self.eval(index, scope)?;
                self.index(value, index_value, expr.span, index.span, scope)
            }
            ExprKind::Call { callee, args } => {
                let function = self.eval(callee, scope)?;
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.eval(arg, scope)?);
                }
                self.call(function, values, args, expr.span, scope)
            }
            ExprKind::Instantiate { .. } => Err(self.error(
                scope,
                Code::MisplacedInstance,
                expr.span,
                "a component instance must be the value of a `let` in a stack or component",
            )),
            ExprKind::Unary { op, operand } => {
                let value = self.eval(operand, scope)?;
                self.unary(*op, value, operand, scope)
            }
            ExprKind::Binary { op, lhs, rhs } => self.eval_binary(*op, lhs, rhs, expr.span, scope),
            ExprKind::If {
                condition,
                then_branch,
                else_branch,
            } => {
                let value = self.eval(condition, scope)?;
                if self.expect_bool(value, condition, scope)? {
                    self.eval(then_branch, scope)
                } else {
                    self.eval(else_branch, scope)
                }
            }
            ExprKind::Match { scrutinee, arms } => {
                let value = self.eval(scrutinee, scope)?;
                let text = match &value {
                    Value::Str(s) => s.clone(),
                    other => {
                        let message = format!(
                            "`match` needs a string known at build time, found {}",
                            other.kind()
                        );
                        return Err(self.error(
                            scope,
                            Code::DeployTimeValue,
                            scrutinee.span,
                            message,
                        ));
                    }
                };
                for arm in arms {
                    let matched = match &arm.pattern {
                        ast::Pattern::Wildcard(_) => true,
                        ast::Pattern::Literals(literals) => {
                            literals.iter().any(|(l, _)| **l == *text)
                        }
                    };
                    if matched {
                        return self.eval(&arm.body, scope);
                    }
                }
                Err(self.error(
                    scope,
                    Code::NonExhaustiveMatch,
                    expr.span,
                    format!("no arm matches {:?}", &*text),
                ))
            }
            ExprKind::Range { start, end } => {
                let start_value = self.eval(start, scope)?;
                let end_value = self.eval(end, scope)?;
                let (Value::Int(a), Value::Int(b)) = (&start_value, &end_value) else {
                    return Err(self.error(
                        scope,
                        Code::TypeMismatch,
                        expr.span,
                        "a range needs two integers",
                    ));
                };
                let (a, b) = (*a, *b);
                if b.saturating_sub(a) > MAX_LEN as i64 {
                    return Err(self.error(
                        scope,
                        Code::LimitExceeded,
                        expr.span,
                        format!("a range may hold at most {MAX_LEN} numbers"),
                    ));
                }
                Ok(Value::list((a..b.max(a)).map(Value::Int).collect()))
            }
            ExprKind::Block { lets, value } => {
                let mark = self.mark();
                let module = self.scopes[scope].module;
                let block = self.new_scope(Some(scope), module, None);
                for decl in lets {
                    self.register_let(block, decl);
                }
                let result = self.eval(value, block);
                self.release(mark);
                result
            }
        }
    }

    fn eval_string(&mut self, parts: &'a [ast::StrPart], scope: ScopeIdx, span: Span) -> R<Value> {
        // a literal without interpolations: its shared copy (charged as if built)
        if let [ast::StrPart::Lit(text)] = parts
            && text.len() <= MAX_LEN
        {
            self.charge(scope, span, text.len(), 0)?;
            return Ok(Value::Str(self.intern(text)));
        }
        let mut out: Vec<SubPart> = Vec::new();
        // the text is built in a buffer kept between strings (an interpolation inside finds it
        // taken and uses its own), so a build-time string costs one allocation, its own
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        for part in parts {
            match part {
                ast::StrPart::Lit(s) => text.push_str(s),
                ast::StrPart::Interp(expr) => {
                    let value = self.eval(expr, scope)?;
                    match value {
                        Value::Str(s) => text.push_str(&s),
                        Value::Int(i) => text.push_str(&i.to_string()),
                        Value::Number(n) => text.push_str(&super::value::format_number(n)),
                        Value::Bool(b) => text.push_str(if b { "true" } else { "false" }),
                        Value::Null => {
                            return Err(self.error(
                                scope,
                                Code::NullValue,
                                expr.span,
                                "cannot interpolate `null`",
                            ));
                        }
                        Value::Resource(_) | Value::Deploy(_) => {
                            if let Value::Deploy(d) = &value
                                && let Deploy::Sub(inner) = &**d
                            {
                                for p in inner {
                                    match p {
                                        SubPart::Lit(s) => text.push_str(s),
                                        SubPart::Value(v) => {
                                            out.push(SubPart::Lit(std::mem::take(&mut text)));
                                            out.push(SubPart::Value(v.clone()));
                                        }
                                    }
                                }
                                continue;
                            }
                            out.push(SubPart::Lit(std::mem::take(&mut text)));
                            out.push(SubPart::Value(value));
                        }
                        other => {
                            let message = format!("cannot interpolate a {}", other.kind());
                            return Err(self.error(scope, Code::TypeMismatch, expr.span, message));
                        }
                    }
                }
            }
            if text.len() > MAX_LEN {
                return Err(self.error(
                    scope,
                    Code::LimitExceeded,
                    span,
                    "a string grew past 1,000,000 bytes",
                ));
            }
        }
        self.charge(scope, span, text.len(), out.len())?;
        if out.is_empty() {
            let value = Value::str(text.as_str());
            self.scratch = text;
            return Ok(value);
        }
        out.push(SubPart::Lit(text));
        out.retain(|p| !matches!(p, SubPart::Lit(s) if s.is_empty()));
        Ok(Value::Deploy(Rc::new(Deploy::Sub(out))))
    }

    /// Binds a comprehension's variables in one scope, reused for every element.
    fn comprehension_scope(
        &mut self,
        scope: ScopeIdx,
        index_var: Option<&'a ast::Ident>,
        var: &'a ast::Ident,
    ) -> (ScopeIdx, Option<usize>, usize) {
        let module = self.scopes[scope].module;
        let inner = self.new_scope(Some(scope), module, None);
        let index_slot = index_var.map(|v| self.bind_ident(inner, v, Value::Null));
        let var_slot = self.bind_ident(inner, var, Value::Null);
        (inner, index_slot, var_slot)
    }

    fn set_comprehension_vars(
        &mut self,
        index_slot: Option<usize>,
        var_slot: usize,
        position: usize,
        item: &Value,
    ) {
        if let Some(slot) = index_slot {
            self.slots[slot].state = SlotState::Value(Value::Int(position as i64));
        }
        self.slots[var_slot].state = SlotState::Value(item.clone());
    }

    fn eval_list_for(&mut self, comp: &'a ast::Comprehension, scope: ScopeIdx) -> R<Value> {
        let iterable = self.eval(&comp.iterable, scope)?;
        let items = self.expect_list(iterable, &comp.iterable, scope)?;
        let outer = self.mark();
        let (inner, index_slot, var_slot) =
            self.comprehension_scope(scope, comp.index_var.as_ref(), &comp.var);
        let mut out = Vec::with_capacity(items.len());
        let result = (|| {
            for (position, item) in items.iter().enumerate() {
                self.set_comprehension_vars(index_slot, var_slot, position, item);
                let mark = self.mark();
                if let Some(condition) = &comp.condition {
                    let keep = self.eval(condition, inner)?;
                    if !self.expect_bool(keep, condition, inner)? {
                        self.release(mark);
                        continue;
                    }
                }
                out.push(self.eval(&comp.body, inner)?);
                self.release(mark);
            }
            Ok(())
        })();
        self.release(outer);
        result.map(|()| Value::list(out))
    }

    fn eval_map_for(&mut self, comp: &'a ast::MapComprehension, scope: ScopeIdx) -> R<Value> {
        let iterable = self.eval(&comp.iterable, scope)?;
        let items = self.expect_list(iterable, &comp.iterable, scope)?;
        let outer = self.mark();
        let (inner, index_slot, var_slot) =
            self.comprehension_scope(scope, comp.index_var.as_ref(), &comp.var);
        let mut out = Fields::default();
        let result = (|| {
            for (position, item) in items.iter().enumerate() {
                self.set_comprehension_vars(index_slot, var_slot, position, item);
                let mark = self.mark();
                if let Some(condition) = &comp.condition {
                    let keep = self.eval(condition, inner)?;
                    if !self.expect_bool(keep, condition, inner)? {
                        self.release(mark);
                        continue;
                    }
                }
                let key = match self.eval(&comp.key, inner)? {
                    Value::Str(s) => s,
                    other => {
                        let message = format!(
                            "a map key must be a string known at build time, found {}",
                            other.kind()
                        );
                        return Err(self.error(inner, Code::TypeMismatch, comp.key.span, message));
                    }
                };
                let value = self.eval(&comp.value, inner)?;
                out.insert(key, value);
                self.release(mark);
            }
            Ok(())
        })();
        self.release(outer);
        result.map(|()| Value::record(out))
    }

    fn eval_record(&mut self, entries: &'a [ast::RecordEntry], scope: ScopeIdx) -> R<Value> {
        // sized once: growing a map reallocates and re-indexes it
        let mut fields = Fields::with_capacity(entries.len());
        let shape = self.record_shape(entries);
        let mut keys = shape.keys.iter();
        for entry in entries {
            match entry {
                ast::RecordEntry::Field { key, value } => {
                    let value = self.eval(value, scope)?;
                    let key = match keys.next() {
                        Some(key) => key.clone(),
                        None => self.intern(&key.name),
                    };
                    if shape.distinct {
                        fields.push_new(key, value);
                    } else {
                        fields.insert(key, value);
                    }
                }
                ast::RecordEntry::Spread(expr) => {
                    let value = self.eval(expr, scope)?;
                    match self.to_data(value, expr.span, scope)? {
                        Value::Record(spread) => {
                            for (k, v) in spread.iter() {
                                fields.insert(k.clone(), v.clone());
                            }
                        }
                        Value::Null => {}
                        other => {
                            let message =
                                format!("only a record can be spread, found {}", other.kind());
                            return Err(self.error(scope, Code::TypeMismatch, expr.span, message));
                        }
                    }
                    // a spread copies the whole record in one step
                    self.charge(scope, expr.span, 0, fields.len())?;
                }
            }
        }
        Ok(Value::record(fields))
    }

    /// The keys a record literal writes, made once per literal.
    fn record_shape(&mut self, entries: &'a [ast::RecordEntry]) -> Rc<RecordShape> {
        let id = entries.as_ptr() as usize;
        if let Some(shape) = self.record_shapes.get(&id) {
            return shape.clone();
        }
        let mut keys = Vec::with_capacity(entries.len());
        let mut spreads = false;
        for entry in entries {
            match entry {
                ast::RecordEntry::Field { key, .. } => keys.push(self.intern(&key.name)),
                ast::RecordEntry::Spread(_) => spreads = true,
            }
        }
        let distinct = !spreads && all_distinct(&keys);
        let shape = Rc::new(RecordShape { keys, distinct });
        self.record_shapes.insert(id, shape.clone());
        shape
    }

    /// Turns instances into records of their outputs, recursively, so the value is plain data.
    pub fn to_data(&mut self, value: Value, span: Span, scope: ScopeIdx) -> R<Value> {
        self.data_of(value, span, scope, &mut rustc_hash::FxHashSet::default())
    }

    /// [`Interp::to_data`], remembering the lists and records known to hold no instance
    /// (`clean`, by address): values share their parts, and a list of a million references to
    /// one long list must not be searched a million times.
    fn data_of(
        &mut self,
        value: Value,
        span: Span,
        scope: ScopeIdx,
        clean: &mut rustc_hash::FxHashSet<usize>,
    ) -> R<Value> {
        match value {
            Value::Instance(instance) => {
                let outputs: Vec<(Rc<str>, usize)> = self.scopes[instance]
                    .outputs
                    .iter()
                    .map(|(k, v)| (k.clone(), *v))
                    .collect();
                let mut fields = Fields::with_capacity(outputs.len());
                for (name, slot) in outputs {
                    let value = self.force(slot)?;
                    fields.insert(name, self.data_of(value, span, scope, clean)?);
                }
                Ok(Value::record(fields))
            }
            Value::List(items) if needs_conversion(&Value::List(items.clone()), clean) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    // a step per element: what is rebuilt is paid for
                    self.step(scope, span)?;
                    out.push(self.data_of(item.clone(), span, scope, clean)?);
                }
                Ok(Value::list(out))
            }
            Value::Record(fields) if needs_conversion(&Value::Record(fields.clone()), clean) => {
                let mut out = Fields::with_capacity(fields.len());
                for (k, v) in fields.iter() {
                    self.step(scope, span)?;
                    out.insert(k.clone(), self.data_of(v.clone(), span, scope, clean)?);
                }
                Ok(Value::record(out))
            }
            other => Ok(other),
        }
    }

    fn field(
        &mut self,
        value: Value,
        name: &'a ast::Ident,
        span: Span,
        scope: ScopeIdx,
    ) -> R<Value> {
        match value {
            Value::Record(fields) => Ok(fields.get(&name.name).cloned().unwrap_or(Value::Null)),
            Value::Instance(instance) => {
                match self.scopes[instance].outputs.get(&name.name).copied() {
                    Some(slot) => self.force(slot),
                    None => Err(self.error(
                        scope,
                        Code::UnknownField,
                        name.span,
                        format!("the instance has no output `{}`", name.name),
                    )),
                }
            }
            Value::Stack(stack) => {
                let stack_scope = self.stacks[stack].scope;
                if let Some(&slot) = self.scopes[stack_scope].names.get(&name.name) {
                    return self.force(slot);
                }
                let output = self.stacks[stack]
                    .outputs
                    .iter()
                    .position(|o| o.decl.name.name == name.name);
                match output {
                    Some(index) => {
                        let (decl, output_scope) = (
                            self.stacks[stack].outputs[index].decl,
                            self.stacks[stack].outputs[index].scope,
                        );
                        self.eval(&decl.value, output_scope)
                    }
                    None => {
                        let message = format!(
                            "stack `{}` has no member `{}`",
                            self.stacks[stack].name, name.name
                        );
                        Err(self.error(scope, Code::UnknownField, name.span, message))
                    }
                }
            }
            Value::Module(module) => {
                let module_scope = self.modules[module].scope;
                match self.scopes[module_scope].names.get(&name.name).copied() {
                    Some(slot) => self.force(slot),
                    None => Err(self.error(
                        scope,
                        Code::UnresolvedName,
                        name.span,
                        format!("the module has no `{}`", name.name),
                    )),
                }
            }
            Value::Resource(index) => self.resource_field(index, name, scope),
            Value::Deploy(deploy) => match &*deploy {
                // `Cluster.Endpoint.Address`: a dotted attribute
                Deploy::GetAtt(index, attribute) => Ok(Value::Deploy(Rc::new(Deploy::GetAtt(
                    *index,
                    format!("{attribute}.{}", name.name).into(),
                )))),
                _ => {
                    let message = format!("a deploy-time value has no field `{}`", name.name);
                    Err(self.error(scope, Code::DeployTimeValue, name.span, message))
                }
            },
            Value::Aws => match super::builtins::pseudo(&name.name) {
                Some(deploy) => Ok(Value::Deploy(Rc::new(deploy))),
                None => Err(self.error(
                    scope,
                    Code::UnknownField,
                    name.span,
                    format!("`aws` has no `{}`", name.name),
                )),
            },
            Value::Null => Err(self.error(
                scope,
                Code::NullValue,
                span,
                format!("cannot read `{}` of null", name.name),
            )),
            other => {
                let message = format!("a {} has no field `{}`", other.kind(), name.name);
                Err(self.error(scope, Code::UnknownField, name.span, message))
            }
        }
    }

    /// `r.Name`: `Fn::GetAtt` for an attribute; the property's value for a property that is not
    /// an attribute (so checks can read what a resource was given).
    fn resource_field(
        &mut self,
        index: ResourceIdx,
        name: &'a ast::Ident,
        _scope: ScopeIdx,
    ) -> R<Value> {
        let type_name = self.resources[index].decl.type_name.name.clone();
        // In a check, a property the resource was given reads as its value even when it is
        // also an attribute (`Vpc.CidrBlock`): checks are about what the template says.
        let read_property = crate::cfn::facts::is_property_not_attribute(&type_name, &name.name)
            || (self.checking > 0 && crate::cfn::facts::is_property(&type_name, &name.name));
        if !read_property {
            return Ok(Value::Deploy(Rc::new(Deploy::GetAtt(
                index,
                name.name.as_str().into(),
            ))));
        }
        self.force_resource(index)?;
        match &self.resources[index].properties {
            Some(Value::Record(props)) => Ok(props.get(&name.name).cloned().unwrap_or(Value::Null)),
            _ => Ok(Value::Null),
        }
    }

    fn index(
        &mut self,
        base: Value,
        index: Value,
        span: Span,
        index_span: Span,
        scope: ScopeIdx,
    ) -> R<Value> {
        match (base, index) {
            (Value::List(items), Value::Int(i)) => {
                let position = if i < 0 { items.len() as i64 + i } else { i };
                match usize::try_from(position).ok().and_then(|p| items.get(p)) {
                    Some(v) => Ok(v.clone()),
                    None => {
                        let message =
                            format!("index {i} is outside the list of {} elements", items.len());
                        Err(self.error(scope, Code::IndexOutOfBounds, index_span, message))
                    }
                }
            }
            (Value::Record(fields), Value::Str(key)) => match fields.get(&key) {
                Some(v) => Ok(v.clone()),
                None => {
                    let known: Vec<&str> = fields.keys().map(|k| &**k).collect();
                    let file = self.file_of(scope).to_string();
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::IndexOutOfBounds,
                            file,
                            index_span,
                            format!("the map has no key {:?}", &*key),
                        )
                        .with_suggestion(&key, known),
                    );
                    Err(Abort)
                }
            },
            (base @ (Value::Deploy(_) | Value::Resource(_)), Value::Int(i)) => {
                Ok(Value::Deploy(Rc::new(Deploy::Select(i, base))))
            }
            (Value::Null, _) => Err(self.error(scope, Code::NullValue, span, "cannot index null")),
            (base, index) => {
                let message = format!("cannot index a {} with a {}", base.kind(), index.kind());
                Err(self.error(scope, Code::DeployTimeValue, index_span, message))
            }
        }
    }

    fn call(
        &mut self,
        function: Value,
        args: Vec<Value>,
        arg_exprs: &'a [ast::Expr],
        span: Span,
        scope: ScopeIdx,
    ) -> R<Value> {
        match function {
            Value::Fn(FnRef::Builtin(name)) => {
                super::builtins::call(self, name, args, arg_exprs, span, scope)
            }
            Value::Fn(FnRef::Declared { module, item }) => {
                let module = module as usize;
                let Some(ItemKind::Fn(decl)) = self
                    .modules
                    .get(module)
                    .and_then(|m| m.ast.items.get(item as usize))
                    .map(|item| &item.kind)
                else {
                    return Err(Abort);
                };
                let module_scope = self.modules[module].scope;
                let mark = self.mark();
                let frame = self.new_scope(Some(module_scope), module, None);
                let mut args = args.into_iter();
                for param in &decl.params {
                    match args.next() {
                        Some(value) => {
                            self.bind_ident(frame, &param.name, value);
                        }
                        None => match &param.default {
                            Some(default) => {
                                let value = self.eval(default, frame)?;
                                self.bind_ident(frame, &param.name, value);
                            }
                            None => {
                                self.bind_ident(frame, &param.name, Value::Null);
                            }
                        },
                    }
                }
                let result = self.eval(&decl.body, frame);
                self.release(mark);
                result
            }
            other => Err(self.error(
                scope,
                Code::NotCallable,
                span,
                format!("a {} cannot be called", other.kind()),
            )),
        }
    }

    fn unary(
        &mut self,
        op: UnaryOp,
        value: Value,
        operand: &'a ast::Expr,
        scope: ScopeIdx,
    ) -> R<Value> {
        match (op, value) {
            (UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
            (UnaryOp::Neg, Value::Int(i)) => match i.checked_neg() {
                Some(n) => Ok(Value::Int(n)),
                None => Err(self.error(
                    scope,
                    Code::ArithmeticOverflow,
                    operand.span,
                    "the negation overflows",
                )),
            },
            (UnaryOp::Neg, Value::Number(n)) => Ok(Value::Number(-n)),
            (_, value) => Err(self.deploy_or_type_error(&value, operand.span, scope)),
        }
    }

    fn deploy_or_type_error(&mut self, value: &Value, span: Span, scope: ScopeIdx) -> Abort {
        if value.is_deploy_time() {
            self.error(
                scope,
                Code::DeployTimeValue,
                span,
                "this value is known only at deploy time, but is needed at build time",
            )
        } else {
            self.error(
                scope,
                Code::TypeMismatch,
                span,
                format!("unexpected {}", value.kind()),
            )
        }
    }

    fn eval_binary(
        &mut self,
        op: BinaryOp,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
        span: Span,
        scope: ScopeIdx,
    ) -> R<Value> {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let left = self.eval(lhs, scope)?;
                let left = self.expect_bool(left, lhs, scope)?;
                if (op == BinaryOp::And) != left {
                    return Ok(Value::Bool(left));
                }
                let right = self.eval(rhs, scope)?;
                Ok(Value::Bool(self.expect_bool(right, rhs, scope)?))
            }
            BinaryOp::Coalesce => {
                let left = self.eval(lhs, scope)?;
                if matches!(left, Value::Null) {
                    self.eval(rhs, scope)
                } else {
                    Ok(left)
                }
            }
            _ => {
                let left = self.eval(lhs, scope)?;
                let right = self.eval(rhs, scope)?;
                super::ops::binary(self, op, left, right, lhs, rhs, span, scope)
            }
        }
    }

    pub fn expect_bool(&mut self, value: Value, expr: &'a ast::Expr, scope: ScopeIdx) -> R<bool> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(self.deploy_or_type_error(&other, expr.span, scope)),
        }
    }

    pub fn expect_list(
        &mut self,
        value: Value,
        expr: &'a ast::Expr,
        scope: ScopeIdx,
    ) -> R<Rc<Vec<Value>>> {
        match value {
            Value::List(items) => Ok(items),
            other => Err(self.deploy_or_type_error(&other, expr.span, scope)),
        }
    }

    /// Compares two build-time values structurally; deploy-time values cannot be compared.
    pub fn equal(&mut self, left: &Value, right: &Value, span: Span, scope: ScopeIdx) -> R<bool> {
        Ok(match (left, right) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Int(a), Value::Number(b)) | (Value::Number(b), Value::Int(a)) => {
                (*a as f64) == *b
            }
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                if a.len() != b.len() {
                    return Ok(false);
                }
                for (x, y) in a.iter().zip(b.iter()) {
                    // one step per element: comparing two lists of a million elements a million
                    // times must stop at the step budget, not run for hours
                    self.step(scope, span)?;
                    if !self.equal(x, y, span, scope)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Value::Record(a), Value::Record(b)) => {
                if a.len() != b.len() {
                    return Ok(false);
                }
                for (k, x) in a.iter() {
                    let Some(y) = b.get(k) else { return Ok(false) };
                    self.step(scope, span)?;
                    if !self.equal(x, y, span, scope)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Value::Resource(a), Value::Resource(b)) => a == b,
            (Value::Null, _) | (_, Value::Null) => false,
            (a, b) if a.is_deploy_time() || b.is_deploy_time() => {
                return Err(self.error(
                    scope,
                    Code::DeployTimeValue,
                    span,
                    "values known only at deploy time cannot be compared at build time",
                ));
            }
            (Value::Instance(_), _) | (_, Value::Instance(_)) => {
                let a = self.to_data(left.clone(), span, scope)?;
                let b = self.to_data(right.clone(), span, scope)?;
                if matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_)) {
                    return Ok(false);
                }
                return self.equal(&a, &b, span, scope);
            }
            _ => false,
        })
    }
}

/// Whether a value holds a component instance. Lists and records found to hold none are
/// remembered in `clean` (by address) and not searched again.
/// `clean` holds addresses, hashed with FxHash: a plain integer needs no SipHash, and this set
/// is consulted for every list and record a resource's properties hold.
fn needs_conversion(value: &Value, clean: &mut rustc_hash::FxHashSet<usize>) -> bool {
    let address = match value {
        Value::Instance(_) => return true,
        Value::List(items) => Rc::as_ptr(items) as usize,
        Value::Record(fields) => Rc::as_ptr(fields) as usize,
        _ => return false,
    };
    // A list or record held in one place only is reached once per visit of its holder, so
    // only shared ones (most are not: properties are built fresh) need remembering.
    let shared = match value {
        Value::List(items) => Rc::strong_count(items) > 1,
        Value::Record(fields) => Rc::strong_count(fields) > 1,
        _ => false,
    };
    if shared && clean.contains(&address) {
        return false;
    }
    let needs = match value {
        Value::List(items) => items.iter().any(|item| needs_conversion(item, clean)),
        Value::Record(fields) => fields.values().any(|item| needs_conversion(item, clean)),
        _ => false,
    };
    if shared && !needs {
        clean.insert(address);
    }
    needs
}

fn is_literal(expr: &ast::Expr) -> bool {
    match &expr.kind {
        ExprKind::Null | ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Number(_) => true,
        ExprKind::Str(parts) => parts.iter().all(|p| matches!(p, ast::StrPart::Lit(_))),
        ExprKind::Unary { operand, .. } => is_literal(operand),
        _ => false,
    }
}

/// The names a declaration makes visible in its scope (for `if`/`for` blocks: recursively), as
/// written in the tree.
fn declared_idents<'t>(item: &'t ast::Item, out: &mut Vec<&'t ast::Ident>) {
    match &item.kind {
        ItemKind::Let(decl) => out.push(&decl.name),
        ItemKind::Resource(decl) => out.push(&decl.name),
        ItemKind::If(block) => {
            for inner in block.then_items.iter().chain(block.else_items.iter()) {
                declared_idents(inner, out);
            }
        }
        ItemKind::For(block) => {
            for inner in &block.items {
                declared_idents(inner, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<Rc<str>> {
        names.iter().map(|n| Rc::from(*n)).collect()
    }

    #[test]
    fn all_distinct_finds_a_repeated_key_among_few_and_many() {
        assert!(all_distinct(&keys(&["a", "b", "c"])));
        assert!(!all_distinct(&keys(&["a", "b", "a"])));
        let many: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        let mut names: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(all_distinct(&keys(&names)));
        names.push("k7");
        assert!(!all_distinct(&keys(&names)));
    }

    #[test]
    fn position_suffix_pads_to_the_width() {
        assert_eq!(position_suffix("", 3, 0), "3");
        assert_eq!(position_suffix("1", 3, 2), "103");
        assert_eq!(position_suffix("12", 11, 2), "1211");
        assert_eq!(concat(&["Api", "Logs", "1"]), "ApiLogs1");
    }
}
