//! Hooks shared by the components.

use gloo::events::EventListener;
use web_sys::HtmlElement;
use yew::prelude::*;

/// A size of the element behind `node` (what `measure` reads of it, `initial` until it is in
/// the page), measured again on every window resize and whenever `deps` change.
#[hook]
pub fn use_measured<D>(
    node: NodeRef,
    measure: fn(&HtmlElement) -> f64,
    initial: f64,
    deps: D,
) -> f64
where
    D: PartialEq + 'static,
{
    let size = use_state(|| initial);
    {
        let size = size.clone();
        use_effect_with(deps, move |_| {
            let update = move || {
                if let Some(element) = node.cast::<HtmlElement>() {
                    size.set(measure(&element));
                }
            };
            update();
            let listener =
                web_sys::window().map(|w| EventListener::new(&w, "resize", move |_| update()));
            move || drop(listener)
        });
    }
    *size
}
