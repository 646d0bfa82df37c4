//! gzip: recognise it and inflate it (one or several members) under a size bound, so a small
//! hostile file cannot exhaust memory, either whole or as a stream of pieces. Knows nothing of
//! protobuf.

use std::io::{BufRead, Read};

use flate2::bufread;

use crate::error::LoadError;

/// True when `bytes` start with the gzip magic `1f 8b`.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// The capacity reserved up front is at most this many times the compressed size: real
/// profiles compress 2 to 10 times, while a bomb's trailer may claim gigabytes.
const MAX_HINT_RATIO: u64 = 32;

/// How much of the buffer is handed to one read.
const READ_SLICE: usize = 256 << 10;

/// Inflates every gzip member of `gz` (which must be gzip: see [`is_gzip`]) into one buffer of
/// at most `limit` bytes.
///
/// The buffer grows by half its size at a time and never past `limit + 1` bytes, so a hostile
/// file costs at most the bound in memory (plain `read_to_end` doubles, and a doubling past a
/// 32-bit WebAssembly memory aborts the page instead of returning an error).
pub fn inflate(gz: &[u8], limit: u64) -> Result<Vec<u8>, LoadError> {
    // The last member's trailer holds its inflated size mod 2^32: a good capacity hint for the
    // usual single-member file, so the buffer is not regrown (and copied) while inflating.
    let hint = match gz.len().checked_sub(4) {
        Some(at) if gz.len() >= 18 => {
            u32::from_le_bytes([gz[at], gz[at + 1], gz[at + 2], gz[at + 3]]) as u64
        }
        _ => 0,
    };
    let cap = limit.saturating_add(1);
    let initial = hint
        .min(cap)
        .min((gz.len() as u64).saturating_mul(MAX_HINT_RATIO));
    let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let mut out: Vec<u8> = Vec::with_capacity(to_usize(initial));
    let mut inflater = Inflater::new(gz, limit)?;
    loop {
        if out.len() == out.capacity() {
            let len = out.len() as u64;
            if len >= cap {
                return Err(LoadError::InflatedTooLarge { limit });
            }
            let target = (len + (len / 2).max(1 << 20)).min(cap);
            out.reserve_exact(to_usize(target - len));
        }
        let len = out.len();
        // Zero only a slice at a time: a read returns at most this much anyway.
        let room = (out.capacity() - len).min(READ_SLICE);
        out.resize(len + room, 0);
        let n = inflater.read(&mut out[len..])?;
        out.truncate(len + n);
        if n < room {
            break;
        }
    }
    Ok(out)
}

/// The bytes of a file read piece by piece: inflated if it is gzip (one or several members),
/// as they are otherwise.
pub struct Inflater<R: BufRead> {
    source: Source<R>,
    /// Bytes handed out so far.
    total: u64,
    limit: u64,
}

enum Source<R: BufRead> {
    Gzip(Box<bufread::MultiGzDecoder<R>>),
    Raw(R),
}

impl<R: BufRead> Inflater<R> {
    /// Reads the first bytes of `input` to tell gzip from raw; a gzip stream may inflate to
    /// at most `limit` bytes.
    pub fn new(mut input: R, limit: u64) -> Result<Self, LoadError> {
        let head = input.fill_buf().map_err(|e| LoadError::Read {
            detail: e.to_string(),
        })?;
        let source = if is_gzip(head) {
            Source::Gzip(Box::new(bufread::MultiGzDecoder::new(input)))
        } else {
            Source::Raw(input)
        };
        Ok(Inflater {
            source,
            total: 0,
            limit,
        })
    }

    /// Fills `buf` as far as the input goes; returns how many bytes it holds (fewer than
    /// `buf.len()` only at the end).
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, LoadError> {
        let mut filled = 0;
        while filled < buf.len() {
            let n = match &mut self.source {
                Source::Gzip(gz) => {
                    gz.read(&mut buf[filled..])
                        .map_err(|e| LoadError::Inflate {
                            detail: e.to_string(),
                        })?
                }
                Source::Raw(raw) => raw.read(&mut buf[filled..]).map_err(|e| LoadError::Read {
                    detail: e.to_string(),
                })?,
            };
            if n == 0 {
                break;
            }
            filled += n;
        }
        self.total += filled as u64;
        if matches!(self.source, Source::Gzip(_)) && self.total > self.limit {
            return Err(LoadError::InflatedTooLarge { limit: self.limit });
        }
        Ok(filled)
    }
}
