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
# The `lab` command (the labtool crate), built on first use.
LAB_TOOL = $(CARGO) run -q -p labtool --
# Where `make test-handout` writes and builds its handout.
HANDOUT_CHECK = target/handout-check

# Runs the parts $(1), each `suite:part`, in order, each to its end, and
# fails if any failed. It builds first, so a build error is reported once;
# a bad LAB_* value (exit status 2) stops it at once.
PARTS = for run in $(1); do $(CARGO) test -p tests --test $${run%%:*} --no-run -q || exit $$?; done; \
	status=0; \
	for run in $(1); do \
		$(CARGO) test -p tests --test $${run%%:*} $${run\#\#*:} $(ONE_AT_A_TIME); code=$$?; \
		if [ $$code -eq 2 ]; then exit 2; fi; \
		if [ $$code -ne 0 ]; then status=1; fi; \
	done; exit $$status

.DEFAULT_GOAL := help

.PHONY: help test test-labrt test-labcodec test-labrpc test-linearizability test-kvraft test-harness \
	test-labtool test-handout test-raft-ci test-kvraft-ci test-2 test-2a test-2b test-2c \
	test-2d test-3 test-3a test-3b test-4 test-4a test-4b test-shardctrler test-shardctrler-ci \
	test-shardkv test-shardkv-ci stress grade mutants test-mutants-ci merge stress-reference test-stress-reference-ci \
	handout bench bench-logging check check-handout view logs install-chromium

## This list of targets (plain `make` prints it too).
help:
	@echo "Targets:"
	@awk '/^## / { doc = (doc == "" ? "" : doc " ") substr($$0, 4); next } \
		/^[a-z0-9-]+:/ && doc != "" { split($$0, t, ":"); printf "  %-22s %s\n", t[1], doc } \
		{ doc = "" }' $(MAKEFILE_LIST)
	@echo "Variables: LAB_RUNTIME=sim|real, LAB_SEED=<u64>, LAB_SEEDS=<n>, OUT=<dir> (handout),"
	@echo "  SEEDS, FIRST_SEED, JOBS, SHARE=k/n (stress-reference, grade), JSON=<file> (stress-reference),"
	@echo "  RUBRIC, SUBMISSIONS, SEED_FILE (grade), LOG=<run log>, PAGE=<page.html> (view, logs)"

## Everything CI runs.
test: test-labrt test-labcodec test-labrpc test-linearizability test-kvraft test-shardctrler \
	test-shardkv test-harness test-labtool test-handout test-raft-ci test-kvraft-ci \
	test-shardctrler-ci test-shardkv-ci test-stress-reference-ci test-mutants-ci

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

## The shard controller's own tests: its rebalancing and its state machine.
test-shardctrler:
	$(CARGO) test -p shardctrler

## The sharded key/value service's own tests: its state machine.
test-shardkv:
	$(CARGO) test -p shardkv

## The harnesses' own unit tests: their checks and course lines, not the suites.
test-harness:
	$(CARGO) test -p tests --lib

## The lab tool's tests: the manifest, the regions, the handout's round trip and leak check.
test-labtool: install-chromium
	$(CARGO) test -p labtool

## Headless Chromium (Debian's package), in which labtool's tests open the
## pages `lab view` writes; installed if missing.
install-chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## One self-contained HTML page of a run log (a lane per peer, the RPCs,
## the failure): make view LOG=<run log> [PAGE=<page.html>].
view:
	@test -n "$(LOG)" || { echo "make view LOG=<run log> [PAGE=<page.html>]"; exit 2; }
	$(LAB_TOOL) view $(LOG) $(if $(PAGE),-o $(PAGE))

## A run log in the terminal, a column per peer: make logs LOG=<run log>
## ARGS="--only election,harness".
logs:
	@test -n "$(LOG)" || { echo "make logs LOG=<run log> [ARGS=\"--only election,harness\"]"; exit 2; }
	$(LAB_TOOL) logs $(LOG) $(ARGS)

## The handout builds without warnings and fails every 2A, 3A, 4A and 4B test, naming its stubs.
test-handout:
	rm -rf $(HANDOUT_CHECK)
	$(LAB_TOOL) handout $(HANDOUT_CHECK)/tree --verify --parts 2A,3A,4A,4B \
		--target-dir $(abspath $(HANDOUT_CHECK))/target

## The student's repository: make handout OUT=<a new directory>.
handout:
	@test -n "$(OUT)" || { echo "make handout OUT=<a new directory>"; exit 2; }
	$(LAB_TOOL) handout $(OUT)

## Raft, part 2A: leader election.
test-2a:
	$(LAB) raft 2a $(ONE_AT_A_TIME)
## Raft, part 2B: log replication.
test-2b:
	$(LAB) raft 2b $(ONE_AT_A_TIME)
## Raft, part 2C: persistence.
test-2c:
	$(LAB) raft 2c $(ONE_AT_A_TIME)
## Raft, part 2D: log compaction.
test-2d:
	$(LAB) raft 2d $(ONE_AT_A_TIME)
## The whole raft lab, in course order: 2A, 2B, 2C, 2D.
test-2:
	@$(call PARTS,raft:2a raft:2b raft:2c raft:2d)

## Key/value service, part 3A: without snapshots.
test-3a:
	$(LAB) kvraft 3a $(ONE_AT_A_TIME)
## Key/value service, part 3B: with snapshots.
test-3b:
	$(LAB) kvraft 3b $(ONE_AT_A_TIME)
## The whole key/value lab: 3A, then 3B.
test-3:
	@$(call PARTS,kvraft:3a kvraft:3b)

## Shard controller, part 4A.
test-4a:
	$(LAB) shardctrler 4a $(ONE_AT_A_TIME)
## Sharded key/value service, part 4B, with both challenges.
test-4b:
	$(LAB) shardkv 4b $(ONE_AT_A_TIME)
## The whole sharded lab: 4A, then 4B.
test-4:
	@$(call PARTS,shardctrler:4a shardkv:4b)

## Chosen tests on many seeds, each run its own process, then a table of
## failures and their replays: make stress ARGS="--part 2B --seeds 500"
## (all of `lab stress --help`).
stress:
	$(LAB_TOOL) stress $(ARGS)

## Grade submissions (directories or git addresses) on SEEDS seeds from
## FIRST_SEED, or the secret seeds of SEED_FILE, with RUBRIC:
## make grade SUBMISSIONS="alice/ bob/"; reports in target/grade (all of
## `lab grade --help` in ARGS, e.g. --real).
grade:
	@test -n "$(SUBMISSIONS)" || { echo 'make grade SUBMISSIONS="<dir or git address> ..." [RUBRIC=file SEEDS=n | SEED_FILE=file]'; exit 2; }
	$(LAB_TOOL) grade --rubric $(RUBRIC) \
		$(if $(SEED_FILE),--seed-file $(SEED_FILE),--seeds $(SEEDS) --first-seed $(FIRST_SEED)) \
		--partition $(SHARE) $(if $(JOBS),-j $(JOBS)) $(ARGS) $(SUBMISSIONS)

## The suite's strength: each mutant of labtool/mutants/mutants.toml (a
## classic bug planted in the reference) against its part on SEEDS seeds
## from FIRST_SEED, and the kill table: make mutants SEEDS=20.
mutants:
	$(LAB_TOOL) mutants --release --seeds $(SEEDS) --first-seed $(FIRST_SEED) $(if $(JOBS),-j $(JOBS)) $(ARGS)

## The quick subset of the mutants CI runs, on two seeds: each must die on
## every seed.
test-mutants-ci:
	$(LAB_TOOL) mutants --ci --seeds 2 --first-seed 1

## One table of the --json records of a stress run's shares (--partition
## k/n), or of the grade.json files of a batch graded in shares:
## make merge ARGS="share-1.json share-2.json".
merge:
	$(LAB_TOOL) merge $(ARGS)

# `make stress-reference`'s plan: seeds per test, the first seed, runs at a
# time (default: one per core), and the share of the plan (k/n) this machine
# runs; JSON=<file> also writes the share's record for `make merge`.
SEEDS ?= 20
FIRST_SEED ?= 1
JOBS ?=
SHARE ?= 1/1
JSON ?=
# `make grade`'s rubric, submissions, and secret seeds if any.
RUBRIC ?= labtool/rubrics/course.toml
SUBMISSIONS ?=
SEED_FILE ?=

## Every test of every suite on the reference, SEEDS seeds each from
## FIRST_SEED, JOBS runs at a time: make stress-reference SEEDS=500. With
## SHARE=k/n and JSON=share-k.json, one of n machines' share of that plan.
stress-reference:
	$(LAB_TOOL) stress --first-seed $(FIRST_SEED) --seeds $(SEEDS) --partition $(SHARE) \
		$(if $(JOBS),-j $(JOBS)) $(if $(JSON),--json $(JSON)) $(ARGS)

## The small instance of stress-reference CI runs: every test on one seed,
## in two shares merged into one table, as a CI matrix or an Indexed Job
## runs them.
test-stress-reference-ci:
	rm -rf target/stress-reference-ci && mkdir -p target/stress-reference-ci
	$(MAKE) stress-reference SEEDS=1 SHARE=1/2 JSON=target/stress-reference-ci/share-1.json
	$(MAKE) stress-reference SEEDS=1 SHARE=2/2 JSON=target/stress-reference-ci/share-2.json
	$(LAB_TOOL) merge target/stress-reference-ci/share-1.json target/stress-reference-ci/share-2.json

## The raft suite as CI runs it: fixed seeds in sim, then once in real time.
test-raft-ci:
	LAB_RUNTIME=sim LAB_SEED=1 LAB_SEEDS=3 $(LAB) raft
	LAB_RUNTIME=real $(LAB) raft $(ONE_AT_A_TIME)

## The key/value suite as CI runs it: fixed seeds in sim, then once in real
## time.
test-kvraft-ci:
	LAB_RUNTIME=sim LAB_SEED=1 LAB_SEEDS=3 $(LAB) kvraft
	LAB_RUNTIME=real $(LAB) kvraft $(ONE_AT_A_TIME)

## The shard-controller suite as CI runs it: fixed seeds in sim, then once in
## real time.
test-shardctrler-ci:
	LAB_RUNTIME=sim LAB_SEED=1 LAB_SEEDS=3 $(LAB) shardctrler
	LAB_RUNTIME=real $(LAB) shardctrler $(ONE_AT_A_TIME)

## The sharded key/value suite as CI runs it: fixed seeds in sim, then once
## in real time.
test-shardkv-ci:
	LAB_RUNTIME=sim LAB_SEED=1 LAB_SEEDS=3 $(LAB) shardkv
	LAB_RUNTIME=real $(LAB) shardkv $(ONE_AT_A_TIME)

## Benchmarks: prints the tables of figures.
bench:
	$(CARGO) bench -p labrt --bench runtime
	$(CARGO) bench -p labrpc --bench network
	$(CARGO) bench -p tests --bench raft
	$(CARGO) bench -p tests --bench kvraft
	$(CARGO) bench -p tests --bench shardkv
	$(CARGO) bench -p tests --bench logging
	$(CARGO) bench -p linearizability --bench checker
	@$(MAKE) --no-print-directory bench-logging

## The raft suite in sim (seeds 1 to 5, one test at a time) with logs off,
## then with every event printed (LAB_LOG=trace, to /dev/null): wall times.
bench-logging:
	@$(CARGO) test -q --release -p tests --test raft --no-run
	@for log in "" trace; do \
		start=$$(date +%s%N); \
		LAB_RUNTIME=sim LAB_SEED=1 LAB_SEEDS=5 LAB_LOG=$$log $(CARGO) test -q --release -p tests --test raft \
			-- --test-threads=1 >/dev/null 2>&1 || { echo "the raft suite failed (LAB_LOG=$$log)"; exit 1; }; \
		ms=$$(( ($$(date +%s%N) - start) / 1000000 )); \
		echo "raft suite, sim, seeds 1-5, LAB_LOG=$${log:-(off)}: $$ms ms"; \
	done

## Formatting and lints, of the reference and of its handout.
check: check-handout
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## Formatting and lints of a fresh handout, as a student gets it.
check-handout:
	rm -rf $(HANDOUT_CHECK)/lint
	$(LAB_TOOL) handout $(HANDOUT_CHECK)/lint
	cd $(HANDOUT_CHECK)/lint && $(CARGO) fmt --all -- --check
	cd $(HANDOUT_CHECK)/lint && CARGO_TARGET_DIR=$(abspath $(HANDOUT_CHECK))/target \
		$(CARGO) clippy --all-targets -- -D warnings
