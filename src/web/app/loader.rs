//! Opening files in engine workers (an effect, outside the reducer): one worker per load, kept
//! by the opened profile, dropped (ending the worker) when the load is cancelled or another one
//! starts; then the opened profile's answers (its graphs, a base to compare with) become
//! actions. A spare worker is started ahead, so its wasm module is ready when a file comes.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::JsValue;
use web_sys::Blob;
use yew::prelude::*;

use super::loaded::{CallGraphKey, Loaded, Source, KEEP_FILE_BYTES};
use super::state::{AppAction, AppState, Loading};
use crate::input::pprof::DecodeOptions;
use crate::view::share::ShareState;
use crate::web::engine::page::{Engine, EngineEvent, Progress, Stage};
use crate::web::link;

/// What is being loaded, which decides its bound and what a shared link carries.
#[derive(Clone)]
pub enum LoadKind {
    /// A file the person gave (picker, drop, paste).
    File,
    /// A profile fetched for a `#url=` link.
    Url(String),
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
    pub fn load(&self, blob: Blob, name: String, kind: LoadKind, share: Option<ShareState>) {
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
                    this.on_load_event(id, &event_name, &kind, share.as_ref(), event)
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

    pub fn cancel(&self) {
        if let Some((id, engine)) = self.engine.borrow_mut().take() {
            drop(engine);
            self.dispatch.dispatch(AppAction::LoadFailed(id, None));
        }
    }

    /// An answer of the engine of load `id` while it opens the file.
    fn on_load_event(
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
                let loaded = Rc::new(Loaded::in_worker(
                    id,
                    name.to_string(),
                    *opened,
                    engine,
                    source,
                ));
                listen(&loaded, self.dispatch.clone());
                self.dispatch
                    .dispatch(AppAction::Open(loaded, share.cloned()));
                self.prepare();
            }
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
            // Only an opened profile is asked for these.
            EngineEvent::Tree { .. }
            | EngineEvent::CallGraph { .. }
            | EngineEvent::CallGraphStep(_)
            | EngineEvent::BaseOpened => {}
        }
    }

    /// Opens a file the person gave.
    pub fn load_file(&self, file: web_sys::File) {
        let name = file.name();
        self.load(file.into(), name, LoadKind::File, None);
    }

    /// Opens pasted text (folded stacks) as a file.
    pub fn load_text(&self, text: &str) {
        let parts = js_sys::Array::of1(&JsValue::from_str(text));
        match Blob::new_with_str_sequence(&parts) {
            Ok(blob) => self.load(blob, "pasted text".into(), LoadKind::File, None),
            Err(_) => self
                .dispatch
                .dispatch(AppAction::Fail("the pasted text could not be read".into())),
        }
    }
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
            EngineEvent::CallGraphStep(step) => {
                dispatch.dispatch(AppAction::CallGraphStep {
                    id: loaded.id,
                    step,
                });
            }
            EngineEvent::BaseOpened => {
                loaded.base_opened();
                dispatch.dispatch(AppAction::BaseOpened(loaded.id));
            }
            EngineEvent::Failed(message) => {
                loaded.base_failed();
                dispatch.dispatch(AppAction::Fail(message));
            }
            EngineEvent::Progress(_) | EngineEvent::Opened(_) => {}
        }
    });
}
