//! Opens a file whatever it holds, recognised by content rather than name: gzipped or raw
//! profile.proto, or folded stacks (themselves possibly gzipped). Reads it piece by piece.

use std::io::BufRead;

use crate::error::LoadError;
use crate::input::{folded, pprof};
use crate::model::profile::Profile;

/// The error for a text file of a format people mistake for a profile, recognised by its
/// first character: JSON (speedscope, Chrome traces) and HTML (an error or login page saved in
/// place of the profile). A profile.proto message never starts with these bytes as a valid
/// field (`{` would be field 15 with wire type 3, a group; `[` and `<` field 11 and 7 groups).
fn other_format(head: &[u8]) -> Option<LoadError> {
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &head[i..])?;
    match start.first()? {
        b'{' | b'[' => Some(LoadError::OtherFormat {
            format: "JSON (a speedscope or Chrome trace file?)",
            advice: "save the profile as pprof (profile.proto, e.g. `go tool pprof -proto`) or \
                     open it in the tool that wrote it",
        }),
        b'<' => Some(LoadError::OtherFormat {
            format: "an HTML page (an error or sign-in page saved instead of the profile?)",
            advice: "download the profile itself",
        }),
        _ => None,
    }
}

/// Decodes `bytes` as a profile of whichever supported format they are in.
pub fn open(bytes: &[u8], options: &pprof::DecodeOptions) -> Result<Profile, LoadError> {
    open_read(bytes, options)
}

/// Decodes the file read from `input` as a profile of whichever supported format it is in.
pub fn open_read(
    input: impl BufRead,
    options: &pprof::DecodeOptions,
) -> Result<Profile, LoadError> {
    let mut inflater = pprof::Inflater::new(input, options.max_inflated_bytes)?;
    let mut piece = vec![0u8; pprof::PIECE_BYTES];
    let filled = inflater.read(&mut piece)?;
    if filled == 0 {
        return Err(LoadError::Empty);
    }
    let head = &piece[..filled];
    if let Some(error) = other_format(head) {
        return Err(error);
    }
    if pprof::legacy_format(head).is_none() && folded::looks_folded(head) {
        let mut text = head.to_vec();
        loop {
            let n = inflater.read(&mut piece)?;
            if n == 0 {
                break;
            }
            text.extend_from_slice(&piece[..n]);
        }
        return folded::parse(&String::from_utf8_lossy(&text));
    }
    pprof::decode_pieces(&mut inflater, &mut piece, filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_html_are_named_not_called_protobuf() {
        let options = pprof::DecodeOptions::default();
        let json = open(
            b"  {\"$schema\": \"https://www.speedscope.app/file-format-schema.json\"}",
            &options,
        );
        assert!(
            matches!(json, Err(LoadError::OtherFormat { .. })),
            "{json:?}"
        );
        assert!(json
            .unwrap_err()
            .to_string()
            .contains("JSON (a speedscope or Chrome trace"));
        let chrome = open(b"[{\"name\":\"x\",\"ph\":\"X\"}]", &options);
        assert!(matches!(chrome, Err(LoadError::OtherFormat { .. })));
        let html = open(b"<!doctype html><title>403</title>", &options);
        assert!(html.unwrap_err().to_string().contains("HTML page"));
        // Folded stacks still open.
        assert!(open(b"main;a 3\n", &options).is_ok());
    }
}
