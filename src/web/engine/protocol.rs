//! The messages the page and the engine's worker exchange, shared by both sides: a message is
//! `{op, ...fields}`; filters travel as their non-default options.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

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
