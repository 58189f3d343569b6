//! `cargo fuzz run check`: see src/lib.rs for the input format and what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cvl_fuzz::check(data));
