//! The open's per-phase trace: `scorch:*` marks on the page's performance timeline, which
//! benchmarks read (`tests/browser/open.bench.mjs`). The engine's worker has its own clock, so
//! its moments travel as wall-clock times ([`now`]) and are marked on the page's timeline when
//! its answer arrives ([`mark_at`]).

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Performance;

/// This thread's performance clock (the page's or a worker's).
fn performance() -> Option<Performance> {
    Reflect::get(&js_sys::global(), &"performance".into())
        .ok()?
        .dyn_into()
        .ok()
}

/// The wall-clock time now, in milliseconds since the epoch (comparable across threads).
pub fn now() -> f64 {
    performance().map_or(0.0, |p| p.time_origin() + p.now())
}

/// Marks `scorch:{name}` now.
pub fn mark(name: &str) {
    if let Some(p) = performance() {
        let _ = p.mark(&format!("scorch:{name}"));
    }
}

/// Marks `scorch:{name}` at wall-clock time `at` (from [`now`], maybe on another thread).
pub fn mark_at(name: &str, at: f64) {
    let Some(p) = performance() else {
        return;
    };
    if at <= 0.0 {
        return;
    }
    // `mark(name, {startTime})`, called through JavaScript: web-sys has it as unstable.
    let options = Object::new();
    let start = JsValue::from((at - p.time_origin()).max(0.0));
    let _ = Reflect::set(&options, &"startTime".into(), &start);
    if let Ok(mark) = Reflect::get(&p, &"mark".into()).and_then(|m| m.dyn_into::<Function>()) {
        let _ = mark.call2(&p, &format!("scorch:{name}").into(), &options);
    }
}

/// Moments `(name, wall-clock ms)` as a message field `{name: ms, ...}`.
pub fn times_value(times: &[(&str, f64)]) -> JsValue {
    let object = Object::new();
    for (name, at) in times {
        let _ = Reflect::set(&object, &(*name).into(), &(*at).into());
    }
    object.into()
}

/// Marks each moment of a [`times_value`] (another thread's) on this thread's timeline.
pub fn mark_times(times: &JsValue) {
    let Some(times) = times.dyn_ref::<Object>() else {
        return;
    };
    for entry in Object::entries(times) {
        let pair = js_sys::Array::from(&entry);
        if let (Some(name), Some(at)) = (pair.get(0).as_string(), pair.get(1).as_f64()) {
            mark_at(&name, at);
        }
    }
}
