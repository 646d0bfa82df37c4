//! `scorch web`: serves the browser app and the profile given on the command line from this
//! machine, on the loopback interface unless told otherwise, every address under a random
//! token (as Jupyter does) so that other local users and other web pages cannot read the
//! profile; prints that address first and opens the default browser at it.

use std::borrow::Cow;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use scorch::view::share::ShareState;
use tiny_http::{Header, Response, Server};

/// Where the app's files come from: built into the command, or a directory (`make web`'s dist/).
pub enum AppFiles {
    #[cfg(feature = "app")]
    BuiltIn,
    Directory(PathBuf),
}

#[cfg(feature = "app")]
#[derive(rust_embed::Embed)]
#[folder = "dist/"]
struct BuiltIn;

impl AppFiles {
    /// The built-in files, or those of `dir` when given; an error when there are neither.
    pub fn choose(dir: Option<PathBuf>) -> Result<AppFiles, String> {
        if let Some(dir) = dir {
            if !dir.join("index.html").is_file() {
                return Err(format!(
                    "{}: no index.html there (build the app with `make web`)",
                    dir.display()
                ));
            }
            return Ok(AppFiles::Directory(dir));
        }
        #[cfg(feature = "app")]
        return Ok(AppFiles::BuiltIn);
        #[cfg(not(feature = "app"))]
        Err(
            "this scorch was built without the app: install it with `make install` (which \
             builds the app into it), or give the app's directory with --app dist after \
             `make web`"
                .into(),
        )
    }

    /// The file `name` of the app (a plain file name: no directories, nothing hidden).
    fn get(&self, name: &str) -> Option<Cow<'static, [u8]>> {
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
            return None;
        }
        match self {
            #[cfg(feature = "app")]
            AppFiles::BuiltIn => BuiltIn::get(name).map(|f| f.data),
            AppFiles::Directory(dir) => std::fs::read(dir.join(name)).ok().map(Cow::Owned),
        }
    }
}

/// A profile to serve: its bytes as the file has them, and the name the page shows.
pub struct Served {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Where to listen and what to do once listening.
pub struct WebOptions {
    /// The interface: the loopback one unless `--listen` gives another.
    pub listen: IpAddr,
    /// The port; 0 takes a free one.
    pub port: u16,
    pub open_browser: bool,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            open_browser: true,
        }
    }
}

/// A random token of 128 bits, as hex.
fn token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random token could be made: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The page's address under `root` (`http://host:port/token/`): with a profile, a link to it
/// as the app reads links (`#v=1&url=profile/NAME`, relative, so on this server).
fn page_address(root: &str, profile: Option<&Served>) -> String {
    match profile {
        Some(profile) => {
            let link = ShareState {
                url: Some(format!("profile/{}", profile.name)),
                ..ShareState::default()
            };
            format!("{root}#{}", link.to_fragment())
        }
        None => root.to_string(),
    }
}

/// The content type of an app file, by its extension.
fn content_type(name: &str) -> &'static str {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("webmanifest") => "application/manifest+json",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

/// Serves the app and `profile` until the process is stopped; the first line written to `out`
/// is the address to open (token included).
pub fn serve(
    app: AppFiles,
    profile: Option<Served>,
    options: &WebOptions,
    out: &mut impl Write,
) -> Result<(), Box<dyn std::error::Error>> {
    let token = token()?;
    let server = Server::http(SocketAddr::new(options.listen, options.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", options.listen, options.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or("the server has no address")?;
    let host = match options.listen {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let root = format!("/{token}/");
    let address = page_address(&format!("http://{host}:{port}{root}"), profile.as_ref());
    writeln!(out, "{address}")?;
    out.flush()?;
    eprintln!("scorch web: serving Scorch at the address above until stopped (Ctrl-C)");
    if options.open_browser {
        if let Err(e) = open::that_detached(&address) {
            eprintln!("scorch web: could not open a browser ({e}): open the address yourself");
        }
    }
    for request in server.incoming_requests() {
        let path = request.url().split(['?', '#']).next().unwrap_or("");
        let response = match path.strip_prefix(&root) {
            // Without the token nothing is served, not even whether the path exists.
            None => Response::from_string("This address needs the token `scorch web` printed.")
                .with_status_code(403),
            Some(rest) if rest.starts_with("profile/") => match &profile {
                Some(profile) => Response::from_data(profile.bytes.clone())
                    .with_header(header("Content-Type", "application/octet-stream"))
                    .with_header(header("Cache-Control", "no-store")),
                None => Response::from_string("no profile was given").with_status_code(404),
            },
            Some(rest) => {
                let name = if rest.is_empty() { "index.html" } else { rest };
                match app.get(name) {
                    Some(data) => Response::from_data(data.into_owned())
                        .with_header(header("Content-Type", content_type(name))),
                    None => Response::from_string("not found").with_status_code(404),
                }
            }
        };
        // The token must not leave with a link the person follows.
        let response = response
            .with_header(header("Referrer-Policy", "no-referrer"))
            .with_header(header("X-Content-Type-Options", "nosniff"));
        if let Err(e) = request.respond(response) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("scorch web: {e}");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_links_the_profile_whatever_its_name() {
        let root = "http://127.0.0.1:1/t/";
        assert_eq!(page_address(root, None), root);
        for name in ["cpu.pprof", "a b&c#d=é%.pprof"] {
            let served = Served {
                name: name.to_string(),
                bytes: Vec::new(),
            };
            let address = page_address(root, Some(&served));
            let fragment = address.strip_prefix(root).unwrap();
            assert!(!fragment[1..].contains(['#', ' ']), "{address}");
            let link = ShareState::from_fragment(fragment).unwrap();
            assert_eq!(link.url, Some(format!("profile/{name}")));
        }
    }

    #[test]
    fn only_plain_names_are_app_files() {
        let app = AppFiles::Directory(PathBuf::from("."));
        for name in ["", "../Cargo.toml", ".git", "a/b", "a\\b"] {
            assert!(app.get(name).is_none(), "{name}");
        }
        assert!(app.get("Cargo.toml").is_some());
    }
}
