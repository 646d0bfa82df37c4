//! The app's effects as hooks that react to its state: building or requesting the graph asked for,
//! the call graph and the source lines shown, the example when nothing else can be shown, the
//! address following the view, a `#url=` fetched, pasted files and text, and the system's light
//! or dark theme.

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::loaded::{CallGraphKey, SourceKey};
use super::loader::{files_of, LoadKind, Loader};
use super::startup;
use super::state::{AppAction, AppState};
use crate::view::color::Theme;
use crate::web::engine::page::Part;
use crate::web::link;
use std::rc::Rc;

/// The graph asked for (`AppState::wanted`): taken from the profile's graphs, built there for a
/// profile on the page, or asked of its engine (whose answer the loader turns into
/// [`AppAction::GraphReady`]).
#[hook]
pub fn use_graph_requests(state: &UseReducerHandle<AppState>) {
    let dispatch = state.dispatcher();
    let deps = (state.loaded.clone(), state.wanted.clone());
    use_effect_with(deps, move |(loaded, wanted)| {
        let (Some(loaded), Some((index, filters))) = (loaded, wanted) else {
            return;
        };
        match loaded.0.graph(*index, filters) {
            Some(graph) => dispatch.dispatch(AppAction::GraphReady {
                id: loaded.0.id,
                index: *index,
                filters: filters.clone(),
                graph,
            }),
            None => loaded.0.request_graph(*index, filters),
        }
    });
}

/// The call graph of the view, when it is shown: asked of the profile's engine unless it is
/// already there (a profile on the page builds it when the view asks); when the view stops
/// showing it, a build still going on is cancelled. A new base asks again for a comparison.
#[hook]
pub fn use_call_graph_requests(state: &UseReducerHandle<AppState>) {
    let view = &state.view;
    let key = view
        .call_graph
        .then(|| CallGraphKey::new(view.value_index, &view.filters, &view.graph_options));
    let bases = state.loaded.as_ref().map(|l| l.0.base_count());
    use_effect_with(
        (state.loaded.clone(), key, bases),
        move |(loaded, key, _)| {
            let loaded = loaded.clone();
            if let (Some(loaded), Some(key)) = (&loaded, key) {
                loaded.0.request_call_graph(key);
            }
            move || {
                if let Some(loaded) = loaded {
                    loaded.0.cancel_call_graph();
                }
            }
        },
    );
}

/// The source lines shown (`key`): asked of the profile's engine unless they are already
/// there (a profile on the page lists them when the view asks).
#[hook]
pub fn use_source_requests(state: &UseReducerHandle<AppState>, key: Option<SourceKey>) {
    let bases = state.loaded.as_ref().map(|l| l.0.base_count());
    use_effect_with(
        (state.loaded.clone(), key, bases),
        move |(loaded, key, _)| {
            if let (Some(loaded), Some(key)) = (loaded, key) {
                loaded.0.request_source(key);
            }
        },
    );
}

/// With nothing open and nothing on its way (a `#url=` that failed), the example is shown
/// under the message.
#[hook]
pub fn use_example_fallback(state: &UseReducerHandle<AppState>) {
    let dispatch = state.dispatcher();
    let nothing = state.loaded.is_none() && state.loading.is_none() && state.error.is_some();
    use_effect_with(nothing, move |&nothing| {
        if nothing {
            if let Ok(example) = startup::example() {
                dispatch.dispatch(AppAction::ShowExample(Rc::new(example)));
            }
        }
    });
}

/// The address follows the view, so a reload or a copied address shows the same thing.
#[hook]
pub fn use_fragment_sync(state: &UseReducerHandle<AppState>) {
    let deps = (state.loaded.clone(), state.view.clone());
    use_effect_with(deps, move |(loaded, view)| {
        if let Some(loaded) = loaded {
            link::replace_fragment(&link::share_state(&loaded.0, view).to_fragment());
        }
    });
}

/// A `#url=` link: the browser fetches the profile (one request), then opens it.
#[hook]
pub fn use_url_fetch(loader: &Loader, dispatch: UseReducerDispatcher<AppState>) {
    let loader = loader.clone();
    use_effect_with((), move |_| {
        if let Ok(share) = link::from_location() {
            if let (Some(url), None) = (share.url.clone(), share.embedded.as_ref()) {
                wasm_bindgen_futures::spawn_local(async move {
                    match link::fetch(&url).await {
                        Ok(blob) => {
                            let part = Part {
                                blob,
                                name: url.rsplit('/').next().unwrap_or(&url).to_string(),
                                // What someone else's link points at gets a tighter bound.
                                limit: link::linked_limit(&url),
                            };
                            loader.load(vec![part], LoadKind::Url(url), Some(share), None);
                        }
                        Err(message) => dispatch.dispatch(AppAction::Fail(message)),
                    }
                });
            }
        }
    });
}

/// Paste: a file from the clipboard, or folded stacks as text (not into a text field).
#[hook]
pub fn use_paste(loader: &Loader) {
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
                let files = data.files().map(|f| files_of(&f)).unwrap_or_default();
                if !files.is_empty() {
                    loader.load_files(files);
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

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The system's light or dark setting, followed as it changes.
#[hook]
pub fn use_theme() -> Theme {
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let query = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
            let listener =
                query.map(|q| EventListener::new(&q, "change", move |_| tick.set(*tick + 1)));
            move || drop(listener)
        });
    }
    if prefers_dark() {
        Theme::Dark
    } else {
        Theme::Light
    }
}
