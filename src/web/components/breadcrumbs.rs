//! The zoomed frame's path: "all", then its callers down to it, each a button that zooms
//! there. A deep path keeps its start and end and elides the middle (the whole path is the
//! bar's title), so the frame zoomed to is always in view.

use yew::prelude::*;

use crate::analysis::call_tree::{CallTree, NodeId};
use crate::format;
use crate::view::view_state::ViewAction;
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::Shown;
use crate::web::link;

/// Crumbs kept at each end of a longer path.
const KEPT_AT_START: usize = 1;
const KEPT_AT_END: usize = 3;

#[derive(Properties, PartialEq)]
pub struct BreadcrumbsProps {
    pub shown: Shown,
    /// The zoomed node.
    pub zoomed: NodeId,
    pub dispatch: UseReducerDispatcher<AppState>,
}

#[component]
pub fn Breadcrumbs(props: &BreadcrumbsProps) -> Html {
    let graph = &props.shown.graph;
    let tree = &graph.tree;
    let mut path = Vec::new();
    let mut node = props.zoomed;
    while node != CallTree::ROOT {
        path.push(node);
        node = tree.parent(node);
    }
    path.reverse();
    let full: Vec<String> = path
        .iter()
        .map(|&n| format::frame_label(tree.name(n)).into_owned())
        .collect();
    let crumb = |index: usize| {
        let node = path[index];
        let dispatch = props.dispatch.clone();
        let graph = graph.clone();
        let current = index + 1 == path.len();
        let onclick = Callback::from(move |_| {
            dispatch.dispatch(AppAction::View(link::zoom_to(&graph, node)))
        });
        html! {
            <>
                <span class="sep">{"›"}</span>
                <button class={classes!("link", "crumb", current.then_some("current"))}
                    title={full[index].clone()} {onclick}>{full[index].clone()}</button>
            </>
        }
    };
    let elided = path.len() > KEPT_AT_START + KEPT_AT_END + 1;
    let crumbs: Html = if elided {
        let start = (0..KEPT_AT_START).map(crumb);
        let end = (path.len() - KEPT_AT_END..path.len()).map(crumb);
        let hidden = path.len() - KEPT_AT_START - KEPT_AT_END;
        html! {
            <>
                { for start }
                <span class="sep">{"›"}</span>
                <span class="elided" title={format!("{hidden} more callers")}>{"…"}</span>
                { for end }
            </>
        }
    } else {
        (0..path.len()).map(crumb).collect()
    };
    let reset = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(AppAction::View(ViewAction::ResetZoom)))
    };
    html! {
        <nav class="breadcrumbs" aria-label="Zoomed frame and its callers" title={full.join(" › ")}
            data-depth={path.len().to_string()}>
            <button class="link" onclick={reset}>{"all"}</button>
            {crumbs}
        </nav>
    }
}
