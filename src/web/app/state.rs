//! The app's state and its pure reducer: the open profile, how it is viewed, what is being
//! loaded and what the person is told. `reduce` only computes the next state: posting to the
//! engine, decoding and reading the page are the effects' (see `effects.rs`, `loader.rs`).

use std::rc::Rc;

use yew::prelude::*;

use super::loaded::{CallGraphKey, Graph, Loaded, Shared, Source, SourceKey};
use crate::analysis::call_graph::GraphStep;
use crate::analysis::options::DiffMode;
use crate::analysis::options::{FilterKind, FilterSpec};
use crate::model::frames::Granularity;
use crate::view::share::ShareState;
use crate::view::view_state::{ViewAction, ViewState};
use crate::web::engine::page::Progress;
use crate::web::link::{self, ShareLink};

/// The app's state.
#[derive(Clone, PartialEq, Default)]
pub struct AppState {
    pub loaded: Option<Shared>,
    pub view: ViewState,
    pub error: Option<String>,
    /// Information that is not an error (a fetch in progress, a link waiting for its file).
    pub notice: Option<String>,
    /// A view-only link's view, waiting for the person to open the file it was made on.
    pub pending: Option<ShareState>,
    /// The link shown by "Copy link".
    pub link: Option<ShareLink>,
    /// A file being opened in an engine's worker.
    pub loading: Option<Loading>,
    /// A value type and filters asked for whose graph is not shown yet (the effects build or
    /// request it, then send [`AppAction::GraphReady`]).
    pub wanted: Option<(usize, FilterSpec)>,
    /// Whether the keyboard help is open.
    pub help: bool,
    /// Whether the profile's details are open.
    pub details: bool,
    /// The call graph that arrived last from the engine (kept by the profile; its arrival
    /// draws the view again).
    pub call_graph_arrived: Option<CallGraphKey>,
    /// The step the engine's call graph build is at, while one goes on.
    pub call_graph_step: Option<GraphStep>,
    /// The function's source that arrived last from the engine (kept by the profile; its
    /// arrival draws the view again).
    pub source_arrived: Option<SourceKey>,
}

/// A load in progress.
#[derive(Clone, PartialEq)]
pub struct Loading {
    pub id: u32,
    /// The names of the files being opened (merged when several).
    pub names: Vec<String>,
    pub progress: Progress,
}

pub enum AppAction {
    /// Show a profile, with the view a link asks for.
    Open(Rc<Loaded>, Option<ShareState>),
    /// Show the bundled example under the message already shown (nothing else could be).
    ShowExample(Rc<Loaded>),
    Fail(String),
    /// Load `id` failed (or was cancelled, without a message).
    LoadFailed(u32, Option<String>),
    Loading(Loading),
    Progress(u32, Progress),
    /// Show value type `index` with the filters asked for so far.
    AskValueType(usize),
    /// Set one filter (an empty expression removes it) on top of what was asked for so far.
    AskFilter(FilterKind, String),
    /// Change the granularity of what was asked for so far.
    AskGranularity(Granularity),
    /// Compare with the base (or normalized, or stop) on top of what was asked for so far.
    AskDiff(DiffMode),
    /// The graph of value type `index` under `filters` of profile `id` is there.
    GraphReady {
        id: u32,
        index: usize,
        filters: FilterSpec,
        graph: Rc<Graph>,
    },
    /// The call graph for `key` of profile `id` is there (in the profile's call graphs).
    CallGraphReady {
        id: u32,
        key: CallGraphKey,
    },
    /// The source for `key` of profile `id` is there (in the profile's sources).
    SourceReady {
        id: u32,
        key: SourceKey,
    },
    /// The engine of profile `id` is building a call graph and at `step`.
    CallGraphStep {
        id: u32,
        step: GraphStep,
    },
    /// The engine of profile `id` opened a base profile to compare with, to be shown in the
    /// mode given, or (without one) the mode asked for, a comparison with the base if none.
    BaseOpened(u32, Option<DiffMode>),
    DismissError,
    Notice(Option<String>),
    ShowLink(Option<ShareLink>),
    ShowHelp(bool),
    ShowDetails(bool),
    View(ViewAction),
}

impl Reducible for AppState {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        match self.next(action) {
            Some(next) => Rc::new(next),
            None => self,
        }
    }
}

impl AppState {
    /// What was last asked for: a change builds on it even while its graph is being built, so
    /// two quick changes both take effect.
    pub fn asked(&self) -> (usize, FilterSpec) {
        self.wanted
            .clone()
            .unwrap_or_else(|| (self.view.value_index, self.view.filters.clone()))
    }

    /// The state after `action`, `None` when it changes nothing.
    fn next(&self, action: AppAction) -> Option<AppState> {
        let mut next = self.clone();
        match action {
            AppAction::Open(loaded, share) => next.open(loaded, share, &self.view),
            AppAction::ShowExample(example) => {
                next.view = ViewState::new(example.summary.default_value_index);
                next.loaded = Some(Shared(example));
            }
            // A bad file never replaces the profile already open.
            AppAction::Fail(message) => {
                next.error = Some(message);
                next.wanted = None;
                if next.pending.is_none() {
                    next.notice = None;
                }
            }
            AppAction::LoadFailed(id, message) => {
                if next.loading.as_ref().is_some_and(|l| l.id == id) {
                    next.loading = None;
                }
                if let Some(message) = message {
                    return next.next(AppAction::Fail(message));
                }
            }
            AppAction::Loading(loading) => {
                next.notice = None;
                next.loading = Some(loading);
            }
            AppAction::Progress(id, progress) => match &mut next.loading {
                Some(loading) if loading.id == id => loading.progress = progress,
                _ => return None,
            },
            AppAction::AskValueType(index) => {
                let (_, filters) = self.asked();
                next.ask(index, filters);
            }
            AppAction::AskFilter(kind, pattern) => {
                let (index, mut filters) = self.asked();
                let before = filters.get(kind).to_string();
                filters.set(kind, pattern.clone());
                if next.ask(index, filters) && !before.is_empty() && !pattern.is_empty() {
                    // pprof takes one expression per option: say so rather than drop one quietly.
                    let name = kind.name();
                    next.notice = Some(format!(
                        "{name}={pattern} replaces {name}={before} (pprof takes one expression \
                         per option: write {before}|{pattern} for either)"
                    ));
                }
            }
            AppAction::AskGranularity(granularity) => {
                let (index, filters) = self.asked();
                next.ask(
                    index,
                    FilterSpec {
                        granularity,
                        ..filters
                    },
                );
            }
            AppAction::AskDiff(diff) => {
                let (index, filters) = self.asked();
                next.ask(index, FilterSpec { diff, ..filters });
            }
            AppAction::GraphReady {
                id,
                index,
                filters,
                graph,
            } => {
                let current = next.loaded.as_ref().is_some_and(|l| l.0.id == id);
                if !current || next.wanted.as_ref() != Some(&(index, filters.clone())) {
                    return None;
                }
                next.wanted = None;
                next.show(index, filters, &graph);
            }
            AppAction::CallGraphReady { id, key } => {
                if next.loaded.as_ref().is_none_or(|l| l.0.id != id) {
                    return None;
                }
                next.call_graph_arrived = Some(key);
                next.call_graph_step = None;
            }
            AppAction::SourceReady { id, key } => {
                if next.loaded.as_ref().is_none_or(|l| l.0.id != id) {
                    return None;
                }
                next.source_arrived = Some(key);
            }
            AppAction::CallGraphStep { id, step } => {
                if next.loaded.as_ref().is_none_or(|l| l.0.id != id) {
                    return None;
                }
                next.call_graph_step = Some(step);
            }
            AppAction::BaseOpened(id, mode) => {
                if next.loaded.as_ref().is_none_or(|l| l.0.id != id) {
                    return None;
                }
                let (index, mut filters) = self.asked();
                filters.diff = mode.unwrap_or(match filters.diff {
                    DiffMode::Off => DiffMode::Base,
                    asked => asked,
                });
                next.notice = None;
                // The comparison's graphs were dropped with the old base: this one is new.
                next.wanted = Some((index, filters));
            }
            AppAction::DismissError => next.error = None,
            AppAction::Notice(notice) => next.notice = notice,
            AppAction::ShowLink(link) => next.link = link,
            AppAction::ShowHelp(shown) => next.help = shown,
            AppAction::ShowDetails(shown) => next.details = shown,
            AppAction::View(action) => next.view = self.view.apply(action),
        }
        Some(next)
    }

    fn open(&mut self, loaded: Rc<Loaded>, share: Option<ShareState>, before: &ViewState) {
        let linked = share.is_some() || self.pending.is_some();
        let linked_colors = share
            .as_ref()
            .or(self.pending.as_ref())
            .and_then(|s| s.colors);
        self.view = ViewState::new(loaded.summary.default_value_index);
        self.error = None;
        self.notice = None;
        self.link = None;
        self.wanted = None;
        self.call_graph_arrived = None;
        self.call_graph_step = None;
        if self.loading.as_ref().is_some_and(|l| l.id == loaded.id) {
            self.loading = None;
        }
        if let Some(share) = share {
            self.view = link::view_from_share(&loaded, &share);
        } else if let Some(pending) = self.pending.take() {
            let hash = match &loaded.source {
                Source::File { hash, .. } => Some(hash),
                _ => None,
            };
            let (is, is_not) = match loaded.parts().len() {
                0 | 1 => ("This is the file", "This is not the file"),
                _ => ("These are the files", "These are not the files"),
            };
            if hash.is_some() && hash == pending.profile_hash.as_ref() {
                self.view = link::view_from_share(&loaded, &pending);
                self.notice = Some(format!("{is} the link was made on: its view is shown."));
            } else {
                self.notice = Some(format!(
                    "{is_not} the link was made on (the content differs), so the \
                     link's view was not applied."
                ));
            }
        }
        // A link's view whose graph the profile does not have yet (a view-only link's filters,
        // checked after the file opened without them) is asked for; the graph the profile
        // opened with shows meanwhile.
        let linked_graph = (self.view.value_index, self.view.filters.clone());
        if loaded.graph(linked_graph.0, &linked_graph.1).is_none() {
            (self.view.value_index, self.view.filters) = loaded.opened_with.clone();
            self.wanted = Some(linked_graph);
        }
        // So do the colours, unless a link says which.
        if linked_colors.is_none() {
            self.view.colors = before.colors;
        }
        // The panels the person opened stay open for the next profile.
        self.view.table = before.table;
        self.view.labels = before.labels;
        self.view.source = before.source && self.view.selected.is_some();
        // So does the call graph, unless a link says what to show.
        if !linked {
            self.view.call_graph = before.call_graph;
            self.view.graph_options = before.graph_options;
            self.view.shape = before.shape;
        }
        self.loaded = Some(Shared(loaded));
    }

    /// Asks for value type `index` under `filters`; false (with the error shown) when the
    /// filters do not compile, as pprof refuses them.
    fn ask(&mut self, index: usize, filters: FilterSpec) -> bool {
        if let Err(e) = filters.compile() {
            self.error = Some(e.to_string());
            return false;
        }
        let shown = (self.view.value_index, self.view.filters.clone());
        self.wanted = ((index, filters.clone()) != shown).then_some((index, filters));
        true
    }

    /// Shows value type `index` under `filters`, whose graph is `graph` (as built), keeping
    /// the zoomed frame in view (it has another width now).
    fn show(&mut self, index: usize, filters: FilterSpec, graph: &Rc<Graph>) {
        let graph = &graph.shaped(self.view.shape, filters.granularity);
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
            self.view = self.view.apply(link::zoom_to(graph, node));
        }
    }
}
