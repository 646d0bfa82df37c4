//! Stable colours, in a light and a dark variant and a palette told apart under colour
//! blindness: every frame of one package (Go import path, C++ namespace, Java package) gets the
//! same hue wherever it appears; or frames are coloured by their function's self share (hot
//! frames stand out); a comparison's frames by their change. Pure functions of names and
//! numbers.

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

/// What a frame's colour tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ColorBy {
    /// Its package (the same hue wherever the package appears).
    #[default]
    Package,
    /// Its function's self value (pprof's flat) against the hottest function's.
    SelfShare,
}

/// How frames are coloured; the default is by package in warm hues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Colors {
    pub by: ColorBy,
    /// Hues people with any colour blindness tell apart (Okabe and Ito's for packages, one
    /// hue by lightness for heat, blue and orange for a comparison).
    pub colour_blind: bool,
}

impl Colors {
    /// The names a link and the page's storage use: `package`, `self`; `cb` for the palette.
    pub fn by_name(self) -> &'static str {
        match self.by {
            ColorBy::Package => "package",
            ColorBy::SelfShare => "self",
        }
    }

    pub fn by_from_name(name: &str) -> Option<ColorBy> {
        match name {
            "package" => Some(ColorBy::Package),
            "self" => Some(ColorBy::SelfShare),
            _ => None,
        }
    }
}

/// Okabe and Ito's colours (hue, saturation), without black: told apart by every kind of
/// colour vision.
const OKABE_ITO: [(u32, u32); 7] = [
    (41, 100),  // orange
    (202, 77),  // sky blue
    (164, 100), // bluish green
    (56, 85),   // yellow
    (202, 100), // blue
    (27, 100),  // vermillion
    (326, 43),  // reddish purple
];

/// The fill colour of a frame by package as CSS `hsl()`: hue from the package, a little
/// lightness from the function, so neighbours of one package stay distinguishable.
pub fn frame_color(name: &str, theme: Theme, colour_blind: bool) -> String {
    let package = hash(package_of(name));
    let (hue, saturation) = if colour_blind {
        OKABE_ITO[(package % OKABE_ITO.len() as u32) as usize]
    } else {
        // Red through orange to yellow, spread wide enough that neighbouring packages differ.
        (package % 56, 62 + (package >> 8) % 30)
    };
    let base = match (theme, colour_blind) {
        (Theme::Light, false) => 52,
        (Theme::Light, true) => 60,
        (Theme::Dark, _) => 36,
    };
    let lightness = base + (package >> 16) % 12 + hash(name) % 5;
    format!("hsl({hue} {saturation}% {lightness}%)")
}

/// How many steps of heat [`heat_step`] tells apart above "no self value".
pub const HEAT_STEPS: u32 = 10;

/// A function's heat, `0..=HEAT_STEPS`: its flat against the hottest function's, on a square
/// root scale so the warm middle is not lost; 0 only without a self value.
pub fn heat_step(flat: i64, hottest: i64) -> u32 {
    if flat == 0 || hottest == 0 {
        return 0;
    }
    let share = (flat.unsigned_abs() as f64 / hottest.unsigned_abs() as f64).min(1.0);
    ((share.sqrt() * HEAT_STEPS as f64).round() as u32).clamp(1, HEAT_STEPS)
}

/// The fill colour of a heat step: pale and cool for none, through yellow to deep red (or,
/// for colour blindness, one blue from pale to deep); text stays readable on each.
pub fn heat_color(step: u32, theme: Theme, colour_blind: bool) -> String {
    let heat = step.min(HEAT_STEPS) as f64 / HEAT_STEPS as f64;
    let (hue, saturation) = match colour_blind {
        true => (212.0, 20.0 + heat * 60.0),
        false => (52.0 - heat * 50.0, 25.0 + heat * 65.0),
    };
    let lightness = match theme {
        Theme::Light => 88.0 - heat * 36.0,
        Theme::Dark => 26.0 + heat * 16.0,
    };
    format!("hsl({hue:.0} {saturation:.0}% {lightness:.0}%)")
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

/// The fill colour of a diff step: red (orange, for colour blindness) grew, blue shrank, grey
/// unchanged, deeper for more.
pub fn diff_color(step: i32, theme: Theme, colour_blind: bool) -> String {
    let intensity = step.unsigned_abs() as f64 / DIFF_STEPS as f64;
    let hue = match (step >= 0, colour_blind) {
        (true, false) => 4,
        (true, true) => 30,
        (false, _) => 216,
    };
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
        assert!(diff_color(3, Theme::Light, false).starts_with("hsl(4 "));
        assert!(diff_color(3, Theme::Light, true).starts_with("hsl(30 "));
        assert!(diff_color(-3, Theme::Dark, false).starts_with("hsl(216 "));
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
            hue(frame_color("runtime.mallocgc", Theme::Light, false)),
            hue(frame_color("runtime.scanobject", Theme::Dark, false))
        );
        assert_eq!(
            frame_color("net/http.(*conn).serve", Theme::Light, true),
            frame_color("net/http.(*conn).serve", Theme::Light, true)
        );
        // The colour-blind palette's hues are Okabe and Ito's.
        let cb = hue(frame_color("runtime.mallocgc", Theme::Light, true));
        assert!(OKABE_ITO.iter().any(|(h, _)| cb == format!("hsl({h}")));
    }

    #[test]
    fn heat_grows_with_the_self_share() {
        assert_eq!(heat_step(0, 100), 0);
        assert_eq!(heat_step(1, 1_000_000), 1);
        assert_eq!(heat_step(25, 100), 5);
        assert_eq!(heat_step(100, 100), HEAT_STEPS);
        assert_eq!(heat_step(-100, 100), HEAT_STEPS);
        let lightness = |c: String| c.rsplit(' ').next().unwrap().to_string();
        for cb in [false, true] {
            assert_ne!(
                lightness(heat_color(0, Theme::Light, cb)),
                lightness(heat_color(HEAT_STEPS, Theme::Light, cb))
            );
        }
    }
}
