#!/usr/bin/env bash
# Installs what `make check` needs and a fresh Debian machine with Go may lack.
# Only missing tools are installed; nothing happens on a machine that has them.
set -euo pipefail

need=()
# The race detector (go test -race) needs cgo, so a C compiler.
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
# docs/API.md is run by a test with bash, curl and jq (the API answers
# compact JSON; the walkthrough reads fields with jq).
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v jq >/dev/null 2>&1 || need+=(jq)
# internal/label's tests rasterise the PDFs to read their barcodes back
# (pdftoppm) and extract their text (pdftotext).
command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# The PostgreSQL store's tests start a throw-away server of their own
# (internal/store/pgtest), so they need initdb and pg_ctl, which Debian keeps
# outside PATH in /usr/lib/postgresql/VERSION/bin. The package also makes a
# "main" cluster; the tests do not use it.
if ! command -v initdb >/dev/null 2>&1 && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  need+=(postgresql)
fi
# The portal's end-to-end test (cmd/rmadesk/e2e_test.go) drives Debian's
# Chromium headless through chromedp; it fails under CI=true without it.
# DejaVu gives its screenshots legible text.
if [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null 2>&1; then
  need+=(chromium fonts-dejavu-core)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt (unattended upgrades, a second checkout's deps.sh) may hold
  # the locks: apt waits up to 10 minutes for them (DPkg::Lock::Timeout
  # covers the dpkg lock and, on current apt, the lists lock), and update is
  # tried again while the lists lock is still held by someone else.
  apt=($sudo apt-get -o DPkg::Lock::Timeout=600 -qq)
  for try in 1 2 3 4 5 6; do
    "${apt[@]}" update && break
    [ "$try" = 6 ] && exit 1
    echo "deps: apt-get update failed (try $try); waiting 20 s"; sleep 20
  done
  "${apt[@]}" install -y --no-install-recommends "${need[@]}"
fi
