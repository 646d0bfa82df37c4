# Sourced by the other scripts: makes sure a Rust toolchain with rustfmt and clippy is on PATH.
# On a machine without one it installs rustup's stable toolchain (the ordinary path).
if [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "== installing Rust (rustup, stable)"
  if ! command -v curl >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq curl ca-certificates
  fi
  if ! curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy; then
    echo "rustup could not be installed (no internet?); using Debian's rustc-web" >&2
    apt-get update -qq && apt-get install -y -qq rustc-web cargo-web
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if command -v rustup >/dev/null 2>&1; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi
