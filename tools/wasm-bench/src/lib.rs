//! The engine's stages as the app's worker runs them (decode, call tree, its encoding for the
//! page), exported from a wasm32 module for `run.mjs`, which times them in node's V8 with the
//! clock it imports.

use scorch::analysis::options::FilterSpec;
use scorch::analysis::report;
use scorch::input::load;
use scorch::input::pprof::DecodeOptions;
use scorch::transfer;

extern "C" {
    /// Milliseconds from the host's clock.
    fn now() -> f64;
    /// Reports that `stage` (0 decode, 1 call tree, 2 encode) took `ms`.
    fn took(stage: u32, ms: f64);
}

/// A buffer of `len` bytes for the host to fill with the profile (never freed: one per run).
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    Box::leak(vec![0u8; len].into_boxed_slice()).as_mut_ptr()
}

/// Opens the `len` bytes at `bytes` as the worker does and builds and encodes the default
/// value type's tree, reporting each stage's time; returns the encoded tree's size, or 0 if
/// the profile could not be opened.
///
/// # Safety
/// `bytes` must be a buffer from [`input`] of at least `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn open(bytes: *const u8, len: usize) -> usize {
    let bytes = std::slice::from_raw_parts(bytes, len);
    let started = now();
    let Ok(profile) = load::open(bytes, &DecodeOptions::default()) else {
        return 0;
    };
    let decoded = now();
    took(0, decoded - started);
    let filters = FilterSpec::default()
        .compile()
        .expect("the default filters compile");
    let (tree, labels) = report::report_parts(&profile, profile.default_value_index, &filters);
    let built = now();
    took(1, built - decoded);
    let encoded = transfer::encode_report(tree, labels);
    took(2, now() - built);
    encoded.len()
}
