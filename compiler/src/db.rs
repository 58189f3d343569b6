//! The salsa database and the queries that drive the pipeline.
use crate::loader::Loader;
use crate::project::{BuildResult, CheckResult, ParamsResult};

pub fn build(loader: &dyn Loader, entry: &str, params: &[(String, String)]) -> BuildResult {
    let _ = (loader, entry, params);
    BuildResult::default()
}

pub fn check(loader: &dyn Loader, entry: &str, params: &[(String, String)]) -> CheckResult {
    let _ = (loader, entry, params);
    CheckResult::default()
}

pub fn params(loader: &dyn Loader, entry: &str) -> ParamsResult {
    let _ = (loader, entry);
    ParamsResult::default()
}
