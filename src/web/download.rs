//! Saving what the page made (an SVG, folded stacks, a PNG, a profile) as a file on the person's
//! machine: a link to it is clicked; nothing is sent anywhere.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlElement, Url};

/// A file name made of `parts`, with anything but letters, digits, `.`, `-` and `_` replaced.
pub fn file_name(parts: &[&str], extension: &str) -> String {
    let stem: String = parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(".")
        .chars()
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') => c,
            _ => '_',
        })
        .collect();
    format!("{}.{extension}", stem.trim_matches('.'))
}

/// Saves `text` as `name`.
pub fn save_text(name: &str, text: &str, mime: &str) -> Result<(), JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    save_blob(
        name,
        &Blob::new_with_str_sequence_and_options(&parts, &options)?,
    )
}

/// Saves `bytes` as `name`.
pub fn save_bytes(name: &str, bytes: &[u8], mime: &str) -> Result<(), JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    save_blob(
        name,
        &Blob::new_with_u8_array_sequence_and_options(&parts, &options)?,
    )
}

/// Saves `blob` as `name`.
fn save_blob(name: &str, blob: &Blob) -> Result<(), JsValue> {
    let url = Url::create_object_url_with_blob(blob)?;
    let saved = save_url(name, &url);
    // The link has been followed by now; the blob can go once the download has begun.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    saved
}

/// Saves what `url` (a `blob:` or `data:` address) holds as `name`.
pub fn save_url(name: &str, url: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: HtmlElement = document.create_element("a")?.dyn_into()?;
    link.set_attribute("href", url)?;
    link.set_attribute("download", name)?;
    link.click();
    Ok(())
}
