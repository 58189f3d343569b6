//! CloudFormation: the resource schemas, the template model, lowering and emission.

pub mod schema;
