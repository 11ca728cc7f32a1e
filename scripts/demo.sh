#!/bin/bash
# demo.sh - the tamga service on the embedded default (SQLite, dev PKI,
# loopback), start to finish, then left running for a browser.
#
#   make demo                      (builds first; installs missing Debian packages)
#   make demo DEMO_WAIT=0          (the same, and stop the service at the end)
#   DEMO_PORT=8080                 the verify role's port (the sign role uses +1)
#
# Everything lives in $BUILD/demo (fresh on every run; nothing outside it is
# touched).  A dev CA issues an agency signer certificate (and revokes a
# second one); the agency is registered with a bearer token; tamgad's sign
# and verify roles start on 127.0.0.1; a letter and a reference are signed
# through the HTTP API; other people's software reads the result (poppler's
# pdfsig, zbarimg on the rendered page, pdftotext for the Mongolian
# caption); `tamga verify --server` and `tamga check` do what a bank does;
# a copy edited after signing fails; a revoked document shows as revoked.
# Then a Word document (DOCX) goes through the same API: it comes back as a
# DOCX with its QR code and an XAdES signature, and verifies like the PDF.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
TAMGA=$BUILD/bin/tamga
TAMGAD=$BUILD/bin/tamgad
DEMO=$BUILD/demo
PORT=${DEMO_PORT:-8080}
SIGN_PORT=$((PORT + 1))
VERIFY=http://127.0.0.1:$PORT
SIGN=http://127.0.0.1:$SIGN_PORT
PIDS=()
stop() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=(); }
trap stop EXIT
for p in "$PORT" "$SIGN_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        echo "demo: port $p on 127.0.0.1 is busy (another demo still running?); try DEMO_PORT=9080 make demo" >&2
        exit 1
    fi
done
rm -rf "$DEMO"
mkdir -p "$DEMO"
chmod 700 "$DEMO"
# Dev passphrases, kept beside the dev CA.  A real CA keeps them elsewhere.
head -c 18 /dev/urandom | base64 > "$DEMO/ca.pass"
head -c 18 /dev/urandom | base64 > "$DEMO/signer.pass"
step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$1"; }

step "Create the dev PKI (root CA, issuing CA, OCSP responder, TSA)" \
    "$TAMGA" pki init --dir "$DEMO/pki" --org "Tamga Dev PKI" --ca-pass-file "$DEMO/ca.pass"
step "Issue an agency signer certificate" \
    "$TAMGA" pki issue --dir "$DEMO/pki" --ca-pass-file "$DEMO/ca.pass" --pass-file "$DEMO/signer.pass" \
    --cn "Улсын бүртгэлийн ерөнхий газар" --out "$DEMO/agency"
step "Validate it: trust anchor, path, CRLs of the whole chain" \
    "$TAMGA" pki validate --ca-dir "$DEMO/pki" "$DEMO/agency.crt"
"$TAMGA" pki issue --dir "$DEMO/pki" --ca-pass-file "$DEMO/ca.pass" --pass-file "$DEMO/signer.pass" \
    --cn "Нийгмийн даатгалын ерөнхий газар" --out "$DEMO/lost" > /dev/null 2>&1
step "Issue a second signer, then revoke it (key compromise): the CRL is published at once" \
    "$TAMGA" pki revoke --dir "$DEMO/pki" --ca-pass-file "$DEMO/ca.pass" --cert "$DEMO/lost.crt" --reason keyCompromise
step "The certificates the CA has issued" "$TAMGA" pki list --dir "$DEMO/pki"

step "Register the agency with the service: its key, and a bearer token for its back office" \
    "$TAMGA" registry token add --data "$DEMO/data" --agency "Улсын бүртгэлийн ерөнхий газар" \
    --key "$DEMO/agency.key" --cert "$DEMO/agency.crt" --chain "$DEMO/agency-chain.pem" \
    --pass-file "$DEMO/signer.pass" | tee "$DEMO/token.out"
TOKEN=$(tail -n 1 "$DEMO/token.out")

say "Start tamgad: the public verify role on $VERIFY, the internal sign role on $SIGN"
"$TAMGAD" --role verify --listen "127.0.0.1:$PORT" --data "$DEMO/data" --trust "$DEMO/pki/root.crt" \
    --crl "$DEMO/pki/crl/root.crl" --crl "$DEMO/pki/crl/issuing.crl" --offline 2> "$DEMO/verify.log" &
PIDS+=($!)
"$TAMGAD" --role sign --listen "127.0.0.1:$SIGN_PORT" --data "$DEMO/data" --verify-url "$VERIFY" \
    --pass-file "$DEMO/signer.pass" 2> "$DEMO/sign.log" &
PIDS+=($!)
for _ in $(seq 100); do
    curl -sf "$VERIFY/healthz" > /dev/null 2>&1 && curl -sf "$SIGN/healthz" > /dev/null 2>&1 && break
    sleep 0.1
done
curl -sf "$VERIFY/healthz" > /dev/null && curl -sf "$SIGN/healthz" > /dev/null ||
    { echo "demo: tamgad did not start:" >&2; cat "$DEMO/verify.log" "$DEMO/sign.log" >&2; exit 1; }
echo "both roles answer /healthz (logs: $DEMO/verify.log, $DEMO/sign.log)"

python3 bench/mkpdf.py 1 "$DEMO/letter.pdf"
python3 bench/mkpdf.py 2 "$DEMO/reference.pdf"
# sign_api FILE OUT TYPE TITLE [MEDIA-TYPE]: POST the document to the sign role as the agency's back
# office would (raw body, default application/pdf).
sign_api() {
    curl -sS -o "$2" -D "$2.headers" -w '  HTTP %{http_code}\n' -H "Authorization: Bearer $TOKEN" \
        -H "Content-Type: ${5:-application/pdf}" --data-binary @"$1" "$SIGN/api/v1/sign?doc_type=$3&title=$4"
    tr -d '\r' < "$2.headers" | grep -iE '^(x-document-code|location|content-type|content-disposition):' | sed 's/^/  /'
}
# hdr FILE NAME: a header of a sign_api answer
hdr() { tr -d '\r' < "$1.headers" | awk -v n="$2" -F': ' 'tolower($1) == n { print $2; exit }'; }
step "Sign a letter through the HTTP API: QR code + caption on page 1, PAdES, registered" \
    sign_api "$DEMO/letter.pdf" "$DEMO/letter-signed.pdf" letter "Letter%20of%20reference"
CODE=$(hdr "$DEMO/letter-signed.pdf" x-document-code)
URL=$(hdr "$DEMO/letter-signed.pdf" location)
step "Sign a second document (a reference)" \
    sign_api "$DEMO/reference.pdf" "$DEMO/reference-signed.pdf" reference "Residence%20reference"
CODE2=$(hdr "$DEMO/reference-signed.pdf" x-document-code)

step "poppler's pdfsig on the signed letter (signature integrity)" pdfsig -nocert "$DEMO/letter-signed.pdf"
pdftoppm -r 150 -png -f 1 -l 1 "$DEMO/letter-signed.pdf" "$DEMO/page"
scan() { zbarimg --raw -q -Sdisable -Sqrcode.enable "$1" 2>/dev/null; }
step "zbarimg scans the QR code off the rendered page: the citizen's link" scan "$DEMO/page-1.png"
[ "$(scan "$DEMO/page-1.png")" = "$URL" ] || { echo "demo: the QR code does not hold $URL" >&2; exit 1; }
say "pdftotext reads the caption back"
pdftotext "$DEMO/letter-signed.pdf" - | grep -E 'Цахим|газар|Код|Огноо|Шалгах'

step "A bank verifies the letter it received: signatures, trust, revocation, changes, registry" \
    "$TAMGA" verify --ca-dir "$DEMO/pki" --offline --server "$VERIFY" "$DEMO/letter-signed.pdf"
# Someone edits the signed letter and saves it (an incremental update that
# rewrites page 1): the signature still verifies cryptographically, but what
# a reader sees is no longer what was signed.
python3 tests/tools/pdf_attacks.py isa-replace "$DEMO/letter-signed.pdf" "$DEMO/letter-edited.pdf" > /dev/null
say "The same letter, edited after signing (expected: TOTAL-FAILED, exit 1)"
rc=0
"$TAMGA" verify --ca-dir "$DEMO/pki" --offline "$DEMO/letter-edited.pdf" || rc=$?
[ "$rc" = 1 ] || { echo "demo: expected exit 1, got $rc" >&2; exit 1; }

DOCX=application/vnd.openxmlformats-officedocument.wordprocessingml.document
step "Sign a Word document (DOCX) through the same API: QR code + caption in the document, XAdES, registered" \
    sign_api tests/data/office/reference.docx "$DEMO/reference-signed.docx" reference "Residence%20reference%20(Word)" "$DOCX"
[ "$(hdr "$DEMO/reference-signed.docx" content-type)" = "$DOCX" ] ||
    { echo "demo: the signed DOCX did not come back as $DOCX" >&2; exit 1; }
URL_DOCX=$(hdr "$DEMO/reference-signed.docx" location)
step "A bank verifies the signed DOCX" \
    "$TAMGA" verify --ca-dir "$DEMO/pki" --offline --server "$VERIFY" "$DEMO/reference-signed.docx"
say "The DOCX's citizen page (what its QR code opens)"
curl -s "$URL_DOCX" | grep -q 'ХҮЧИНТЭЙ' ||
    { echo "demo: $URL_DOCX does not show the document as valid" >&2; exit 1; }
echo "  $URL_DOCX  says ХҮЧИНТЭЙ (valid)"

step "The agency revokes the reference through the API" \
    curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data '{"reason": "issued in error"}' "$SIGN/api/v1/documents/$CODE2/revoke"
echo
say "tamga check asks the registry (expected: the letter valid, the reference revoked, exit 1)"
rc=0
"$TAMGA" check --server "$VERIFY" "$CODE" "$CODE2" || rc=$?
[ "$rc" = 1 ] || { echo "demo: expected exit 1, got $rc" >&2; exit 1; }
step "The registry's audit log: every entry chained to the one before" \
    "$TAMGA" registry audit --data "$DEMO/data"

say "The service is running"
cat <<EOF
  citizen's page (Mongolian):  $URL
                  (English):   $URL?lang=en
  revoked document:            $VERIFY/v/$(echo "$CODE2" | tr -d '-')
  Word document (DOCX):        $URL_DOCX
  upload a document to check:  $VERIFY/
  JSON:                        curl $VERIFY/api/v1/documents/$(echo "$CODE" | tr -d '-')
  sign more:                   curl -H 'Authorization: Bearer $TOKEN' -H 'Content-Type: application/pdf' \\
                                    --data-binary @file.pdf -o signed.pdf '$SIGN/api/v1/sign?title=...'
  files:                       $DEMO
EOF
if [ "${DEMO_WAIT:-1}" = 0 ]; then
    echo "DEMO_WAIT=0: stopping the service."
    exit 0
fi
echo "Press Ctrl-C to stop the service."
trap 'echo; echo "stopping"; stop; exit 0' INT TERM
wait
