//! Evaluation: params in, stacks of resources and outputs out, checks run.
//!
//! `params.rs` reads the command line's `NAME=VALUE` by each param's declared type;
//! `interp.rs` evaluates the project; `ops.rs` and `builtins.rs` hold the operators and
//! built-in functions; `value.rs` the values, including deploy-time expressions.

pub mod builtins;
pub mod interp;
pub mod ops;
pub mod params;
pub mod value;
