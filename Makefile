# The project's commands; each installs what it needs on a fresh Debian machine.
.PHONY: test bench fuzz

# Every test: fmt, clippy, native tests (engine vs go tool pprof references, fixtures).
test:
	scripts/test.sh

# The native benchmark (see README, "Performance").
bench:
	cargo bench --bench pipeline

# Fuzz pprof decoding for FUZZ_SECONDS (default 600) with cargo-fuzz (needs a nightly toolchain).
fuzz:
	scripts/fuzz.sh
