//! The only code that knows profile.proto: gzip, legacy-format detection, prost messages,
//! id resolution and validation, and pprof's load-time `drop_frames` pruning.
//! Produces a [`Profile`]; knows nothing of call trees or drawing.

mod decode;
mod inflate;
mod legacy;
pub mod proto;
mod prune;

pub use inflate::{inflate, is_gzip};
pub use legacy::legacy_format;

use crate::error::LoadError;
use crate::profile::Profile;

/// How much a file may inflate to by default: 4 GiB natively; 1 GiB in a 32-bit WebAssembly
/// memory (4 GiB at most), which must also hold the decoded model next to it.
pub const DEFAULT_MAX_INFLATED_BYTES: u64 = if cfg!(target_pointer_width = "32") {
    1 << 30
} else {
    4 << 30
};

/// Options for [`decode_with`].
#[derive(Debug, Clone, Copy)]
pub struct DecodeOptions {
    /// Refuse files that inflate to more bytes than this. Default:
    /// [`DEFAULT_MAX_INFLATED_BYTES`].
    pub max_inflated_bytes: u64,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_inflated_bytes: DEFAULT_MAX_INFLATED_BYTES,
        }
    }
}

/// Decodes a gzipped or raw profile.proto file with the default options.
pub fn decode(bytes: &[u8]) -> Result<Profile, LoadError> {
    decode_with(bytes, &DecodeOptions::default())
}

/// Decodes a gzipped (one or several members) or raw profile.proto file.
pub fn decode_with(bytes: &[u8], options: &DecodeOptions) -> Result<Profile, LoadError> {
    if is_gzip(bytes) {
        decode_uncompressed(&inflate(bytes, options.max_inflated_bytes)?)
    } else {
        decode_uncompressed(bytes)
    }
}

/// Decodes raw (already inflated) profile.proto bytes, refusing legacy formats by name.
pub fn decode_uncompressed(bytes: &[u8]) -> Result<Profile, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty);
    }
    if let Some(format) = legacy::legacy_format(bytes) {
        return Err(LoadError::LegacyFormat { format });
    }
    let mut profile = decode::decode_protobuf(bytes)?;
    prune::drop_frames(&mut profile)?;
    Ok(profile)
}
