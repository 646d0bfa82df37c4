# Sourced by the web scripts: makes sure everything the wasm build and the browser tests need
# is installed, and exports the environment for building. The ordinary path first
# (rustup's wasm32 target); where it cannot be downloaded, Debian's rustc-web building std
# for wasm32 itself (see the README, "Toolchain").
# shellcheck source=scripts/setup-native.sh
. scripts/setup-native.sh

WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14

apt_install() {
  if [ -z "${SCORCH_APT_UPDATED:-}" ]; then
    apt-get update -qq
    SCORCH_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# A Rust that can build for wasm32.
if rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' ||
   rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
  SCORCH_WASM_CARGO=cargo
  SCORCH_WASM_TOOLCHAIN="rustup's wasm32-unknown-unknown target"
else
  if [ ! -x /usr/bin/cargo ] || [ ! -d /usr/lib/rustlib/src ] || [ ! -x /usr/lib/llvm-19/bin/wasm-ld ]; then
    echo "== installing Debian's rustc-web (the wasm32 target cannot be downloaded here)"
    apt_install rustc-web cargo-web rust-web-src lld-19
  fi
  SCORCH_WASM_CARGO=/usr/bin/cargo
  SCORCH_WASM_TOOLCHAIN="Debian's rustc-web, building std for wasm32"
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-19/bin/wasm-ld
  # Trunk runs `cargo` from PATH: Debian's must come first, for the wasm build only.
  SCORCH_WASM_PATH=/usr/bin
fi
export SCORCH_WASM_CARGO SCORCH_WASM_TOOLCHAIN

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "== installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  echo "== installing trunk $TRUNK_VERSION (a few minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi
# wasm-opt 132 and playwright-core come from npm (Debian's binaryen is too old).
if ! command -v npm >/dev/null 2>&1; then
  echo "== installing Node.js and npm"
  apt_install nodejs npm
fi
if [ ! -x tests/browser/node_modules/.bin/wasm-opt ] || [ ! -d tests/browser/node_modules/playwright-core ]; then
  echo "== installing npm packages (binaryen, playwright-core)"
  (cd tests/browser && npm ci --no-audit --no-fund)
fi
export PATH="$PWD/tests/browser/node_modules/.bin:${SCORCH_WASM_PATH:+$SCORCH_WASM_PATH:}$PATH"
# Debian's Chromium for the browser tests (no browser download from elsewhere).
if [ -n "${SCORCH_NEED_BROWSER:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "== installing Chromium"
  apt_install chromium chromium-driver
fi
