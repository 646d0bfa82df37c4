//! The state a page starts in, from its address: a profile inside the link is opened at once,
//! a `#url=` is fetched after the first render (see `effects.rs`), a view-only link waits for
//! its file, and otherwise the bundled example is shown.

use std::rc::Rc;

use super::loaded::{Loaded, Shared, Source};
use super::state::AppState;
use crate::input::load;
use crate::input::pprof::DecodeOptions;
use crate::view::share::{self, ShareState};
use crate::view::view_state::ViewState;
use crate::web::{link, preferences};

/// A real profile recorded by the project: Scorch's own engine, profiled with pprof-rs
/// (`make example`). Built into the app so it shows without any request.
const EXAMPLE: &[u8] = include_bytes!("../../../static/example.pb.gz");

/// The bundled example, opened.
pub fn example() -> Result<Loaded, crate::error::LoadError> {
    let profile = load::open(EXAMPLE, &DecodeOptions::default())?;
    Ok(Loaded::local(
        "example: Scorch's own engine (CPU)".to_string(),
        profile,
        Source::Example {
            bytes: Rc::from(EXAMPLE),
        },
    ))
}

/// Shows the example in `state` (with the view `share` asks for, if any).
fn show_example(state: &mut AppState, share: Option<&ShareState>) {
    match example() {
        Ok(loaded) => {
            state.view = match share {
                Some(share) => link::view_from_share(&loaded, share),
                None => ViewState::new(loaded.summary.default_value_index),
            };
            state.loaded = Some(Shared(Rc::new(loaded)));
        }
        Err(e) => state.error = Some(format!("the bundled example could not be opened: {e}")),
    }
}

/// The state for the page's address, in the colours remembered from an earlier visit unless
/// the link says which.
pub fn initial_state() -> AppState {
    let share = link::from_location();
    let linked_colors = share.as_ref().ok().and_then(|s| s.colors);
    let mut state = addressed_state(share);
    if linked_colors.is_none() {
        state.view.colors = preferences::colors().unwrap_or_default();
    }
    state
}

/// The state for the address's share state (or the error reading it).
fn addressed_state(share: Result<ShareState, share::ShareError>) -> AppState {
    let mut state = AppState::default();
    let share = match share {
        Ok(share) => share,
        Err(e) => {
            show_example(&mut state, None);
            state.error = Some(format!("This link could not be read: {e}"));
            return state;
        }
    };
    if let Some(text) = &share.embedded {
        let opened = share::unembed(text)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                load::open(&bytes, &DecodeOptions::default()).map_err(|e| e.to_string())
            });
        match opened {
            Ok(profile) if !profile.value_types.is_empty() => {
                let name = share
                    .name
                    .clone()
                    .unwrap_or_else(|| "profile from the link".to_string());
                let loaded = Loaded::local(name, profile, Source::Embedded { text: text.clone() });
                state.view = link::view_from_share(&loaded, &share);
                state.loaded = Some(Shared(Rc::new(loaded)));
            }
            Ok(_) => {
                show_example(&mut state, None);
                state.error = Some("The profile in this link has no value type to draw.".into());
            }
            Err(e) => {
                show_example(&mut state, None);
                state.error = Some(format!("The profile in this link could not be opened: {e}"));
            }
        }
    } else if let Some(url) = &share.url {
        state.notice = Some(format!("Fetching {url}…"));
    } else if share.profile_hash.is_some() {
        show_example(&mut state, None);
        state.notice = Some(
            "This link shows a view of a profile that is not inside it: open the same file \
             (drop it here) to see that view."
                .into(),
        );
        state.pending = Some(share);
    } else {
        show_example(&mut state, Some(&share));
    }
    state
}
