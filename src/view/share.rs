//! Share state: the view (and optionally the profile itself) as a URL fragment, which browsers
//! never send to a server. Parsing is bounded and strict, so a crafted link can only fail with
//! a message. Depends on the view state, gzip and nothing that draws.
//!
//! Format: `key=value` pairs joined by `&`, values percent-encoded:
//! `v=1&t=cpu&o=icicle&z=main;work&q=gc&h=1a2b3c4d5e6f7a8b&p=<profile>` where `z` is the zoom
//! path of frame names (each percent-encoded, joined by `;`), `h` a hash of the profile file,
//! `p` the profile deflated and base64url-encoded, `n` the name of the file it came from and
//! `url` an address to fetch it from; `g=1` shows the call graph, with pprof's `nodecount`,
//! `nodefraction` and `edgefraction` when they are not the default; `inverted=1` and
//! `collapse_recursion=1` reshape the flame graph; `colors=self|package` and `palette=cb`
//! (colour-blind) say how frames are coloured (absent: the opener's own choice).

use std::fmt;
use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::analysis::call_graph::GraphOptions;
use crate::analysis::options::FilterSpec;
use crate::analysis::shape::Shape;
use crate::view::color::Colors;
use crate::view::orientation::Orientation;

/// The longest fragment accepted, in characters (1 Mi): far above any link "Copy link" makes,
/// and below the 2 MiB at which Chromium refuses to open a URL at all.
pub const MAX_FRAGMENT_CHARS: usize = 1 << 20;

/// The longest embedded profile a "Copy link" produces, in base64 characters. Real CPU profiles
/// compress to tens of KiB; 128 Ki characters (about 96 KiB of compressed profile) still pastes
/// into chat, mail and issue trackers, which cut or refuse longer links well before browsers do
/// (Chromium takes fragments of several MB). Above it, the link is view-only.
pub const EMBED_LIMIT_CHARS: usize = 128 << 10;

/// The most an embedded profile may inflate to (a link is no way to send a huge profile).
pub const MAX_EMBEDDED_INFLATED: u64 = 64 << 20;

/// Characters kept as they are in a value: unreserved ones, so links stay readable.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/')
    .remove(b'*')
    .remove(b'(')
    .remove(b')');

/// A view and where its profile comes from, as carried by a link.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShareState {
    /// The value type by name (or position when names are empty or repeated).
    pub value_type: Option<String>,
    pub orientation: Orientation,
    /// Frame names from the root's child down to the zoomed frame.
    pub zoom_path: Vec<String>,
    pub search: String,
    /// pprof's name filters and granularity.
    pub filters: FilterSpec,
    /// Whether the call graph is shown, and how much of it.
    pub call_graph: bool,
    pub graph_options: GraphOptions,
    /// How the flame graph's stacks are reshaped.
    pub shape: Shape,
    /// How frames are coloured, when the link says (a link made with the default colours
    /// leaves the opener's own).
    pub colors: Option<Colors>,
    /// Hash of the profile file the view was made on (see [`content_hash`]).
    pub profile_hash: Option<String>,
    /// The profile itself, deflated and base64url-encoded (see [`embed`]).
    pub embedded: Option<String>,
    /// An address to fetch the profile from.
    pub url: Option<String>,
    /// The name of the profile's file, shown to whoever opens the link (at most
    /// [`MAX_NAME_CHARS`] characters are read).
    pub name: Option<String>,
}

/// The longest file name a link carries, in characters.
pub const MAX_NAME_CHARS: usize = 256;

/// Why a link could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    TooLong { chars: usize },
    UnknownVersion { version: String },
    BadEncoding { key: String },
    BadEmbeddedProfile { detail: String },
    EmbeddedTooLarge,
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::TooLong { chars } => write!(
                f,
                "the link is {chars} characters long, more than the {} this viewer reads",
                MAX_FRAGMENT_CHARS
            ),
            ShareError::UnknownVersion { version } => {
                write!(
                    f,
                    "the link was made by a newer Scorch (link version {version:?})"
                )
            }
            ShareError::BadEncoding { key } => {
                write!(
                    f,
                    "the link's `{key}` part is damaged (bad percent-encoding)"
                )
            }
            ShareError::BadEmbeddedProfile { detail } => {
                write!(f, "the profile in the link is damaged: {detail}")
            }
            ShareError::EmbeddedTooLarge => write!(
                f,
                "the profile in the link inflates to more than {} MiB",
                MAX_EMBEDDED_INFLATED >> 20
            ),
        }
    }
}

impl std::error::Error for ShareError {}

fn encode_value(text: &str) -> String {
    utf8_percent_encode(text, VALUE).to_string()
}

fn decode_value(key: &str, text: &str) -> Result<String, ShareError> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ShareError::BadEncoding {
            key: key.to_string(),
        })
}

impl ShareState {
    /// The fragment (without `#`) for this state.
    pub fn to_fragment(&self) -> String {
        let mut parts = vec!["v=1".to_string()];
        if let Some(url) = &self.url {
            parts.push(format!("url={}", encode_value(url)));
        }
        if let Some(t) = &self.value_type {
            parts.push(format!("t={}", encode_value(t)));
        }
        if self.orientation == Orientation::Icicle {
            parts.push("o=icicle".to_string());
        }
        if !self.zoom_path.is_empty() {
            let names: Vec<String> = self.zoom_path.iter().map(|n| encode_value(n)).collect();
            // `;` is encoded inside names, so it can join them.
            parts.push(format!("z={}", names.join(";")));
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", encode_value(&self.search)));
        }
        for (key, value) in self.filters.entries() {
            parts.push(format!("{key}={}", encode_value(&value)));
        }
        if self.call_graph {
            parts.push("g=1".to_string());
        }
        for (key, value) in self.graph_options.entries() {
            parts.push(format!("{key}={value}"));
        }
        if self.shape.inverted {
            parts.push("inverted=1".to_string());
        }
        if self.shape.collapse_recursion {
            parts.push("collapse_recursion=1".to_string());
        }
        if let Some(colors) = self.colors.filter(|c| *c != Colors::default()) {
            parts.push(format!("colors={}", colors.by_name()));
            if colors.colour_blind {
                parts.push("palette=cb".to_string());
            }
        }
        if let Some(h) = &self.profile_hash {
            parts.push(format!("h={}", encode_value(h)));
        }
        if let Some(n) = &self.name {
            parts.push(format!("n={}", encode_value(n)));
        }
        if let Some(p) = &self.embedded {
            parts.push(format!("p={p}"));
        }
        parts.join("&")
    }

    /// Reads a fragment (with or without its `#`). Unknown keys are ignored; an empty
    /// fragment is the default state.
    pub fn from_fragment(fragment: &str) -> Result<ShareState, ShareError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.len() > MAX_FRAGMENT_CHARS {
            return Err(ShareError::TooLong {
                chars: fragment.len(),
            });
        }
        let mut state = ShareState::default();
        for pair in fragment.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "v" if value != "1" => {
                    return Err(ShareError::UnknownVersion {
                        version: value.chars().take(16).collect(),
                    })
                }
                "url" => state.url = Some(decode_value(key, value)?),
                "t" => state.value_type = Some(decode_value(key, value)?),
                "o" => {
                    state.orientation = if value == "icicle" {
                        Orientation::Icicle
                    } else {
                        Orientation::Flame
                    }
                }
                "z" => {
                    state.zoom_path = value
                        .split(';')
                        .map(|n| decode_value(key, n))
                        .collect::<Result<_, _>>()?
                }
                "q" => state.search = decode_value(key, value)?,
                "g" => state.call_graph = value == "1",
                "inverted" => state.shape.inverted = value == "1",
                "collapse_recursion" => state.shape.collapse_recursion = value == "1",
                "colors" => {
                    if let Some(by) = Colors::by_from_name(value) {
                        state.colors.get_or_insert_with(Colors::default).by = by;
                    }
                }
                "palette" => {
                    state
                        .colors
                        .get_or_insert_with(Colors::default)
                        .colour_blind = value == "cb"
                }
                // A number out of range is ignored, as an unknown key is.
                "nodecount" | "nodefraction" | "edgefraction" => {
                    if let Some(options) = state.graph_options.with_entry(key, value) {
                        state.graph_options = options;
                    }
                }
                "h" => state.profile_hash = Some(decode_value(key, value)?),
                "p" => state.embedded = Some(value.to_string()),
                "n" => {
                    let name = decode_value(key, value)?;
                    state.name = Some(name.chars().take(MAX_NAME_CHARS).collect());
                }
                // Options pprof has (filters, granularity); a value not understood is ignored,
                // as an unknown key is.
                _ => {
                    state.filters.set_entry(key, &decode_value(key, value)?);
                }
            }
        }
        Ok(state)
    }
}

/// A short hash of a profile file's bytes (FNV-1a, 64 bits, hex): enough to tell whether the
/// file a recipient opens is the one a view-only link was made on. Not a security measure.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut hasher = ContentHasher::default();
    hasher.update(bytes);
    hasher.finish()
}

/// [`content_hash`] of a file read piece by piece.
#[derive(Debug, Clone, Copy)]
pub struct ContentHasher(u64);

impl Default for ContentHasher {
    fn default() -> Self {
        ContentHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl ContentHasher {
    /// Adds the next piece of the file.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
        });
    }

    /// The hash as 16 hex digits.
    pub fn finish(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// A profile file as a link part: inflated if gzipped, deflated at the best level, base64url.
/// `None` when the result is longer than [`EMBED_LIMIT_CHARS`].
pub fn embed(file: &[u8]) -> Option<String> {
    let inflated;
    let raw = if crate::input::pprof::is_gzip(file) {
        inflated = crate::input::pprof::inflate(file, MAX_EMBEDDED_INFLATED).ok()?;
        &inflated[..]
    } else {
        file
    };
    let mut deflate = DeflateEncoder::new(Vec::new(), Compression::best());
    deflate.write_all(raw).ok()?;
    let compressed = deflate.finish().ok()?;
    let text = URL_SAFE_NO_PAD.encode(compressed);
    (text.len() <= EMBED_LIMIT_CHARS).then_some(text)
}

/// The profile bytes carried by a link part made by [`embed`].
pub fn unembed(text: &str) -> Result<Vec<u8>, ShareError> {
    let compressed = URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| ShareError::BadEmbeddedProfile {
            detail: e.to_string(),
        })?;
    let mut raw = Vec::new();
    DeflateDecoder::new(&compressed[..])
        .take(MAX_EMBEDDED_INFLATED + 1)
        .read_to_end(&mut raw)
        .map_err(|e| ShareError::BadEmbeddedProfile {
            detail: e.to_string(),
        })?;
    if raw.len() as u64 > MAX_EMBEDDED_INFLATED {
        return Err(ShareError::EmbeddedTooLarge);
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::frames::Granularity;
    use crate::view::color::ColorBy;

    #[test]
    fn a_view_round_trips_through_the_fragment() {
        let state = ShareState {
            value_type: Some("alloc_space".into()),
            orientation: Orientation::Icicle,
            zoom_path: vec![
                "main".into(),
                "net/http.(*conn).serve".into(),
                "odd;name & <b>=%".into(),
            ],
            search: "gc|malloc".into(),
            filters: FilterSpec {
                focus: "^main\\.(a|b)$".into(),
                show_from: "net/http & co".into(),
                granularity: Granularity::Lines,
                ..FilterSpec::default()
            },
            call_graph: true,
            graph_options: GraphOptions {
                node_count: 0,
                node_fraction: 0.0125,
                edge_fraction: 0.0,
            },
            shape: Shape {
                inverted: true,
                collapse_recursion: true,
            },
            colors: Some(Colors {
                by: ColorBy::SelfShare,
                colour_blind: true,
            }),
            profile_hash: Some(content_hash(b"x")),
            embedded: None,
            url: Some("https://example.com/p.pb.gz?x=1&y=2".into()),
            name: Some("cpu <b>&amp; profile.pb.gz".into()),
        };
        let fragment = state.to_fragment();
        assert!(
            !fragment.contains('<') && !fragment.contains(' '),
            "{fragment}"
        );
        assert_eq!(
            ShareState::from_fragment(&format!("#{fragment}")),
            Ok(state)
        );
        assert_eq!(ShareState::from_fragment(""), Ok(ShareState::default()));
    }

    #[test]
    fn graph_options_out_of_range_are_ignored() {
        let state =
            ShareState::from_fragment("v=1&g=1&nodecount=99999999&nodefraction=2&edgefraction=x")
                .unwrap();
        assert!(state.call_graph);
        assert_eq!(state.graph_options, GraphOptions::default());
        assert!(!ShareState::default().to_fragment().contains("node"));
    }

    #[test]
    fn a_long_name_is_cut_and_links_without_one_still_open() {
        let long = format!("v=1&n={}", "a".repeat(5000));
        let state = ShareState::from_fragment(&long).unwrap();
        assert_eq!(state.name.map(|n| n.len()), Some(MAX_NAME_CHARS));
        // A link made before names were carried.
        let old = ShareState::from_fragment("v=1&t=cpu&o=icicle").unwrap();
        assert_eq!((old.name, old.value_type.as_deref()), (None, Some("cpu")));
    }

    #[test]
    fn hostile_fragments_fail_with_a_message() {
        assert!(matches!(
            ShareState::from_fragment("v=2"),
            Err(ShareError::UnknownVersion { .. })
        ));
        assert_eq!(
            ShareState::from_fragment("q=%FF%FE"),
            Err(ShareError::BadEncoding { key: "q".into() })
        );
        let long = "q=".to_string() + &"a".repeat(MAX_FRAGMENT_CHARS);
        assert!(matches!(
            ShareState::from_fragment(&long),
            Err(ShareError::TooLong { .. })
        ));
        assert!(matches!(
            unembed("!!!not base64"),
            Err(ShareError::BadEmbeddedProfile { .. })
        ));
        // A deflate bomb: 100 MiB of zeros in a few hundred KiB of link.
        let mut bomb = DeflateEncoder::new(Vec::new(), Compression::best());
        bomb.write_all(&vec![0u8; 100 << 20]).unwrap();
        let text = URL_SAFE_NO_PAD.encode(bomb.finish().unwrap());
        assert_eq!(unembed(&text), Err(ShareError::EmbeddedTooLarge));
    }

    #[test]
    fn a_profile_embeds_and_comes_back_inflated() {
        let raw = b"main;a 3\nmain;b 4\n".repeat(10);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&raw).unwrap();
        let text = embed(&gz.finish().unwrap()).unwrap();
        assert_eq!(unembed(&text).unwrap(), raw);
        // Incompressible data beyond the limit is not embedded.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let noise: Vec<u8> = (0..200_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect();
        assert_eq!(embed(&noise), None);
    }
}
