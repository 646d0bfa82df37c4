//! Values for people: nanoseconds as ms/s, bytes as KiB/MiB, counts with separators,
//! percentages and frame names as shown. Pure functions of numbers, unit names and names.

use std::borrow::Cow;

/// A frame's name as the viewer shows it: pprof's zero-padded address at the start of a name
/// (`000000000095fb2b main.f`, the key pprof matches and prints in `-top`) as `0x95fb2b main.f`,
/// the way pprof's graphs label an address. Other names are left as they are.
pub fn frame_label(name: &str) -> Cow<'_, str> {
    let hex = name.as_bytes().iter().take(16);
    let padded = name.len() >= 16
        && hex.clone().all(u8::is_ascii_hexdigit)
        && name.as_bytes().get(16).is_none_or(|&b| b == b' ');
    if !padded {
        return Cow::Borrowed(name);
    }
    let digits = name[..16].trim_start_matches('0');
    Cow::Owned(format!(
        "0x{}{}",
        if digits.is_empty() { "0" } else { digits },
        &name[16..]
    ))
}

/// A value in its unit, scaled to a readable magnitude with up to two decimals:
/// `1500000 nanoseconds` -> `1.50ms`, `3145728 bytes` -> `3MiB`, `1234567 count` -> `1,234,567`.
pub fn value(value: i64, unit: &str) -> String {
    const TIME: [(&str, f64); 6] = [
        ("ns", 1.0),
        ("µs", 1e3),
        ("ms", 1e6),
        ("s", 1e9),
        ("min", 60e9),
        ("h", 3600e9),
    ];
    const BYTES: [(&str, f64); 6] = [
        ("B", 1.0),
        ("KiB", 1024.0),
        ("MiB", 1048576.0),
        ("GiB", 1073741824.0),
        ("TiB", 1099511627776.0),
        ("PiB", 1125899906842624.0),
    ];
    let scale: Option<(&[(&str, f64)], f64)> = match (nanoseconds_per(unit), unit) {
        (Some(ns), _) => Some((&TIME, ns)),
        (None, "bytes" | "B") => Some((&BYTES, 1.0)),
        (None, "kilobytes" | "KB" | "kB") => Some((&BYTES, 1024.0)),
        (None, "megabytes" | "MB") => Some((&BYTES, 1048576.0)),
        _ => None,
    };
    let Some((units, factor)) = scale else {
        let count = separated(value);
        return match unit {
            "" | "count" | "samples" => count,
            unit => format!("{count} {unit}"),
        };
    };
    let base = value as f64 * factor;
    let (suffix, size) = units
        .iter()
        .rev()
        .find(|(_, size)| base.abs() >= *size)
        .copied()
        .unwrap_or(units[0]);
    format!("{}{suffix}", two_decimals(base / size))
}

/// Nanoseconds in one `unit`, if `unit` measures time (`milliseconds` -> 1e6).
fn nanoseconds_per(unit: &str) -> Option<f64> {
    match unit {
        "nanoseconds" | "ns" => Some(1.0),
        "microseconds" | "us" => Some(1e3),
        "milliseconds" | "ms" => Some(1e6),
        "seconds" | "s" => Some(1e9),
        _ => None,
    }
}

/// True when `unit` measures time.
pub fn is_time_unit(unit: &str) -> bool {
    nanoseconds_per(unit).is_some()
}

/// `value` in nanoseconds, when `unit` measures time.
pub fn nanoseconds(value: i64, unit: &str) -> Option<f64> {
    nanoseconds_per(unit).map(|ns| value as f64 * ns)
}

/// `%.2f` without a trailing `.00` (pprof's style): `1.50`, `150`, `-0.25`.
fn two_decimals(x: f64) -> String {
    let text = format!("{x:.2}");
    match text.strip_suffix(".00") {
        Some("-0") => "0".to_string(),
        Some(whole) => whole.to_string(),
        None => text,
    }
}

/// An integer with thousands separators: `-1234567` -> `-1,234,567`.
pub fn separated(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `part` as a percentage of `whole` with `decimals` digits (`0%` when `whole` is 0).
pub fn percent(part: i64, whole: i64, decimals: usize) -> String {
    let ratio = if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    };
    format!("{ratio:.decimals$}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_lose_their_zero_padding_and_names_stay() {
        assert_eq!(
            frame_label("000000000095fb2b main.f x.go:3"),
            "0x95fb2b main.f x.go:3"
        );
        assert_eq!(frame_label("00000000004a1b2c"), "0x4a1b2c");
        assert_eq!(frame_label("0000000000000000 [libc.so]"), "0x0 [libc.so]");
        assert_eq!(frame_label("main.main"), "main.main");
        // Sixteen hex letters that run on are a name, not an address.
        assert_eq!(frame_label("deadbeefdeadbeefcafe"), "deadbeefdeadbeefcafe");
        assert!(matches!(frame_label("runtime.mallocgc"), Cow::Borrowed(_)));
    }

    #[test]
    fn times_scale_to_readable_units() {
        assert_eq!(value(1_760_000_000, "nanoseconds"), "1.76s");
        assert_eq!(value(150_000_000, "nanoseconds"), "150ms");
        assert_eq!(value(1_500, "nanoseconds"), "1.50µs");
        assert_eq!(value(999, "nanoseconds"), "999ns");
        assert_eq!(value(0, "nanoseconds"), "0ns");
        assert_eq!(value(-20_000_000, "nanoseconds"), "-20ms");
        assert_eq!(value(90, "seconds"), "1.50min");
    }

    #[test]
    fn bytes_use_binary_prefixes() {
        assert_eq!(value(3 * 1024 * 1024, "bytes"), "3MiB");
        assert_eq!(value(1536, "bytes"), "1.50KiB");
        assert_eq!(value(512, "bytes"), "512B");
    }

    #[test]
    fn counts_get_separators() {
        assert_eq!(value(1_234_567, "count"), "1,234,567");
        assert_eq!(value(-1000, ""), "-1,000");
        assert_eq!(value(12, "objects"), "12 objects");
        assert_eq!(separated(999), "999");
        assert_eq!(separated(0), "0");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(234, 1000, 1), "23.4%");
        assert_eq!(percent(1, 0, 2), "0.00%");
    }
}
