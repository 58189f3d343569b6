//! The cvl language server (to come).
