# The lab framework's commands. Test targets never run fmt or clippy, so a
# newer toolchain's lint cannot stop anyone from running tests; `make check`
# does that.

CARGO ?= cargo

.PHONY: test test-labrt test-labcodec test-labrpc bench check

## Everything CI runs.
test: test-labrt test-labcodec test-labrpc

## The runtime's own tests, in the sim and real backends.
test-labrt:
	$(CARGO) test -p labrt

## The codec's tests.
test-labcodec:
	$(CARGO) test -p labcodec

## The network's tests, in the sim and real backends.
test-labrpc:
	$(CARGO) test -p labrpc

## Benchmarks: prints the tables of figures.
bench:
	$(CARGO) bench -p labrt --bench runtime
	$(CARGO) bench -p labrpc --bench network

## Formatting and lints.
check:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
