//! What a profile says about itself besides its samples: what `go tool pprof` prints above its
//! reports (File, Build ID, Type, Time, Duration and "Total samples = X (P%)") and the rest of
//! profile.proto's header (period, comments, the documentation link, drop and keep frames,
//! mappings, label keys), for the details panel, `scorch info` and a copied summary. Depends on
//! the profile model, pprof's total and the units.

use crate::analysis::total::pprof_total;
use crate::format;
use crate::model::profile::{Profile, ValueType};

/// A binary or library the profiled program had mapped, as the details list it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MappingDetails {
    pub file: String,
    pub build_id: String,
    /// Whether its locations have function names (pprof's `has_functions`): symbolized.
    pub has_functions: bool,
    pub memory_start: u64,
    pub memory_limit: u64,
}

/// A profile's header and counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Details {
    /// pprof's total of each value type, in the value types' order.
    pub totals: Vec<i64>,
    pub period_type: Option<ValueType>,
    pub period: i64,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub comments: Vec<String>,
    /// As written: see [`Details::doc_link`] before making it a link.
    pub doc_url: String,
    pub drop_frames: String,
    pub keep_frames: String,
    /// The first is the main binary (pprof's convention).
    pub mappings: Vec<MappingDetails>,
    /// Label keys, numeric ones with their unit (`bytes[bytes]`).
    pub label_keys: Vec<String>,
    pub samples: u64,
    pub locations: u64,
    pub functions: u64,
}

impl Details {
    pub fn of(profile: &Profile) -> Details {
        Details {
            totals: (0..profile.value_types.len())
                .map(|i| pprof_total(profile, i))
                .collect(),
            period_type: profile.period_type.clone(),
            period: profile.period,
            time_nanos: profile.time_nanos,
            duration_nanos: profile.duration_nanos,
            comments: profile.comments.clone(),
            doc_url: profile.doc_url.clone(),
            drop_frames: profile.drop_frames.clone(),
            keep_frames: profile.keep_frames.clone(),
            mappings: profile
                .mappings
                .iter()
                .map(|m| MappingDetails {
                    file: profile.str(m.file).to_string(),
                    build_id: profile.str(m.build_id).to_string(),
                    has_functions: m.has_functions,
                    memory_start: m.memory_start,
                    memory_limit: m.memory_limit,
                })
                .collect(),
            label_keys: profile.label_keys(),
            samples: profile.samples.len() as u64,
            locations: profile.locations.len() as u64,
            functions: profile.functions.len() as u64,
        }
    }

    /// The documentation link, only when it is an absolute `http:` or `https:` address with
    /// a host and no spaces or control characters: anything else (`javascript:`, `data:`, a
    /// relative path) is text, never a link.
    pub fn doc_link(&self) -> Option<&str> {
        let url = self.doc_url.as_str();
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        let rest = if lower.starts_with("https://") {
            &url[8..]
        } else if lower.starts_with("http://") {
            &url[7..]
        } else {
            return None;
        };
        let host_first = rest.chars().next()?;
        let clean = !url.chars().any(|c| c.is_control() || c.is_whitespace());
        (clean && !matches!(host_first, '/' | '\\' | '?' | '#')).then_some(url)
    }

    /// pprof's `Time:` value, in UTC: `Jan 2, 2006 at 3:04pm (UTC)`; none without a time.
    pub fn time(&self) -> Option<String> {
        (self.time_nanos != 0).then(|| pprof_time(self.time_nanos))
    }

    /// pprof's `Duration: D, Total samples = X (P%)` for a view whose total is `total` in
    /// `unit`: the share of the duration only for a time unit; none without a duration.
    pub fn duration_line(&self, total: i64, unit: &str) -> Option<String> {
        if self.duration_nanos == 0 {
            return None;
        }
        let duration = format::value(self.duration_nanos, "nanoseconds");
        let samples = format::value(total, unit);
        let share = self
            .duration_share(total, unit)
            .map(|share| format!(" ({share})"))
            .unwrap_or_default();
        Some(format!(
            "Duration: {duration}, Total samples = {samples}{share}"
        ))
    }

    /// How much of the duration `total` in `unit` is (`84.33%`; over 100% when several
    /// threads ran at once): none unless `unit` is time and there is a duration.
    pub fn duration_share(&self, total: i64, unit: &str) -> Option<String> {
        let ns = format::nanoseconds(total, unit).filter(|&ns| ns != 0.0)?;
        (self.duration_nanos != 0).then(|| {
            let ratio = (ns / self.duration_nanos as f64).abs() * 100.0;
            format!("{ratio:.2}%")
        })
    }

    /// The period as a person reads it: `10ms (100 Hz)` for time, `512KiB` for bytes, the
    /// number with its type otherwise; none without a period.
    pub fn period_text(&self) -> Option<String> {
        if self.period == 0 {
            return None;
        }
        let unit = self.period_type.as_ref().map_or("", |t| t.unit.as_str());
        let value = format::value(self.period, unit);
        let text = match format::nanoseconds(self.period, unit) {
            Some(ns) if ns > 0.0 => format!("{value} ({} Hz)", two_places(1e9 / ns)),
            _ => value,
        };
        Some(match &self.period_type {
            Some(t) if !t.name.is_empty() => format!("{text} of {}", t.name),
            _ => text,
        })
    }

    /// The lines `go tool pprof` prints above a report of value type `name` whose total is
    /// `total` in `unit` (pprof's `ProfileLabels`, its time in UTC and Scorch's units).
    pub fn pprof_header(&self, name: &str, total: i64, unit: &str) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(main) = self.mappings.first() {
            if !main.file.is_empty() {
                let base = main.file.rsplit('/').next().unwrap_or(&main.file);
                lines.push(format!("File: {base}"));
            }
            if !main.build_id.is_empty() {
                lines.push(format!("Build ID: {}", main.build_id));
            }
        }
        lines.extend(
            self.comments
                .iter()
                .filter(|c| !c.starts_with('#'))
                .cloned(),
        );
        if !name.is_empty() {
            lines.push(format!("Type: {name}"));
        }
        if let Some(time) = self.time() {
            lines.push(format!("Time: {time}"));
        }
        lines.extend(self.duration_line(total, unit));
        lines
    }
}

/// `x` with up to two decimals, trailing zeros dropped: `100`, `99.5`, `33.33`.
fn two_places(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A Unix time in nanoseconds as pprof writes it, in UTC: `Jan 2, 2006 at 3:04pm (UTC)`.
fn pprof_time(nanos: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let seconds = nanos.div_euclid(1_000_000_000);
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute) = (of_day / 3600, of_day % 3600 / 60);
    let (hour12, half) = match hour {
        0 => (12, "am"),
        1..=11 => (hour, "am"),
        12 => (12, "pm"),
        _ => (hour - 12, "pm"),
    };
    format!(
        "{} {day}, {year} at {hour12}:{minute:02}{half} (UTC)",
        MONTHS[month as usize - 1]
    )
}

/// The proleptic Gregorian date of a count of days since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`): (year, month 1-12, day 1-31).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_url(url: &str) -> Details {
        Details {
            doc_url: url.into(),
            ..Details::default()
        }
    }

    #[test]
    fn only_http_and_https_addresses_are_links() {
        for url in [
            "https://example.com/cpu.html",
            "http://pprof.example.com/x?y=1#z",
            "HTTPS://Example.com",
        ] {
            assert_eq!(with_url(url).doc_link(), Some(url), "{url}");
        }
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "//example.com/x",
            "/relative/path",
            "https:///no-host",
            "https://",
            "http:\\\\evil",
            "https://exa mple.com",
            "https://example.com/\nx",
            "file:///etc/passwd",
            "",
        ] {
            assert_eq!(with_url(url).doc_link(), None, "{url:?}");
        }
    }

    #[test]
    fn time_and_duration_read_as_pprof_prints_them() {
        // 2021-03-04 17:05:06 UTC.
        let details = Details {
            time_nanos: 1_614_877_506_123_456_789,
            duration_nanos: 30_000_000_000,
            ..Details::default()
        };
        assert_eq!(details.time().unwrap(), "Mar 4, 2021 at 5:05pm (UTC)");
        assert_eq!(pprof_time(0), "Jan 1, 1970 at 12:00am (UTC)");
        assert_eq!(
            pprof_time(951_782_400_000_000_000),
            "Feb 29, 2000 at 12:00am (UTC)"
        );
        assert_eq!(
            details
                .duration_line(25_300_000_000, "nanoseconds")
                .unwrap(),
            "Duration: 30s, Total samples = 25.30s (84.33%)"
        );
        // No share of the duration for a count.
        assert_eq!(
            details.duration_line(1234, "count").unwrap(),
            "Duration: 30s, Total samples = 1,234"
        );
        assert_eq!(Details::default().duration_line(1, "count"), None);
    }

    #[test]
    fn the_period_says_its_rate() {
        let cpu = Details {
            period: 10_000_000,
            period_type: Some(ValueType {
                name: "cpu".into(),
                unit: "nanoseconds".into(),
            }),
            ..Details::default()
        };
        assert_eq!(cpu.period_text().unwrap(), "10ms (100 Hz) of cpu");
        let heap = Details {
            period: 524_288,
            period_type: Some(ValueType {
                name: "space".into(),
                unit: "bytes".into(),
            }),
            ..Details::default()
        };
        assert_eq!(heap.period_text().unwrap(), "512KiB of space");
    }
}
