//! pprof's load-time pruning (`Profile.RemoveUninteresting`): frames matching the profile's
//! `drop_frames` (and not `keep_frames`) are removed with everything beneath them, as
//! `go tool pprof` does before it reports anything.

use regex::Regex;

use crate::error::LoadError;
use crate::model::profile::{Profile, StackId, Stacks};

fn anchored(field: &'static str, pattern: &str) -> Result<Regex, LoadError> {
    Regex::new(&format!("^({pattern})$")).map_err(|e| LoadError::FramesRegex {
        field,
        detail: e.to_string(),
    })
}

/// pprof's `simplifyFunc`: drops a leading `.` and the argument list from the first `(` that
/// does not start `(anonymous namespace)` or belong to `operator()`.
fn simplify_function_name(name: &str) -> &str {
    const RESERVED: [&str; 2] = ["(anonymous namespace)", "operator()"];
    let name = name.strip_prefix('.').unwrap_or(name);
    let mut at = 0;
    while at < name.len() {
        let rest = &name[at..];
        if let Some(reserved) = RESERVED.iter().find(|r| rest.starts_with(*r)) {
            at += reserved.len();
        } else if rest.starts_with('(') {
            return &name[..at];
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    name
}

/// Applies `drop_frames` / `keep_frames`, as pprof's `Profile.Prune`.
pub fn drop_frames(profile: &mut Profile) -> Result<(), LoadError> {
    if profile.drop_frames.is_empty() {
        return Ok(());
    }
    let drop = anchored("drop_frames", &profile.drop_frames)?;
    let keep = match profile.keep_frames.as_str() {
        "" => None,
        pattern => Some(anchored("keep_frames", pattern)?),
    };
    // Per location: prune it whole (the outermost line matches) or below a matching line.
    let mut prune = vec![false; profile.locations.len()];
    let mut beneath = vec![false; profile.locations.len()];
    let mut trimmed = Vec::new();
    for (index, location) in profile.locations.iter().enumerate() {
        let lines = profile.location_lines(location);
        let matching = lines.iter().rposition(|line| {
            line.function.is_some_and(|f| {
                let name = profile.str(profile.functions[f.0 as usize].name);
                let simple = simplify_function_name(name);
                !name.is_empty()
                    && drop.is_match(simple)
                    && !keep.as_ref().is_some_and(|k| k.is_match(simple))
            })
        });
        if let Some(i) = matching {
            beneath[index] = true;
            if i == lines.len() - 1 {
                prune[index] = true;
            } else {
                // Keep only the callers of the matching line.
                trimmed.push((index, location.lines.start + i as u32 + 1));
            }
        }
    }
    for (index, start) in trimmed {
        profile.locations[index].lines.start = start;
    }
    // Per stack, from the root: after the first location that is neither pruned nor has
    // pruned lines, the first pruned location cuts the stack (dropping it and its callees),
    // and the first location with pruned lines cuts its callees. Either way a stack becomes
    // one of its callers, found with one pass over the trie, callers first.
    #[derive(Clone, Copy, PartialEq)]
    enum Seen {
        /// Only pruned locations so far (they are kept: nothing above them to keep instead).
        NoUserFrame,
        UserFrame,
        Cut,
    }
    let stacks = &profile.stacks;
    let mut kept: Vec<StackId> = Vec::with_capacity(stacks.len());
    let mut seen: Vec<Seen> = Vec::with_capacity(stacks.len());
    kept.push(Stacks::EMPTY);
    seen.push(Seen::NoUserFrame);
    for s in 1..stacks.len() {
        let stack = StackId(s as u32);
        let parent = stacks.parent(stack).0 as usize;
        let l = stacks.location(stack).0 as usize;
        let (to, state) = match seen[parent] {
            Seen::Cut => (kept[parent], Seen::Cut),
            _ if !prune[l] && !beneath[l] => (stack, Seen::UserFrame),
            Seen::NoUserFrame => (stack, Seen::NoUserFrame),
            Seen::UserFrame if prune[l] => (kept[parent], Seen::Cut),
            Seen::UserFrame => (stack, Seen::Cut),
        };
        kept.push(to);
        seen.push(state);
    }
    for stack in &mut profile.samples.stack {
        *stack = kept[stack.0 as usize];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::simplify_function_name;

    #[test]
    fn simplify_keeps_reserved_parentheses() {
        assert_eq!(simplify_function_name("foo(int)"), "foo");
        assert_eq!(simplify_function_name(".foo"), "foo");
        assert_eq!(
            simplify_function_name("(anonymous namespace)::f(int)"),
            "(anonymous namespace)::f"
        );
        assert_eq!(
            simplify_function_name("Cls::operator()(int)"),
            "Cls::operator()"
        );
        assert_eq!(simplify_function_name("main.f"), "main.f");
    }
}
