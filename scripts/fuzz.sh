#!/usr/bin/env bash
# Fuzzes `load::open` + call tree with cargo-fuzz (libFuzzer), seeded with ../shared/corpus.
# A crash is saved under fuzz/artifacts/decode/; keep it as a regression test in tests/fixtures.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup-native.sh
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
mkdir -p fuzz/corpus/decode
corpus=${SCORCH_CORPUS:-../shared/corpus}
if [ -d "$corpus" ]; then
  find "$corpus" -type f ! -path '*/reference/*' ! -name '*.tsv' ! -name '*.md' -size -300k |
    while read -r f; do cp "$f" "fuzz/corpus/decode/$(printf '%s' "$f" | md5sum | cut -c1-16)"; done
fi
cargo +nightly fuzz run decode fuzz/corpus/decode -- \
  -max_total_time="${FUZZ_SECONDS:-600}" -rss_limit_mb=2048 -max_len=300000
