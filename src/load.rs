//! Opens a file whatever it holds, recognised by content rather than name: gzipped or raw
//! profile.proto, or folded stacks (themselves possibly gzipped).

use crate::error::LoadError;
use crate::profile::Profile;
use crate::{folded, pprof};

/// Decodes `bytes` as a profile of whichever supported format they are in.
pub fn open(bytes: &[u8], options: &pprof::DecodeOptions) -> Result<Profile, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty);
    }
    let inflated;
    let raw = if pprof::is_gzip(bytes) {
        inflated = pprof::inflate(bytes, options.max_inflated_bytes)?;
        &inflated[..]
    } else {
        bytes
    };
    if pprof::legacy_format(raw).is_none() && folded::looks_folded(raw) {
        return folded::parse(&String::from_utf8_lossy(raw));
    }
    pprof::decode_uncompressed(raw)
}
