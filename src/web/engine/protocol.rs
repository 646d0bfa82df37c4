//! The messages the page and the engine's worker exchange, shared by both sides: a message is
//! `{op, ...fields}`; filters travel as their non-default options, a call graph's options as
//! `{nodecount, nodefraction, edgefraction}`.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::analysis::call_graph::GraphOptions;
use crate::analysis::options::DiffMode;
use crate::analysis::options::FilterSpec;

/// Field `key` of a message (undefined when missing).
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The size of this thread's wasm memory in bytes: its peak so far, as a wasm memory never
/// shrinks.
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

/// A message between the page and the worker: `{op, ...fields}`.
pub fn message_of(op: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let message = Object::new();
    let _ = Reflect::set(&message, &"op".into(), &op.into());
    for (key, value) in fields {
        let _ = Reflect::set(&message, &(*key).into(), value);
    }
    message.into()
}

/// Filters as a message field: `{focus: "...", granularity: "lines", ...}`, the options that
/// are not the default.
pub fn filters_value(filters: &FilterSpec) -> JsValue {
    let object = Object::new();
    for (key, value) in filters.entries() {
        let _ = Reflect::set(&object, &key.into(), &value.into());
    }
    if filters.diff != DiffMode::Off {
        let _ = Reflect::set(&object, &"diff".into(), &filters.diff.name().into());
    }
    object.into()
}

/// The filters of a message's `filters` field (missing ones are the default).
pub fn filters_of(message: &JsValue) -> FilterSpec {
    let object = get(message, "filters");
    let mut filters = FilterSpec::default();
    if let Ok(object) = object.dyn_into::<Object>() {
        for entry in Object::entries(&object) {
            let pair = js_sys::Array::from(&entry);
            if let (Some(key), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                if key == "diff" {
                    filters.diff = DiffMode::from_name(&value);
                } else {
                    filters.set_entry(&key, &value);
                }
            }
        }
    }
    filters
}

/// A call graph's options as a message field.
pub fn graph_options_value(options: &GraphOptions) -> JsValue {
    let object = Object::new();
    let _ = Reflect::set(
        &object,
        &"nodecount".into(),
        &(options.node_count as f64).into(),
    );
    let _ = Reflect::set(
        &object,
        &"nodefraction".into(),
        &options.node_fraction.into(),
    );
    let _ = Reflect::set(
        &object,
        &"edgefraction".into(),
        &options.edge_fraction.into(),
    );
    object.into()
}

/// The call graph options of a message's `options` field (missing ones are pprof's).
pub fn graph_options_of(message: &JsValue) -> GraphOptions {
    let object = get(message, "options");
    let default = GraphOptions::default();
    let number = |key: &str| get(&object, key).as_f64();
    GraphOptions {
        node_count: number("nodecount").map_or(default.node_count, |n| n as usize),
        node_fraction: number("nodefraction").unwrap_or(default.node_fraction),
        edge_fraction: number("edgefraction").unwrap_or(default.edge_fraction),
    }
}
