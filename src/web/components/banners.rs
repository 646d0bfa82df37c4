//! The messages above the graph: the error (with Dismiss), a notice, the progress of a load
//! (with Cancel), the call tree being built, and the link made by "Copy link".

use yew::prelude::*;

use crate::web::app::loader::Loader;
use crate::web::app::state::{AppAction, AppState, Loading};
use crate::web::engine::page::{Progress, Stage};

#[derive(Properties, PartialEq)]
pub struct BannersProps {
    pub state: UseReducerHandle<AppState>,
    pub loader: Loader,
}

/// The progress of a load, with a way to cancel it.
fn progress_view(loading: &Loading, on_cancel: Callback<MouseEvent>) -> Html {
    let Progress {
        stage,
        done,
        total,
        file,
        files,
    } = loading.progress;
    let mib = |bytes: f64| bytes / 1048576.0;
    let current = loading.names.get(file).map_or("", String::as_str);
    // Which of several files this is.
    let of = match files {
        1 => String::new(),
        _ => format!(" ({} of {files})", file + 1),
    };
    let (stage_name, text) = match stage {
        Stage::Reading => (
            "reading",
            format!(
                "Opening {current}{of}: {:.1} of {:.1} MiB read",
                mib(done),
                mib(total)
            ),
        ),
        Stage::Indexing => ("indexing", format!("Indexing the stacks of {current}{of}…")),
        Stage::Merging => ("merging", format!("Merging {files} profiles…")),
        Stage::Aggregating => (
            "aggregating",
            match files {
                1 => format!("Building the call tree of {current}…"),
                _ => format!("Building the call tree of the {files} profiles…"),
            },
        ),
    };
    html! {
        <div class="loading" role="status" data-stage={stage_name}
            data-done={done.to_string()} data-size={total.to_string()}
            data-file={file.to_string()} data-files={files.to_string()}>
            <span class="spinner"></span>
            <span class="loading-text">{text}</span>
            <progress max={total.max(1.0).to_string()} value={done.to_string()}></progress>
            <button class="button" onclick={on_cancel}>{"Cancel"}</button>
        </div>
    }
}

#[component]
pub fn Banners(props: &BannersProps) -> Html {
    let state = &props.state;
    let dispatch = state.dispatcher();
    let act = |action: fn() -> AppAction| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(action()))
    };
    let loading = state.loading.as_ref().map(|loading| {
        let loader = props.loader.clone();
        progress_view(loading, Callback::from(move |_| loader.cancel()))
    });
    html! {
        <>
            if let Some(error) = &state.error {
                <div class="error" role="alert">
                    <span class="error-text">{error}</span>
                    <button class="link" onclick={act(|| AppAction::DismissError)}>{"Dismiss"}</button>
                </div>
            }
            if let Some(notice) = &state.notice {
                <div class="notice" role="status">
                    <span class="notice-text">{notice}</span>
                    <button class="link" onclick={act(|| AppAction::Notice(None))}>{"Dismiss"}</button>
                </div>
            }
            // In a corner over the page (see the stylesheet): a short build moves nothing.
            if state.wanted.is_some() && state.loaded.is_some() {
                <div class="notice building" role="status"><span class="spinner"></span>{"Building the call tree…"}</div>
            }
            {loading.unwrap_or_default()}
            if let Some(share_link) = &state.link {
                <div class="share" data-embedded={share_link.embedded.to_string()}>
                    <input class="share-url" readonly=true value={share_link.url.clone()} aria-label="Link to this view" />
                    <span class="share-text">{share_link.explanation.clone()}</span>
                    <button class="link" onclick={act(|| AppAction::ShowLink(None))}>{"Close"}</button>
                </div>
            }
        </>
    }
}
