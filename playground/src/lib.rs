//! The playground glue (to come).
