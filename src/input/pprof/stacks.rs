//! The samples' stacks kept as the file gives them (its varints, leaf first, copied as they are)
//! until every location is known, then made into the profile's [`Stacks`] trie without hashing:
//! the varints are read once, in order, into location indices, then a radix sort by depth sorts
//! the samples that share a stack's callers by their next location (read from the end of their
//! indices back, root first), and each run of equal locations is one child.

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
}

/// A sample in the making of the trie: its next location (once read) and the rest of its
/// stack, `start..end` of the resolved locations (read from `end` back).
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
    /// index of a location id (below `locations`); an id it does not know is reported for the
    /// first sample that refers to it.
    pub fn build(
        self,
        location: impl Fn(u64) -> Option<u32>,
        locations: usize,
    ) -> Result<(Stacks, Vec<StackId>), LoadError> {
        if locations <= 1 << 16 {
            self.build_as::<u16>(location)
        } else {
            self.build_as::<u32>(location)
        }
    }

    /// [`RawStacks::build`] with location indices held as `T`.
    fn build_as<T: LocationIndex>(
        self,
        location: impl Fn(u64) -> Option<u32>,
    ) -> Result<(Stacks, Vec<StackId>), LoadError> {
        let RawStacks { bytes, mut starts } = self;
        let samples = starts.len().saturating_sub(1);
        let (resolved, unknown) = resolve::<T>(bytes, &mut starts, location);
        if let Some((sample, id)) = unknown {
            return Err(LoadError::UnknownLocation {
                sample: sample as usize,
                id,
            });
        }
        let mut ids = vec![Stacks::EMPTY; samples];
        let non_empty = starts.windows(2).filter(|w| w[0] < w[1]).count();
        let mut pending = Vec::with_capacity(non_empty);
        pending.extend(
            starts
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
        drop(starts);
        // Profiles often have about as many stacks as samples: the trie starts that long
        // (growing by a quarter past it) and gives back what it did not fill.
        let mut parent = Vec::with_capacity(pending.len() + 1);
        let mut locations = Vec::with_capacity(pending.len() + 1);
        parent.push(Stacks::EMPTY);
        locations.push(LocationId(u32::MAX));
        let mut trie = TrieMaker {
            resolved: &resolved,
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
        drop(pending);
        let TrieMaker {
            mut parent,
            mut locations,
            ..
        } = trie;
        drop(resolved);
        parent.shrink_to_fit();
        locations.shrink_to_fit();
        Ok((Stacks::from_parts(parent, locations), ids))
    }
}

/// A location's index as the trie's input holds it: `u16` when a profile has at most 65,536
/// locations (two bytes a reference, about what its varints took), else `u32`.
trait LocationIndex: Copy {
    /// `index`, which fits.
    fn new(index: u32) -> Self;
    fn get(self) -> u32;
}

impl LocationIndex for u16 {
    fn new(index: u32) -> Self {
        debug_assert!(index <= u32::from(u16::MAX));
        index as u16
    }
    fn get(self) -> u32 {
        self.into()
    }
}

impl LocationIndex for u32 {
    fn new(index: u32) -> Self {
        index
    }
    fn get(self) -> u32 {
        self
    }
}

/// Location indices in chunks of [`CHUNK`] bytes, the size of the varints' chunks, so that the
/// memory of each chunk the varints give back can hold one of these.
struct Resolved<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T: LocationIndex> Resolved<T> {
    /// Indices a chunk holds (a power of two).
    const PER_CHUNK: usize = CHUNK / std::mem::size_of::<T>();

    /// Appends `index`, making a chunk for at most `to_come` more (this one included).
    #[inline]
    fn push(&mut self, index: T, to_come: usize) {
        let full = self
            .chunks
            .last()
            .is_none_or(|chunk| chunk.len() == Self::PER_CHUNK);
        if full {
            self.chunks
                .push(Vec::with_capacity(to_come.min(Self::PER_CHUNK)));
        }
        self.chunks
            .last_mut()
            .expect("a chunk is there")
            .push(index);
        self.len += 1;
    }

    #[inline]
    fn get(&self, at: usize) -> u32 {
        self.chunks[at / Self::PER_CHUNK][at % Self::PER_CHUNK].get()
    }
}

/// Reads the varints once, in order, into each sample's location indices (leaf first, as in
/// the file), back to back; `starts` (byte offsets) becomes where each sample's indices start
/// and the last one's end, as a sample has at most as many as it had bytes. The first sample
/// that refers to an id `location` does not know, and that id, are given too (its index is 0
/// meanwhile). The varints' chunks are given back as they are read.
fn resolve<T: LocationIndex>(
    bytes: ChunkedBytes,
    starts: &mut [u32],
    location: impl Fn(u64) -> Option<u32>,
) -> (Resolved<T>, Option<(u32, u64)>) {
    let count: usize = bytes
        .chunks
        .iter()
        .map(|chunk| chunk.iter().filter(|&&b| b < 0x80).count())
        .sum();
    let mut resolved = Resolved {
        chunks: Vec::new(),
        len: 0,
    };
    let mut unknown = None;
    let mut reading = Reading { starts, sample: 0 };
    reading.end_samples_at(0, 0);
    let (mut value, mut shift, mut at) = (0u64, 0u32, 0usize);
    for chunk in bytes.chunks {
        for &byte in &chunk {
            // The varints were checked as they were pushed: ten bytes at most.
            value |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            at += 1;
            if byte < 0x80 {
                let index = location(value).unwrap_or_else(|| {
                    unknown.get_or_insert((reading.sample as u32, value));
                    0
                });
                resolved.push(T::new(index), count - resolved.len);
                (value, shift) = (0, 0);
                reading.end_samples_at(at, resolved.len);
            }
        }
    }
    (resolved, unknown)
}

/// [`resolve`]'s place in the samples: the sample being read.
struct Reading<'a> {
    starts: &'a mut [u32],
    sample: usize,
}

impl Reading<'_> {
    /// Ends the samples whose varints end at byte `at` (an empty one ends where it starts),
    /// `resolved` indices having been read: their ends are noted in place of their byte ends.
    #[inline]
    fn end_samples_at(&mut self, at: usize, resolved: usize) {
        while self.sample + 1 < self.starts.len() && self.starts[self.sample + 1] as usize == at {
            self.starts[self.sample + 1] = resolved as u32;
            self.sample += 1;
        }
    }
}

/// The trie as [`RawStacks::build`] makes it.
struct TrieMaker<'a, T> {
    /// Each sample's location indices, leaf first ([`resolve`]).
    resolved: &'a Resolved<T>,
    parent: Vec<StackId>,
    locations: Vec<LocationId>,
}

impl<T: LocationIndex> TrieMaker<'_, T> {
    /// Reads `p`'s next location (its stack is read from the end, root first).
    #[inline]
    fn next_location(&self, p: &mut Pending) -> u32 {
        p.end -= 1;
        self.resolved.get(p.end as usize)
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

#[cfg(test)]
mod tests {
    use prost::encoding::encode_varint;

    use super::{RawStacks, CHUNK};
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
            .build(|id| (id % 10 == 0).then_some(id as u32 / 10 - 1), 30)
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
    fn stacks_are_read_across_chunks_and_with_wide_indices() {
        // Samples of three-byte varints, so some straddle each chunk boundary; ids 16384...
        // are locations 0..; the stacks repeat every 1,000 samples.
        let stack = |i: u64| -> Vec<u64> { (0..7).map(|d| 16384 + (i % 1000) * 7 + d).collect() };
        let count = CHUNK as u64 * 3 / 2 / 21;
        for locations in [7_000, 100_000] {
            let mut raw = RawStacks::default();
            raw.push(&[]).unwrap();
            for i in 0..count {
                raw.push(&varints(&stack(i))).unwrap();
            }
            assert_eq!(raw.bytes.chunks.len(), 2);
            let (stacks, ids) = raw
                .build(|id| id.checked_sub(16384).map(|i| i as u32), locations)
                .unwrap();
            assert_eq!(ids[0], Stacks::EMPTY);
            for (i, &id) in ids[1..].iter().enumerate() {
                let expected: Vec<u32> = stack(i as u64)
                    .iter()
                    .rev()
                    .map(|&id| id as u32 - 16384)
                    .collect();
                assert_eq!(path(&stacks, id), expected, "sample {i}");
            }
            // Each stack is its own chain of 7 (no two share their root location).
            assert_eq!(stacks.len(), 1 + 1000 * 7);
        }
    }

    #[test]
    fn an_unknown_location_is_reported_for_the_first_sample_using_it() {
        let mut raw = RawStacks::default();
        for stack in [&[1u64, 2][..], &[3], &[7, 2], &[7]] {
            raw.push(&varints(stack)).unwrap();
        }
        match raw.build(|id| (id != 7).then_some(id as u32), 4) {
            Err(LoadError::UnknownLocation { sample: 2, id: 7 }) => {}
            other => panic!("{other:?}"),
        }
    }
}
