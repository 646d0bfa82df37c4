//! A hand-written reader of profile.proto's `Sample`, the message a profile has most of: its
//! location ids are kept as the file's varints, checked but not decoded (the stack trie reads
//! them at the end), and its values and labels are decoded into reused buffers. google/pprof
//! hand-writes its whole decoder for speed (`profile/proto.go`); this one does it for the
//! hottest message only, and `fuzz/fuzz_targets/sample.rs` checks it against prost's.

use std::fmt;

use super::proto;

/// What a sample message held, in buffers reused from one sample to the next.
#[derive(Debug, Default)]
pub struct SampleFields {
    /// The location ids, leaf first as in the file, as well-formed varints back to back.
    pub locations: Vec<u8>,
    pub values: Vec<i64>,
    pub labels: Vec<proto::Label>,
}

/// Why a sample message could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleError {
    /// The message uses protobuf groups, which profile.proto never does (pprof refuses them).
    Groups,
    /// The message is not well-formed protobuf.
    Malformed(&'static str),
}

impl SampleError {
    /// What is wrong, in words.
    pub fn detail(self) -> &'static str {
        match self {
            SampleError::Groups => "it uses protobuf groups",
            SampleError::Malformed(detail) => detail,
        }
    }
}

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.detail())
    }
}

/// The bytes end inside a field (for a varint: before its last byte).
pub(super) const CUT_SHORT: SampleError =
    SampleError::Malformed("a field runs past the end of the message");
const WIRE_TYPE: SampleError = SampleError::Malformed("a field has the wrong wire type");

/// The varint at `bytes[*at..]`, moving `at` past it.
#[inline]
pub(super) fn varint(bytes: &[u8], at: &mut usize) -> Result<u64, SampleError> {
    let mut value = 0u64;
    for shift in 0..10 {
        let Some(&byte) = bytes.get(*at) else {
            return Err(CUT_SHORT);
        };
        *at += 1;
        value |= u64::from(byte & 0x7f) << (7 * shift);
        if byte < 0x80 {
            if shift == 9 && byte > 1 {
                return Err(SampleError::Malformed("a varint overflows 64 bits"));
            }
            return Ok(value);
        }
    }
    Err(SampleError::Malformed("a varint runs past 10 bytes"))
}

/// The `len`-prefixed bytes at `bytes[*at..]`, moving `at` past them.
#[inline]
fn delimited<'a>(bytes: &'a [u8], at: &mut usize) -> Result<&'a [u8], SampleError> {
    let len = varint(bytes, at)?;
    let rest = bytes.len() - *at;
    if len > rest as u64 {
        return Err(CUT_SHORT);
    }
    let field = &bytes[*at..*at + len as usize];
    *at += len as usize;
    Ok(field)
}

/// Checks that `bytes` are whole varints of at most 64 bits, back to back.
fn check_varints(bytes: &[u8]) -> Result<(), SampleError> {
    // How many continuation bytes the varint being read has so far.
    let mut run = 0u32;
    for &byte in bytes {
        if byte >= 0x80 {
            run += 1;
            if run == 10 {
                return Err(SampleError::Malformed("a varint runs past 10 bytes"));
            }
        } else {
            if run == 9 && byte > 1 {
                return Err(SampleError::Malformed("a varint overflows 64 bits"));
            }
            run = 0;
        }
    }
    if run > 0 {
        return Err(CUT_SHORT);
    }
    Ok(())
}

/// A field's key at `bytes[*at..]`: its number and wire type.
#[inline]
fn key(bytes: &[u8], at: &mut usize) -> Result<(u64, u8), SampleError> {
    let key = varint(bytes, at)?;
    let number = key >> 3;
    if number == 0 || number > u64::from(u32::MAX >> 3) {
        return Err(SampleError::Malformed("a field has an invalid number"));
    }
    Ok((number, (key & 7) as u8))
}

/// Moves `at` past a field of wire type `wire` that is not read.
fn skip(bytes: &[u8], at: &mut usize, wire: u8) -> Result<(), SampleError> {
    match wire {
        0 => varint(bytes, at).map(drop),
        2 => delimited(bytes, at).map(drop),
        1 | 5 => {
            let width = if wire == 1 { 8 } else { 4 };
            if bytes.len() - *at < width {
                return Err(CUT_SHORT);
            }
            *at += width;
            Ok(())
        }
        3 | 4 => Err(SampleError::Groups),
        _ => Err(SampleError::Malformed("a field has an invalid wire type")),
    }
}

/// Reads a `Label` message.
fn label(bytes: &[u8]) -> Result<proto::Label, SampleError> {
    let mut label = proto::Label::default();
    let mut at = 0;
    while at < bytes.len() {
        let (number, wire) = key(bytes, &mut at)?;
        let field = match number {
            1 => &mut label.key,
            2 => &mut label.str,
            3 => &mut label.num,
            4 => &mut label.num_unit,
            _ => {
                skip(bytes, &mut at, wire)?;
                continue;
            }
        };
        if wire != 0 {
            return Err(WIRE_TYPE);
        }
        *field = varint(bytes, &mut at)? as i64;
    }
    Ok(label)
}

/// Reads the `Sample` message `bytes` into `fields` (emptied first). Repeated numbers may be
/// packed or not, as protobuf allows; a later label field of the same number wins, as in prost.
pub fn read(bytes: &[u8], fields: &mut SampleFields) -> Result<(), SampleError> {
    fields.locations.clear();
    fields.values.clear();
    fields.labels.clear();
    let mut at = 0;
    while at < bytes.len() {
        let (number, wire) = key(bytes, &mut at)?;
        match (number, wire) {
            (1, 2) => {
                let packed = delimited(bytes, &mut at)?;
                check_varints(packed)?;
                fields.locations.extend_from_slice(packed);
            }
            (1, 0) => {
                let start = at;
                varint(bytes, &mut at)?;
                fields.locations.extend_from_slice(&bytes[start..at]);
            }
            (2, 2) => {
                let packed = delimited(bytes, &mut at)?;
                let mut i = 0;
                while i < packed.len() {
                    fields.values.push(varint(packed, &mut i)? as i64);
                }
            }
            (2, 0) => fields.values.push(varint(bytes, &mut at)? as i64),
            (3, 2) => fields.labels.push(label(delimited(bytes, &mut at)?)?),
            (1..=3, _) => return Err(WIRE_TYPE),
            _ => skip(bytes, &mut at, wire)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;

    /// The location ids of `fields`, decoded.
    fn ids(fields: &SampleFields) -> Vec<u64> {
        let mut at = 0;
        let mut ids = Vec::new();
        while at < fields.locations.len() {
            ids.push(varint(&fields.locations, &mut at).unwrap());
        }
        ids
    }

    #[test]
    fn reads_what_prost_writes() {
        let sample = proto::Sample {
            location_id: vec![3, 1, 300, u64::MAX, 2],
            value: vec![-1, 0, i64::MAX, i64::MIN, 7],
            label: vec![
                proto::Label {
                    key: 1,
                    str: 2,
                    num: 0,
                    num_unit: 0,
                },
                proto::Label {
                    key: 3,
                    str: 0,
                    num: -5,
                    num_unit: 4,
                },
            ],
        };
        let mut fields = SampleFields::default();
        read(&sample.encode_to_vec(), &mut fields).unwrap();
        assert_eq!(ids(&fields), sample.location_id);
        assert_eq!(fields.values, sample.value);
        assert_eq!(fields.labels, sample.label);
        // The buffers are emptied for the next sample.
        read(&[], &mut fields).unwrap();
        assert!(fields.locations.is_empty() && fields.values.is_empty());
        assert!(fields.labels.is_empty());
    }

    #[test]
    fn unpacked_and_split_fields_are_read_in_order() {
        // location_id 5 unpacked, then [6, 7] packed, value 9 unpacked, an unknown field 9
        // (fixed64), then location_id 8 unpacked.
        let bytes = [
            0x08, 5, 0x0a, 2, 6, 7, 0x10, 9, 0x49, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 8,
        ];
        let mut fields = SampleFields::default();
        read(&bytes, &mut fields).unwrap();
        assert_eq!(ids(&fields), [5, 6, 7, 8]);
        assert_eq!(fields.values, [9]);
    }

    #[test]
    fn refuses_what_is_not_a_sample() {
        let mut fields = SampleFields::default();
        let cases: [(&[u8], SampleError); 7] = [
            // A packed location id cut inside its last varint.
            (&[0x0a, 2, 1, 0x80], CUT_SHORT),
            // A packed field longer than the message.
            (&[0x0a, 5, 1], CUT_SHORT),
            // An 11-byte varint.
            (
                &[
                    0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0,
                ],
                SampleError::Malformed("a varint runs past 10 bytes"),
            ),
            // A 10-byte varint over 64 bits, packed.
            (
                &[
                    0x0a, 10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,
                ],
                SampleError::Malformed("a varint overflows 64 bits"),
            ),
            // location_id as fixed32.
            (&[0x0d, 0, 0, 0, 0], WIRE_TYPE),
            // A label's key as bytes.
            (&[0x1a, 2, 0x0a, 0], WIRE_TYPE),
            // Field number 0.
            (
                &[0x00, 1],
                SampleError::Malformed("a field has an invalid number"),
            ),
        ];
        for (bytes, error) in cases {
            assert_eq!(read(bytes, &mut fields), Err(error), "{bytes:?}");
            assert!(
                proto::Sample::decode(bytes).is_err(),
                "prost read {bytes:?}"
            );
        }
        // A group (field 4, started and ended): prost skips it, pprof refuses it, as here.
        assert_eq!(read(&[0x23, 0x24], &mut fields), Err(SampleError::Groups));
    }
}
