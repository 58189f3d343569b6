//! STUB: replaced by the lazily decoded, embedded CloudFormation resource schemas.
