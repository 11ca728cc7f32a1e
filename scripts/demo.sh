#!/bin/bash
# demo.sh - tamga's main job on the embedded default, start to finish.
#
#   make demo        (builds first; installs missing Debian packages)
#
# A dev CA is created in $BUILD/demo (fresh on every run; nothing outside it
# is touched), an agency signer certificate is issued and validated, a
# second one is revoked and the CRL shows it; then a letter is stamped with
# its QR verification code and signed (PAdES), and other people's software
# reads the result: poppler's pdfsig checks the signature, zbarimg scans
# the QR code off the rendered page, pdftotext reads the Mongolian caption.
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

python3 bench/mkpdf.py 1 "$DEMO/letter.pdf"
step "Sign a letter: QR code + caption on page 1, PAdES B-B" \
    "$TAMGA" sign --key "$DEMO/agency.key" --pass-file "$DEMO/signer.pass" --cert "$DEMO/agency.crt" \
    --chain "$DEMO/agency-chain.pem" --qr-url "http://127.0.0.1:8080/v/{code}" -o "$DEMO/letter-signed.pdf" "$DEMO/letter.pdf"
step "poppler's pdfsig on the signed letter (signature integrity)" \
    pdfsig -nocert "$DEMO/letter-signed.pdf"
pdftoppm -r 150 -png -f 1 -l 1 "$DEMO/letter-signed.pdf" "$DEMO/page"
scan() { zbarimg --raw -q -Sdisable -Sqrcode.enable "$1" 2>/dev/null; }
step "zbarimg scans the QR code off the rendered page" scan "$DEMO/page-1.png"
printf '\n\033[1m== pdftotext reads the caption back\033[0m\n'
pdftotext "$DEMO/letter-signed.pdf" - | grep -E 'Цахим|газар|Код|Огноо|Шалгах'
step "tamga verify: integrity, the signer's path to the trusted root, revocation, changes" \
    "$TAMGA" verify --ca-dir "$DEMO/pki" --offline "$DEMO/letter-signed.pdf"
# Someone edits the signed letter and saves it (an incremental update that
# rewrites page 1): the signature still verifies cryptographically, but what
# a reader sees is no longer what was signed.
python3 tests/tools/pdf_attacks.py isa-replace "$DEMO/letter-signed.pdf" "$DEMO/letter-edited.pdf" > /dev/null
printf '\n\033[1m== The same letter, edited after signing (expected: TOTAL-FAILED, exit 1)\033[0m\n'
rc=0
"$TAMGA" verify --ca-dir "$DEMO/pki" --offline "$DEMO/letter-edited.pdf" || rc=$?
[ "$rc" = 1 ] || { echo "demo: expected exit 1, got $rc" >&2; exit 1; }
printf '\nDemo in %s: PKI in pki/ (trust anchor pki/root.crt), signed letter letter-signed.pdf\n' "$DEMO"
