//! Where a profile comes from: a file, or an address fetched by the command itself (so CORS does
//! not apply), told apart and fetched as `go tool pprof` does: `--seconds N` sets the address's
//! `seconds=` (what net/http/pprof's CPU profile and trace read), and the request may take half
//! as long again as that (a minute without it).

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// The most a fetched profile may have, in bytes (as a link's profile in the app).
const MAX_FETCHED_BYTES: u64 = 512 << 20;

/// `source` as an address to fetch, if it is one, as pprof's `fetch` and `adjustURL` tell them
/// from files: a file that exists is a file; otherwise an `http://` or `https://` address is
/// one, and so is `host:port/path` (`localhost:6060/debug/pprof/heap`, as people type it for
/// net/http/pprof), fetched over `http://`.
fn url_of(source: &Path) -> Option<String> {
    let text = source.to_str()?;
    if source.exists() {
        return None;
    }
    if text.starts_with("http://") || text.starts_with("https://") {
        return Some(text.to_string());
    }
    let authority = text.split(['/', '?', '#']).next().unwrap_or(text);
    let (host, port) = authority.rsplit_once(':')?;
    let is_port = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    (!host.is_empty() && is_port).then(|| format!("http://{text}"))
}

/// The name `source` is shown by: a file's name, or the last part of an address's path.
pub fn name(source: &Path) -> Option<String> {
    match url_of(source) {
        Some(url) => Some(url_name(&url)),
        None => source.file_name().map(|n| n.to_string_lossy().into_owned()),
    }
}

/// `url` with `seconds=` set to `seconds` when given, and how long its request may take:
/// pprof's `adjustURL` (a duration taken from the address when the option does not give one).
fn adjusted(url: &str, seconds: Option<u64>) -> (String, Duration) {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let (path, query) = base.split_once('?').unwrap_or((base, ""));
    let mut pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    let from_url = pairs
        .iter()
        .find_map(|p| p.strip_prefix("seconds="))
        .and_then(|s| s.parse::<u64>().ok());
    let seconds_pair;
    if let Some(seconds) = seconds {
        pairs.retain(|p| !p.starts_with("seconds=") && *p != "seconds");
        seconds_pair = format!("seconds={seconds}");
        pairs.push(&seconds_pair);
    }
    let mut adjusted = path.to_string();
    if !pairs.is_empty() {
        adjusted.push('?');
        adjusted.push_str(&pairs.join("&"));
    }
    if let Some(fragment) = fragment {
        adjusted.push('#');
        adjusted.push_str(fragment);
    }
    let timeout = match seconds.or(from_url) {
        Some(seconds) if seconds > 0 => Duration::from_secs(seconds + seconds / 2),
        _ => Duration::from_secs(60),
    };
    (adjusted, timeout)
}

/// The name a fetched profile is shown by: the last part of the address's path, else its host.
fn url_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    path.rsplit('/')
        .find(|segment| !segment.is_empty())
        .unwrap_or(path)
        .to_string()
}

/// Fetches `url` (with `seconds` as pprof's `-seconds`), saying so on standard error.
fn fetch(url: &str, seconds: Option<u64>) -> Result<Vec<u8>, String> {
    let (url, timeout) = adjusted(url, seconds);
    eprintln!("Fetching profile over HTTP from {url}");
    if let Some(seconds) = seconds.filter(|&s| s > 0) {
        eprintln!("Please wait... ({seconds}s)");
    }
    let started = Instant::now();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout + Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(&url)
        .call()
        .map_err(|e| format!("{url}: http fetch: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        let headers = response.headers();
        let from_pprof = headers.contains_key("x-go-pprof")
            && headers
                .get("content-type")
                .and_then(|t| t.to_str().ok())
                .is_some_and(|t| t.contains("text/plain"));
        let mut message = format!("{url}: server response: {status}");
        if from_pprof {
            let mut body = String::new();
            let _ = response
                .body_mut()
                .as_reader()
                .take(4096)
                .read_to_string(&mut body);
            message.push_str(&format!(" - {}", body.trim()));
        }
        return Err(message);
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_FETCHED_BYTES)
        .read_to_vec()
        .map_err(|e| format!("{url}: {e}"))?;
    eprintln!(
        "Fetched {} bytes in {:.1}s",
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(bytes)
}

/// The bytes of `source`, a file or an address.
pub fn read(source: &Path, seconds: Option<u64>) -> Result<Vec<u8>, String> {
    match url_of(source) {
        Some(url) => fetch(&url, seconds),
        None => std::fs::read(source).map_err(|e| format!("{}: {e}", source.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_set_as_pprof_sets_them() {
        let base = "http://localhost:6060/debug/pprof/profile";
        assert_eq!(adjusted(base, None), (base.into(), Duration::from_secs(60)));
        assert_eq!(
            adjusted(base, Some(10)),
            (format!("{base}?seconds=10"), Duration::from_secs(15))
        );
        assert_eq!(
            adjusted(&format!("{base}?seconds=30&debug=0"), Some(4)),
            (format!("{base}?debug=0&seconds=4"), Duration::from_secs(6))
        );
        // The address's own duration sets the timeout when the option gives none.
        assert_eq!(
            adjusted(&format!("{base}?seconds=20"), None),
            (format!("{base}?seconds=20"), Duration::from_secs(30))
        );
    }

    #[test]
    fn addresses_are_told_from_files_as_pprof_tells_them() {
        let url = |s: &str| url_of(Path::new(s));
        assert_eq!(url("https://x/p").as_deref(), Some("https://x/p"));
        assert_eq!(url("http://x").as_deref(), Some("http://x"));
        assert_eq!(
            url("localhost:6060/debug/pprof/heap").as_deref(),
            Some("http://localhost:6060/debug/pprof/heap")
        );
        assert_eq!(
            url("127.0.0.1:6060/debug/pprof/profile?seconds=5").as_deref(),
            Some("http://127.0.0.1:6060/debug/pprof/profile?seconds=5")
        );
        assert_eq!(
            url("[::1]:6060/debug/pprof/heap").as_deref(),
            Some("http://[::1]:6060/debug/pprof/heap")
        );
        for file in [
            "cpu.pprof",
            "dir/cpu.pprof",
            "file:cpu.pprof",
            "a:b/c",
            ":80/x",
        ] {
            assert_eq!(url(file), None, "{file}");
        }
    }

    #[test]
    fn fetched_profiles_are_named_by_their_path() {
        assert_eq!(
            url_name("http://localhost:6060/debug/pprof/profile?seconds=5"),
            "profile"
        );
        assert_eq!(url_name("https://example.com/p/cpu.pb.gz"), "cpu.pb.gz");
        assert_eq!(url_name("https://example.com/"), "example.com");
        assert_eq!(
            name(Path::new("http://h:6060/debug/pprof/heap")).as_deref(),
            Some("heap")
        );
        assert_eq!(
            name(Path::new("dir/cpu.pprof")).as_deref(),
            Some("cpu.pprof")
        );
    }
}
