//! Scorch: a pprof flame graph viewer that runs entirely in the browser.
//!
//! The core is plain Rust, built and tested natively, one folder per stage of the pipeline;
//! the browser shell is `src/web/`, where the engine runs in a Web Worker:
//!
//! ```text
//!  page                         worker (engine)
//!  file/blob ----------------> input::load::open_read (gzip, protobuf, validation, pruning)
//!                                 -> model::profile::Profile (kept for the next request)
//!  FilterSpec, value type ---> analysis::report (filters, tags, granularity -> CallTree,
//!                                 label totals; diff against a base)
//!  transfer (bytes)  <-------- the report as protobuf bytes
//!  CallTree -> view::flame_layout (x/extent per node in value units)
//!           -> view::viewport (CSS pixels) -> web::paint (canvas)
//!           \-> view::hit_test, view::search, analysis::top, analysis::peek, view::svg
//!  ViewState::apply(ViewAction) and AppState's reducer: every change, as pure functions
//! ```
//!
//! - [`model`]: what a profile is, no I/O: the profile, frames, the stack trie, profiles
//!   joined into one.
//! - [`input`]: bytes to a profile: profile.proto (the only code that knows it), folded
//!   stacks, any file by content.
//! - [`analysis`]: pprof's semantics: options, filters, label options, total, call tree, top
//!   table, callers and callees, the call graph, comparison, the report a view shows.
//! - [`view`]: drawing as data: layout, viewport, hit test, orientation, search, colours,
//!   keys, the view state, links, SVG, the call graph as DOT.
//! - [`format`](mod@format): values, percentages and frame names for people.
//! - [`transfer`]: the worker <-> page wire format.
//! - [`synthetic`]: a generator of large realistic profiles for benchmarks.
//! - [`error`]: [`LoadError`], one variant per reason a file cannot be opened.
//! - `web` (wasm32 only): the Yew shell: components over one pure state, effects, the
//!   engine's worker.

pub mod analysis;
pub mod error;
pub mod format;
pub mod input;
pub mod model;
pub mod synthetic;
pub mod transfer;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use analysis::call_tree::{CallTree, NodeId};
pub use error::LoadError;
pub use model::profile::Profile;
