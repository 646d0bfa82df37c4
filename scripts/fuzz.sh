#!/usr/bin/env bash
# Fuzzes with cargo-fuzz (libFuzzer), FUZZ_SECONDS (default 600) for each of FUZZ_TARGETS
# (default both): `decode`, `load::open` + call tree, seeded with ../shared/corpus; `sample`, the
# hand-written Sample reader against prost's. A crash is saved under fuzz/artifacts/<target>/;
# keep it as a regression test (tests/fixtures.rs, or src/input/pprof/sample.rs's tests).
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
for target in ${FUZZ_TARGETS:-decode sample}; do
  mkdir -p "fuzz/corpus/$target"
  cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="${FUZZ_SECONDS:-600}" -rss_limit_mb=2048 -max_len=300000
done
