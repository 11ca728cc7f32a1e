#!/bin/bash
# bench/run.sh - signing throughput, as a ratio to OpenSSL's raw sign rate
# for the same key, and peak memory as the input grows.  Re-runnable:
#   make bench            (or BUILD=dir bash bench/run.sh after make)
# Documents: 1, 50 and 2000 pages (bench/mkpdf.py).  Keys: P-256 and
# RSA-3072 from a throw-away tamga CA.  SECONDS_PER_CASE (default 5).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
T=$(mktemp -d "${TMPDIR:-/tmp}/tamga-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
echo 'benchmark CA passphrase' > "$T/pass"
for kt in p256 rsa3072; do
    "$BUILD/bin/tamga" pki init --dir "$T/ca-$kt" --key-type "$kt" --ca-pass-file "$T/pass" > /dev/null
    "$BUILD/bin/tamga" pki issue --dir "$T/ca-$kt" --ca-pass-file "$T/pass" --no-encrypt \
        --cn "Benchmark Agency" --out "$T/$kt" > /dev/null 2>&1
done
for n in 1 50 2000; do python3 bench/mkpdf.py "$n" "$T/pages-$n.pdf"; done
echo "tamga $("$BUILD/bin/tamga" version | cut -d' ' -f2), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
for kt in p256 rsa3072; do
    for stamp in "" --no-stamp; do
        echo
        echo "== $kt ${stamp:-with stamp (QR + caption)}"
        "$BUILD/bench/sign_bench" --key "$T/$kt.key" --cert "$T/$kt.crt" --chain "$T/$kt-chain.pem" \
            --seconds "${SECONDS_PER_CASE:-5}" $stamp "$T/pages-1.pdf" "$T/pages-50.pdf" "$T/pages-2000.pdf"
    done
done
