#!/usr/bin/env bash
# Builds the browser app into dist/ (release, wasm-opt'd), installing what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup-web.sh
"$SCORCH_WASM_CARGO" fetch --locked >/dev/null
echo "== trunk build --release (wasm with $SCORCH_WASM_TOOLCHAIN)"
trunk build --release --offline
node scripts/finish-dist.mjs dist
wasm=$(ls dist/*.wasm)
echo "== built dist/ ($(du -k "$wasm" | cut -f1) KiB of wasm, $(gzip -c "$wasm" | wc -c | awk '{printf "%d", $1/1024}') KiB gzipped)"
