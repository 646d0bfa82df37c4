# The project's commands; each installs what it needs on a fresh Debian machine.
.PHONY: serve install test web bench bench-wasm bench-render bench-browser bench-graph fuzz fuzz-ui example screenshot

# Build the app and serve it with the example profile on http://127.0.0.1:8080/ (PORT=...).
serve: web
	@echo "Scorch: http://127.0.0.1:$${PORT:-8080}/"
	python3 -m http.server "$${PORT:-8080}" --bind 127.0.0.1 --directory dist

# The `scorch` command into cargo's bin directory, with the browser app built into it, so that
# `scorch web` serves it (as `go tool pprof -http`).
install: web
	cargo install --locked --path . --features app

# The release build of the browser app into dist/.
web:
	scripts/build-web.sh

# Every test: fmt, clippy, native tests, the release build, browser tests in Chromium.
test:
	scripts/test.sh

# The native benchmark (see README, "Performance").
bench:
	cargo bench --bench pipeline

# The engine's stages compiled to wasm32 and timed in node's V8, five runs each (the first is
# unoptimised code, as on a browser's first open), on the files of SCORCH_BENCH_WASM_FILES.
bench-wasm:
	. scripts/setup-web.sh && cd tools/wasm-bench && "$$SCORCH_WASM_CARGO" build --release --target wasm32-unknown-unknown
	node tools/wasm-bench/run.mjs tools/wasm-bench/target/wasm32-unknown-unknown/release/wasm_bench.wasm \
	  $${SCORCH_BENCH_WASM_FILES:-../shared/corpus/pyroscope/profile.pprof ../shared/corpus/pprof/large.cpu}

# Redraw times of a ~1M-node flame graph in headless Chromium (p50/p95 of a scripted zoom/pan).
bench-render: web
	cargo build --release --bin scorch
	. scripts/setup-web.sh && node tests/browser/render.bench.mjs

# Time to first draw and peak memory opening profiles in headless Chromium, Scorch against
# speedscope and the native floor (see README, "Performance"; SCORCH_BENCH_BROWSER_SIZES=...).
bench-browser: web
	cargo build --release --bin scorch
	. scripts/setup-web.sh && node tests/browser/open.bench.mjs

# The Graph view in headless Chromium: first frame of 80, 200 and 500 nodes, pan and zoom
# redraws (see README, "Performance"); and the native build, layout and SVG times.
bench-graph: web
	cargo bench --bench graph
	. scripts/setup-web.sh && node tests/browser/graph.bench.mjs

# Fuzz pprof decoding and the Sample reader, FUZZ_SECONDS (default 600) each, with cargo-fuzz
# (needs a nightly toolchain; FUZZ_TARGETS=decode or sample for one).
fuzz:
	scripts/fuzz.sh

# The seeded random walk over the app in Chromium with new seeds for SCORCH_WALK_MINUTES
# (default 60); a failing seed is printed, to be kept in tests/browser/walk.test.mjs.
fuzz-ui: web
	cargo build --release --bin scorch
	. scripts/setup-web.sh && SCORCH_NEED_BROWSER=1 node tests/browser/walk.mjs

# Re-record static/example.pb.gz: Scorch's own engine profiled with pprof-rs.
example:
	cd tools/record-example && cargo build --release
	tools/record-example/target/release/record-example static/example.pb.gz

# The README's screenshots, docs/screenshot.png and docs/source.png (headless Chromium; the
# second profiles Go's compress/flate with the machine's Go).
screenshot: web
	. scripts/setup-web.sh && node tests/browser/screenshot.mjs
