//! What a person sees if the page's code panics or its wasm traps (out of memory, a stack
//! overflow): a banner saying the app failed, with the message and a reload button, instead of
//! a page that stops answering. Written with the DOM directly, as the app's own rendering
//! cannot be trusted after a panic.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Installs the panic hook and the page's trap listeners (once, at start). The hook goes
/// through yew, which otherwise sets its own (a console message only) when it starts rendering.
pub fn install() {
    listen_for_traps();
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(text) => text.to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "an internal error".to_string()),
        };
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        web_sys::console::error_1(&format!("panicked: {message}{place}").into());
        show(&format!("{message}{place}"));
    }));
}

/// A trap that is not a panic (memory exhausted, an overflowed stack) reaches the page only as
/// an uncaught `WebAssembly.RuntimeError`, thrown from an event handler or rejected from a
/// promise; either shows the banner too. Other page errors are left to the console.
fn listen_for_traps() {
    let Some(window) = web_sys::window() else {
        return;
    };
    for (kind, field) in [("error", "error"), ("unhandledrejection", "reason")] {
        let on_event = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let error = js_sys::Reflect::get(&event, &field.into()).unwrap_or_default();
            if let Some(trap) = error.dyn_ref::<js_sys::WebAssembly::RuntimeError>() {
                let message = String::from(trap.unchecked_ref::<js_sys::Error>().message());
                show(&format!("the page's code stopped ({message})"));
            }
        });
        let _ = window.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        on_event.forget();
    }
}

/// Puts the banner on the page (once).
fn show(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.query_selector(".crash").ok().flatten().is_some() {
        return;
    }
    let (Ok(banner), Some(body)) = (document.create_element("div"), document.body()) else {
        return;
    };
    banner.set_class_name("crash");
    let _ = banner.set_attribute("role", "alert");
    let text = document.create_element("span").ok();
    if let Some(text) = &text {
        text.set_text_content(Some(&format!(
            "Scorch failed and stopped: {detail}. Nothing was sent anywhere; reload the page \
             to go on (the address keeps your view)."
        )));
        let _ = banner.append_child(text);
    }
    if let Ok(button) = document.create_element("button") {
        button.set_class_name("button");
        button.set_text_content(Some("Reload"));
        let reload = Closure::<dyn FnMut()>::new(|| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        });
        let _ = button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
        reload.forget();
        let _ = banner.append_child(&button);
    }
    let _ = body.prepend_with_node_1(&banner);
}
