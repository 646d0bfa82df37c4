#!/usr/bin/env bash
# Runs every test of the project: formatting and lints, the native tests (the engine against
# the go tool pprof references in ../shared/corpus, fixtures, unit tests), the release build
# of the browser app, then the browser tests in headless Chromium.
# Installs what a fresh Debian machine lacks. With CI=true a missing corpus is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/setup-native.sh
. scripts/setup-native.sh

if [ "${CI:-}" = "true" ]; then
  export SCORCH_REQUIRE_CORPUS=1
fi

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --release --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --release --locked --lib --bins --tests

echo "== release build of the browser app"
export SCORCH_NEED_BROWSER=1
scripts/build-web.sh
. scripts/setup-web.sh
echo "== scorch with the app built in (for scorch web)"
cargo build --release --locked --features app --bin scorch
echo "== cargo clippy (wasm)"
"$SCORCH_WASM_CARGO" clippy --lib --bin scorch-web --target wasm32-unknown-unknown \
  --profile wasm-release --locked -- -D warnings
echo "== browser tests"
(cd tests/browser && npm test)
