//! gzip: recognise it and inflate it (one or several members) under a size bound, so a small
//! hostile file cannot exhaust memory. Knows nothing of protobuf.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use crate::error::LoadError;

/// True when `bytes` start with the gzip magic `1f 8b`.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// The largest factor by which deflate can expand data (about 1032:1), used to keep the
/// trailer's size hint from reserving more than the input could ever produce.
const MAX_DEFLATE_RATIO: u64 = 1032;

/// Inflates every gzip member of `gz` into one buffer of at most `limit` bytes.
pub fn inflate(gz: &[u8], limit: u64) -> Result<Vec<u8>, LoadError> {
    // The last member's trailer holds its inflated size mod 2^32: a good capacity hint for the
    // usual single-member file, so the buffer is not regrown (and copied) while inflating.
    let hint = match gz.len().checked_sub(4) {
        Some(at) if gz.len() >= 18 => {
            u32::from_le_bytes([gz[at], gz[at + 1], gz[at + 2], gz[at + 3]]) as u64
        }
        _ => 0,
    };
    let capacity = hint
        .min(limit)
        .min((gz.len() as u64).saturating_mul(MAX_DEFLATE_RATIO));
    let mut out = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    MultiGzDecoder::new(gz)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| LoadError::Inflate {
            detail: e.to_string(),
        })?;
    if out.len() as u64 > limit {
        return Err(LoadError::InflatedTooLarge { limit });
    }
    Ok(out)
}
