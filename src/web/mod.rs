//! The browser shell: Yew components over one pure app state, the effects that talk to the
//! browser and the engine's worker, and the canvas painter. Thin by design: browser events
//! become plain values here and every decision is made by the core.

mod app;
mod components;
mod crash;
mod download;
mod engine;
mod export;
mod hooks;
mod link;
mod paint;
mod preferences;
mod source_folder;
mod trace;

pub use engine::worker::worker_start;

/// Mounts the app on the page's body; does nothing in the engine's worker (no page there),
/// where the worker script calls [`worker_start`] instead.
pub fn start() {
    if web_sys::window().is_some() {
        trace::mark("app-start");
        crash::install();
        yew::Renderer::<app::App>::new().render();
    }
}
