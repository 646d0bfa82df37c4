//! What the person is looking at, as plain data: value type, orientation, zoom, search and the
//! current match, the flame graph's shape, whether the flame graph or the call graph is shown,
//! and the panels beside it.
//! `ViewState::apply(action)` is the only way it changes (the web shell's reducer is an adapter
//! around it). Depends on nothing that draws or decodes.

use crate::analysis::call_graph::GraphOptions;
use crate::analysis::options::FilterSpec;
use crate::analysis::shape::Shape;
use crate::view::color::Colors;
use crate::view::orientation::Orientation;

/// The view of one profile.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViewState {
    /// Index of the value type shown. Default: 0 (the shell sets the profile's default).
    pub value_index: usize,
    /// Default: [`Orientation::Flame`].
    pub orientation: Orientation,
    /// The zoomed frame as names from the root's child down (empty: not zoomed). Names, not
    /// node ids, so the zoom survives a change of value type.
    pub zoom_path: Vec<String>,
    /// Horizontal window as fractions of the whole width. Default: `0.0..1.0` (set by `new`).
    pub window: (f64, f64),
    /// The search box's text. Default: empty.
    pub search: String,
    /// Which match Enter last stepped to. Default: none yet.
    pub match_cursor: Option<usize>,
    /// pprof's name filters and granularity. Default: none, functions.
    pub filters: FilterSpec,
    /// Whether the top table is shown beside the graph. Default: no.
    pub table: bool,
    /// Whether the labels panel is shown. Default: no.
    pub labels: bool,
    /// The selected function's name (highlighted in the graph and the table). Default: none.
    pub selected: Option<String>,
    /// Whether the callers and callees of the selected function are shown instead of the
    /// graph. Default: no.
    pub sandwich: bool,
    /// The keyboard's frame cursor, as names from the root's child down (`Some([])` is the
    /// root). Default: none.
    pub cursor: Option<Vec<String>>,
    /// Whether the selected function's source lines are shown beside the graph. Default: no.
    pub source: bool,
    /// The source line whose frames are marked in the flame graph, as the routine's and the
    /// line's positions in the listing. Default: none.
    pub source_line: Option<(usize, usize)>,
    /// Whether pprof's call graph is shown instead of the flame graph. Default: no.
    pub call_graph: bool,
    /// How much of the call graph is drawn. Default: pprof's.
    pub graph_options: GraphOptions,
    /// How the flame graph's stacks are reshaped (inverted, recursion collapsed). Default:
    /// as built.
    pub shape: Shape,
    /// How frames are coloured. Default: by package, warm hues.
    pub colors: Colors,
}

/// A change a person asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewAction {
    SetValueType(usize),
    /// Set the filters and granularity.
    SetFilters(FilterSpec),
    SetOrientation(Orientation),
    /// Zoom so the frame at `path` fills the width; `window` is its extent as fractions.
    ZoomTo {
        path: Vec<String>,
        window: (f64, f64),
    },
    /// Free zoom or pan (wheel, drag): the window moves, the zoomed frame stays as a path.
    SetWindow((f64, f64)),
    ResetZoom,
    SetSearch(String),
    /// Put the keyboard's cursor on a frame (by path), or nowhere.
    SetCursor(Option<Vec<String>>),
    /// Show or hide the top table.
    ShowTable(bool),
    /// Show or hide the labels panel.
    ShowLabels(bool),
    /// Select a function by name, or none (which also closes its callers and callees).
    Select(Option<String>),
    /// Show the selected function's callers and callees instead of the graph, or not.
    ShowSandwich(bool),
    /// Show the call graph instead of the flame graph, or not.
    ShowCallGraph(bool),
    /// Show the selected function's source lines, or not.
    ShowSource(bool),
    /// Mark the frames of a source line (routine and line positions), or none.
    MarkSourceLine(Option<(usize, usize)>),
    SetGraphOptions(GraphOptions),
    /// Reshape the flame graph; the zoom and the cursor, paths in the old shape, go.
    SetShape(Shape),
    SetColors(Colors),
    /// Step to the next of `count` matches.
    NextMatch {
        count: usize,
    },
    PreviousMatch {
        count: usize,
    },
}

impl ViewState {
    /// The initial view of a profile whose default value type is `value_index`.
    pub fn new(value_index: usize) -> ViewState {
        ViewState {
            value_index,
            window: (0.0, 1.0),
            ..ViewState::default()
        }
    }

    /// The state after `action`.
    pub fn apply(&self, action: ViewAction) -> ViewState {
        let mut next = self.clone();
        match action {
            ViewAction::SetValueType(index) => {
                next.value_index = index;
                next.source_line = None;
                // Widths change with the value type: show the zoomed frame's new extent, which
                // the shell recomputes from `zoom_path`; until then, the whole width.
                next.window = (0.0, 1.0);
                next.match_cursor = None;
            }
            ViewAction::SetFilters(filters) => {
                next.filters = filters;
                // The listing is another one: its positions mean other lines.
                next.source_line = None;
                // The graph changes: as for a value type, widths are recomputed.
                next.window = (0.0, 1.0);
                next.match_cursor = None;
            }
            ViewAction::SetOrientation(orientation) => next.orientation = orientation,
            ViewAction::ZoomTo { path, window } => {
                next.zoom_path = path;
                next.window = window;
            }
            ViewAction::SetWindow(window) => next.window = window,
            ViewAction::ResetZoom => {
                next.zoom_path.clear();
                next.window = (0.0, 1.0);
            }
            ViewAction::SetSearch(text) => {
                next.search = text;
                next.match_cursor = None;
            }
            ViewAction::SetCursor(cursor) => next.cursor = cursor,
            ViewAction::ShowTable(shown) => next.table = shown,
            ViewAction::ShowLabels(shown) => next.labels = shown,
            ViewAction::Select(name) => {
                next.sandwich &= name.is_some();
                next.source &= name.is_some();
                if name != self.selected {
                    next.source_line = None;
                }
                next.selected = name;
            }
            ViewAction::ShowSandwich(shown) => {
                next.sandwich = shown && next.selected.is_some();
                next.call_graph &= !next.sandwich;
            }
            ViewAction::ShowCallGraph(shown) => {
                next.call_graph = shown;
                next.sandwich &= !shown;
            }
            ViewAction::ShowSource(shown) => {
                next.source = shown && next.selected.is_some();
                next.source_line = None;
            }
            ViewAction::MarkSourceLine(line) => next.source_line = line,
            ViewAction::SetGraphOptions(options) => next.graph_options = options,
            ViewAction::SetColors(colors) => next.colors = colors,
            ViewAction::SetShape(shape) => {
                if shape != self.shape {
                    next.shape = shape;
                    next.zoom_path.clear();
                    next.window = (0.0, 1.0);
                    next.cursor = None;
                    next.match_cursor = None;
                }
            }
            ViewAction::NextMatch { count } if count > 0 => {
                next.match_cursor = Some(self.match_cursor.map_or(0, |c| (c + 1) % count));
            }
            ViewAction::PreviousMatch { count } if count > 0 => {
                next.match_cursor = Some(
                    self.match_cursor
                        .map_or(count - 1, |c| (c + count - 1) % count),
                );
            }
            ViewAction::NextMatch { .. } | ViewAction::PreviousMatch { .. } => {}
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::options::FilterKind;

    #[test]
    fn zoom_and_reset() {
        let v = ViewState::new(1);
        let z = v.apply(ViewAction::ZoomTo {
            path: vec!["main".into(), "work".into()],
            window: (0.25, 0.5),
        });
        assert_eq!(z.window, (0.25, 0.5));
        assert_eq!(z.zoom_path.len(), 2);
        let r = z.apply(ViewAction::ResetZoom);
        assert_eq!((r.window, r.zoom_path.len()), ((0.0, 1.0), 0));
    }

    #[test]
    fn a_filter_is_set_and_removed_and_widths_start_over() {
        let v = ViewState::new(0).apply(ViewAction::SetWindow((0.2, 0.4)));
        let mut filters = FilterSpec::default();
        filters.set(FilterKind::Hide, "^runtime\\.".into());
        let f = v.apply(ViewAction::SetFilters(filters));
        assert_eq!(f.filters.hide, "^runtime\\.");
        assert_eq!(f.window, (0.0, 1.0));
        let none = f.apply(ViewAction::SetFilters(FilterSpec::default()));
        assert!(none.filters.is_empty());
    }

    #[test]
    fn the_source_needs_a_selected_function_and_its_mark_goes_with_it() {
        let v = ViewState::new(0).apply(ViewAction::ShowSource(true));
        assert!(!v.source);
        let v = v
            .apply(ViewAction::Select(Some("main".into())))
            .apply(ViewAction::ShowSource(true))
            .apply(ViewAction::MarkSourceLine(Some((0, 2))));
        assert!(v.source && v.source_line == Some((0, 2)));
        let other = v.apply(ViewAction::Select(Some("work".into())));
        assert!(other.source && other.source_line.is_none());
        let none = v.apply(ViewAction::Select(None));
        assert!(!none.source);
        assert!(v.apply(ViewAction::SetValueType(1)).source_line.is_none());
    }

    #[test]
    fn the_sandwich_needs_a_selected_function() {
        let v = ViewState::new(0).apply(ViewAction::ShowSandwich(true));
        assert!(!v.sandwich);
        let v = v
            .apply(ViewAction::Select(Some("main.f".into())))
            .apply(ViewAction::ShowSandwich(true));
        assert!(v.sandwich);
        let v = v.apply(ViewAction::Select(None));
        assert!(!v.sandwich && v.selected.is_none());
    }

    #[test]
    fn the_call_graph_and_the_callers_take_each_others_place() {
        let v = ViewState::new(0)
            .apply(ViewAction::Select(Some("main.f".into())))
            .apply(ViewAction::ShowSandwich(true))
            .apply(ViewAction::ShowCallGraph(true));
        assert!(v.call_graph && !v.sandwich);
        let v = v.apply(ViewAction::ShowSandwich(true));
        assert!(!v.call_graph && v.sandwich);
        let options = GraphOptions {
            node_count: 200,
            ..GraphOptions::default()
        };
        let v = v.apply(ViewAction::SetGraphOptions(options));
        assert_eq!(v.graph_options.node_count, 200);
    }

    #[test]
    fn a_new_shape_starts_unzoomed_and_keeps_the_selection() {
        let v = ViewState::new(0)
            .apply(ViewAction::Select(Some("main.f".into())))
            .apply(ViewAction::ZoomTo {
                path: vec!["main".into()],
                window: (0.1, 0.6),
            })
            .apply(ViewAction::SetCursor(Some(vec!["main".into()])));
        let inverted = Shape {
            inverted: true,
            collapse_recursion: false,
        };
        let r = v.apply(ViewAction::SetShape(inverted));
        assert_eq!(r.shape, inverted);
        assert!(r.zoom_path.is_empty() && r.cursor.is_none() && r.window == (0.0, 1.0));
        assert_eq!(r.selected.as_deref(), Some("main.f"));
        // The same shape again changes nothing.
        assert_eq!(r.apply(ViewAction::SetShape(inverted)), r);
    }

    #[test]
    fn matches_cycle_both_ways() {
        let mut v = ViewState::new(0).apply(ViewAction::SetSearch("gc".into()));
        v = v.apply(ViewAction::NextMatch { count: 3 });
        assert_eq!(v.match_cursor, Some(0));
        v = v.apply(ViewAction::PreviousMatch { count: 3 });
        assert_eq!(v.match_cursor, Some(2));
        v = v.apply(ViewAction::NextMatch { count: 3 });
        assert_eq!(v.match_cursor, Some(0));
        assert_eq!(v.apply(ViewAction::NextMatch { count: 0 }), v);
        assert_eq!(
            v.apply(ViewAction::SetSearch("x".into())).match_cursor,
            None
        );
    }

    #[test]
    fn a_zoom_path_names_the_same_frame_in_another_value_type() {
        let profile = crate::input::load::open(
            b"main;a;b 3\nmain;c 5\n",
            &crate::input::pprof::DecodeOptions::default(),
        )
        .unwrap();
        let tree = crate::CallTree::build(&profile, 0);
        let b = tree
            .find_path(&["main".into(), "a".into(), "b".into()])
            .unwrap();
        assert_eq!(tree.names_path(b), vec!["main", "a", "b"]);
        assert_eq!(tree.find_path(&[]), Some(crate::CallTree::ROOT));
        assert_eq!(tree.find_path(&["main".into(), "b".into()]), None);
    }

    #[test]
    fn value_type_keeps_orientation_and_zoom_path() {
        let v = ViewState::new(0)
            .apply(ViewAction::SetOrientation(Orientation::Icicle))
            .apply(ViewAction::ZoomTo {
                path: vec!["main".into()],
                window: (0.1, 0.2),
            })
            .apply(ViewAction::SetValueType(1));
        assert_eq!(v.orientation, Orientation::Icicle);
        assert_eq!(v.zoom_path, vec!["main".to_string()]);
        assert_eq!(v.value_index, 1);
    }
}
