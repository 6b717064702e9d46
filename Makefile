# The lab framework's commands. Test targets never run fmt or clippy, so a
# newer toolchain's lint cannot stop anyone from running tests; `make check`
# does that.
#
# Lab suites run in sim unless LAB_RUNTIME=real; LAB_SEED picks the first
# seed (fresh and printed if unset) and LAB_SEEDS=n runs n seeds per test.
# They run one test at a time, as the course does, so the course lines read
# in order.

CARGO ?= cargo
LAB = $(CARGO) test -p tests --test
ONE_AT_A_TIME = -- --test-threads=1 --nocapture

.PHONY: test test-labrt test-labcodec test-labrpc test-linearizability test-kvraft \
	test-raft-ci test-kvraft-ci test-2 test-2a test-2b test-2c test-2d test-3 test-3a \
	test-3b bench check

## Everything CI runs.
test: test-labrt test-labcodec test-labrpc test-linearizability test-kvraft \
	test-raft-ci test-kvraft-ci

## The runtime's own tests, in the sim and real backends.
test-labrt:
	$(CARGO) test -p labrt

## The codec's tests.
test-labcodec:
	$(CARGO) test -p labcodec

## The network's tests, in the sim and real backends.
test-labrpc:
	$(CARGO) test -p labrpc

## The linearizability checker's tests, on the recorded histories.
test-linearizability:
	$(CARGO) test -p linearizability

## The key/value service's own tests: its state machine and a small cluster.
test-kvraft:
	$(CARGO) test -p kvraft

## The raft lab, part by part.
test-2a:
	$(LAB) raft 2a $(ONE_AT_A_TIME)
test-2b:
	$(LAB) raft 2b $(ONE_AT_A_TIME)
test-2c:
	$(LAB) raft 2c $(ONE_AT_A_TIME)
test-2d:
	$(LAB) raft 2d $(ONE_AT_A_TIME)
test-2:
	$(LAB) raft $(ONE_AT_A_TIME)

## The key/value lab, part by part.
test-3a:
	$(LAB) kvraft 3a $(ONE_AT_A_TIME)
test-3b:
	$(LAB) kvraft 3b $(ONE_AT_A_TIME)
test-3:
	$(LAB) kvraft $(ONE_AT_A_TIME)

## The raft suite as CI runs it: fixed seeds in sim, then once in real time.
test-raft-ci:
	LAB_RUNTIME=sim LAB_SEED=1 LAB_SEEDS=3 $(LAB) raft
	LAB_RUNTIME=real $(LAB) raft $(ONE_AT_A_TIME)

## The key/value suite as CI runs it: fixed seeds in sim, then once in real
## time.
test-kvraft-ci:
	LAB_RUNTIME=sim LAB_SEED=1 LAB_SEEDS=3 $(LAB) kvraft
	LAB_RUNTIME=real $(LAB) kvraft $(ONE_AT_A_TIME)

## Benchmarks: prints the tables of figures.
bench:
	$(CARGO) bench -p labrt --bench runtime
	$(CARGO) bench -p labrpc --bench network
	$(CARGO) bench -p tests --bench raft
	$(CARGO) bench -p tests --bench kvraft
	$(CARGO) bench -p linearizability --bench checker

## Formatting and lints.
check:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
