//! The app: composes the components over one state and wires the effects; it decides nothing
//! itself. What is shown is derived here once per render ([`Shown`]): the profile's graph for
//! the view, the search result of that graph, the selected function's frame in it.

pub mod effects;
pub mod keyboard;
pub mod loaded;
pub mod loader;
pub mod startup;
pub mod state;

use std::rc::Rc;

use yew::prelude::*;

use crate::analysis::call_graph::GraphStep;
use crate::analysis::call_tree::{CallTree, NodeId};
use crate::analysis::options::DiffMode;
use crate::analysis::options::FilterKind;
use crate::analysis::shape::{reshaped_nodes, Shape};
use crate::analysis::source::function_of_frame;
use crate::model::frames::FrameId;
use crate::view::color::{Colors, Theme};
use crate::view::hit_test::row_top;
use crate::view::search::{search, SearchResult};
use crate::view::view_state::ViewAction;
use crate::view::view_state::ViewState;
use crate::view::viewport::Viewport;
use crate::web::components::{
    banners::Banners, breadcrumbs::Breadcrumbs, call_graph::CallGraphPanel,
    details_panel::DetailsPanel, diff_bar::DiffBar, filter_bar::FilterBar, frame_menu::FrameMenu,
    graph_canvas::GraphCanvas, help::Help, labels_panel::LabelsPanel, sandwich::SandwichPanel,
    source_panel::SourcePanel, status_line::StatusLine, toolbar::OpenButton, toolbar::Toolbar,
    tooltip::Tooltip, top_table::TopTablePanel,
};
use crate::web::paint::ROW_HEIGHT;
use crate::web::source_folder::SourceFolder;
use loaded::{CallGraphKey, Graph, Shared, SourceBuilt, SourceKey};
use loader::{files_of, use_loader};
use state::{AppAction, AppState};

/// The profile and graph shown, with what is derived from them; the components' shared input.
#[derive(Clone)]
pub struct Shown {
    pub loaded: Shared,
    pub graph: Rc<Graph>,
    /// The search box's matches in this graph (none without a search).
    pub search: Rc<Option<SearchResult>>,
    /// The selected function's frame in this graph.
    pub selected: Option<FrameId>,
    /// The nodes of this graph the marked source line produced, sorted.
    pub marked: Rc<Vec<NodeId>>,
    pub theme: Theme,
    /// How the graph was reshaped from the tree as built.
    pub shape: Shape,
    /// How its frames are coloured.
    pub colors: Colors,
}

impl Shown {
    /// The unit of the value type shown.
    pub fn unit(&self) -> &str {
        &self.loaded.0.summary.value_types[self.graph.tree.value_index()].unit
    }
}

/// Derivations are built once and shared, so they compare by identity.
impl Hover {
    /// The key of `graph` in [`Hover::graph`].
    pub fn key(graph: &Rc<Graph>) -> usize {
        Rc::as_ptr(graph) as usize
    }
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        self.loaded == other.loaded
            && Rc::ptr_eq(&self.graph, &other.graph)
            && Rc::ptr_eq(&self.search, &other.search)
            && self.selected == other.selected
            && Rc::ptr_eq(&self.marked, &other.marked)
            && self.theme == other.theme
            && self.shape == other.shape
            && self.colors == other.colors
    }
}

/// The frame under the pointer, or tapped on a touch screen, and where the pointer is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Hover {
    /// The graph `node` is a node of, by address: a node id means nothing in another graph.
    pub graph: usize,
    pub node: NodeId,
    pub client_x: i32,
    pub client_y: i32,
    /// Tapped: the tooltip stays, with a zoom button, until closed or another tap.
    pub tapped: bool,
}

/// The frame menu: its node in `graph`, and where it was asked for.
#[derive(Clone)]
struct Menu {
    graph: Rc<Graph>,
    node: NodeId,
    at: (i32, i32),
}

impl PartialEq for Menu {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.graph, &other.graph) && self.node == other.node && self.at == other.at
    }
}

/// A tooltip's place beside `node` as drawn (the canvas's place is only read then: reading it
/// forces a layout).
fn cursor_hover(graph: &Rc<Graph>, node: NodeId, view: &ViewState) -> Option<Hover> {
    let canvas = web_sys::window()?
        .document()?
        .query_selector(".graph > canvas")
        .ok()??;
    let rect = canvas.get_bounding_client_rect();
    let whole = graph.layout.extent(&graph.tree, CallTree::ROOT).max(1) as f64;
    let viewport = Viewport::new(view.window.0 * whole, view.window.1 * whole, rect.width());
    let x = viewport.css_x(graph.layout.x(node) as f64).max(0.0);
    let rows = graph.tree.max_depth() + 1;
    let y = row_top(graph.tree.depth(node), ROW_HEIGHT, rows, view.orientation);
    Some(Hover {
        graph: Hover::key(graph),
        node,
        client_x: (rect.left() + x + 8.0) as i32,
        client_y: (rect.top() + y + ROW_HEIGHT) as i32,
        tapped: false,
    })
}

/// The frames of the marked source line (nodes of the tree as built `built`), in the graph
/// drawn (reshaped as the view asks), when the graph shown is the view's.
#[hook]
fn use_marked(
    state: &AppState,
    source: Option<&SourceBuilt>,
    built: Option<&Rc<Graph>>,
) -> Rc<Vec<NodeId>> {
    let view = &state.view;
    let nodes = match (source, view.source_line, &state.wanted) {
        (Some(Ok(source)), Some((r, l)), None) => source
            .nodes
            .get(r)
            .and_then(|lines| lines.get(l))
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let nodes: Vec<NodeId> = nodes
        .into_iter()
        .filter(|n| built.is_some_and(|g| (n.0 as usize) < g.tree.len()))
        .collect();
    let deps = (nodes, built.cloned(), view.shape, view.filters.granularity);
    (*use_memo(deps, |(nodes, built, shape, granularity)| {
        Rc::new(match built {
            Some(built) if !nodes.is_empty() && !shape.is_plain() => {
                reshaped_nodes(&built.tree, *shape, *granularity, nodes)
            }
            _ => nodes.clone(),
        })
    }))
    .clone()
}

/// The Graph view in place of the flame graph: pprof's call graph (built now for a profile on
/// the page), why it could not be built, or the engine's progress building it.
fn call_graph_view(
    state: &AppState,
    shown: &Shown,
    theme: Theme,
    dispatch: UseReducerDispatcher<AppState>,
) -> Html {
    let view = &state.view;
    let key = CallGraphKey::new(view.value_index, &view.filters, &view.graph_options);
    let back = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(AppAction::View(ViewAction::ShowCallGraph(false)))
        })
    };
    match shown.loaded.0.call_graph(&key) {
        Some(Ok(graph)) => html! {
            <CallGraphPanel {graph} {theme} colour_blind={view.colors.colour_blind} search={view.search.clone()}
                selected={view.selected.clone().map(AttrValue::from)} options={view.graph_options}
                {dispatch} />
        },
        Some(Err(message)) => html! {
            <div class="call-graph call-graph-message">
                <p class="notice call-graph-failed">
                    {format!("The call graph could not be built: {message}")}
                    <button class="button" onclick={back}>{"Back to the flame graph"}</button></p>
            </div>
        },
        None => {
            let step = state.call_graph_step.unwrap_or(GraphStep::Filtering);
            html! {
                <div class="call-graph call-graph-pending">
                    <p class="notice" data-step={step.number().to_string()}>
                        {format!("Building the call graph: {} (step {} of {})…",
                            step.describe(), step.number(), GraphStep::COUNT)}
                        <progress max={GraphStep::COUNT.to_string()}
                            value={step.number().saturating_sub(1).to_string()} />
                        <button class="button" onclick={back}>{"Cancel"}</button></p>
                </div>
            }
        }
    }
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(startup::initial_state);
    let dispatch = state.dispatcher();
    let loader = use_loader(dispatch.clone());
    let search_ref = use_node_ref();
    let keyed = keyboard::use_keyboard(dispatch.clone(), search_ref.clone());
    effects::use_graph_requests(&state);
    effects::use_call_graph_requests(&state);
    effects::use_example_fallback(&state);
    effects::use_fragment_sync(&state);
    effects::use_url_fetch(&loader, dispatch.clone());
    effects::use_paste(&loader);
    let theme = effects::use_theme();
    let hover = use_state(|| None::<Hover>);
    let menu = use_state(|| None::<Menu>);
    let source_folder = use_state(|| None::<Rc<SourceFolder>>);

    let view = &state.view;
    // The graph of the view as built; while it is rebuilt (a new base replaced the compared
    // graphs), the one shown before stays, so the page keeps its drawing, pointer and scroll.
    let last_shown = use_mut_ref(|| None::<(Shared, Rc<Graph>)>);
    let built = match &state.loaded {
        Some(loaded) => match loaded.0.graph(view.value_index, &view.filters) {
            Some(graph) => {
                *last_shown.borrow_mut() = Some((loaded.clone(), graph.clone()));
                Some(graph)
            }
            None => last_shown
                .borrow()
                .as_ref()
                .filter(|(shown, _)| shown == loaded)
                .map(|(_, graph)| graph.clone()),
        },
        None => None,
    };
    // The graph drawn: the built one reshaped as the view asks.
    let graph = built
        .as_ref()
        .map(|g| g.shaped(view.shape, view.filters.granularity));
    // A search result indexes one graph's nodes and frames: it is kept for that graph only.
    let search_result: Rc<Option<SearchResult>> = {
        let deps = (graph.clone(), view.search.clone());
        use_memo(deps, |(graph, text)| {
            graph.as_ref().and_then(|g| search(&g.tree, text))
        })
    };
    // The selected function's frame in the graph shown (by name: frames differ per graph).
    let selected: Option<FrameId> = *use_memo(
        (graph.clone(), view.selected.clone()),
        |(graph, selected)| {
            let (graph, name) = (graph.as_ref()?, selected.as_ref()?);
            let frames = graph.tree.frames();
            (1..frames.len() as u32)
                .map(FrameId)
                .find(|&f| frames.name(f) == name)
        },
    );
    // The source lines shown: of the selected function, under the view's options.
    let source_key: Option<SourceKey> = (|| {
        let (graph, frame) = (graph.as_ref()?, selected?);
        if !view.source {
            return None;
        }
        let frame = graph.tree.frames().frame(frame);
        Some(SourceKey {
            index: view.value_index,
            filters: view.filters.clone(),
            function: function_of_frame(&frame.name, &frame.file, view.filters.granularity)?,
        })
    })();
    effects::use_source_requests(&state, source_key.clone());
    let source: Option<SourceBuilt> = match (&state.loaded, &source_key) {
        (Some(loaded), Some(key)) => loaded.0.source(key),
        _ => None,
    };
    let marked = use_marked(&state, source.as_ref(), built.as_ref());
    // A tapped frame belongs to its graph.
    {
        let hover = hover.clone();
        use_effect_with(graph.clone(), move |_| {
            if hover.is_some_and(|h| h.tapped) {
                hover.set(None);
            }
        });
    }
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let loader = loader.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
                loader.load_files(files_of(&files));
            }
        })
    };

    let (Some(loaded), Some(built), Some(graph)) = (state.loaded.clone(), built, graph) else {
        *keyed.borrow_mut() = None;
        return html! {
            <main class="app" {ondragover} {ondrop}>
                <header class="toolbar">
                    <strong class="brand">{"Scorch"}</strong>
                    <OpenButton loader={loader.clone()} />
                </header>
                <Banners state={state.clone()} loader={loader.clone()} />
            </main>
        };
    };
    let shown = Shown {
        loaded,
        graph: graph.clone(),
        search: search_result,
        selected,
        marked,
        theme,
        shape: view.shape,
        colors: view.colors,
    };
    *keyed.borrow_mut() = Some(((*state).clone(), shown.clone()));
    let tree = &graph.tree;
    // A hover found in an earlier graph waits for the canvas to find it again in this one.
    let pointed = (*hover).filter(|h| h.graph == Hover::key(&graph));
    let cursor = view.cursor.as_ref().and_then(|path| tree.find_path(path));
    let zoomed = tree
        .find_path(&view.zoom_path)
        .filter(|_| !view.zoom_path.is_empty());
    let unit = shown.unit().to_string();

    let on_hover = {
        let hover = hover.clone();
        Callback::from(move |next: Option<Hover>| hover.set(next))
    };
    let on_menu = {
        let menu = menu.clone();
        let graph = graph.clone();
        Callback::from(move |(node, x, y): (NodeId, i32, i32)| {
            menu.set(Some(Menu {
                graph: graph.clone(),
                node,
                at: (x, y),
            }))
        })
    };
    let close_menu = {
        let menu = menu.clone();
        Callback::from(move |()| menu.set(None))
    };
    let close_tooltip = {
        let hover = hover.clone();
        Callback::from(move |()| hover.set(None))
    };
    let on_select_frame = {
        let dispatch = dispatch.clone();
        let graph = graph.clone();
        Callback::from(move |frame: Option<FrameId>| {
            let name = frame.map(|f| graph.tree.frames().name(f).to_string());
            dispatch.dispatch(AppAction::View(ViewAction::Select(name)));
        })
    };
    let on_label_option = {
        let dispatch = dispatch.clone();
        Callback::from(move |(kind, pattern): (FilterKind, String)| {
            dispatch.dispatch(AppAction::AskFilter(kind, pattern))
        })
    };
    let close_sandwich = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| {
            dispatch.dispatch(AppAction::View(ViewAction::ShowSandwich(false)))
        })
    };
    let on_source_frame = {
        let dispatch = dispatch.clone();
        let graph = graph.clone();
        Callback::from(move |frame: FrameId| {
            let name = graph.tree.frames().name(frame).to_string();
            dispatch.dispatch(AppAction::View(ViewAction::Select(Some(name))));
            dispatch.dispatch(AppAction::View(ViewAction::ShowSource(true)));
        })
    };
    let on_mark_line = {
        let dispatch = dispatch.clone();
        Callback::from(move |line: Option<(usize, usize)>| {
            dispatch.dispatch(AppAction::View(ViewAction::MarkSourceLine(line)))
        })
    };
    let on_source_folder = {
        let source_folder = source_folder.clone();
        Callback::from(move |folder: Option<Rc<SourceFolder>>| source_folder.set(folder))
    };
    let close_source = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| dispatch.dispatch(AppAction::View(ViewAction::ShowSource(false))))
    };
    // Without the pointer on a frame, the keyboard cursor's frame has the tooltip, beside it.
    let tooltip = pointed.or_else(|| cursor_hover(&graph, cursor?, view));
    let tooltip = tooltip.filter(|_| menu.is_none() && !view.call_graph);
    let call_graph = view
        .call_graph
        .then(|| call_graph_view(&state, &shown, theme, dispatch.clone()));
    let menu = (*menu)
        .clone()
        .filter(|m| Rc::ptr_eq(&m.graph, &graph) && (m.node.0 as usize) < graph.tree.len());

    html! {
        <main class="app" {ondragover} {ondrop}>
            <Toolbar state={state.clone()} shown={shown.clone()} loader={loader.clone()}
                search_ref={search_ref.clone()} />
            <FilterBar view={view.clone()} shown={shown.clone()} dispatch={dispatch.clone()} />
            if view.labels {
                <LabelsPanel graph={graph.clone()} unit={unit.clone()} tagroot={view.filters.tagroot.clone()}
                    on_option={on_label_option} />
            }
            if view.filters.diff != DiffMode::Off {
                <DiffBar mode={view.filters.diff} shown={shown.clone()} call_graph={view.call_graph}
                    dispatch={dispatch.clone()} />
            }
            <Banners state={state.clone()} loader={loader.clone()} />
            <StatusLine shown={shown.clone()} view={view.clone()} dispatch={dispatch.clone()} />
            if let Some(zoomed) = zoomed {
                <Breadcrumbs shown={shown.clone()} {zoomed} dispatch={dispatch.clone()} />
            }
            <div class="workspace">
                if let Some(frame) = selected.filter(|_| view.sandwich) {
                    <SandwichPanel graph={built.clone()} {frame} unit={unit.clone()} {theme} colors={view.colors}
                        on_select={on_select_frame.reform(Some)} on_close={close_sandwich} />
                }
                {call_graph.unwrap_or_default()}
                <GraphCanvas shown={shown.clone()} view={view.clone()} dispatch={dispatch.clone()}
                    hover={pointed} {on_hover} {on_menu} {cursor}
                    hidden={(view.sandwich && selected.is_some()) || view.call_graph} />
                if view.table {
                    <TopTablePanel graph={graph.clone()} search={shown.search.clone()} query={view.search.clone()}
                        unit={unit.clone()} selected={selected} hovered={pointed.map(|h| tree.frame(h.node))}
                        on_select={on_select_frame.clone()} on_source={on_source_frame} />
                }
                if let Some(key) = source_key {
                    <SourcePanel function={key.function.clone()} {source} unit={unit.clone()}
                        diff={view.filters.diff != DiffMode::Off}
                        folder={(*source_folder).clone()} marked={view.source_line}
                        on_mark={on_mark_line} on_folder={on_source_folder} on_close={close_source} />
                }
            </div>
            if let Some(hover) = tooltip {
                <Tooltip shown={shown.clone()} {hover} dispatch={dispatch.clone()} on_close={close_tooltip} />
            }
            if let Some(menu) = menu {
                <FrameMenu name={menu.graph.tree.name(menu.node).to_string()} at={menu.at}
                    location={menu.graph.tree.frames().frame(menu.graph.tree.frame(menu.node)).location().map(AttrValue::from)}
                    stack={Rc::new(menu.graph.tree.names_path(menu.node))}
                    dispatch={dispatch.clone()} on_close={close_menu} />
            }
            if state.help {
                <Help dispatch={dispatch.clone()} />
            }
            if state.details {
                <DetailsPanel shown={shown.clone()} dispatch={dispatch.clone()} />
            }
        </main>
    }
}
