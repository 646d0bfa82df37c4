//! What a profile is, without I/O: the decoded profile (ids as `u32` newtypes into flat
//! arrays), function identities at each granularity, the stack trie, and profiles joined
//! into one.

pub mod concat;
pub mod frames;
pub mod profile;
pub(crate) mod trie;
