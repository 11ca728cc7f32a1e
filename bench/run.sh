#!/bin/bash
# bench/run.sh - signing throughput, as a ratio to OpenSSL's raw sign rate
# for the same key, and peak memory as the input grows.  Re-runnable:
#   make bench            (or BUILD=dir bash bench/run.sh after make)
# Documents: PDFs of 1, 50 and 2000 pages (bench/mkpdf.py); DOCX and ODT of
# 1 and 50 pages (bench/mkoffice.py, from tests/data/office/reference.*).
# Keys: P-256 and RSA-3072 from a throw-away tamga CA.  SECONDS_PER_CASE
# (default 5).
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
for ext in docx odt; do
    for n in 1 50; do python3 bench/mkoffice.py "tests/data/office/reference.$ext" "$n" "$T/pages-$n.$ext"; done
done
DOCS=(pages-1.pdf pages-50.pdf pages-2000.pdf pages-1.docx pages-50.docx pages-1.odt pages-50.odt)
echo "tamga $("$BUILD/bin/tamga" version | cut -d' ' -f2), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
for kt in p256 rsa3072; do
    for stamp in "" --no-stamp; do
        echo
        echo "== $kt ${stamp:-with stamp (QR + caption)}"
        "$BUILD/bench/sign_bench" --key "$T/$kt.key" --cert "$T/$kt.crt" --chain "$T/$kt-chain.pem" \
            --seconds "${SECONDS_PER_CASE:-5}" $stamp "${DOCS[@]/#/$T/}"
    done
done

# Verification: the same documents signed once (stamped), verified offline
# with the CA's CRLs (tamga_verifier: parse, changes or package coverage,
# CMS or XML-DSig, path + CRLs, JSON report).
for kt in p256 rsa3072; do
    signed=()
    for d in "${DOCS[@]}"; do
        "$BUILD/bin/tamga" sign -q --key "$T/$kt.key" --cert "$T/$kt.crt" --chain "$T/$kt-chain.pem" \
            -o "$T/signed-$kt-${d#pages-}" "$T/$d" 2> /dev/null
        signed+=("$T/signed-$kt-${d#pages-}")
    done
    cat "$T/$kt.crt" "$T/$kt-chain.pem" > "$T/$kt-path.pem"
    echo
    echo "== verify, $kt signer"
    "$BUILD/bench/verify_bench" --trust "$T/ca-$kt/root.crt" --crl "$T/ca-$kt/crl/root.crl" \
        --crl "$T/ca-$kt/crl/issuing.crl" --path "$T/$kt-path.pem" --seconds "${SECONDS_PER_CASE:-5}" "${signed[@]}"
done
