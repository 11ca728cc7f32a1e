#!/bin/bash
# demo.sh - tamga's main job on the embedded default, start to finish.
#
#   make demo        (builds first; installs missing Debian packages)
#
# Today that is the agency PKI: a dev CA is created in $BUILD/demo (fresh on
# every run; nothing outside it is touched), an agency signer certificate is
# issued, validated, then a second one is revoked and the CRL shows it.
# Later issues grow this into the full service demo (sign, register, verify).
set -eu
BUILD=${1:-build}
TAMGA=$BUILD/bin/tamga
DEMO=$BUILD/demo
rm -rf "$DEMO"
mkdir -p "$DEMO"
chmod 700 "$DEMO"
# A dev passphrase, kept beside the dev CA.  A real CA keeps it elsewhere.
head -c 18 /dev/urandom | base64 > "$DEMO/ca.pass"
head -c 18 /dev/urandom | base64 > "$DEMO/signer.pass"
step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }

step "Create the dev PKI (root CA, issuing CA, OCSP responder, TSA)" \
    "$TAMGA" pki init --dir "$DEMO/pki" --org "Tamga Dev PKI" --ca-pass-file "$DEMO/ca.pass"
step "Issue an agency signer certificate" \
    "$TAMGA" pki issue --dir "$DEMO/pki" --ca-pass-file "$DEMO/ca.pass" --pass-file "$DEMO/signer.pass" \
    --cn "Улсын бүртгэлийн ерөнхий газар" --out "$DEMO/agency"
step "Validate it: trust anchor, path, CRLs of the whole chain" \
    "$TAMGA" pki validate --trust "$DEMO/pki/root.crt" --untrusted "$DEMO/pki/issuing.crt" \
    --crl "$DEMO/pki/crl/root.crl" --crl "$DEMO/pki/crl/issuing.crl" "$DEMO/agency.crt"
step "Issue a second signer, then revoke it (key compromise)" \
    "$TAMGA" pki issue --dir "$DEMO/pki" --ca-pass-file "$DEMO/ca.pass" --pass-file "$DEMO/signer.pass" \
    --cn "Нийгмийн даатгалын ерөнхий газар" --out "$DEMO/lost"
step "" "$TAMGA" pki revoke --dir "$DEMO/pki" --ca-pass-file "$DEMO/ca.pass" --cert "$DEMO/lost.crt" --reason keyCompromise
step "The certificates the CA has issued" "$TAMGA" pki list --dir "$DEMO/pki"
step "The issuing CA's CRL, read by OpenSSL" \
    openssl crl -inform DER -in "$DEMO/pki/crl/issuing.crl" -noout -text -nameopt utf8,sep_comma_plus
printf '\n\033[1m== Validate the revoked signer (expected: INVALID, exit 1)\033[0m\n'
rc=0
"$TAMGA" pki validate --ca-dir "$DEMO/pki" "$DEMO/lost.crt" || rc=$?
[ "$rc" = 1 ] || { echo "demo: expected exit 1, got $rc" >&2; exit 1; }
printf '\nDemo PKI in %s; trust anchor %s/pki/root.crt\n' "$DEMO" "$DEMO"
