//! Brendan Gregg's folded (collapsed) stacks, `main;a;b 12`, read
//! into a [`Profile`] so the viewer and tests can open them (a call tree writes them:
//! `CallTree::folded_stacks`). Knows nothing of protobuf.

use rustc_hash::FxHashMap;

use crate::error::LoadError;
use crate::model::profile::{
    Function, FunctionId, LabelSets, Line, Location, LocationId, Profile, Samples, StacksBuilder,
    StrId, StringTable, TooManyStacks, ValueType,
};

/// True when `bytes` look like folded stacks: text whose first non-empty line ends in a
/// number after a space.
pub fn looks_folded(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // The 4 KiB cut may split a character: judge what is valid.
        Err(e) if e.valid_up_to() > 0 && e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => return false,
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return false;
    }
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|line| split_line(line).is_some())
}

/// Splits `stack value` at the last run of whitespace.
fn split_line(line: &str) -> Option<(&str, i64)> {
    let (stack, value) = line.rsplit_once([' ', '\t'])?;
    let value = value.parse::<i64>().ok()?;
    let stack = stack.trim_end();
    (!stack.is_empty()).then_some((stack, value))
}

/// Reads folded stacks into a profile with one value type, `samples/count`. Blank lines and
/// lines starting with `#` are skipped; every other line must be `frame;frame;... value`.
pub fn parse(text: &str) -> Result<Profile, LoadError> {
    let mut strings = StringTable::default();
    strings.push("");
    let mut functions: Vec<Function> = Vec::new();
    let mut locations: Vec<Location> = Vec::new();
    let mut lines: Vec<Line> = Vec::new();
    let mut by_name: FxHashMap<String, LocationId> = FxHashMap::default();
    let mut samples = Samples::default();
    let mut stacks = StacksBuilder::default();
    let mut stack_locations: Vec<LocationId> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (stack, value) = split_line(line).ok_or_else(|| LoadError::Folded {
            line: number + 1,
            detail: format!(
                "expected `frame;frame;... count`, found {:?}",
                line.chars().take(80).collect::<String>()
            ),
        })?;
        stack_locations.clear();
        for name in stack.split(';') {
            let location = match by_name.get(name) {
                Some(&id) => id,
                None => {
                    let id = LocationId(locations.len() as u32);
                    let function = FunctionId(functions.len() as u32);
                    functions.push(Function {
                        id: functions.len() as u64 + 1,
                        name: strings.push(name),
                        system_name: StrId(0),
                        file: StrId(0),
                        start_line: 0,
                    });
                    lines.push(Line {
                        function: Some(function),
                        line: 0,
                    });
                    locations.push(Location {
                        id: locations.len() as u64 + 1,
                        mapping: None,
                        address: 0,
                        is_folded: false,
                        lines: lines.len() as u32 - 1..lines.len() as u32,
                    });
                    by_name.insert(name.to_string(), id);
                    id
                }
            };
            stack_locations.push(location);
        }
        // Folded text is root first, as the trie is built.
        let stack = stacks
            .stack(stack_locations.iter().copied())
            .map_err(|TooManyStacks| LoadError::TooMany { what: "stacks" })?;
        samples.stack.push(stack);
        samples.label_set.push(LabelSets::EMPTY);
        samples.values.push(value);
    }
    if samples.is_empty() {
        return Err(LoadError::Folded {
            line: 0,
            detail: "no stacks found".to_string(),
        });
    }
    Ok(Profile {
        value_types: vec![ValueType {
            name: "samples".to_string(),
            unit: "count".to_string(),
        }],
        strings,
        functions,
        locations,
        lines,
        stacks: stacks.finish(),
        samples,
        ..Profile::default()
    })
}
