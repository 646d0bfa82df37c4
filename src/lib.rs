//! Scorch: a pprof flame graph viewer that runs entirely in the browser.
//!
//! The core is plain Rust, built and tested natively; the browser shell is `src/web/`.
//!
//! ```text
//! bytes --load::open / pprof::decode--> Profile --CallTree::build(profile, value_index)--> CallTree
//!        (gzip, protobuf, validation,                  (frames, self/total per node,
//!         drop_frames pruning)                          pprof's flat/cum table)
//!                                   CallTree --folded::write--> `main;a;b 12` lines
//!            CallTree --FlameLayout::new--> x/extent per node in value units
//!                     --Viewport--> CSS pixels --> canvas painter (src/web/)
//!                                   \--> hit_test, search, view_state
//! ```
//!
//! - [`pprof`]: the only module that knows profile.proto.
//! - [`profile`]: the decoded model, ids as `u32` newtypes into flat arrays.
//! - [`frames`]: function identities at pprof's function granularity, inlined lines expanded.
//! - [`call_tree`]: the arena call tree and the per-function table.
//! - [`total`]: pprof's report total (the 100% of percentages).
//! - [`labels`]: label totals.
//! - [`tags`]: pprof's label options (tagfocus, tagignore, tagroot).
//! - [`folded`]: folded stacks out and in.
//! - [`load`]: open any supported file, recognised by content.
//! - [`format`](mod@format): values and percentages for people.
//! - [`flame_layout`], [`viewport`], [`hit_test`]: rects, value <-> pixels, point -> node.
//! - [`peek`]: callers and callees of a function (pprof's -peek, the sandwich trees).
//! - [`top`]: pprof's top table, sortable and searchable.
//! - [`diff`]: a profile against a base profile (pprof's -diff_base, -normalize).
//! - [`svg`]: a flame graph as a self-contained, zoomable and searchable SVG.
//! - [`keys`]: keyboard shortcuts and the frame cursor's moves.
//! - [`search`]: regex/substring matches and the matched share.
//! - [`color`]: a stable colour per package.
//! - [`share`]: the view (and a small profile) as a URL fragment.
//! - [`view_state`]: the view as data, changed only by `ViewState::apply`.
//! - `web` (wasm32 only): the Yew shell: components, canvas painter, file input.
//! - [`synthetic`]: a generator of large realistic profiles for benchmarks.
//! - [`error`]: [`LoadError`], one variant per reason a file cannot be opened.

pub mod call_tree;
pub mod color;
pub mod diff;
pub mod error;
pub mod filter;
pub mod flame_layout;
pub mod folded;
pub mod format;
pub mod frames;
pub mod hit_test;
pub mod keys;
pub mod labels;
pub mod load;
pub mod peek;
pub mod pprof;
pub mod profile;
pub mod search;
pub mod share;
pub mod svg;
pub mod synthetic;
pub mod tags;
pub mod top;
pub mod total;
pub mod transfer;
mod trie;
pub mod view_state;
pub mod viewport;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use call_tree::{CallTree, NodeId};
pub use error::LoadError;
pub use profile::Profile;
