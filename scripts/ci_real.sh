#!/usr/bin/env bash
# The real tier: builds the test bed (testbed/, Go; Go's build cache in
# ~/.cache/go-build makes a rebuild on the same machine take seconds) and runs
# `deno task test:real`: tests/real/*_real.ts, the files against a real kube-apiserver
# and the real-aiconfigurator searches (tests/real/aic_real.ts, skipped unless .ci/run
# installed aiconfigurator). Ends with one line
# "N passed, N failed" (tests and their steps) and exits non-zero on a failure.
#
#   bash scripts/ci_real.sh              # from the repository root or anywhere (.ci/run runs scripts/ci_*.sh)
#   TEST_REAL_BUILD_TIMEOUT=3600 ...     # seconds for the build (default 2100; .ci/run gives a tier 3600)
set -uo pipefail
cd "$(dirname "$0")/.."

DENO_VERSION=2.9.6
export NO_COLOR=1
export DENO_NO_UPDATE_CHECK=1
export GOFLAGS=-mod=mod

if ! command -v go >/dev/null 2>&1; then
  echo "ci_real: go is not installed (the test bed is built from Go modules; needs Go 1.25+)"
  echo "0 passed, 1 failed"
  exit 1
fi

# Go's build cache makes the second build take seconds; it needs a home for it
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
  export GOCACHE="$PWD/.tools/go-build"
fi
echo "go: $(go version) (cache $(go env GOCACHE))"

echo "== building the test bed (go build in testbed/)"
start=$(date +%s)
if ! timeout "${TEST_REAL_BUILD_TIMEOUT:-2100}" npx --yes "deno@${DENO_VERSION}" run -A scripts/testbed.ts --build; then
  echo "ci_real: go build of testbed/ failed or timed out"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "ci_real: build took $(($(date +%s) - start)) s"

log=$(mktemp)
start=$(date +%s)
echo "== deno task test:real"
timeout --kill-after=30 1200 npx --yes "deno@${DENO_VERSION}" task test:real 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo "ci_real: tier took $(($(date +%s) - start)) s"

# "ok | 1 passed (10 steps) | 0 failed (...)" or "FAILED | 0 passed (8 steps) | 1 failed (2 steps)"
summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -n 1)
rm -f "$log"
num() { printf '%s' "$summary" | sed -nE "$1" ; }
tp=$(num 's/^[A-Za-z]+ \| ([0-9]+) passed.*/\1/p')
sp=$(num 's/^[A-Za-z]+ \| [0-9]+ passed \(([0-9]+) steps?\).*/\1/p')
tf=$(num 's/.*\| ([0-9]+) failed.*/\1/p')
sf=$(num 's/.*\| [0-9]+ failed \(([0-9]+) steps?\).*/\1/p')
passed=$((${tp:-0} + ${sp:-0}))
failed=$((${tf:-0} + ${sf:-0}))
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "ci_real: deno task test:real exited ${rc} without a failed count (timeout, compile error?)"
  failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "ci_real: no test ran"
  failed=1
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
