//! CloudFormation: the resource schemas, facts drawn from them, lowering and emission.

pub mod facts;
pub mod lower;
pub mod schema;
pub mod yaml;
