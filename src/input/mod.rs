//! Bytes to a [`Profile`](crate::model::profile::Profile): profile.proto (the only code that
//! knows it), folded stacks, and opening any file by its content.

pub mod folded;
pub mod load;
pub mod pprof;
