//! Opening files in engine workers (an effect, outside the reducer): one worker per load, kept
//! by the opened profile, dropped (ending the worker) when the load is cancelled or another one
//! starts; then the opened profile's answers (its graphs, a base to compare with) become
//! actions. A spare worker is started ahead, so its wasm module is ready when a file comes.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::JsValue;
use web_sys::Blob;
use yew::prelude::*;

use super::loaded::{save_profile, CallGraphKey, Loaded, Source, SourceKey, KEEP_FILE_BYTES};
use super::state::{AppAction, AppState, Loading};
use crate::analysis::options::DiffMode;
use crate::input::pprof::DecodeOptions;
use crate::view::share::ShareState;
use crate::view::view_state::ViewState;
use crate::web::engine::page::{Engine, EngineEvent, Part, Progress, Stage};
use crate::web::{link, trace};

/// What is being loaded, which decides what a shared link carries.
#[derive(Clone)]
pub enum LoadKind {
    /// Files the person gave (picker, drop, paste), opened merged.
    File,
    /// A profile fetched for a `#url=` link.
    Url(String),
}

/// The files of a list (a picker's, a drop's or a paste's).
pub fn files_of(list: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// A file the person gave, as a part to open: a file they chose is bounded by the decoder's
/// default limit (someone else's link gets a tighter one).
pub fn file_part(file: web_sys::File) -> Part {
    Part {
        name: file.name(),
        blob: file.into(),
        limit: DecodeOptions::default().max_inflated_bytes,
    }
}

#[derive(Clone)]
pub struct Loader {
    dispatch: UseReducerDispatcher<AppState>,
    engine: Rc<RefCell<Option<(u32, Engine)>>>,
    spare: Rc<RefCell<Option<Engine>>>,
    next_id: Rc<RefCell<u32>>,
}

impl PartialEq for Loader {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine)
    }
}

/// The app's loader, kept across renders, with a spare worker started after the first one.
#[hook]
pub fn use_loader(dispatch: UseReducerDispatcher<AppState>) -> Loader {
    let engine = use_mut_ref(|| None::<(u32, Engine)>);
    let spare = use_mut_ref(|| None::<Engine>);
    let next_id = use_mut_ref(|| 1u32);
    let loader = Loader {
        dispatch,
        engine,
        spare,
        next_id,
    };
    {
        let loader = loader.clone();
        use_effect_with((), move |_| loader.prepare());
    }
    loader
}

impl Loader {
    /// Opens `parts` merged, in a new engine; the profile open until then stays until they
    /// have opened. With `share`, the view it describes is shown; with `base`, that profile is
    /// opened again to compare with, and shown in `base`'s mode, once they have.
    pub fn load(
        &self,
        parts: Vec<Part>,
        kind: LoadKind,
        share: Option<ShareState>,
        base: Option<(Part, DiffMode)>,
    ) {
        let id = {
            let mut next = self.next_id.borrow_mut();
            *next += 1;
            *next - 1
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
        trace::mark("file-given");
        let names: Vec<String> = parts.iter().map(|p| p.name.clone()).collect();
        let spare = self.spare.borrow_mut().take();
        let engine = match spare.map_or_else(Engine::spawn, Ok) {
            Ok(engine) => engine,
            Err(message) => {
                let names = names.join(", ");
                self.dispatch
                    .dispatch(AppAction::Fail(format!("{names}: {message}")));
                return;
            }
        };
        engine.open(&parts, &value_type, &filters, KEEP_FILE_BYTES);
        let progress = Progress {
            stage: Stage::Reading,
            done: 0.0,
            total: parts.iter().map(|p| p.blob.size()).sum(),
            file: 0,
            files: parts.len(),
        };
        let opening = Opening {
            id,
            parts,
            kind,
            share,
            base,
        };
        let this = self.clone();
        engine.on_event(move |event| this.on_load_event(&opening, event));
        *self.engine.borrow_mut() = Some((id, engine));
        self.dispatch.dispatch(AppAction::Loading(Loading {
            id,
            names,
            progress,
        }));
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

    pub fn cancel(&self) {
        if let Some((id, engine)) = self.engine.borrow_mut().take() {
            drop(engine);
            self.dispatch.dispatch(AppAction::LoadFailed(id, None));
        }
    }

    /// An answer of the engine of a load while it opens the files.
    fn on_load_event(&self, opening: &Opening, event: EngineEvent) {
        let id = opening.id;
        match event {
            EngineEvent::Progress(progress) => {
                self.dispatch.dispatch(AppAction::Progress(id, progress))
            }
            EngineEvent::Opened(opened) => {
                // Not the current load any more (cancelled, or another began): ignored.
                let Some(engine) = self.take(id) else {
                    return;
                };
                let source = match &opening.kind {
                    LoadKind::Url(url) if opening.parts.len() == 1 => {
                        Source::Url { url: url.clone() }
                    }
                    _ => Source::File {
                        hash: opened.hash.clone(),
                        bytes: opened.kept.clone(),
                    },
                };
                let loaded = Rc::new(Loaded::in_worker(
                    id,
                    opening.parts.clone(),
                    *opened,
                    engine,
                    source,
                ));
                listen(&loaded, self.dispatch.clone());
                let base = opening.base.as_ref();
                if let Some(Err(message)) =
                    base.map(|(part, mode)| loaded.open_base(part.clone(), Some(*mode)))
                {
                    self.dispatch.dispatch(AppAction::Fail(message));
                }
                self.dispatch
                    .dispatch(AppAction::Open(loaded, opening.share.clone()));
                self.prepare();
            }
            EngineEvent::Failed(message) => {
                // This runs inside the engine's own message handler: end it afterwards.
                if let Some(engine) = self.take(id) {
                    wasm_bindgen_futures::spawn_local(async move { drop(engine) });
                }
                // With several files, the engine names the one that failed.
                let message = match opening.parts.as_slice() {
                    [part] => format!("{}: {message}", part.name),
                    _ => message,
                };
                self.dispatch
                    .dispatch(AppAction::LoadFailed(id, Some(message)));
            }
            // Only an opened profile is asked for these.
            EngineEvent::Tree { .. }
            | EngineEvent::CallGraph { .. }
            | EngineEvent::CallGraphStep(_)
            | EngineEvent::BaseOpened
            | EngineEvent::Source { .. }
            | EngineEvent::Saved { .. } => {}
        }
    }

    /// Opens the files the person gave, merged.
    pub fn load_files(&self, files: Vec<web_sys::File>) {
        if !files.is_empty() {
            let parts = files.into_iter().map(file_part).collect();
            self.load(parts, LoadKind::File, None, None);
        }
    }

    /// Opens `loaded`'s files and `files` merged, with the view shown (`view`) and the base
    /// compared with; `loaded` stays until they have opened (or if they fail or are cancelled).
    pub fn add_files(&self, loaded: &Loaded, view: &ViewState, files: Vec<web_sys::File>) {
        if files.is_empty() {
            return;
        }
        let mut parts = loaded.parts().to_vec();
        parts.extend(files.into_iter().map(file_part));
        let mut share = link::share_state(loaded, view);
        // The comparison comes back when the base has opened again.
        share.filters.diff = DiffMode::Off;
        let base = loaded.base_part().map(|part| (part, view.filters.diff));
        self.load(parts, LoadKind::File, Some(share), base);
    }

    /// Opens pasted text (folded stacks) as a file.
    pub fn load_text(&self, text: &str) {
        let parts = js_sys::Array::of1(&JsValue::from_str(text));
        match Blob::new_with_str_sequence(&parts) {
            Ok(blob) => {
                let part = Part {
                    blob,
                    name: "pasted text".into(),
                    limit: DecodeOptions::default().max_inflated_bytes,
                };
                self.load(vec![part], LoadKind::File, None, None)
            }
            Err(_) => self
                .dispatch
                .dispatch(AppAction::Fail("the pasted text could not be read".into())),
        }
    }
}

/// A load under way: what it opens and what comes after.
struct Opening {
    id: u32,
    parts: Vec<Part>,
    kind: LoadKind,
    share: Option<ShareState>,
    base: Option<(Part, DiffMode)>,
}

/// Sends the answers of an opened profile's engine to the app: each graph is built (laid out)
/// and kept by the profile before the reducer is told it is there. The handler holds the
/// profile weakly: the profile owns the engine.
fn listen(loaded: &Rc<Loaded>, dispatch: UseReducerDispatcher<AppState>) {
    let Some(engine) = loaded.engine() else {
        return;
    };
    let weak: Weak<Loaded> = Rc::downgrade(loaded);
    engine.on_event(move |event| {
        let Some(loaded) = weak.upgrade() else {
            return;
        };
        match event {
            EngineEvent::Tree {
                index,
                filters,
                report,
                base,
            } => {
                let graph = loaded.insert_report(index, filters.clone(), *report, base.map(|b| *b));
                dispatch.dispatch(AppAction::GraphReady {
                    id: loaded.id,
                    index,
                    filters,
                    graph,
                });
            }
            EngineEvent::CallGraph {
                index,
                filters,
                options,
                drawn,
            } => {
                let key = CallGraphKey::new(index, &filters, &options);
                loaded.insert_call_graph(key.clone(), drawn.map(|d| *d));
                dispatch.dispatch(AppAction::CallGraphReady { id: loaded.id, key });
            }
            EngineEvent::Source {
                index,
                filters,
                function,
                source,
            } => {
                let key = SourceKey {
                    index,
                    filters,
                    function,
                };
                loaded.insert_source(key.clone(), source.map(|s| *s));
                dispatch.dispatch(AppAction::SourceReady { id: loaded.id, key });
            }
            EngineEvent::CallGraphStep(step) => {
                dispatch.dispatch(AppAction::CallGraphStep {
                    id: loaded.id,
                    step,
                });
            }
            EngineEvent::BaseOpened => {
                if let Some(mode) = loaded.base_opened() {
                    dispatch.dispatch(AppAction::BaseOpened(loaded.id, mode));
                }
            }
            EngineEvent::Saved { name, bytes } => {
                if let Err(message) = save_profile(&name, &bytes) {
                    dispatch.dispatch(AppAction::Fail(message));
                }
            }
            EngineEvent::Failed(message) => {
                loaded.base_failed();
                dispatch.dispatch(AppAction::Fail(message));
            }
            EngineEvent::Progress(_) | EngineEvent::Opened(_) => {}
        }
    });
}
