#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| commitfs_fuzz::check_endpoint(data));
