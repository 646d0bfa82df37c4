//! The only code that knows profile.proto: gzip, legacy-format detection, prost messages,
//! id resolution and validation, and pprof's load-time `drop_frames` pruning; and writing a
//! [`Profile`] back as profile.proto. Knows nothing of call trees or drawing.

mod decode;
mod encode;
mod inflate;
mod legacy;
pub mod proto;
mod prune;
pub mod sample;
mod stacks;

pub use decode::ProtoDecoder;
pub use encode::{encode, encode_gzipped};
pub use inflate::{inflate, is_gzip, Inflater};
pub use legacy::legacy_format;

use std::io::BufRead;

use crate::error::LoadError;
use crate::model::profile::Profile;

/// How many inflated bytes are decoded at a time when streaming.
pub const PIECE_BYTES: usize = 256 << 10;

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
    decode_read(bytes, options)
}

/// Decodes a gzipped or raw profile.proto file read piece by piece from `input`: at most one
/// piece of inflated bytes is held at a time, besides the profile being built.
pub fn decode_read(input: impl BufRead, options: &DecodeOptions) -> Result<Profile, LoadError> {
    let mut inflater = Inflater::new(input, options.max_inflated_bytes)?;
    let mut piece = vec![0u8; PIECE_BYTES];
    let filled = inflater.read(&mut piece)?;
    decode_pieces(&mut inflater, &mut piece, filled)
}

/// Goes on with [`decode_read`] when the first `filled` bytes of `piece` were already read
/// from `inflater` (to look at them first).
pub fn decode_pieces<R: BufRead>(
    inflater: &mut Inflater<R>,
    piece: &mut [u8],
    filled: usize,
) -> Result<Profile, LoadError> {
    let mut decoder = ProtoDecoder::new();
    let mut filled = filled;
    while filled > 0 {
        decoder.push(&piece[..filled])?;
        filled = inflater.read(piece)?;
    }
    let mut profile = decoder.finish()?;
    prune::drop_frames(&mut profile)?;
    Ok(profile)
}

/// Decodes raw (already inflated) profile.proto bytes, refusing legacy formats by name.
pub fn decode_uncompressed(bytes: &[u8]) -> Result<Profile, LoadError> {
    let mut profile = decode::decode_protobuf(bytes)?;
    prune::drop_frames(&mut profile)?;
    Ok(profile)
}
