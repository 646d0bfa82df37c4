//! Stable colours: every frame of one package (Go import path, C++ namespace, Java package)
//! gets the same warm hue wherever it appears, in a light and a dark variant.
//! Pure functions of names.

/// The package part of a function name: `github.com/x/y/pkg.(*T).M` -> `github.com/x/y/pkg`,
/// `std::vector<int>::push_back` -> `std`, `java.util.HashMap.get` -> `java.util`,
/// `runtime.mallocgc` -> `runtime`.
pub fn package_of(name: &str) -> &str {
    // `[binary]` and `<unknown>` frames: the binary is the package.
    if name.starts_with(['[', '<']) {
        return name;
    }
    if let Some(i) = name.find("::") {
        return &name[..i];
    }
    // Go: the import path ends at the first '.' after the last '/'.
    let after_slash = name.rfind('/').map_or(0, |i| i + 1);
    let dots: Vec<usize> = name[after_slash..]
        .match_indices('.')
        .map(|(i, _)| after_slash + i)
        .collect();
    if after_slash > 0 {
        return dots.first().map_or(name, |&i| &name[..i]);
    }
    // Java: leading lower-case segments are the package, the first capitalised one the class.
    let segments: Vec<&str> = name.split('.').collect();
    if segments.len() >= 3 {
        let package_len = segments
            .iter()
            .take_while(|s| s.starts_with(|c: char| c.is_ascii_lowercase()))
            .count();
        if package_len >= 2 && package_len < segments.len() {
            let end: usize = segments[..package_len]
                .iter()
                .map(|s| s.len() + 1)
                .sum::<usize>()
                - 1;
            return &name[..end];
        }
    }
    dots.first().map_or(name, |&i| &name[..i])
}

/// Light or dark page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// FNV-1a: a tiny stable hash, so colours do not change between versions or runs.
fn hash(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

/// The fill colour of a frame as CSS `hsl()`: hue from the package, a little lightness from
/// the function, so neighbours of one package stay distinguishable.
pub fn frame_color(name: &str, theme: Theme) -> String {
    let package = hash(package_of(name));
    // Red through orange to yellow, spread wide enough that neighbouring packages differ.
    let hue = package % 56;
    let saturation = 62 + (package >> 8) % 30;
    let base = match theme {
        Theme::Light => 52,
        Theme::Dark => 36,
    };
    let lightness = base + (package >> 16) % 12 + hash(name) % 5;
    format!("hsl({hue} {saturation}% {lightness}%)")
}

/// How many steps of change [`diff_step`] tells apart on each side of "unchanged".
pub const DIFF_STEPS: i32 = 8;

/// The change of a frame from `base` to `new` as a step in `-DIFF_STEPS..=DIFF_STEPS`:
/// negative shrank, positive grew, its size the change relative to the larger of the two.
pub fn diff_step(new: i64, base: i64) -> i32 {
    let larger = new.abs().max(base.abs());
    if larger == 0 || new == base {
        return 0;
    }
    let change = (new - base) as f64 / larger as f64;
    let step = (change * DIFF_STEPS as f64).round() as i32;
    // Any change at all shows.
    match step {
        0 => change.signum() as i32,
        step => step.clamp(-DIFF_STEPS, DIFF_STEPS),
    }
}

/// The fill colour of a diff step: red grew, blue shrank, grey unchanged, deeper for more.
pub fn diff_color(step: i32, theme: Theme) -> String {
    let intensity = step.unsigned_abs() as f64 / DIFF_STEPS as f64;
    let hue = if step >= 0 { 4 } else { 216 };
    let saturation = (intensity * 85.0).round();
    let lightness = match theme {
        Theme::Light => 88.0 - intensity * 36.0,
        Theme::Dark => 30.0 + intensity * 14.0,
    };
    format!("hsl({hue} {saturation}% {lightness:.0}%)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_steps_by_relative_change() {
        assert_eq!(diff_step(10, 10), 0);
        assert_eq!(diff_step(20, 10), 4);
        assert_eq!(diff_step(10, 0), 8);
        assert_eq!(diff_step(0, 10), -8);
        assert_eq!(diff_step(1000, 999), 1);
        assert!(diff_color(3, Theme::Light).starts_with("hsl(4 "));
        assert!(diff_color(-3, Theme::Dark).starts_with("hsl(216 "));
    }

    #[test]
    fn packages_by_language() {
        assert_eq!(
            package_of("github.com/x/y/pkg.(*T).Method"),
            "github.com/x/y/pkg"
        );
        assert_eq!(package_of("runtime.mallocgc"), "runtime");
        assert_eq!(package_of("std::vector<int>::push_back"), "std");
        assert_eq!(package_of("java.util.HashMap.get"), "java.util");
        assert_eq!(package_of("main"), "main");
        assert_eq!(package_of("[libc.so.6]"), "[libc.so.6]");
    }

    #[test]
    fn one_package_one_hue() {
        let hue = |c: String| c.split(' ').next().unwrap().to_string();
        assert_eq!(
            hue(frame_color("runtime.mallocgc", Theme::Light)),
            hue(frame_color("runtime.scanobject", Theme::Dark))
        );
        assert_eq!(
            frame_color("net/http.(*conn).serve", Theme::Light),
            frame_color("net/http.(*conn).serve", Theme::Light)
        );
    }
}
