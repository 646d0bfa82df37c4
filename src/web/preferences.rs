//! The person's choices kept in the browser's storage across visits (the colours), read when
//! the page starts and written when they change. Storage that is missing or refused (a private
//! window, a policy) only means the choice is not remembered.

use crate::view::color::{ColorBy, Colors};

const COLORS_KEY: &str = "scorch.colors";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The colours chosen on an earlier visit (`self,cb`), if any.
pub fn colors() -> Option<Colors> {
    let text = storage()?.get_item(COLORS_KEY).ok().flatten()?;
    let mut parts = text.split(',');
    let by: ColorBy = Colors::by_from_name(parts.next()?)?;
    Some(Colors {
        by,
        colour_blind: parts.next() == Some("cb"),
    })
}

/// Remembers `colors` for the next visits.
pub fn remember_colors(colors: Colors) {
    if let Some(storage) = storage() {
        let palette = if colors.colour_blind { ",cb" } else { "" };
        let _ = storage.set_item(COLORS_KEY, &format!("{}{palette}", colors.by_name()));
    }
}
