//! pprof's semantics over a profile: the options as data, filters and label options, pprof's
//! total, the call tree, label totals, the top table, callers and callees, the call graph (and
//! the pauses between its steps), comparison with a base, the report a view shows, annotated
//! source, and the reshaped views (inverted, recursion collapsed).

pub mod call_graph;
pub mod call_tree;
pub mod details;
pub mod diff;
pub mod filter;
pub mod labels;
pub mod options;
pub(crate) mod path_tree;
pub mod pause;
pub mod peek;
pub mod report;
pub mod shape;
pub mod source;
pub mod tags;
pub mod top;
pub mod total;
