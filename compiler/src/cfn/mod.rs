//! CloudFormation: the resource schemas, facts drawn from them, lowering and emission, where each
//! resource was declared, and what can be read from built templates (the differences between two builds, the graph).

pub mod diff;
pub mod facts;
pub mod graph;
pub mod json_text;
pub mod lower;
pub mod origins;
pub mod schema;
pub mod yaml;
