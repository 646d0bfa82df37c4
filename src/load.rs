//! Opens a file whatever it holds, recognised by content rather than name: gzipped or raw
//! profile.proto, or folded stacks (themselves possibly gzipped). Reads it piece by piece.

use std::io::BufRead;

use crate::error::LoadError;
use crate::profile::Profile;
use crate::{folded, pprof};

/// Decodes `bytes` as a profile of whichever supported format they are in.
pub fn open(bytes: &[u8], options: &pprof::DecodeOptions) -> Result<Profile, LoadError> {
    open_read(bytes, options)
}

/// Decodes the file read from `input` as a profile of whichever supported format it is in.
pub fn open_read(
    input: impl BufRead,
    options: &pprof::DecodeOptions,
) -> Result<Profile, LoadError> {
    let mut inflater = pprof::Inflater::new(input, options.max_inflated_bytes)?;
    let mut piece = vec![0u8; pprof::PIECE_BYTES];
    let filled = inflater.read(&mut piece)?;
    if filled == 0 {
        return Err(LoadError::Empty);
    }
    let head = &piece[..filled];
    if pprof::legacy_format(head).is_none() && folded::looks_folded(head) {
        let mut text = head.to_vec();
        loop {
            let n = inflater.read(&mut piece)?;
            if n == 0 {
                break;
            }
            text.extend_from_slice(&piece[..n]);
        }
        return folded::parse(&String::from_utf8_lossy(&text));
    }
    pprof::decode_pieces(&mut inflater, &mut piece, filled)
}
