//! `cargo fuzz run format`: see src/lib.rs for what is checked. `CVL_FUZZ_FORMAT_STRICT=1` also
//! reports the formatter's refusals (`FormatError::Changed`) as findings.
#![no_main]

use std::sync::LazyLock;

static STRICT: LazyLock<bool> = LazyLock::new(|| std::env::var_os("CVL_FUZZ_FORMAT_STRICT").is_some_and(|v| v == "1"));

libfuzzer_sys::fuzz_target!(|data: &[u8]| cvl_fuzz::format(data, *STRICT));
