//! What a profile is, without I/O: the decoded profile (ids as `u32` newtypes into flat
//! arrays), function identities at each granularity, and the stack trie.

pub mod frames;
pub mod profile;
pub(crate) mod trie;
