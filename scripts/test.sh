#!/usr/bin/env bash
# make test: every package's tests, in two runs side by side. The packages
# run under the race detector, except cmd/rmadesk: its tests are the
# browser lives and the desk run as a process, over code the other
# packages already race-test, and under the detector they took 11 of the
# 19 minutes of a make check on a quiet 2-core machine, most of it the
# desk serving Chromium at a fifth of its speed. Run beside the others it
# mostly waits on its browsers.
set -uo pipefail
GO=${GO:-go}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
pkgs=$($GO list ./... | grep -v '/cmd/rmadesk$')
$GO test -count=1 -timeout 20m ./cmd/rmadesk >"$out" 2>&1 &
e2e=$!
# shellcheck disable=SC2086 # one argument a package
$GO test -race -count=1 -timeout 20m $pkgs
race=$?
wait "$e2e"
lives=$?
cat "$out"
[ "$race" -eq 0 ] && [ "$lives" -eq 0 ]
