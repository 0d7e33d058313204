#!/usr/bin/env bash
# make test: every package's tests, in two runs side by side. The packages
# run under the race detector, except cmd/rmadesk: its tests are the
# browser lives and the desk run as a process, over code the other
# packages already race-test; under the detector it took 648 s of a
# 1,152 s fresh-clone make check on a quiet 2-core machine, and beside the
# others without it 512 s of 1,110 s (it mostly waits on its browsers).
# Since the tests copy a database migrated once and hash passwords
# cheaply, a fresh-clone make check takes 603 s: cmd/rmadesk 464 s beside
# internal/api under the detector, 455 s.
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
