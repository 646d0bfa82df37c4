//! The samples' stacks kept as the file gives them (its varints, leaf first, copied as they are)
//! until every location is known, then made into the profile's [`Stacks`] trie in one pass
//! without hashing: a radix sort by depth, where the samples that share a stack's callers are
//! sorted by their next location (read from the end of their varints backwards, root first) and
//! each run of equal locations is one child.

use crate::error::LoadError;
use crate::model::profile::{reserve_gently, LocationId, StackId, Stacks};

/// Each sample's location ids, leaf first as in the file, as varints back to back.
#[derive(Debug, Default)]
pub(super) struct RawStacks {
    bytes: ChunkedBytes,
    /// Where each sample's stack starts in `bytes`, then where the last one ends (empty until
    /// a sample is pushed).
    starts: Vec<u32>,
}

/// Bytes appended in chunks of [`CHUNK`] bytes (the first grows up to that size), so that
/// growing never moves what was written. The varints are the largest array held while a
/// profile is read (87 MiB for a 100 MiB gzipped profile); grown by copying, each copy left
/// behind would stay part of a wasm memory, which never shrinks.
#[derive(Debug, Default)]
struct ChunkedBytes {
    chunks: Vec<Vec<u8>>,
    len: usize,
}

const CHUNK_BITS: u32 = 22;
const CHUNK: usize = 1 << CHUNK_BITS;

impl ChunkedBytes {
    fn extend_from_slice(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len();
        while !bytes.is_empty() {
            let chunk = match self.chunks.last_mut() {
                Some(chunk) if chunk.len() < CHUNK => chunk,
                _ => {
                    let capacity = if self.chunks.is_empty() { 0 } else { CHUNK };
                    self.chunks.push(Vec::with_capacity(capacity));
                    self.chunks.last_mut().expect("a chunk was just pushed")
                }
            };
            let n = (CHUNK - chunk.len()).min(bytes.len());
            if chunk.capacity() - chunk.len() < n {
                let doubled = (chunk.capacity() * 2).max(chunk.len() + n).min(CHUNK);
                chunk.reserve_exact(doubled - chunk.len());
            }
            chunk.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    /// The varint that ends at `end` (its last byte is `end - 1`) and its length. Every stack
    /// pushed ends a varint, so reading back never goes into the stack before.
    #[inline]
    fn varint_before(&self, end: usize) -> (u64, usize) {
        let last = end - 1;
        let chunk = &self.chunks[last >> CHUNK_BITS];
        let offset = last & (CHUNK - 1);
        let mut first = offset;
        while first > 0 && chunk[first - 1] >= 0x80 {
            first -= 1;
        }
        if first == 0 && last >= CHUNK {
            let before = &self.chunks[(last >> CHUNK_BITS) - 1];
            if before.last().is_some_and(|&b| b >= 0x80) {
                return self.straddling_varint_before(end);
            }
        }
        (read_varint(&chunk[first..=offset]), offset + 1 - first)
    }

    /// [`ChunkedBytes::varint_before`] for a varint that began in the chunk before: its bytes
    /// (ten at most) are gathered first.
    #[cold]
    #[inline(never)]
    fn straddling_varint_before(&self, end: usize) -> (u64, usize) {
        let byte = |pos: usize| self.chunks[pos >> CHUNK_BITS][pos & (CHUNK - 1)];
        let mut first = end - 1;
        while first > 0 && end - first < 10 && byte(first - 1) >= 0x80 {
            first -= 1;
        }
        let mut varint = [0u8; 10];
        for (slot, pos) in varint.iter_mut().zip(first..end) {
            *slot = byte(pos);
        }
        (read_varint(&varint[..end - first]), end - first)
    }
}

/// A sample in the making of the trie: its next location (once read) and the rest of its
/// stack, `start..end` of the varints (read from `end` back).
#[derive(Debug, Clone, Copy)]
struct Pending {
    location: u32,
    start: u32,
    end: u32,
    sample: u32,
}

impl RawStacks {
    /// Adds the next sample's stack: its location ids leaf first as in the file, as
    /// well-formed varints back to back ([`super::sample::read`] checks them).
    pub fn push(&mut self, leaf_first: &[u8]) -> Result<(), LoadError> {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.bytes.extend_from_slice(leaf_first);
        let end = u32::try_from(self.bytes.len()).map_err(|_| LoadError::TooMany {
            what: "location references",
        })?;
        reserve_gently(&mut self.starts, 1);
        self.starts.push(end);
        Ok(())
    }

    /// The trie of every stack pushed, and each sample's stack in it. `location` gives the
    /// index of a location id; an id it does not know is reported for the first sample that
    /// refers to it.
    pub fn build(
        self,
        location: impl Fn(u64) -> Option<u32>,
    ) -> Result<(Stacks, Vec<StackId>), LoadError> {
        let samples = self.starts.len().saturating_sub(1);
        let mut ids = vec![Stacks::EMPTY; samples];
        let non_empty = self.starts.windows(2).filter(|w| w[0] < w[1]).count();
        let mut pending = Vec::with_capacity(non_empty);
        pending.extend(
            self.starts
                .windows(2)
                .enumerate()
                .filter(|(_, w)| w[0] < w[1])
                .map(|(sample, w)| Pending {
                    location: 0,
                    start: w[0],
                    end: w[1],
                    sample: sample as u32,
                }),
        );
        drop(self.starts);
        // Profiles often have about as many stacks as samples: the trie starts that long
        // (growing by a quarter past it) and gives back what it did not fill.
        let mut parent = Vec::with_capacity(pending.len() + 1);
        let mut locations = Vec::with_capacity(pending.len() + 1);
        parent.push(Stacks::EMPTY);
        locations.push(LocationId(u32::MAX));
        let mut trie = TrieMaker {
            bytes: &self.bytes,
            location,
            unknown: None,
            parent,
            locations,
        };
        // (caller, range of `pending`): the samples of a stack not made yet, which is its
        // caller plus their next location. Stacks are numbered depth first, callers before
        // callees, as the call tree is walked.
        let mut groups = Vec::new();
        trie.split(&mut pending, 0, Stacks::EMPTY, &mut groups);
        while let Some((caller, start, end)) = groups.pop() {
            let stack = trie.add(caller, pending[start].location)?;
            // Samples whose stack is this one are done; the others go on together.
            let mut going_on = start;
            for i in start..end {
                let p = pending[i];
                if p.start == p.end {
                    ids[p.sample as usize] = stack;
                } else {
                    pending[going_on] = p;
                    going_on += 1;
                }
            }
            if going_on == start + 1 {
                // One sample goes on alone (common deep in a profile): the rest of its stack
                // is a chain of new stacks.
                let mut p = pending[start];
                let mut stack = stack;
                while p.start < p.end {
                    let location = trie.next_location(&mut p);
                    stack = trie.add(stack, location)?;
                }
                ids[p.sample as usize] = stack;
            } else {
                trie.split(&mut pending[start..going_on], start, stack, &mut groups);
            }
        }
        if let Some((sample, id)) = trie.unknown {
            return Err(LoadError::UnknownLocation {
                sample: sample as usize,
                id,
            });
        }
        drop(pending);
        trie.parent.shrink_to_fit();
        trie.locations.shrink_to_fit();
        Ok((Stacks::from_parts(trie.parent, trie.locations), ids))
    }
}

/// The trie as [`RawStacks::build`] makes it.
struct TrieMaker<'a, F> {
    bytes: &'a ChunkedBytes,
    /// Location id -> location.
    location: F,
    /// The first sample that refers to an unknown location id, and that id.
    unknown: Option<(u32, u64)>,
    parent: Vec<StackId>,
    locations: Vec<LocationId>,
}

impl<F: Fn(u64) -> Option<u32>> TrieMaker<'_, F> {
    /// Reads `p`'s next location (0 for an unknown id, which is remembered).
    fn next_location(&mut self, p: &mut Pending) -> u32 {
        let (id, len) = self.bytes.varint_before(p.end as usize);
        p.end -= len as u32;
        (self.location)(id).unwrap_or_else(|| {
            if self.unknown.is_none_or(|(first, _)| p.sample < first) {
                self.unknown = Some((p.sample, id));
            }
            0
        })
    }

    /// A new stack: `location` called from `caller`.
    fn add(&mut self, caller: StackId, location: u32) -> Result<StackId, LoadError> {
        let stack =
            u32::try_from(self.parent.len()).map_err(|_| LoadError::TooMany { what: "stacks" })?;
        reserve_gently(&mut self.parent, 1);
        reserve_gently(&mut self.locations, 1);
        self.parent.push(caller);
        self.locations.push(LocationId(location));
        Ok(StackId(stack))
    }

    /// Reads the next location of each sample of `group` (which starts at `offset` in the
    /// samples) and sorts them by it; each run of one location is a group of stacks called
    /// from `caller`, pushed on `groups` so that the first run is taken first.
    fn split(
        &mut self,
        group: &mut [Pending],
        offset: usize,
        caller: StackId,
        groups: &mut Vec<(StackId, usize, usize)>,
    ) {
        for p in group.iter_mut() {
            p.location = self.next_location(p);
        }
        if group.windows(2).any(|w| w[0].location != w[1].location) {
            group.sort_unstable_by_key(|p| p.location);
        }
        let first = groups.len();
        let mut run = 0;
        while run < group.len() {
            let location = group[run].location;
            let run_len = group[run..]
                .iter()
                .take_while(|p| p.location == location)
                .count();
            groups.push((caller, offset + run, offset + run + run_len));
            run += run_len;
        }
        groups[first..].reverse();
    }
}

/// The value of the varint `bytes` (one whole varint, as [`RawStacks::push`] was given).
#[inline]
fn read_varint(bytes: &[u8]) -> u64 {
    bytes.iter().enumerate().fold(0, |value, (i, &byte)| {
        value | u64::from(byte & 0x7f) << (7 * i)
    })
}

#[cfg(test)]
mod tests {
    use prost::encoding::encode_varint;

    use super::{ChunkedBytes, RawStacks, CHUNK};
    use crate::error::LoadError;

    /// `ids` as the file's varints.
    fn varints(ids: &[u64]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for &id in ids {
            encode_varint(id, &mut bytes);
        }
        bytes
    }
    use crate::model::profile::{LocationId, StackId, Stacks};

    /// The locations of `stack`, root first.
    fn path(stacks: &Stacks, mut stack: StackId) -> Vec<u32> {
        let mut path = Vec::new();
        while stack != Stacks::EMPTY {
            path.push(stacks.location(stack).0);
            stack = stacks.parent(stack);
        }
        path.reverse();
        path
    }

    #[test]
    fn every_stack_is_found_again_and_each_prefix_is_one_node() {
        // Leaf first, as in the file; ids 10, 20... are locations 0, 1...
        let samples: [&[u64]; 6] = [
            &[30, 20, 10],
            &[],
            &[20, 10],
            &[40, 20, 10],
            &[300, 10],
            &[30, 20, 10],
        ];
        let mut raw = RawStacks::default();
        for stack in samples {
            raw.push(&varints(stack)).unwrap();
        }
        let (stacks, ids) = raw
            .build(|id| (id % 10 == 0).then_some(id as u32 / 10 - 1))
            .unwrap();
        for (stack, &id) in samples.iter().zip(&ids) {
            let expected: Vec<u32> = stack.iter().rev().map(|&id| id as u32 / 10 - 1).collect();
            assert_eq!(path(&stacks, id), expected);
        }
        assert_eq!(ids[0], ids[5]);
        assert_eq!(ids[1], Stacks::EMPTY);
        // The empty stack, 10, 10>20, 10>20>30, 10>20>40, 10>300.
        assert_eq!(stacks.len(), 6);
        for stack in 1..stacks.len() as u32 {
            assert!(stacks.parent(StackId(stack)).0 < stack);
            assert_ne!(stacks.location(StackId(stack)), LocationId(u32::MAX));
        }
    }

    #[test]
    fn varints_read_back_across_chunks() {
        // Three-byte varints, so some of them straddle each chunk boundary.
        let values: Vec<u64> = (0..(CHUNK as u64 * 3 / 2) / 3)
            .map(|i| 16384 + i % 100_000 * 7)
            .collect();
        let mut bytes = ChunkedBytes::default();
        bytes.extend_from_slice(&varints(&values));
        assert_eq!(bytes.chunks.len(), 2);
        assert!(bytes.chunks.iter().all(|c| c.capacity() == CHUNK));
        let mut end = bytes.len();
        for &value in values.iter().rev() {
            assert_eq!(bytes.varint_before(end), (value, 3));
            end -= 3;
        }
        assert_eq!(end, 0);
        // One-byte and ten-byte varints, from the start on.
        let mut bytes = ChunkedBytes::default();
        bytes.extend_from_slice(&varints(&[5, u64::MAX]));
        assert_eq!(bytes.varint_before(11), (u64::MAX, 10));
        assert_eq!(bytes.varint_before(1), (5, 1));
    }

    #[test]
    fn an_unknown_location_is_reported_for_the_first_sample_using_it() {
        let mut raw = RawStacks::default();
        for stack in [&[1u64, 2][..], &[3], &[7, 2], &[7]] {
            raw.push(&varints(stack)).unwrap();
        }
        match raw.build(|id| (id != 7).then_some(id as u32)) {
            Err(LoadError::UnknownLocation { sample: 2, id: 7 }) => {}
            other => panic!("{other:?}"),
        }
    }
}
