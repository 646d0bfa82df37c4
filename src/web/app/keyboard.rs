//! The keyboard (see `keys::SHORTCUTS`): what a command asks of the app now, as actions, and
//! the page's keydown listener, made once and acting on the latest render's state.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::state::{AppAction, AppState};
use super::Shown;
use crate::analysis::call_tree::CallTree;
use crate::analysis::shape::Shape;
use crate::view::keys::{self, Command};
use crate::view::orientation::Orientation;
use crate::view::view_state::ViewAction;
use crate::web::link;

/// The actions `command` stands for in `state` showing `shown`, `None` when it does nothing.
pub fn key_actions(state: &AppState, shown: &Shown, command: Command) -> Option<Vec<AppAction>> {
    let view = &state.view;
    let graph = &shown.graph;
    let tree = &graph.tree;
    let act = AppAction::View;
    let cursor = view.cursor.as_ref().and_then(|path| tree.find_path(path));
    Some(match command {
        Command::NextMatch | Command::PreviousMatch => {
            let matches = &(*shown.search).as_ref()?.top_matches;
            let count = matches.len();
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
            vec![act(link::zoom_to(graph, matches[next])), act(action)]
        }
        Command::ZoomOut => {
            let zoomed = tree
                .find_path(&view.zoom_path)
                .filter(|_| !view.zoom_path.is_empty())?;
            vec![act(link::zoom_to(graph, tree.parent(zoomed)))]
        }
        Command::Reset => vec![
            act(ViewAction::ResetZoom),
            act(ViewAction::SetCursor(None)),
            AppAction::ShowHelp(false),
            AppAction::ShowDetails(false),
        ],
        Command::NextValueType | Command::PreviousValueType => {
            let count = shown.loaded.0.summary.value_types.len();
            let step = if command == Command::NextValueType {
                1
            } else {
                count - 1
            };
            let (index, _) = state.asked();
            vec![AppAction::AskValueType((index + step) % count)]
        }
        Command::ToggleOrientation => {
            vec![act(ViewAction::SetOrientation(match view.orientation {
                Orientation::Flame => Orientation::Icicle,
                Orientation::Icicle => Orientation::Flame,
            }))]
        }
        Command::ToggleTable => vec![act(ViewAction::ShowTable(!view.table))],
        Command::ToggleSandwich => vec![act(ViewAction::ShowSandwich(!view.sandwich))],
        Command::ToggleSource => vec![act(ViewAction::ShowSource(!view.source))],
        Command::ToggleCallGraph => vec![act(ViewAction::ShowCallGraph(!view.call_graph))],
        Command::ToggleInverted => vec![act(ViewAction::SetShape(Shape {
            inverted: !view.shape.inverted,
            ..view.shape
        }))],
        Command::ToggleCollapseRecursion => vec![act(ViewAction::SetShape(Shape {
            collapse_recursion: !view.shape.collapse_recursion,
            ..view.shape
        }))],
        Command::Move(direction) => {
            let next = keys::step(tree, cursor, direction, view.orientation)?;
            let name = (next != CallTree::ROOT).then(|| tree.name(next).to_string());
            vec![
                act(ViewAction::SetCursor(Some(tree.names_path(next)))),
                act(ViewAction::Select(name)),
            ]
        }
        Command::ZoomToCursor => vec![act(link::zoom_to(graph, cursor?))],
        Command::ToggleHelp => vec![AppAction::ShowHelp(!state.help)],
        Command::ToggleDetails => vec![AppAction::ShowDetails(!state.details)],
        Command::FocusSearch => return None,
    })
}

/// What the keyboard acts on: the latest render's state and what it showed.
pub type Keyed = Rc<RefCell<Option<(AppState, Shown)>>>;

/// Listens to the page's keys for as long as the app lives; `keyed` is kept up to date by
/// every render that shows a graph.
#[hook]
pub fn use_keyboard(dispatch: UseReducerDispatcher<AppState>, search_ref: NodeRef) -> Keyed {
    let keyed: Keyed = use_mut_ref(|| None);
    {
        let keyed = keyed.clone();
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
                    let actions = keyed
                        .borrow()
                        .as_ref()
                        .and_then(|(state, shown)| key_actions(state, shown, command));
                    if let Some(actions) = actions {
                        event.prevent_default();
                        for action in actions {
                            dispatch.dispatch(action);
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }
    keyed
}
