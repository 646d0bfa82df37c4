//! The browser shell: Yew components, the canvas painter and file input. Thin by design:
//! browser events become plain values here and every decision is made by the core.

mod app;
mod canvas;
mod download;
mod engine;
mod hooks;
mod labels_panel;
mod link;
mod loaded;
mod sandwich;
mod top_table;
mod worker;

pub use worker::worker_start;

/// Mounts the app on the page's body; does nothing in the engine's worker (no page there),
/// where the worker script calls [`worker_start`] instead.
pub fn start() {
    if web_sys::window().is_some() {
        yew::Renderer::<app::App>::new().render();
    }
}
