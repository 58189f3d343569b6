//! Evaluation: params in, stacks of resources and outputs out, checks run.
