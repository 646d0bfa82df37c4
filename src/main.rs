//! The browser app's entry: mounts the Yew shell. Built for wasm32 by Trunk.

#[cfg(target_arch = "wasm32")]
fn main() {
    scorch::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "scorch-web is the browser app: build it with `trunk build` (see the README); \
         from a terminal, use `scorch`."
    );
    std::process::exit(2);
}
