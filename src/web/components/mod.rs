//! The shell's components, one per file, each reading the shared state it is given and
//! dispatching actions.

pub mod banners;
pub mod breadcrumbs;
pub mod call_graph;
pub mod details_panel;
pub mod diff_bar;
pub mod filter_bar;
pub mod frame_menu;
pub mod graph_canvas;
pub mod help;
pub mod labels_panel;
pub mod minimap;
pub mod sandwich;
pub mod source_panel;
pub mod status_line;
pub mod toolbar;
pub mod tooltip;
pub mod top_table;
pub mod view_menu;
