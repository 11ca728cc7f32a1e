#!/bin/sh
# deps.sh - install the Debian 12 packages tamga needs to build, test and run.
#
#   scripts/deps.sh [build|test|all]      (default: all)
#
# Idempotent and quiet: does nothing when every package is present, prints one
# line when it installs something.  Uses sudo when not root.  The package lists
# are the single source of truth for what tamga depends on (DESIGN.md §6).
set -eu

BUILD_PKGS="
gcc
make
pkg-config
libssl-dev
libsqlite3-dev
zlib1g-dev
libqrencode-dev
libharfbuzz-dev
libcurl4-openssl-dev
libjansson-dev
libxml2-dev
libxmlsec1-dev
libxmlsec1-openssl
libpng-dev
libmicrohttpd-dev
fonts-dejavu-core
openssl
"
# Test tools: the unit test framework and the other people's software that
# judges what tamga writes (DESIGN.md: interoperability is judged by others):
# OpenSSL's CLI, poppler (pdfsig, pdftoppm, pdftotext), qpdf, zbar,
# LibreOffice (makes test documents, signs and verifies them; python3-uno
# drives it), NSS tools (the oracles' throw-away databases), Chromium and
# Node.js (tests/cli/browser.sh: npm's playwright-core drives chromium; the
# test installs playwright-core itself.  npm comes with the machines' nodejs
# package, which conflicts with Debian's separate npm package, so that one is
# not listed: add it where nodejs is Debian's own), wrk (bench/load.sh).
# The list covers
# ../shared/oracles/install-deps.sh.
TEST_PKGS="
libcmocka-dev
curl
sqlite3
python3
poppler-utils
qpdf
zbar-tools
libnss3-tools
libreoffice-writer-nogui
libreoffice-calc-nogui
libreoffice-draw-nogui
libreoffice-impress-nogui
python3-uno
xmlsec1
chromium
nodejs
wrk
"

what=${1:-all}
case "$what" in
    build) pkgs=$BUILD_PKGS ;;
    test|all) pkgs="$BUILD_PKGS $TEST_PKGS" ;;
    *) echo "usage: scripts/deps.sh [build|test|all]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
        || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing$missing" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086  # word splitting of $missing is intended
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
