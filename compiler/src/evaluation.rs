//! Evaluating a project: its trees taken out of the database, then evaluated, checked against
//! the policy pack and lowered to templates, with no database in hand.
//!
//! Evaluation reads nothing but the trees, so it can run beside the type checker. A one-shot
//! build ([`crate::db::build_in`]) does that on native targets: another thread evaluates while
//! the calling thread checks, and the result is the same as checking first and evaluating only
//! a project without static errors. When the checker finds an error, the evaluation is
//! cancelled and thrown away; otherwise its result and diagnostics follow the checker's. The
//! trees hold no `Rc` (the interpreter's values, which do, stay on the evaluating thread), and
//! wasm32, which has no threads here, evaluates after checking.

use crate::db::{Db, SourceFile, parse, project_files, resolve_imports};
use crate::diagnostic::{self, Code, Diagnostic};
use crate::eval::interp::{Interp, ModuleSource};
use crate::eval::{builtins, params as eval_params};
use crate::project::{BuildOutput, TemplatePart};
use crate::source::Span;
use crate::syntax::ast;
use indexmap::IndexMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The files of a project, entry first, as the interpreter needs them.
pub struct Trees {
    pub files: Vec<SourceFile>,
    paths: Vec<String>,
    texts: Vec<String>,
    asts: Vec<Arc<ast::File>>,
    /// Per file, its import aliases with the index of the file each one names.
    imports: Vec<IndexMap<String, Option<usize>>>,
}

/// What evaluating gave: the templates (none when it failed) and the diagnostics, unsorted.
pub struct Evaluated {
    pub output: Option<BuildOutput>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Trees {
    /// The trees of `entry` and the files it imports, in [`project_files`] order. They own
    /// what they hold (the texts are copied), so that an evaluation can outlive the borrow of
    /// the database.
    pub fn of(db: &dyn Db, entry: SourceFile) -> Trees {
        let files = project_files(db, entry);
        let imports = files
            .iter()
            .map(|file| {
                resolve_imports(db, *file)
                    .targets
                    .iter()
                    .map(|(alias, target)| {
                        let index = target.and_then(|t| files.iter().position(|f| *f == t));
                        (alias.clone(), index)
                    })
                    .collect()
            })
            .collect();
        Trees {
            paths: files.iter().map(|f| f.path(db).clone()).collect(),
            texts: files.iter().map(|f| f.text(db).clone()).collect(),
            asts: files.iter().map(|f| parse(db, *f).ast.clone()).collect(),
            imports,
            files,
        }
    }

    /// The interpreter's modules (module `i` is `files[i]`).
    fn modules(&self) -> Vec<ModuleSource<'_>> {
        self.paths
            .iter()
            .zip(&self.asts)
            .zip(&self.imports)
            .map(|((path, ast), imports)| (path.clone(), &**ast, imports.clone()))
            .collect()
    }

    /// The interpreter set up with `params`, nothing forced yet; the param diagnostics instead
    /// when the params are wrong.
    pub fn interp(&self, params: &[(String, String)]) -> Result<Interp<'_>, Vec<Diagnostic>> {
        let (Some(entry), Some(path)) = (self.asts.first(), self.paths.first()) else {
            return Err(Vec::new());
        };
        let (values, diagnostics) = eval_params::read(path, entry, params);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let mut interp = Interp::new(self.modules(), values);
        interp.register_all();
        Ok(interp)
    }

    /// Evaluates with `params`, runs the policy pack and lowers the stacks. Setting `cancel`
    /// stops the evaluation early (with no output); see [`Interp::cancel_on`].
    pub fn evaluate<'s>(
        &'s self,
        params: &[(String, String)],
        cancel: Option<&'s AtomicBool>,
    ) -> Evaluated {
        self.evaluate_then(params, cancel, None, |evaluated| evaluated)
    }

    /// [`Trees::evaluate`], handing the result to `deliver` before the interpreter and its
    /// values are dropped, which takes a while after a large build: a caller on another thread
    /// can go on meanwhile. With `stream`, the templates' texts go to it in parts as they are
    /// written (see [`crate::cfn::lower::lower`]) and the output's texts are empty.
    pub fn evaluate_then<'s, T>(
        &'s self,
        params: &[(String, String)],
        cancel: Option<&'s AtomicBool>,
        stream: Option<&mut dyn FnMut(TemplatePart)>,
        deliver: impl FnOnce(Evaluated) -> T,
    ) -> T {
        let mut interp = match self.interp(params) {
            Ok(interp) => interp,
            Err(diagnostics) => {
                return deliver(Evaluated {
                    output: None,
                    diagnostics,
                });
            }
        };
        if let Some(cancel) = cancel {
            interp.cancel_on(cancel);
        }
        interp.force_all();
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            // cancelled: what was forced is partial and nobody reads it; no policy, no lowering
            return deliver(Evaluated {
                output: None,
                diagnostics: std::mem::take(&mut interp.diagnostics),
            });
        }
        if !interp.diagnostics.iter().any(Diagnostic::is_error) {
            let sources: Vec<(&str, &str)> = self
                .paths
                .iter()
                .zip(&self.texts)
                .map(|(path, text)| (path.as_str(), text.as_str()))
                .collect();
            let findings = crate::policy::run(&mut interp, &sources);
            interp.diagnostics.extend(findings);
        }
        let output = if interp.diagnostics.iter().any(Diagnostic::is_error) {
            None
        } else {
            let values = self.final_param_values(&mut interp);
            crate::cfn::lower::lower(&mut interp, &values, stream)
                .filter(|_| !interp.diagnostics.iter().any(Diagnostic::is_error))
        };
        if output.is_none() && interp.diagnostics.is_empty() {
            let path = self.paths.first().map_or("", |p| p.as_str());
            interp.diagnostics.push(Diagnostic::error(
                Code::NoStacks,
                path,
                Span::default(),
                "the build failed",
            ));
        }
        deliver(Evaluated {
            output,
            diagnostics: std::mem::take(&mut interp.diagnostics),
        })
    }

    /// Every param's value in this build (given or default), for the manifest.
    fn final_param_values(&self, interp: &mut Interp<'_>) -> IndexMap<String, serde_json::Value> {
        let mut values = IndexMap::new();
        let (Some(entry), Some(module)) = (self.asts.first(), interp.modules.first()) else {
            return values;
        };
        let scope = module.scope;
        for (_, param) in eval_params::declarations(entry) {
            if let Ok(value) = interp.lookup(scope, &param.name.name, param.name.span) {
                values.insert(
                    param.name.name.clone(),
                    builtins::to_json(&value).unwrap_or(serde_json::Value::Null),
                );
            }
        }
        values
    }
}

/// The static diagnostics and, when they hold no error, the evaluation's result after them:
/// the outcome of a build, diagnostics sorted.
pub fn outcome(
    mut diagnostics: Vec<Diagnostic>,
    evaluated: impl FnOnce() -> Evaluated,
) -> (Option<BuildOutput>, Vec<Diagnostic>) {
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    let evaluated = evaluated();
    diagnostics.extend(evaluated.diagnostics);
    diagnostic::sort_and_dedup(&mut diagnostics);
    (evaluated.output, diagnostics)
}
