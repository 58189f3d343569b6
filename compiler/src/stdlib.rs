//! The standard library: `.cvl` modules embedded into the compiler (`stdlib/` at the
//! repository root). `import std.vpc` loads `std/vpc.cvl`.

/// The text of the standard-library module `std.<name>` (file id `std/<name>.cvl`).
pub fn module(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

/// Every standard-library module: its name and text, sorted by name.
pub const MODULES: &[(&str, &str)] = &[
    ("apigateway", include_str!("../../stdlib/apigateway.cvl")),
    ("aurora", include_str!("../../stdlib/aurora.cvl")),
    ("cognito", include_str!("../../stdlib/cognito.cvl")),
    ("dynamodb", include_str!("../../stdlib/dynamodb.cvl")),
    ("ecs", include_str!("../../stdlib/ecs.cvl")),
    ("monitoring", include_str!("../../stdlib/monitoring.cvl")),
    ("pipeline", include_str!("../../stdlib/pipeline.cvl")),
    ("s3", include_str!("../../stdlib/s3.cvl")),
    ("serverless", include_str!("../../stdlib/serverless.cvl")),
    ("static_site", include_str!("../../stdlib/static_site.cvl")),
    ("vpc", include_str!("../../stdlib/vpc.cvl")),
];
