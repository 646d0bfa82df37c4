//! Fuzzes `load::open` (gzip, legacy detection, folded text, protobuf decode, validation,
//! pruning) and, on success, the call tree and folded output for every value type: no input
//! may panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scorch::input::pprof::DecodeOptions;

fuzz_target!(|data: &[u8]| {
    // A small inflation bound keeps each run fast; the bound itself is what is being tested.
    let options = DecodeOptions {
        max_inflated_bytes: 4 << 20,
    };
    if let Ok(profile) = scorch::input::load::open(data, &options) {
        for index in 0..profile.value_types.len() {
            let tree = scorch::CallTree::build(&profile, index);
            let _ = tree.function_table();
            let _ = tree.folded_stacks();
            let _ = scorch::analysis::labels::label_totals(&profile, index);
        }
    }
});
