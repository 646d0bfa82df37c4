//! The app component: toolbar, flame graph canvas, tooltip, error banner, and every way to open
//! a file (picker, drop anywhere, paste). Events become `ViewAction`s for the core.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::canvas::{paint, Scene, ROW_HEIGHT};
use super::download;
use super::engine::{Engine, EngineEvent, Progress, Stage};
use super::hooks::use_measured;
use super::labels_panel::LabelsPanel;
use super::link::{self, ShareLink};
use super::loaded::{Graph, Loaded, Shared, Source, KEEP_FILE_BYTES};
use super::sandwich::SandwichPanel;
use super::top_table::TopTablePanel;
use crate::call_tree::{CallTree, NodeId};
use crate::color::Theme;
use crate::diff::DiffMode;
use crate::filter::{FilterKind, FilterSpec, Report};
use crate::format;
use crate::frames::{FrameId, Granularity};
use crate::hit_test::{depth_at, node_at, row_top, Orientation};
use crate::keys::{self, Command};
use crate::load;
use crate::pprof::DecodeOptions;
use crate::search::{search, QueryKind, SearchResult};
use crate::share::{self, ShareState};
use crate::svg::SvgOptions;
use crate::view_state::{ViewAction, ViewState};
use crate::viewport::Viewport;

/// A real profile recorded by the project: Scorch's own engine, profiled with pprof-rs
/// (`make example`). Built into the app so it shows without any request.
const EXAMPLE: &[u8] = include_bytes!("../../static/example.pb.gz");

/// The "Hide runtime" preset: Go's runtime and its internal packages, as pprof's -hide.
const HIDE_RUNTIME: &str = r"^runtime\.|^runtime/internal/|^internal/runtime/";

/// The app's state: the open profile, how it is viewed, and what the person is told.
#[derive(Clone, PartialEq)]
pub struct AppState {
    loaded: Option<Shared>,
    view: ViewState,
    error: Option<String>,
    /// Information that is not an error (a fetch in progress, a link waiting for its file).
    notice: Option<String>,
    /// A view-only link's view, waiting for the person to open the file it was made on.
    pending: Option<ShareState>,
    /// The link shown by "Copy link".
    link: Option<ShareLink>,
    /// A file being opened in the engine's worker.
    loading: Option<Loading>,
    /// A value type and filters chosen whose tree the engine is still building.
    waiting_for: Option<(usize, FilterSpec)>,
}

/// A load in progress.
#[derive(Clone, PartialEq)]
pub struct Loading {
    id: u32,
    name: String,
    progress: Progress,
}

pub enum AppAction {
    /// Show a profile, with the view a link asks for.
    Open(Rc<Loaded>, Option<ShareState>),
    Fail(String),
    /// Load `id` failed (or was cancelled, without a message).
    LoadFailed(u32, Option<String>),
    Loading(Loading),
    Progress(u32, Progress),
    /// Show value type `index` under `filters`, once its tree is there.
    ShowGraph {
        index: usize,
        filters: FilterSpec,
    },
    /// A report the engine of profile `id` made (with the base's, for a comparison).
    TreeArrived {
        id: u32,
        index: usize,
        filters: FilterSpec,
        report: Box<Report>,
        base: Option<Box<Report>>,
    },
    /// The engine of profile `id` opened a base profile to compare with.
    BaseOpened(u32),
    DismissError,
    Notice(Option<String>),
    ShowLink(Option<ShareLink>),
    View(ViewAction),
}

impl Reducible for AppState {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            AppAction::Open(loaded, share) => {
                next.view = ViewState::new(loaded.summary.default_value_index);
                next.error = None;
                next.notice = None;
                next.link = None;
                next.waiting_for = None;
                if next.loading.as_ref().is_some_and(|l| l.id == loaded.id) {
                    next.loading = None;
                }
                if let Some(share) = share {
                    next.view = link::view_from_share(&loaded, &share);
                } else if let Some(pending) = next.pending.take() {
                    let hash = match &loaded.source {
                        Source::File { hash, .. } => Some(hash),
                        _ => None,
                    };
                    if hash.is_some() && hash == pending.profile_hash.as_ref() {
                        next.view = link::view_from_share(&loaded, &pending);
                        next.notice = Some(
                            "This is the file the link was made on: its view is shown.".into(),
                        );
                    } else {
                        next.notice = Some(
                            "This is not the file the link was made on (its content differs), so \
                             the link's view was not applied."
                                .into(),
                        );
                    }
                }
                // The panels the person opened stay open for the next profile.
                next.view.table = self.view.table;
                next.view.labels = self.view.labels;
                next.loaded = Some(Shared(loaded));
            }
            // A bad file never replaces the profile already open; with nothing open (a `#url=`
            // that failed), the example is shown under the message.
            AppAction::Fail(message) => {
                next.error = Some(message);
                if next.pending.is_none() {
                    next.notice = None;
                }
                if next.loaded.is_none() {
                    if let Ok(example) = example() {
                        next.view = ViewState::new(example.summary.default_value_index);
                        next.loaded = Some(Shared(Rc::new(example)));
                    }
                }
            }
            AppAction::LoadFailed(id, message) => {
                if next.loading.as_ref().is_some_and(|l| l.id == id) {
                    next.loading = None;
                }
                if let Some(message) = message {
                    return Rc::new(next).reduce(AppAction::Fail(message));
                }
            }
            AppAction::Loading(loading) => {
                next.notice = None;
                next.loading = Some(loading);
            }
            AppAction::Progress(id, progress) => match &mut next.loading {
                Some(loading) if loading.id == id => loading.progress = progress,
                _ => return self,
            },
            AppAction::ShowGraph { index, filters } => next.show_graph(index, filters),
            AppAction::BaseOpened(id) => {
                let Some(loaded) = next.loaded.as_ref().filter(|l| l.0.id == id).cloned() else {
                    return self;
                };
                let mut filters = next.view.filters.clone();
                if filters.diff == DiffMode::Off {
                    filters.diff = DiffMode::Base;
                }
                next.notice = None;
                loaded.0.request_graph(next.view.value_index, &filters);
                next.show_graph(next.view.value_index, filters);
            }
            AppAction::TreeArrived {
                id,
                index,
                filters,
                report,
                base,
            } => {
                let Some(loaded) = next.loaded.as_ref().filter(|l| l.0.id == id) else {
                    return self;
                };
                loaded
                    .0
                    .insert_report(index, filters.clone(), *report, base.map(|b| *b));
                if next.waiting_for.as_ref() == Some(&(index, filters.clone())) {
                    next.show_graph(index, filters);
                }
            }
            AppAction::DismissError => next.error = None,
            AppAction::Notice(notice) => next.notice = notice,
            AppAction::ShowLink(link) => next.link = link,
            AppAction::View(action) => next.view = self.view.apply(action),
        }
        Rc::new(next)
    }
}

impl AppState {
    /// Switches to value type `index` under `filters` if that tree is there, keeping the
    /// zoomed frame in view (it has another width now); else waits for it.
    fn show_graph(&mut self, index: usize, filters: FilterSpec) {
        let Some(loaded) = &self.loaded else {
            return;
        };
        let Some(graph) = loaded.0.graph(index, &filters) else {
            self.waiting_for = Some((index, filters));
            self.notice = Some("Building the call tree…".into());
            return;
        };
        if self.waiting_for.take().is_some() {
            self.notice = None;
        }
        let zoom_path = self.view.zoom_path.clone();
        if index != self.view.value_index {
            self.view = self.view.apply(ViewAction::SetValueType(index));
        }
        if filters != self.view.filters {
            self.view = self.view.apply(ViewAction::SetFilters(filters));
        }
        if let Some(node) = graph
            .tree
            .find_path(&zoom_path)
            .filter(|_| !zoom_path.is_empty())
        {
            self.view = self.view.apply(link::zoom_to(&graph, node));
        }
    }
}

/// What is being loaded, which decides its bound and what a shared link carries.
#[derive(Clone)]
enum LoadKind {
    /// A file the person gave (picker, drop, paste).
    File,
    /// A profile fetched for a `#url=` link.
    Url(String),
}

/// Opens files in engine workers: one per load, kept by the opened profile, dropped (ending
/// the worker) when the load is cancelled or another one starts. A spare worker is started
/// ahead, so its wasm module is ready when a file comes.
#[derive(Clone)]
struct Loader {
    dispatch: UseReducerDispatcher<AppState>,
    engine: Rc<RefCell<Option<(u32, Engine)>>>,
    spare: Rc<RefCell<Option<Engine>>>,
    next_id: Rc<RefCell<u32>>,
}

impl Loader {
    fn load(&self, blob: Blob, name: String, kind: LoadKind, share: Option<ShareState>) {
        let id = {
            let mut next = self.next_id.borrow_mut();
            *next += 1;
            *next - 1
        };
        // What someone else's link points at gets a tighter bound than a file the person chose.
        let limit = match kind {
            LoadKind::Url(_) => link::MAX_LINKED_INFLATED,
            LoadKind::File => DecodeOptions::default().max_inflated_bytes,
        };
        let value_type = share
            .as_ref()
            .and_then(|s| s.value_type.clone())
            .unwrap_or_default();
        let filters = share
            .as_ref()
            .map(|s| s.filters.clone())
            .filter(|f| f.compile().is_ok())
            .unwrap_or_default();
        let this = self.clone();
        let event_name = name.clone();
        let spare = self.spare.borrow_mut().take();
        match spare.map_or_else(Engine::spawn, Ok) {
            Ok(engine) => {
                engine.on_event(move |event| {
                    this.on_event(id, &event_name, &kind, share.as_ref(), event)
                });
                engine.open(&blob, limit, &value_type, &filters, KEEP_FILE_BYTES);
                *self.engine.borrow_mut() = Some((id, engine));
                self.dispatch.dispatch(AppAction::Loading(Loading {
                    id,
                    name,
                    progress: Progress {
                        stage: Stage::Reading,
                        done: 0.0,
                        total: blob.size(),
                    },
                }));
            }
            Err(message) => self
                .dispatch
                .dispatch(AppAction::Fail(format!("{name}: {message}"))),
        }
    }

    /// Starts the spare worker if there is none.
    fn prepare(&self) {
        let mut spare = self.spare.borrow_mut();
        if spare.is_none() {
            *spare = Engine::spawn().ok();
        }
    }

    /// The engine of load `id`, taken out, if it is still the current load.
    fn take(&self, id: u32) -> Option<Engine> {
        let mut slot = self.engine.borrow_mut();
        if slot.as_ref().is_some_and(|(current, _)| *current == id) {
            slot.take().map(|(_, engine)| engine)
        } else {
            None
        }
    }

    fn cancel(&self) {
        if let Some((id, engine)) = self.engine.borrow_mut().take() {
            drop(engine);
            self.dispatch.dispatch(AppAction::LoadFailed(id, None));
        }
    }

    fn on_event(
        &self,
        id: u32,
        name: &str,
        kind: &LoadKind,
        share: Option<&ShareState>,
        event: EngineEvent,
    ) {
        match event {
            EngineEvent::Progress(progress) => {
                self.dispatch.dispatch(AppAction::Progress(id, progress))
            }
            EngineEvent::Opened(opened) => {
                // Not the current load any more (cancelled, or another began): ignored.
                let Some(engine) = self.take(id) else {
                    return;
                };
                let source = match kind {
                    LoadKind::File => Source::File {
                        hash: opened.hash.clone(),
                        bytes: opened.kept.clone(),
                    },
                    LoadKind::Url(url) => Source::Url { url: url.clone() },
                };
                let loaded = Loaded::in_worker(id, name.to_string(), *opened, engine, source);
                self.dispatch
                    .dispatch(AppAction::Open(Rc::new(loaded), share.cloned()));
                self.prepare();
            }
            EngineEvent::Tree {
                index,
                filters,
                report,
                base,
            } => self.dispatch.dispatch(AppAction::TreeArrived {
                id,
                index,
                filters,
                report,
                base,
            }),
            EngineEvent::BaseOpened => self.dispatch.dispatch(AppAction::BaseOpened(id)),
            EngineEvent::Failed(message) => {
                // This runs inside the engine's own message handler: end it afterwards.
                if let Some(engine) = self.take(id) {
                    wasm_bindgen_futures::spawn_local(async move { drop(engine) });
                }
                self.dispatch.dispatch(AppAction::LoadFailed(
                    id,
                    Some(format!("{name}: {message}")),
                ));
            }
        }
    }

    /// Opens a file the person gave.
    fn load_file(&self, file: web_sys::File) {
        let name = file.name();
        self.load(file.into(), name, LoadKind::File, None);
    }

    /// Opens pasted text (folded stacks) as a file.
    fn load_text(&self, text: &str) {
        let parts = js_sys::Array::of1(&JsValue::from_str(text));
        match Blob::new_with_str_sequence(&parts) {
            Ok(blob) => self.load(blob, "pasted text".into(), LoadKind::File, None),
            Err(_) => self
                .dispatch
                .dispatch(AppAction::Fail("the pasted text could not be read".into())),
        }
    }
}

/// The bundled example, opened.
fn example() -> Result<Loaded, crate::error::LoadError> {
    let profile = load::open(EXAMPLE, &DecodeOptions::default())?;
    Ok(Loaded::local(
        "example: Scorch's own engine (CPU)".to_string(),
        profile,
        Source::Example {
            bytes: Rc::from(EXAMPLE),
        },
    ))
}

/// The state a page starts in, from its address: a profile in the link is opened first (the
/// example is not), a `#url=` is fetched after the first render.
fn initial_state() -> AppState {
    let mut state = AppState {
        loaded: None,
        view: ViewState::default(),
        error: None,
        notice: None,
        pending: None,
        link: None,
        loading: None,
        waiting_for: None,
    };
    let example = |state: &mut AppState, share: Option<&ShareState>| match example() {
        Ok(loaded) => {
            state.view = match share {
                Some(share) => link::view_from_share(&loaded, share),
                None => ViewState::new(loaded.summary.default_value_index),
            };
            state.loaded = Some(Shared(Rc::new(loaded)));
        }
        Err(e) => state.error = Some(format!("the bundled example could not be opened: {e}")),
    };
    let share = match link::from_location() {
        Ok(share) => share,
        Err(e) => {
            example(&mut state, None);
            state.error = Some(format!("This link could not be read: {e}"));
            return state;
        }
    };
    if let Some(text) = &share.embedded {
        let opened = share::unembed(text)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                load::open(&bytes, &DecodeOptions::default()).map_err(|e| e.to_string())
            });
        match opened {
            Ok(profile) if !profile.value_types.is_empty() => {
                let loaded = Loaded::local(
                    "profile from the link".to_string(),
                    profile,
                    Source::Embedded { text: text.clone() },
                );
                state.view = link::view_from_share(&loaded, &share);
                state.loaded = Some(Shared(Rc::new(loaded)));
            }
            Ok(_) => {
                example(&mut state, None);
                state.error = Some("The profile in this link has no value type to draw.".into());
            }
            Err(e) => {
                example(&mut state, None);
                state.error = Some(format!("The profile in this link could not be opened: {e}"));
            }
        }
    } else if let Some(url) = &share.url {
        state.notice = Some(format!("Fetching {url}…"));
    } else if share.profile_hash.is_some() {
        example(&mut state, None);
        state.notice = Some(
            "This link shows a view of a profile that is not inside it: open the same file \
             (drop it here) to see that view."
                .into(),
        );
        state.pending = Some(share);
    } else {
        example(&mut state, Some(&share));
    }
    state
}

/// The progress of a load, with a way to cancel it.
fn progress_view(loading: &Loading, on_cancel: Callback<MouseEvent>) -> Html {
    let Progress { stage, done, total } = loading.progress;
    let mib = |bytes: f64| bytes / 1048576.0;
    let (stage_name, text) = match stage {
        Stage::Reading => (
            "reading",
            format!(
                "Opening {}: {:.1} of {:.1} MiB read",
                loading.name,
                mib(done),
                mib(total)
            ),
        ),
        Stage::Indexing => (
            "indexing",
            format!("Indexing the stacks of {}…", loading.name),
        ),
        Stage::Aggregating => (
            "aggregating",
            format!("Building the call tree of {}…", loading.name),
        ),
    };
    html! {
        <div class="loading" role="status" data-stage={stage_name}
            data-done={done.to_string()} data-size={total.to_string()}>
            <span class="spinner"></span>
            <span class="loading-text">{text}</span>
            <progress max={total.max(1.0).to_string()} value={done.to_string()}></progress>
            <button class="button" onclick={on_cancel}>{"Cancel"}</button>
        </div>
    }
}

/// Where a menu asked for at client (`x`, `y`) goes: beside the pointer, opening upwards
/// and leftwards in the lower and right halves of the window so it stays on screen.
fn menu_position(x: i32, y: i32) -> String {
    let size = |f: fn(&web_sys::Window) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
        web_sys::window()
            .and_then(|w| f(&w).ok())
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as i32
    };
    let (width, height) = (
        size(web_sys::Window::inner_width),
        size(web_sys::Window::inner_height),
    );
    let horizontal = if x > width / 2 {
        format!("right: {}px", width - x)
    } else {
        format!("left: {x}px")
    };
    let vertical = if y > height / 2 {
        format!("bottom: {}px", height - y)
    } else {
        format!("top: {y}px")
    };
    format!("{horizontal}; {vertical}")
}

/// How a granularity is offered.
fn granularity_label(granularity: Granularity) -> &'static str {
    match granularity {
        Granularity::Functions => "functions",
        Granularity::FileFunctions => "functions + file",
        Granularity::Files => "files",
        Granularity::Lines => "lines",
        Granularity::Addresses => "addresses",
    }
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The action that shows `viewport`'s window of a graph `whole` value units wide.
fn show_window(viewport: &Viewport, whole: f64) -> AppAction {
    AppAction::View(ViewAction::SetWindow((
        viewport.start / whole,
        viewport.end / whole,
    )))
}

#[derive(Clone, Copy, PartialEq)]
struct Hover {
    node: NodeId,
    client_x: i32,
    client_y: i32,
}

/// What the keyboard acts on: the latest render's profile, graph, view and matches.
struct Keyed {
    loaded: Rc<Loaded>,
    graph: Rc<Graph>,
    view: ViewState,
    matches: Vec<NodeId>,
}

impl Keyed {
    /// The actions `command` stands for now, `None` when it does nothing.
    fn actions(&self, command: Command) -> Option<Vec<AppAction>> {
        let view = &self.view;
        let tree = &self.graph.tree;
        let act = |a: ViewAction| AppAction::View(a);
        let cursor = view.cursor.as_ref().and_then(|path| tree.find_path(path));
        Some(match command {
            Command::NextMatch | Command::PreviousMatch => {
                let count = self.matches.len();
                if count == 0 {
                    return None;
                }
                let (action, next) = if command == Command::NextMatch {
                    let next = view.match_cursor.map_or(0, |c| (c + 1) % count);
                    (ViewAction::NextMatch { count }, next)
                } else {
                    let next = view
                        .match_cursor
                        .map_or(count - 1, |c| (c + count - 1) % count);
                    (ViewAction::PreviousMatch { count }, next)
                };
                vec![
                    act(action),
                    act(link::zoom_to(&self.graph, self.matches[next])),
                ]
            }
            Command::ZoomOut => {
                let zoomed = tree
                    .find_path(&view.zoom_path)
                    .filter(|_| !view.zoom_path.is_empty())?;
                vec![act(link::zoom_to(&self.graph, tree.parent(zoomed)))]
            }
            Command::Reset => vec![act(ViewAction::ResetZoom), act(ViewAction::SetCursor(None))],
            Command::NextValueType | Command::PreviousValueType => {
                let count = self.loaded.summary.value_types.len();
                let step = if command == Command::NextValueType {
                    1
                } else {
                    count - 1
                };
                let index = (view.value_index + step) % count;
                self.loaded.request_graph(index, &view.filters);
                vec![AppAction::ShowGraph {
                    index,
                    filters: view.filters.clone(),
                }]
            }
            Command::ToggleOrientation => {
                vec![act(ViewAction::SetOrientation(match view.orientation {
                    Orientation::Flame => Orientation::Icicle,
                    Orientation::Icicle => Orientation::Flame,
                }))]
            }
            Command::ToggleTable => vec![act(ViewAction::ShowTable(!view.table))],
            Command::ToggleSandwich => vec![act(ViewAction::ShowSandwich(!view.sandwich))],
            Command::Move(direction) => {
                let next = keys::step(tree, cursor, direction, view.orientation)?;
                let name = (next != CallTree::ROOT).then(|| tree.name(next).to_string());
                vec![
                    act(ViewAction::SetCursor(Some(tree.names_path(next)))),
                    act(ViewAction::Select(name)),
                ]
            }
            Command::ZoomToCursor => vec![act(link::zoom_to(&self.graph, cursor?))],
            Command::FocusSearch | Command::ToggleHelp => return None,
        })
    }
}

/// A drag in progress: where it started and the viewport then.
struct Drag {
    start_x: f64,
    viewport: Viewport,
    moved: bool,
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);
    let dispatch = state.dispatcher();
    let engine_slot = use_mut_ref(|| None::<(u32, Engine)>);
    let next_id = use_mut_ref(|| 1u32);
    let spare = use_mut_ref(|| None::<Engine>);
    let loader = Loader {
        dispatch: dispatch.clone(),
        engine: engine_slot,
        spare,
        next_id,
    };
    // A worker ready for the first file.
    {
        let loader = loader.clone();
        use_effect_with((), move |_| loader.prepare());
    }
    let canvas_ref = use_node_ref();
    let area_ref = use_node_ref();
    let file_ref = use_node_ref();
    let search_ref = use_node_ref();
    let hover = use_state(|| None::<Hover>);
    // The frame menu: the node and where it was asked for.
    let menu = use_state(|| None::<(NodeId, i32, i32)>);
    let drag = use_mut_ref(|| None::<Drag>);
    let theme_tick = use_state(|| 0u32);
    let marked = use_mut_ref(|| None::<Shared>);
    // The latest viewport and width in value units, for listeners created once.
    let latest = use_mut_ref(|| (Viewport::new(0.0, 1.0, 1.0), 1.0f64));

    // Width of the drawing area, now, on every resize and when a panel opens or closes.
    let width = use_measured(
        area_ref.clone(),
        |area| area.client_width().max(100) as f64,
        800.0,
        (state.view.table, state.view.sandwich),
    );
    // Follow the system's light/dark setting.
    {
        let theme_tick = theme_tick.clone();
        use_effect_with((), move |_| {
            let query = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
            let listener = query.map(|q| {
                EventListener::new(&q, "change", move |_| theme_tick.set(*theme_tick + 1))
            });
            move || drop(listener)
        });
    }
    // Keyboard: see `keys::SHORTCUTS` (and the `?` help). The listener is made once; what it
    // acts on is the latest render's, kept in `keyed`.
    let help = use_state(|| false);
    let keyed = use_mut_ref(|| None::<Keyed>);
    {
        let dispatch = dispatch.clone();
        let search_ref = search_ref.clone();
        let keyed = keyed.clone();
        let help = help.clone();
        use_effect_with((), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = web_sys::window().map(|w| {
                EventListener::new_with_options(&w, "keydown", options, move |event| {
                    let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    let in_field = event.target().is_some_and(|t| {
                        t.has_type::<HtmlInputElement>() || t.has_type::<HtmlSelectElement>()
                    });
                    let ctrl = event.ctrl_key() || event.meta_key();
                    let Some(command) = keys::command(&event.key(), event.shift_key(), ctrl) else {
                        return;
                    };
                    // In a text field only Ctrl+F and Escape are the page's.
                    if in_field && !matches!(command, Command::FocusSearch | Command::Reset) {
                        return;
                    }
                    if command == Command::FocusSearch {
                        event.prevent_default();
                        if let Some(input) = search_ref.cast::<HtmlInputElement>() {
                            let _ = input.focus();
                            input.select();
                        }
                        return;
                    }
                    if command == Command::ToggleHelp {
                        help.set(!*help);
                        return;
                    }
                    if command == Command::Reset {
                        help.set(false);
                    }
                    if let Some(keyed) = keyed.borrow().as_ref() {
                        if let Some(actions) = keyed.actions(command) {
                            event.prevent_default();
                            for action in actions {
                                dispatch.dispatch(action);
                            }
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Paste: a file from the clipboard, or folded stacks as text.
    {
        let loader = loader.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "paste", move |event| {
                    let Some(data) = event
                        .dyn_ref::<web_sys::ClipboardEvent>()
                        .and_then(|e| e.clipboard_data())
                    else {
                        return;
                    };
                    let in_input = event
                        .target()
                        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                        .is_some();
                    if let Some(file) = data.files().and_then(|f| f.get(0)) {
                        loader.load_file(file);
                    } else if !in_input {
                        if let Ok(text) = data.get_data("text") {
                            if !text.trim().is_empty() {
                                loader.load_text(&text);
                            }
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }

    // A `#url=` link: the browser fetches the profile (one request), then opens it.
    {
        let dispatch = dispatch.clone();
        let loader = loader.clone();
        use_effect_with((), move |_| {
            if let Ok(share) = link::from_location() {
                if let (Some(url), None) = (share.url.clone(), share.embedded.as_ref()) {
                    wasm_bindgen_futures::spawn_local(async move {
                        match link::fetch(&url).await {
                            Ok(blob) => {
                                let name = url.rsplit('/').next().unwrap_or(&url).to_string();
                                loader.load(blob, name, LoadKind::Url(url), Some(share));
                            }
                            Err(message) => dispatch.dispatch(AppAction::Fail(message)),
                        }
                    });
                }
            }
        });
    }
    // The address follows the view, so a reload or a copied address shows the same thing.
    {
        let deps = (state.loaded.clone(), state.view.clone());
        use_effect_with(deps, move |(loaded, view)| {
            if let Some(loaded) = loaded {
                link::replace_fragment(&link::share_state(&loaded.0, view).to_fragment());
            }
        });
    }

    let loaded = state.loaded.clone();
    let view = state.view.clone();
    let graph = loaded
        .as_ref()
        .and_then(|l| l.0.graph(view.value_index, &view.filters));
    let search_result: Rc<Option<SearchResult>> = {
        let deps = (loaded.clone(), view.value_index, view.search.clone());
        let graph = graph.clone();
        use_memo(deps, move |(_, _, text)| {
            graph.and_then(|g| search(&g.tree, text))
        })
    };
    // The selected function's frame in the graph shown (by name: frames differ per graph).
    let selected_frame: Option<FrameId> = *use_memo(
        (graph.clone(), view.selected.clone()),
        |(graph, selected)| {
            let (graph, name) = (graph.as_ref()?, selected.as_ref()?);
            let frames = graph.tree.frames();
            (1..frames.len() as u32)
                .map(FrameId)
                .find(|&f| frames.name(f) == name)
        },
    );
    let theme = if prefers_dark() {
        Theme::Dark
    } else {
        Theme::Light
    };
    let viewport = graph.as_ref().map(|g| {
        let whole = g.layout.extent(&g.tree, CallTree::ROOT).max(1) as f64;
        Viewport::new(view.window.0 * whole, view.window.1 * whole, width)
    });
    if let (Some(g), Some(v)) = (&graph, viewport) {
        *latest.borrow_mut() = (v, g.layout.extent(&g.tree, CallTree::ROOT).max(1) as f64);
    }
    // The keyboard's cursor frame in the graph shown.
    let cursor = graph
        .as_ref()
        .zip(view.cursor.as_ref())
        .and_then(|(g, path)| g.tree.find_path(path));

    // Draw after every render that changed what is shown.
    {
        let canvas_ref = canvas_ref.clone();
        let graph = graph.clone();
        let search_result = search_result.clone();
        let loaded = loaded.clone();
        let marked = marked.clone();
        // The pointer's frame, else the keyboard cursor's, is outlined.
        let hover_node = hover.map(|h| h.node).or(cursor);
        let deps = (
            loaded.clone(),
            view.clone(),
            width,
            *hover,
            *theme_tick,
            search_result.is_some(),
            selected_frame,
        );
        use_effect_with(deps, move |_| {
            if let (Some(canvas), Some(g), Some(v)) =
                (canvas_ref.cast::<HtmlCanvasElement>(), graph, viewport)
            {
                let palette = g.palette(theme);
                let diff_colors = g.diff.as_ref().map(|d| d.colors(theme));
                let scene = Scene {
                    palette: &palette,
                    tree: &g.tree,
                    layout: &g.layout,
                    viewport: v,
                    orientation: view.orientation,
                    search: (*search_result).as_ref(),
                    hover: hover_node,
                    selected: selected_frame,
                    diff: diff_colors,
                };
                let performance = web_sys::window().and_then(|w| w.performance());
                let started = performance.as_ref().map_or(0.0, |p| p.now());
                if let Ok(drawn) = paint(&canvas, &scene) {
                    // For tests and benchmarks: what was drawn and how long painting took.
                    let took = performance.as_ref().map_or(0.0, |p| p.now()) - started;
                    let _ = canvas.set_attribute("data-drawn", &drawn.rects.to_string());
                    let _ = canvas.set_attribute("data-selected", &drawn.selected.to_string());
                    let _ = canvas.set_attribute("data-paint-ms", &format!("{took:.3}"));
                    if *marked.borrow() != loaded {
                        // The wasm memory of the page and of the profile's engine, in bytes:
                        // their peaks, as a wasm memory never shrinks.
                        let engine = loaded.as_ref().map_or(0.0, |l| l.0.engine_memory);
                        let _ = canvas.set_attribute(
                            "data-wasm-bytes",
                            &super::engine::wasm_memory_bytes().to_string(),
                        );
                        let _ = canvas.set_attribute("data-engine-wasm-bytes", &engine.to_string());
                        *marked.borrow_mut() = loaded;
                        if let Some(p) = &performance {
                            let _ = p.mark("scorch:first-draw");
                        }
                    }
                }
            }
        });
    }
    // Wheel zooms around the pointer (shift or a horizontal swipe pans); the listener is not
    // passive so the page does not scroll instead.
    {
        let canvas_ref = canvas_ref.clone();
        let dispatch = dispatch.clone();
        let latest = latest.clone();
        use_effect_with((), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = canvas_ref.cast::<HtmlCanvasElement>().map(|canvas| {
                EventListener::new_with_options(&canvas, "wheel", options, move |event| {
                    let Some(wheel) = event.dyn_ref::<WheelEvent>() else {
                        return;
                    };
                    let (viewport, whole) = *latest.borrow();
                    let (dx, dy) = (wheel.delta_x(), wheel.delta_y());
                    let next = if wheel.shift_key() || dx.abs() > dy.abs() {
                        viewport.pan(-(if dx.abs() > dy.abs() { dx } else { dy }), whole)
                    } else if wheel.ctrl_key() || dy != 0.0 {
                        viewport.zoom_around(wheel.offset_x() as f64, (-dy * 0.002).exp(), whole)
                    } else {
                        return;
                    };
                    wheel.prevent_default();
                    dispatch.dispatch(show_window(&next, whole));
                })
            });
            move || drop(listener)
        });
    }

    let rows = graph.as_ref().map_or(1, |g| g.tree.max_depth() + 1);
    let node_at_event = {
        let graph = graph.clone();
        let orientation = view.orientation;
        move |e: &MouseEvent| -> Option<NodeId> {
            let g = graph.as_ref()?;
            let depth = depth_at(e.offset_y() as f64, ROW_HEIGHT, rows, orientation)?;
            node_at(&g.tree, &g.layout, &viewport?, depth, e.offset_x() as f64)
        }
    };
    let onmousemove = {
        let hover = hover.clone();
        let drag = drag.clone();
        let dispatch = dispatch.clone();
        let latest = latest.clone();
        let node_at_event = node_at_event.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(d) = drag.borrow_mut().as_mut() {
                if e.buttons() & 1 == 1 {
                    let dx = e.offset_x() as f64 - d.start_x;
                    if dx.abs() > 3.0 {
                        d.moved = true;
                    }
                    if d.moved {
                        let whole = latest.borrow().1;
                        dispatch.dispatch(show_window(&d.viewport.pan(dx, whole), whole));
                        return;
                    }
                }
            }
            let next = node_at_event(&e).map(|node| Hover {
                node,
                client_x: e.client_x(),
                client_y: e.client_y(),
            });
            if *hover != next {
                hover.set(next);
            }
        })
    };
    let onmousedown = {
        let drag = drag.clone();
        let menu = menu.clone();
        let latest = latest.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() != 0 {
                return;
            }
            menu.set(None);
            *drag.borrow_mut() = Some(Drag {
                start_x: e.offset_x() as f64,
                viewport: latest.borrow().0,
                moved: false,
            });
        })
    };
    let onmouseup = {
        let drag = drag.clone();
        let dispatch = dispatch.clone();
        let graph = graph.clone();
        let node_at_event = node_at_event.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() != 0 {
                return;
            }
            let was_drag = drag.borrow_mut().take().is_some_and(|d| d.moved);
            if was_drag {
                return;
            }
            if let (Some(node), Some(g)) = (node_at_event(&e), graph.as_ref()) {
                dispatch.dispatch(AppAction::View(link::zoom_to(g, node)));
            }
        })
    };
    // Right-click on a frame: a menu to filter by it.
    let oncontextmenu = {
        let menu = menu.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(node) = node_at_event(&e) {
                e.prevent_default();
                menu.set(Some((node, e.client_x(), e.client_y())));
            }
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| {
            *drag.borrow_mut() = None;
            hover.set(None);
        })
    };

    let on_file = {
        let loader = loader.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                loader.load_file(file);
            }
            input.set_value("");
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let loader = loader.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let file = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                loader.load_file(file);
            }
        })
    };

    let loading = state.loading.as_ref().map(|loading| {
        let loader = loader.clone();
        progress_view(loading, Callback::from(move |_| loader.cancel()))
    });
    let (Some(loaded), Some(graph)) = (loaded, graph) else {
        return html! {
            <main class="app" {ondragover} {ondrop}>
                <header class="toolbar">
                    <strong class="brand">{"Scorch"}</strong>
                    <label class="button">{"Open profile…"}
                        <input ref={file_ref} type="file" class="hidden" onchange={on_file} />
                    </label>
                </header>
                if let Some(error) = &state.error {
                    <div class="error" role="alert">{error}</div>
                }
                if let Some(notice) = &state.notice {
                    <div class="notice" role="status"><span class="spinner"></span>{notice}</div>
                }
                {loading.clone().unwrap_or_default()}
            </main>
        };
    };
    let loaded = loaded.0;
    *keyed.borrow_mut() = Some(Keyed {
        loaded: loaded.clone(),
        graph: graph.clone(),
        view: view.clone(),
        matches: (*search_result)
            .as_ref()
            .map(|r| r.top_matches.clone())
            .unwrap_or_default(),
    });
    let profile = &loaded.summary;
    let value_type = &profile.value_types[view.value_index];
    let unit = value_type.unit.clone();
    let total = graph.tree.profile_total();

    // What was last asked for: a change builds on it even while its tree is being built, so
    // two quick changes both take effect.
    let (asked_index, asked_filters) = state
        .waiting_for
        .clone()
        .unwrap_or((view.value_index, view.filters.clone()));
    let on_value_type = {
        let dispatch = dispatch.clone();
        let loaded = loaded.clone();
        let filters = asked_filters.clone();
        Callback::from(move |index: usize| {
            loaded.request_graph(index, &filters);
            dispatch.dispatch(AppAction::ShowGraph {
                index,
                filters: filters.clone(),
            });
        })
    };
    let on_select = {
        let on_value_type = on_value_type.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(index) = select.value().parse::<usize>() {
                on_value_type.emit(index);
            }
        })
    };
    // The quick samples/time toggle, where a profile has both.
    let count_index = profile.value_types.iter().position(|t| t.unit == "count");
    let time_index = profile
        .value_types
        .iter()
        .position(|t| format::is_time_unit(&t.unit));
    let toggle = match (count_index, time_index) {
        (Some(c), Some(t)) => {
            let target = if view.value_index == c { t } else { c };
            let label = if target == t {
                "Show time"
            } else {
                "Show samples"
            };
            let on_value_type = on_value_type.clone();
            Some(html! {
                <button class="button" title="Switch between sample counts and time"
                    onclick={Callback::from(move |_| on_value_type.emit(target))}>{label}</button>
            })
        }
        _ => None,
    };
    // Filters: one is set (or removed, with an empty expression) for the current value type;
    // an expression that does not compile is refused with pprof's message.
    let set_filters = {
        let dispatch = dispatch.clone();
        let loaded = loaded.clone();
        let index = asked_index;
        Callback::from(move |filters: FilterSpec| {
            if let Err(e) = filters.compile() {
                dispatch.dispatch(AppAction::Fail(e.to_string()));
                return;
            }
            loaded.request_graph(index, &filters);
            dispatch.dispatch(AppAction::ShowGraph { index, filters });
        })
    };
    let set_filter = {
        let set_filters = set_filters.clone();
        let current = asked_filters.clone();
        Callback::from(move |(kind, pattern): (FilterKind, String)| {
            let mut filters = current.clone();
            filters.set(kind, pattern);
            set_filters.emit(filters);
        })
    };
    let on_granularity = {
        let set_filters = set_filters.clone();
        let current = asked_filters.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(granularity) = Granularity::from_name(&select.value()) {
                set_filters.emit(FilterSpec {
                    granularity,
                    ..current.clone()
                });
            }
        })
    };
    let filter_kind = use_state(|| FilterKind::Focus);
    let on_filter_kind = {
        let filter_kind = filter_kind.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(&kind) = FilterKind::ALL.iter().find(|k| k.name() == select.value()) {
                filter_kind.set(kind);
            }
        })
    };
    let on_filter_key = {
        let set_filter = set_filter.clone();
        let kind = *filter_kind;
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                let input: HtmlInputElement = e.target_unchecked_into();
                if !input.value().is_empty() {
                    set_filter.emit((kind, input.value()));
                    input.set_value("");
                }
            }
        })
    };
    let hides_runtime = view.filters.hide == HIDE_RUNTIME;
    let on_hide_runtime = {
        let set_filter = set_filter.clone();
        let pattern = if hides_runtime {
            String::new()
        } else {
            HIDE_RUNTIME.to_string()
        };
        Callback::from(move |_| set_filter.emit((FilterKind::Hide, pattern.clone())))
    };
    let chips: Html = FilterKind::ALL
        .iter()
        .filter(|&&kind| !view.filters.get(kind).is_empty())
        .map(|&kind| {
            let (key, value) = (kind.name(), view.filters.get(kind).to_string());
            let set_filter = set_filter.clone();
            let remove = Callback::from(move |_| set_filter.emit((kind, String::new())));
            html! {
                <span class="chip" key={key} data-filter={key}>
                    <span class="chip-kind">{key}</span>
                    <code>{value}</code>
                    <button class="link" aria-label={format!("Remove the {key} filter")}
                        onclick={remove}>{"×"}</button>
                </span>
            }
        })
        .collect();

    let on_base = {
        let dispatch = dispatch.clone();
        let loaded = loaded.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                let limit = DecodeOptions::default().max_inflated_bytes;
                match loaded.open_base(&file, file.name(), limit) {
                    Ok(()) => dispatch.dispatch(AppAction::Notice(Some(format!(
                        "Opening {} to compare with…",
                        file.name()
                    )))),
                    Err(message) => dispatch.dispatch(AppAction::Fail(message)),
                }
            }
            input.set_value("");
        })
    };
    let diff_bar = (view.filters.diff != DiffMode::Off).then(|| {
        let set_diff = |mode: DiffMode| {
            let set_filters = set_filters.clone();
            let filters = FilterSpec {
                diff: mode,
                ..asked_filters.clone()
            };
            Callback::from(move |_: Event| set_filters.emit(filters.clone()))
        };
        let normalized = view.filters.diff == DiffMode::Normalized;
        let on_normalize = set_diff(if normalized { DiffMode::Base } else { DiffMode::Normalized });
        let on_stop = set_diff(DiffMode::Off);
        let base_total = graph.diff.as_ref().map(|d| d.table.total);
        html! {
            <div class="diff-bar" data-mode={view.filters.diff.name()}>
                <span>{format!("Compared with {}", loaded.base_name().unwrap_or_default())}</span>
                if let Some(base_total) = base_total {
                    <span class="muted">{format!(" (base total {})", format::value(base_total, &unit))}</span>
                }
                <span class="legend"><span class="grew">{"grew"}</span><span class="shrank">{"shrank"}</span></span>
                <label><input type="checkbox" class="normalize" checked={normalized} onchange={on_normalize} />
                    {" Normalize (scale this profile to the base's total)"}</label>
                <button class="link stop-comparing" onclick={on_stop.reform(Event::from)}>{"Stop comparing"}</button>
            </div>
        }
    });
    let export = |kind: &'static str| {
        let graph = graph.clone();
        let dispatch = dispatch.clone();
        let canvas_ref = canvas_ref.clone();
        let view = view.clone();
        let unit = unit.clone();
        let name_parts = (loaded.name.clone(), value_type.name.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(details) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest("details").ok().flatten())
            {
                let _ = details.remove_attribute("open");
            }
            let name = |extension| download::file_name(&[&name_parts.0, &name_parts.1], extension);
            let saved = match kind {
                "svg" => {
                    let root = graph
                        .tree
                        .find_path(&view.zoom_path)
                        .filter(|_| !view.zoom_path.is_empty())
                        .unwrap_or(CallTree::ROOT);
                    let palette = graph.palette(Theme::Light);
                    let diff = graph.diff.as_ref().map(|d| d.colors(Theme::Light));
                    let color = |n: NodeId| match &diff {
                        Some(d) => d.colors[d.node_color[n.0 as usize] as usize].clone(),
                        None => palette.colors
                            [palette.frame_color[graph.tree.frame(n).0 as usize] as usize]
                            .clone(),
                    };
                    let svg = crate::svg::write(
                        &graph.tree,
                        &graph.layout,
                        &SvgOptions {
                            title: &format!("{} · {}", name_parts.0, name_parts.1),
                            unit: &unit,
                            root,
                            orientation: view.orientation,
                            color: &color,
                        },
                    );
                    download::save_text(&name("svg"), &svg, "image/svg+xml")
                }
                "folded" => {
                    let mut text = crate::folded::write(&graph.tree).join("\n");
                    text.push('\n');
                    download::save_text(&name("folded.txt"), &text, "text/plain")
                }
                _ => match canvas_ref.cast::<HtmlCanvasElement>() {
                    Some(canvas) => canvas
                        .to_data_url_with_type("image/png")
                        .and_then(|url| download::save_url(&name("png"), &url)),
                    None => Err("no drawing".into()),
                },
            };
            if saved.is_err() {
                dispatch.dispatch(AppAction::Fail(format!(
                    "The {kind} file could not be saved."
                )));
            }
        })
    };
    let on_labels = {
        let dispatch = dispatch.clone();
        let shown = view.labels;
        Callback::from(move |_| dispatch.dispatch(AppAction::View(ViewAction::ShowLabels(!shown))))
    };
    let labels_panel = view.labels.then(|| {
        html! {
            <LabelsPanel graph={graph.clone()} unit={unit.clone()} tagroot={view.filters.tagroot.clone()}
                on_option={set_filter.clone()} />
        }
    });
    let frame_menu = (*menu).filter(|(node, ..)| node.0 < graph.tree.len() as u32).map(|(node, x, y)| {
        let name = graph.tree.name(node).to_string();
        let pattern = format!("^{}$", regex::escape(&name));
        let item = |kind: FilterKind, label: &'static str| {
            let set_filter = set_filter.clone();
            let menu = menu.clone();
            let pattern = pattern.clone();
            let onclick = Callback::from(move |_| {
                menu.set(None);
                set_filter.emit((kind, pattern.clone()));
            });
            html! { <button class="link" role="menuitem" data-filter={kind.name()} {onclick}>{label}</button> }
        };
        let close = {
            let menu = menu.clone();
            Callback::from(move |_| menu.set(None))
        };
        let on_sandwich = {
            let menu = menu.clone();
            let dispatch = dispatch.clone();
            let name = name.clone();
            Callback::from(move |_| {
                menu.set(None);
                dispatch.dispatch(AppAction::View(ViewAction::Select(Some(name.clone()))));
                dispatch.dispatch(AppAction::View(ViewAction::ShowSandwich(true)));
            })
        };
        html! {
            <div class="frame-menu" role="menu" style={menu_position(x, y)}>
                <div class="frame-menu-name">{name}</div>
                {item(FilterKind::Focus, "Focus on it (keep stacks through it)")}
                {item(FilterKind::Ignore, "Ignore it (drop stacks through it)")}
                {item(FilterKind::Hide, "Hide it (keep its callees)")}
                {item(FilterKind::ShowFrom, "Show from it (drop its callers)")}
                <button class="link" role="menuitem" data-action="sandwich" onclick={on_sandwich}>
                    {"Callers and callees"}</button>
                <button class="link" onclick={close}>{"Close"}</button>
            </div>
        }
    });

    let on_orientation = {
        let dispatch = dispatch.clone();
        let next = match view.orientation {
            Orientation::Flame => Orientation::Icicle,
            Orientation::Icicle => Orientation::Flame,
        };
        Callback::from(move |_| {
            dispatch.dispatch(AppAction::View(ViewAction::SetOrientation(next)))
        })
    };
    let on_reset = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(AppAction::View(ViewAction::ResetZoom)))
    };
    let on_search = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(AppAction::View(ViewAction::SetSearch(input.value())));
        })
    };
    // Enter and Shift+Enter in the search box step through matches as `n` and `N` do.
    let on_search_key = {
        let dispatch = dispatch.clone();
        let keyed = keyed.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Enter" {
                return;
            }
            let command = if e.shift_key() {
                Command::PreviousMatch
            } else {
                Command::NextMatch
            };
            let actions = keyed.borrow().as_ref().and_then(|k| k.actions(command));
            for action in actions.into_iter().flatten() {
                dispatch.dispatch(action);
            }
        })
    };
    let on_copy_link = {
        let dispatch = dispatch.clone();
        let loaded = loaded.clone();
        let view = view.clone();
        Callback::from(move |_| {
            let share_link = link::make_link(&loaded, &view);
            link::copy_to_clipboard(&share_link.url);
            dispatch.dispatch(AppAction::ShowLink(Some(share_link)));
        })
    };
    let on_close_link = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(AppAction::ShowLink(None)))
    };
    let on_dismiss_notice = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(AppAction::Notice(None)))
    };
    let on_dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(AppAction::DismissError))
    };

    let search_status = match (*search_result).as_ref() {
        None => html! {},
        Some(result) => {
            let share = format!(
                "matched {} · {}",
                format::percent(result.matched_total, total, 1),
                format::value(result.matched_total, &unit)
            );
            let note = match &result.kind {
                QueryKind::Regex => String::new(),
                QueryKind::Substring { reason } => {
                    format!(" (not a regular expression: {reason}; matched as text)")
                }
            };
            let position = view
                .match_cursor
                .map(|c| format!(" · {}/{}", c + 1, result.top_matches.len()))
                .unwrap_or_default();
            html! {
                <span class="search-status" data-matched={result.matched_total.to_string()}>
                    {share}{position}{note}
                </span>
            }
        }
    };
    let zoomed = graph
        .tree
        .find_path(&view.zoom_path)
        .filter(|_| !view.zoom_path.is_empty());
    let breadcrumbs = zoomed.map(|node| {
        let names = graph.tree.names_path(node);
        html! {
            <nav class="breadcrumbs" aria-label="Zoomed frame and its callers">
                <button class="link" onclick={on_reset.clone()}>{"all"}</button>
                { for names.into_iter().map(|name| html! { <><span class="sep">{"›"}</span><span>{name}</span></> }) }
            </nav>
        }
    });
    // Without the pointer on a frame, the keyboard cursor's frame has the tooltip, beside it.
    // (The canvas's place is only read then: reading it forces a layout.)
    let cursor_hover = || {
        let (node, canvas, v) = (cursor?, canvas_ref.cast::<HtmlCanvasElement>()?, viewport?);
        let rect = canvas.get_bounding_client_rect();
        let x = v.css_x(graph.layout.x(node) as f64).max(0.0);
        let y = row_top(graph.tree.depth(node), ROW_HEIGHT, rows, view.orientation);
        Some(Hover {
            node,
            client_x: (rect.left() + x + 8.0) as i32,
            client_y: (rect.top() + y + ROW_HEIGHT) as i32,
        })
    };
    let tooltip = hover.or_else(cursor_hover).as_ref().map(|h| {
        let tree = &graph.tree;
        let node = h.node;
        let frame = tree.frames().frame(tree.frame(node));
        let self_value = tree.self_value(node);
        let node_total = tree.total_value(node);
        let parent_total = tree.total_value(tree.parent(node));
        let location = (!frame.file.is_empty()).then(|| {
            if frame.line > 0 {
                format!("{}:{}", frame.file, frame.line)
            } else {
                frame.file.clone()
            }
        });
        // Keep the tooltip on screen: it opens towards the larger free side of the pointer.
        let (inner_w, inner_h) = web_sys::window()
            .map(|w| {
                let size = |v: Result<wasm_bindgen::JsValue, _>| {
                    v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32
                };
                (size(w.inner_width()), size(w.inner_height()))
            })
            .unwrap_or((0, 0));
        let horizontal = if h.client_x > inner_w / 2 {
            format!("right:{}px", inner_w - h.client_x + 14)
        } else {
            format!("left:{}px", h.client_x + 14)
        };
        let vertical = if h.client_y > inner_h / 2 {
            format!("bottom:{}px", inner_h - h.client_y + 14)
        } else {
            format!("top:{}px", h.client_y + 14)
        };
        let style = format!("{horizontal};{vertical}");
        // Compared with a base: before -> after, and the change.
        let change = graph.diff.as_ref().map(|d| {
            let before = d.base_values[node.0 as usize];
            let delta = node_total - before;
            let relative = if before == 0 {
                "new".to_string()
            } else {
                format!("{:+.1}%", delta as f64 * 100.0 / before.abs() as f64)
            };
            html! {
                <>
                    <tr class="before-after"><th>{"Base → new"}</th>
                        <td colspan="2">{format!("{} → {}", format::value(before, &unit), format::value(node_total, &unit))}</td></tr>
                    <tr class="delta"><th>{"Change"}</th>
                        <td data-value={delta.to_string()}>{format!("{}{}", if delta > 0 { "+" } else { "" }, format::value(delta, &unit))}</td>
                        <td>{relative}</td></tr>
                </>
            }
        });
        html! {
            <div class="tooltip" role="tooltip" {style}>
                <div class="tooltip-name">{frame.name.clone()}
                    if tree.is_inlined(node) { <span class="inlined">{" (inlined)"}</span> }
                </div>
                if let Some(location) = location { <div class="tooltip-file">{location}</div> }
                <table>
                    <tr><th>{"Total"}</th><td data-value={node_total.to_string()}>{format::value(node_total, &unit)}</td>
                        <td>{format::percent(node_total, total, 2)}</td></tr>
                    <tr><th>{"Self"}</th><td data-value={self_value.to_string()}>{format::value(self_value, &unit)}</td>
                        <td>{format::percent(self_value, total, 2)}</td></tr>
                    if node != CallTree::ROOT {
                        <tr><th>{"Of parent"}</th><td></td><td>{format::percent(node_total, parent_total, 2)}</td></tr>
                    }
                    {change.unwrap_or_default()}
                </table>
            </div>
        }
    });
    let on_table = {
        let dispatch = dispatch.clone();
        let shown = view.table;
        Callback::from(move |_| dispatch.dispatch(AppAction::View(ViewAction::ShowTable(!shown))))
    };
    let table_panel = view.table.then(|| {
        let on_select = {
            let dispatch = dispatch.clone();
            let graph = graph.clone();
            Callback::from(move |frame: Option<FrameId>| {
                let name = frame.map(|f| graph.tree.frames().name(f).to_string());
                dispatch.dispatch(AppAction::View(ViewAction::Select(name)));
            })
        };
        html! {
            <TopTablePanel graph={graph.clone()} search={search_result.clone()} query={view.search.clone()} unit={unit.clone()}
                selected={selected_frame} hovered={hover.map(|h| graph.tree.frame(h.node))}
                {on_select} />
        }
    });
    let select_frame = {
        let dispatch = dispatch.clone();
        let graph = graph.clone();
        Callback::from(move |frame: FrameId| {
            let name = graph.tree.frames().name(frame).to_string();
            dispatch.dispatch(AppAction::View(ViewAction::Select(Some(name))));
        })
    };
    let sandwich = selected_frame.filter(|_| view.sandwich).map(|frame| {
        let on_close = {
            let dispatch = dispatch.clone();
            Callback::from(move |_| {
                dispatch.dispatch(AppAction::View(ViewAction::ShowSandwich(false)))
            })
        };
        html! {
            <SandwichPanel graph={graph.clone()} {frame} unit={unit.clone()} {theme}
                on_select={select_frame.clone()} {on_close} />
        }
    });
    let on_sandwich = {
        let dispatch = dispatch.clone();
        let shown = view.sandwich;
        Callback::from(move |_| {
            dispatch.dispatch(AppAction::View(ViewAction::ShowSandwich(!shown)))
        })
    };
    let (orientation_label, orientation_class) = match view.orientation {
        Orientation::Flame => ("Icicle", "flame"),
        Orientation::Icicle => ("Flame", "icicle"),
    };

    html! {
        <main class="app" {ondragover} {ondrop}>
            <header class="toolbar">
                <strong class="brand">{"Scorch"}</strong>
                <label class="button" title="Open a .pprof, .pb.gz or folded-stacks file (or drop it anywhere, or paste it)">
                    {"Open profile…"}
                    <input ref={file_ref} type="file" class="hidden" onchange={on_file} />
                </label>
                <label class="button compare" title="Compare with a base profile (pprof -diff_base): widths show this profile, colours the change">
                    {"Compare…"}
                    <input type="file" class="hidden" onchange={on_base} />
                </label>
                <select class="value-type" aria-label="Value type" onchange={on_select}>
                    { for profile.value_types.iter().enumerate().map(|(i, t)| {
                        let label = if t.name.is_empty() { format!("#{i}") } else { t.name.clone() };
                        let label = if t.unit.is_empty() { label } else { format!("{label} ({})", t.unit) };
                        html! { <option value={i.to_string()} selected={i == view.value_index}>{label}</option> }
                    }) }
                </select>
                { toggle.unwrap_or_default() }
                <button class="button orientation" onclick={on_orientation}
                    title="Switch between flame (root at the bottom) and icicle (root at the top)">
                    {orientation_label}</button>
                <button class="button" onclick={on_reset.clone()} title="Zoom out (Escape)">{"Reset zoom"}</button>
                <button class={classes!("button", "table-toggle", view.table.then_some("active"))}
                    onclick={on_table} aria-pressed={view.table.to_string()}
                    title="The top table: flat and cum per function (t)">{"Table"}</button>
                <button class={classes!("button", "sandwich-toggle", view.sandwich.then_some("active"))}
                    onclick={on_sandwich} disabled={selected_frame.is_none()} aria-pressed={view.sandwich.to_string()}
                    title="Callers and callees of the selected function (select one in the table or right-click a frame)">
                    {"Callers/callees"}</button>
                <details class="export">
                    <summary class="button" title="Save the view as a file">{"Export"}</summary>
                    <div class="export-menu">
                        <button class="link" data-export="svg" onclick={export("svg")}
                            title="A flame graph that opens anywhere: click to zoom, Search to find">{"SVG (zoomable)"}</button>
                        <button class="link" data-export="folded" onclick={export("folded")}
                            title="main;a;b 12 lines, for flamegraph.pl, speedscope, inferno">{"Folded stacks"}</button>
                        <button class="link" data-export="png" onclick={export("png")}>{"PNG image"}</button>
                    </div>
                </details>
                <button class="button copy-link" onclick={on_copy_link}
                    title="A link to this view; the profile goes inside it when small enough, and is never uploaded">
                    {"Copy link"}</button>
                <button class="button help-toggle" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts"
                    onclick={{ let help = help.clone(); Callback::from(move |_| help.set(!*help)) }}>{"?"}</button>
                <input ref={search_ref} class="search" type="search" placeholder="Search (regex) — / or Ctrl+F"
                    aria-label="Search frames" value={view.search.clone()} oninput={on_search} onkeydown={on_search_key} />
                {search_status}
            </header>
            <div class="filters">
                <select class="filter-kind" aria-label="Filter kind" onchange={on_filter_kind}>
                    { for FilterKind::ALL.iter().map(|&k| html! {
                        <option value={k.name()} selected={k == *filter_kind}>{k.name()}</option>
                    }) }
                </select>
                <input class="filter-input" type="text" placeholder="Filter (regex on function, file or binary), Enter"
                    aria-label="Filter expression" onkeydown={on_filter_key} />
                <select class="granularity" aria-label="Granularity" onchange={on_granularity}
                    title="How finely frames are told apart, as pprof's -granularity">
                    { for Granularity::ALL.iter().map(|g| html! {
                        <option value={g.name()} selected={*g == view.filters.granularity}>{granularity_label(*g)}</option>
                    }) }
                </select>
                <button class={classes!("button", "labels-toggle", view.labels.then_some("active"))}
                    onclick={on_labels} aria-pressed={view.labels.to_string()}
                    title="Label keys and values: focus on one, ignore one, group by a key">
                    {format!("Labels ({})", graph.labels.len())}</button>
                <button class={classes!("button", hides_runtime.then_some("active"))} onclick={on_hide_runtime}
                    title={format!("Hide Go's runtime frames (hide={HIDE_RUNTIME})")}>{"Hide runtime"}</button>
                {chips}
            </div>
            {labels_panel.unwrap_or_default()}
            {diff_bar.unwrap_or_default()}
            if let Some(error) = &state.error {
                <div class="error" role="alert">
                    <span class="error-text">{error}</span>
                    <button class="link" onclick={on_dismiss}>{"Dismiss"}</button>
                </div>
            }
            if let Some(notice) = &state.notice {
                <div class="notice" role="status">
                    <span class="notice-text">{notice}</span>
                    <button class="link" onclick={on_dismiss_notice}>{"Dismiss"}</button>
                </div>
            }
            {loading.unwrap_or_default()}
            if let Some(share_link) = &state.link {
                <div class="share" data-embedded={share_link.embedded.to_string()}>
                    <input class="share-url" readonly=true value={share_link.url.clone()} aria-label="Link to this view" />
                    <span class="share-text">{share_link.explanation.clone()}</span>
                    <button class="link" onclick={on_close_link}>{"Close"}</button>
                </div>
            }
            <div class="status" data-total={total.to_string()} data-value-type={view.value_index.to_string()}
                data-shown={graph.tree.total_value(CallTree::ROOT).to_string()}
                data-orientation={format!("{:?}", view.orientation).to_lowercase()}>
                <span class="profile-name">{loaded.name.clone()}</span>
                <span>{format!(" · {} · total {}", value_type, format::value(total, &unit))}</span>
                if !view.filters.is_empty() {
                    <span class="shown">{format!(" · filtered: {} ({})",
                        format::value(graph.tree.total_value(CallTree::ROOT), &unit),
                        format::percent(graph.tree.total_value(CallTree::ROOT), total, 1))}</span>
                }
                <span class="hint">{" · drop a .pprof anywhere to open it"}</span>
            </div>
            {breadcrumbs.unwrap_or_default()}
            <div class="workspace">
                {sandwich.unwrap_or_default()}
                <div class={classes!("graph", orientation_class, view.sandwich.then_some("hidden"))} ref={area_ref}>
                    <canvas ref={canvas_ref} {onmousemove} {onmousedown} {onmouseup} {onmouseleave} {oncontextmenu}></canvas>
                </div>
                {table_panel.unwrap_or_default()}
            </div>
            {tooltip.unwrap_or_default()}
            {frame_menu.unwrap_or_default()}
            if *help {
                <div class="help" role="dialog" aria-label="Keyboard shortcuts">
                    <div class="help-head"><strong>{"Keyboard"}</strong>
                        <button class="link" onclick={{ let help = help.clone(); Callback::from(move |_| help.set(false)) }}>{"Close"}</button></div>
                    <table>
                        { for keys::SHORTCUTS.iter().map(|(keys, what)| html! {
                            <tr><th><kbd>{*keys}</kbd></th><td>{*what}</td></tr>
                        }) }
                    </table>
                </div>
            }
        </main>
    }
}
