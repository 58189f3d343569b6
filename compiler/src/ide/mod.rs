//! IDE features as protocol-free functions: a file and a byte offset in, plain structs out.
