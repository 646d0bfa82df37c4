//! The page's address and the share state: reading the fragment (and `?url=`), keeping it in
//! step with the view without adding history entries, building the "Copy link" link, and
//! fetching a profile from an address the person gave.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::app::loaded::{Graph, Loaded, Source};
use crate::analysis::call_tree::CallTree;
use crate::view::share::{self, ShareError, ShareState};
use crate::view::view_state::{ViewAction, ViewState};
use crate::web::engine::protocol;
use crate::web::trace;

/// The most a `#url=` response may hold (512 MiB), so a hostile server cannot exhaust the
/// tab's memory.
pub const MAX_FETCH_BYTES: f64 = 512.0 * 1024.0 * 1024.0;

/// The most a profile fetched for `#url=` from another site may inflate to (256 MiB). A link
/// is someone else's choice: a bomb behind it is refused in about a second instead of after a
/// gigabyte (larger profiles open from a file).
pub const MAX_LINKED_INFLATED: u64 = 256 << 20;

/// The most the profile at `url` may inflate to when a link names it: a profile on the page's
/// own server (`scorch web`'s, or a site's own file) is the site's, and gets the bound of a
/// file the person chose; one elsewhere gets [`MAX_LINKED_INFLATED`].
pub fn linked_limit(url: &str) -> u64 {
    let own = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .and_then(|page| {
            let target = web_sys::Url::new_with_base(url, &page).ok()?;
            Some(target.origin() == web_sys::Url::new(&page).ok()?.origin())
        })
        .unwrap_or(false);
    if own {
        crate::input::pprof::DecodeOptions::default().max_inflated_bytes
    } else {
        MAX_LINKED_INFLATED
    }
}

/// The share state in the page's address: the fragment, with `?url=` as a fallback.
pub fn from_location() -> Result<ShareState, ShareError> {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return Ok(ShareState::default());
    };
    let mut state = ShareState::from_fragment(&location.hash().unwrap_or_default())?;
    if state.url.is_none() {
        let search = location.search().unwrap_or_default();
        if let Some(query) = ShareState::from_fragment(search.trim_start_matches('?'))?.url {
            state.url = Some(query);
        }
    }
    Ok(state)
}

/// The share state for what is on screen.
pub fn share_state(loaded: &Loaded, view: &ViewState) -> ShareState {
    let types = &loaded.summary.value_types;
    let name = &types[view.value_index].name;
    // A name is only a name if it picks one type; otherwise the position.
    let unique = !name.is_empty() && types.iter().filter(|t| &t.name == name).count() == 1;
    ShareState {
        value_type: Some(if unique {
            name.clone()
        } else {
            view.value_index.to_string()
        }),
        orientation: view.orientation,
        zoom_path: view.zoom_path.clone(),
        search: view.search.clone(),
        filters: view.filters.clone(),
        call_graph: view.call_graph,
        graph_options: view.graph_options,
        shape: view.shape,
        colors: Some(view.colors),
        profile_hash: match &loaded.source {
            Source::File { hash, .. } => Some(hash.clone()),
            _ => None,
        },
        embedded: match &loaded.source {
            Source::Embedded { text } => Some(text.clone()),
            _ => None,
        },
        url: match &loaded.source {
            Source::Url { url } => Some(url.clone()),
            _ => None,
        },
        // A profile inside the link keeps its file's name there.
        name: matches!(loaded.source, Source::Embedded { .. }).then(|| loaded.name.clone()),
    }
}

/// The zoom action that shows `node` (the root resets).
pub fn zoom_to(graph: &Graph, node: crate::analysis::call_tree::NodeId) -> ViewAction {
    if node == CallTree::ROOT {
        return ViewAction::ResetZoom;
    }
    let whole = graph.layout.extent(&graph.tree, CallTree::ROOT).max(1) as f64;
    let x = graph.layout.x(node) as f64;
    ViewAction::ZoomTo {
        path: graph.tree.names_path(node),
        window: (
            x / whole,
            (x + graph.layout.extent(&graph.tree, node) as f64) / whole,
        ),
    }
}

/// The view a link asks for, on `loaded`: what cannot be found (a value type, a frame) is left
/// at its default. A zoom into a graph `loaded` does not have yet is kept as a path.
pub fn view_from_share(loaded: &Loaded, state: &ShareState) -> ViewState {
    let summary = &loaded.summary;
    let index = state
        .value_type
        .as_deref()
        .and_then(|t| summary.value_index(t).ok())
        .unwrap_or(summary.default_value_index);
    let mut view = ViewState::new(index)
        .apply(ViewAction::SetOrientation(state.orientation))
        .apply(ViewAction::SetSearch(state.search.clone()))
        .apply(ViewAction::SetGraphOptions(state.graph_options))
        .apply(ViewAction::SetShape(state.shape))
        .apply(ViewAction::SetColors(state.colors.unwrap_or_default()))
        .apply(ViewAction::ShowCallGraph(state.call_graph));
    // Filters that do not compile are left out.
    if state.filters.compile().is_ok() {
        view.filters = state.filters.clone();
    }
    let graph = loaded
        .graph(index, &view.filters)
        .map(|g| g.shaped(view.shape, view.filters.granularity));
    match graph.filter(|_| !state.zoom_path.is_empty()) {
        Some(graph) => {
            if let Some(node) = graph.tree.find_path(&state.zoom_path) {
                view = view.apply(zoom_to(&graph, node));
            }
        }
        // The graph is still to come: it zooms to the path when it is shown.
        None => view.zoom_path = state.zoom_path.clone(),
    }
    view
}

/// Replaces the address's fragment (no new history entry) when it differs.
pub fn replace_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let wanted = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    if window.location().hash().unwrap_or_default() == wanted {
        return;
    }
    if let Ok(history) = window.history() {
        let url = if wanted.is_empty() {
            window.location().pathname().unwrap_or_default()
        } else {
            wanted
        };
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The page's address without fragment or query.
fn base_address() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// A link to share, and what kind it is.
#[derive(Clone, PartialEq)]
pub struct ShareLink {
    pub url: String,
    /// True when the profile is inside the link.
    pub embedded: bool,
    /// What the person is told about this link.
    pub explanation: String,
}

/// The link for the current view: with the profile inside when it is small enough.
pub fn make_link(loaded: &Loaded, view: &ViewState) -> ShareLink {
    let mut state = share_state(loaded, view);
    let embedded = match &loaded.source {
        Source::Embedded { text } => Some(text.clone()),
        Source::File {
            bytes: Some(bytes), ..
        }
        | Source::Example { bytes } => share::embed(bytes),
        _ => None,
    };
    let explanation;
    let is_embedded = embedded.is_some();
    if let Some(text) = embedded {
        explanation = format!(
            "The profile is inside this link ({} KiB): whoever opens it sees this view, and no \
             server ever receives the profile (the part after # is never sent).",
            text.len().div_ceil(1024)
        );
        state.embedded = Some(text);
        state.profile_hash = None;
        state.name = Some(loaded.name.clone());
    } else if state.url.is_some() {
        explanation = "This link opens the profile from the same address, with this view.".into();
    } else if let [_, _, ..] = loaded.parts() {
        explanation = format!(
            "View-only link: this view is of {} profiles merged, which a link does not carry, \
             so whoever opens it must open the same files together; the link checks that they \
             are the same.",
            loaded.parts().len()
        );
    } else {
        explanation = format!(
            "View-only link: the profile is too large to put in a link (the limit is {} KiB), \
             so whoever opens it must open the same file; the link checks that it is the same.",
            share::EMBED_LIMIT_CHARS / 1024
        );
    }
    ShareLink {
        url: format!("{}#{}", base_address(), state.to_fragment()),
        embedded: is_embedded,
        explanation,
    }
}

/// The request the page's start-up script made for the link's profile (`boot.js`, written by
/// scripts/finish-dist.mjs, fetches it while the app compiles, and reads its body as soon as
/// the server answers): `{url, response, blob, abort}`, promises of the response and of its
/// body, and a function that cancels the request.
struct EarlyFetch(JsValue);

impl EarlyFetch {
    /// The start-up script's request if it was for `url`, taken once.
    fn take(window: &web_sys::Window, url: &str) -> Option<EarlyFetch> {
        let early = protocol::take(window, "scorchFetch")?;
        let same = protocol::get(&early, "url").as_string()? == url;
        same.then_some(EarlyFetch(early))
    }

    fn promise(&self, key: &str) -> Option<js_sys::Promise> {
        protocol::get(&self.0, key).dyn_into().ok()
    }

    fn abort(&self) {
        if let Ok(abort) = protocol::get(&self.0, "abort").dyn_into::<js_sys::Function>() {
            let _ = abort.call0(&JsValue::NULL);
        }
    }
}

/// Fetches `url` (by the browser itself, so CORS applies) into a blob, which stays outside the
/// page's wasm memory until the engine's worker reads it; with a message for each way it can
/// fail. The start-up script's request is used when it was for `url`.
pub async fn fetch(url: &str) -> Result<web_sys::Blob, String> {
    let window = web_sys::window().ok_or("no window")?;
    let early = EarlyFetch::take(&window, url);
    let request = match early.as_ref().and_then(|e| e.promise("response")) {
        Some(request) => request,
        None => {
            trace::mark("fetch-start");
            window.fetch_with_str(url)
        }
    };
    let response = JsFuture::from(request).await.map_err(|_| {
        format!(
            "could not fetch {url}: the address is unreachable, or its server does not \
             allow other sites to read it (CORS)"
        )
    })?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{url}: the browser returned no response"))?;
    if !response.ok() {
        return Err(format!(
            "{url}: the server answered {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let declared = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|l| l.parse::<f64>().ok());
    if declared.is_some_and(|l| l > MAX_FETCH_BYTES) {
        if let Some(early) = &early {
            early.abort();
        }
        return Err(format!(
            "{url}: the response is larger than {} MiB",
            MAX_FETCH_BYTES / 1048576.0
        ));
    }
    let body = match early.as_ref().and_then(|e| e.promise("blob")) {
        Some(body) => body,
        None => response
            .blob()
            .map_err(|_| format!("{url}: the response could not be read"))?,
    };
    let blob: web_sys::Blob = JsFuture::from(body)
        .await
        .map_err(|_| format!("{url}: the response was cut off"))?
        .dyn_into()
        .map_err(|_| format!("{url}: the response could not be read"))?;
    if blob.size() > MAX_FETCH_BYTES {
        return Err(format!("{url}: the response is too large"));
    }
    if early.is_none() {
        trace::mark("fetch-end");
    }
    Ok(blob)
}

/// Copies `text` to the clipboard where the browser allows it (the link is shown either way).
pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}
