#!/bin/bash
# tests/cli/verify_online.sh - `tamga verify` fetching revocation data
# itself: CRLs from the distribution points and OCSP answers from the AIA
# responder written into the signer's certificate, and nothing at all with
# --offline; revocation before and after a time-stamp (proof of existence).
#
# 127.0.0.1 only: tests/tools/pki_server.py is the CA's publication point
# (CRL files; OCSP answered by `openssl ocsp -index`, an independent
# responder), tests/tools/tsa_server.py the time-stamp authority.
. "$TAMGA_ROOT/tests/lib.sh"

echo 'CA passphrase for tests' > ca.pass
. "$TAMGA_ROOT/tests/lib_pki.sh"

# ------------------------------------------------------------ PKI, TSA, documents
expect 0 "pki init with the publication point as base URL" \
    "$TAMGA" pki init --dir ca --ca-pass-file ca.pass --base-url "$BASE"
for who in good bad; do
    "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn "Signer $who" --out "$who" > /dev/null 2>&1 ||
        not_ok "issue $who"
done
openssl pkey -in ca/private/tsa.key -passin file:ca.pass -out tsa.key 2>/dev/null
openssl pkey -in ca/private/ocsp.key -passin file:ca.pass -out ocsp.key 2>/dev/null
mkdir -p tsa
python3 "$TAMGA_ROOT/tests/tools/tsa_server.py" serve --cert ca/tsa.crt --key tsa.key --chain ca/issuing.crt \
    --dir tsa --port-file tsa.port > tsa.log 2>&1 &
TSA=$!
for _ in $(seq 100); do [ -s tsa.port ] && break; sleep 0.1; done
TSA_URL=http://127.0.0.1:$(cat tsa.port 2>/dev/null)/
python3 "$TAMGA_ROOT/bench/mkpdf.py" 1 plain.pdf
sign() { local who=$1 out=$2; shift 2
         "$TAMGA" sign -q --key "$who.key" --cert "$who.crt" --chain "$who-chain.pem" -o "$out" "$@" plain.pdf 2> /dev/null ||
             not_ok "sign $out"; }
sign good good.pdf
sign bad bad.pdf
sign bad bad-bt-before.pdf --tsa "$TSA_URL"
sleep 1   # the revocation is strictly after that time-stamp
rev_at=$(date -u +%y%m%d%H%M%SZ)
expect 0 "revoke the bad signer (keyCompromise)" \
    "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert bad.crt --reason keyCompromise
sleep 1
sign bad bad-bt-after.pdf --tsa "$TSA_URL"
stop_tsa
has "the signer's CDP is the publication point" <(openssl x509 -in good.crt -noout -text) "URI:$BASE/crl/issuing.crl"
has "the signer's AIA OCSP is the publication point" <(openssl x509 -in good.crt -noout -text) "OCSP - URI:$BASE/ocsp"

V=("$TAMGA" verify --trust ca/root.crt --format json)
start_server

# ------------------------------------------------------------ CRLs from the CDPs
cp ca/crl/root.crl ca/crl/issuing.crl srv/crl/
expect 0 "online, CRLs at the CDPs: a good signer is TOTAL-PASSED" "${V[@]}" good.pdf
json_is "revocation good, from a CRL" 'j["signatures"][0]["revocation"]' "{'status': 'good', 'source': 'crl'}"
has "the issuing CA's CRL was fetched from its CDP" srv/requests.log '^GET /crl/issuing.crl$'
has "the root's CRL was fetched too (the whole path is checked)" srv/requests.log '^GET /crl/root.crl$'
expect 1 "online: a revoked signer is TOTAL-FAILED" "${V[@]}" bad.pdf
json_is "REVOKED" 'j["signatures"][0]["subindication"]' REVOKED
json_is "the error gives the reason" '"keyCompromise" in " ".join(j["signatures"][0]["errors"])' True
expect 0 "time-stamped before the revocation: TOTAL-PASSED (proof of existence)" "${V[@]}" bad-bt-before.pdf
json_is "signing time from the time-stamp" 'j["signatures"][0]["signing_time_source"]' timestamp
json_is "level B-T" 'j["signatures"][0]["level"]' PAdES-B-T
json_is "a warning says it was revoked after the time-stamp" \
    'any("after the proof of existence" in w for w in j["signatures"][0]["warnings"])' True
expect 1 "time-stamped after the revocation: TOTAL-FAILED" "${V[@]}" bad-bt-after.pdf
json_is "REVOKED despite the time-stamp" 'j["signatures"][0]["subindication"]' REVOKED

# Oracle: OpenSSL on the same certificates and the served CRLs.
cat <(openssl crl -inform DER -in srv/crl/root.crl) <(openssl crl -inform DER -in srv/crl/issuing.crl) > served.pem
expect 0 "openssl verify agrees: good" \
    openssl verify -crl_check_all -CAfile ca/root.crt -untrusted ca/issuing.crt -CRLfile served.pem good.crt
expect 2 "openssl verify agrees: revoked" \
    openssl verify -crl_check_all -CAfile ca/root.crt -untrusted ca/issuing.crt -CRLfile served.pem bad.crt

# ------------------------------------------------------------ OCSP for the signer
rm srv/crl/issuing.crl srv/requests.log
idx() { local na; na=$(date -u -d "$(openssl x509 -in "$2" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
        printf '%s\t%s\t%s\t%s\tunknown\t/CN=%s\n' "$1" "$na" "$3" "$(openssl x509 -in "$2" -noout -serial | cut -d= -f2)" "$2"; }
{ idx V good.crt ''; idx R bad.crt "$rev_at,keyCompromise"; } > srv/index.txt
echo "-index $PWD/srv/index.txt -CA $PWD/ca/issuing.crt -rsigner $PWD/ca/ocsp.crt -rkey $PWD/ocsp.key" > srv/ocsp.conf
expect 0 "online, no CRL for the signer but OCSP: TOTAL-PASSED" "${V[@]}" good.pdf
json_is "revocation good, from OCSP" 'j["signatures"][0]["revocation"]' "{'status': 'good', 'source': 'ocsp'}"
has "the OCSP responder was asked" srv/requests.log '^POST /ocsp$'
expect 1 "online, OCSP says revoked: TOTAL-FAILED" "${V[@]}" bad.pdf
json_is "REVOKED by OCSP" 'j["signatures"][0]["subindication"]' REVOKED
expect 0 "openssl ocsp agrees: good" openssl ocsp -issuer ca/issuing.crt -cert good.crt -url "$BASE/ocsp" \
    -CAfile ca/root.crt -verify_other ca/issuing.crt
has "openssl ocsp: good" out.txt 'good.crt: good'
expect 0 "openssl ocsp agrees: revoked" openssl ocsp -issuer ca/issuing.crt -cert bad.crt -url "$BASE/ocsp" \
    -CAfile ca/root.crt -verify_other ca/issuing.crt
has "openssl ocsp: revoked" out.txt 'bad.crt: revoked'

# ------------------------------------------------------------ --offline fetches nothing
rm -f srv/requests.log
expect 2 "--offline: no revocation data at hand is INDETERMINATE" "${V[@]}" --offline good.pdf
json_is "TRY_LATER" 'j["signatures"][0]["subindication"]' TRY_LATER
if [ -e srv/requests.log ]; then not_ok "--offline contacted the server"; sed 's/^/# /' srv/requests.log
else ok "--offline contacted nothing"; fi
expect 0 "--offline with --crl files: TOTAL-PASSED" "${V[@]}" --offline --crl ca/crl/root.crl --crl ca/crl/issuing.crl good.pdf

# ------------------------------------------------------------ publication point down
stop_server
expect 2 "online, server down: INDETERMINATE" "${V[@]}" good.pdf
json_is "TRY_LATER" 'j["signatures"][0]["subindication"]' TRY_LATER
json_is "the error names the URL it tried" "\"$BASE/\" in \" \".join(j[\"signatures\"][0][\"errors\"])" True
expect 0 "server down but CRLs given: TOTAL-PASSED" "${V[@]}" --crl ca/crl/root.crl --crl ca/crl/issuing.crl good.pdf
