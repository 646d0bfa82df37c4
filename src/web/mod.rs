//! The browser shell: Yew components, the canvas painter and file input. Thin by design:
//! browser events become plain values here and every decision is made by the core.

mod app;
mod canvas;
mod link;
mod loaded;

/// Mounts the app on the page's body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
