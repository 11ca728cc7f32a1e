#!/bin/bash
# tests/cli/ocsp_role.sh - tamgad --role ocsp: the CA's RFC 6960 responder
# and CRL publication point, checked with independent clients (openssl ocsp,
# openssl crl, curl) and with tamga verify fetching online from it.
#
# The CA is made with --base-url pointing at the role, so the AIA and CDP
# URLs written into the certificates are the ones the role serves.
. "$TAMGA_ROOT/tests/lib.sh"
. "$TAMGA_ROOT/tests/lib_server.sh"

echo 'CA passphrase for tests' > ca.pass
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT

# ------------------------------------------------------------ the CA
expect 0 "pki init with the role as base URL" "$TAMGA" pki init --dir ca --ca-pass-file ca.pass --base-url "$BASE"
for who in good bad held later; do
    "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn "Signer $who" --out "$who" > /dev/null 2>&1 ||
        not_ok "issue $who"
done
python3 "$TAMGA_ROOT/bench/mkpdf.py" 1 plain.pdf
for who in good bad; do
    "$TAMGA" sign -q --key "$who.key" --cert "$who.crt" --chain "$who-chain.pem" -o "$who.pdf" plain.pdf 2> /dev/null ||
        not_ok "sign $who.pdf"
done
expect 0 "revoke one signer (keyCompromise)" \
    "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert bad.crt --reason keyCompromise
expect 0 "put another on hold" \
    "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert held.crt --reason certificateHold
"$TAMGA" pki init --dir other --ca-pass-file ca.pass > /dev/null 2>&1 &&
    "$TAMGA" pki issue --dir other --ca-pass-file ca.pass --no-encrypt --cn "Stranger" --out stranger > /dev/null 2>&1 ||
    not_ok "a second CA"

# ------------------------------------------------------------ start-up
expect 1 "no CA directory: exit 1" "$TAMGAD" --role ocsp --listen 127.0.0.1:0 --ca-dir nowhere --ca-pass-file ca.pass
has "... saying so" err.txt 'nowhere.*no CA'
echo 'not the passphrase' > wrong.pass
expect 1 "wrong CA passphrase: exit 1" "$TAMGAD" --role ocsp --listen 127.0.0.1:0 --ca-dir ca --ca-pass-file wrong.pass
has "... saying so" err.txt 'cannot open the CA'
expect 1 "no passphrase at all: exit 1" env -u TAMGA_CA_PASS "$TAMGAD" --role ocsp --listen 127.0.0.1:0 --ca-dir ca
has "... naming --ca-pass-file" err.txt 'ca-pass-file'
expect 1 "no --ca-dir: exit 1" "$TAMGAD" --role ocsp --listen 127.0.0.1:0 --ca-pass-file ca.pass

start srv --role ocsp --listen "127.0.0.1:$PORT" --ca-dir ca --ca-pass-file ca.pass
if [ -z "$srv_url" ]; then not_ok "tamgad --role ocsp started"; sed 's/^/# /' srv.log; exit 0; fi
ok "tamgad --role ocsp started"

# ------------------------------------------------------------ OCSP with openssl
Q=(openssl ocsp -issuer ca/issuing.crt -url "$BASE/ocsp" -CAfile ca/root.crt -verify_other ca/issuing.crt)
for n in "" -no_nonce; do
    expect 0 "good signer ${n:-with nonce}" "${Q[@]}" $n -cert good.crt
    has "... says good" out.txt '^good.crt: good'
    has "... verified" err.txt 'Response verify OK'
    expect 0 "revoked signer ${n:-with nonce}" "${Q[@]}" $n -cert bad.crt
    has "... says revoked" out.txt '^bad.crt: revoked'
    has "... with reason keyCompromise" out.txt 'Reason: keyCompromise'
    expect 0 "held signer ${n:-with nonce}" "${Q[@]}" $n -cert held.crt
    has "... says revoked, certificateHold" out.txt 'Reason: certificateHold'
done
expect 0 "a serial the CA never issued" "${Q[@]}" -serial 0x123456789
has "... is unknown" out.txt ': unknown'
expect 0 "the issuing CA itself (answered by the root)" \
    openssl ocsp -issuer ca/root.crt -cert ca/issuing.crt -url "$BASE/ocsp" -CAfile ca/root.crt
has "... is good" out.txt 'issuing.crt: good'
"${Q[@]}" -cert good.crt -cert bad.crt -resp_text > out.txt 2> err.txt
has "two CertIDs in one request: both answered" out.txt '^bad.crt: revoked'
has "... responder ID by key" out.txt 'Responder Id: [0-9A-F]{40}'
"${Q[@]}" -cert good.crt -resp_text > out.txt 2> err.txt
has "the nonce is echoed" out.txt 'OCSP Nonce'
"${Q[@]}" -cert good.crt -no_nonce -resp_text > out.txt 2> err.txt
hasnt "no nonce asked, none sent" out.txt 'OCSP Nonce'
has "nextUpdate an hour after thisUpdate" out.txt 'Next Update'

# the cache must not outlive a revocation
"${Q[@]}" -no_nonce -cert later.crt > /dev/null 2>&1
"$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert later.crt --reason superseded > /dev/null 2>&1
expect 0 "a revocation after a cached answer" "${Q[@]}" -no_nonce -cert later.crt
has "... is seen at once" out.txt '^later.crt: revoked'

# ------------------------------------------------------------ the GET form
openssl ocsp -issuer ca/issuing.crt -cert bad.crt -no_nonce -reqout req.der > /dev/null 2>&1
B64=$(python3 -c 'import base64,sys,urllib.parse; print(urllib.parse.quote(base64.b64encode(open("req.der","rb").read()).decode(), safe=""))')
st=$(http get.der "$BASE/ocsp/$B64")
status_is "GET /ocsp/{base64}" 200 "$st"
has "... application/ocsp-response" <(header get.der Content-Type) '^application/ocsp-response$'
has "... cacheable (no nonce)" <(header get.der Cache-Control) 'max-age=[0-9]+'
openssl ocsp -respin get.der -issuer ca/issuing.crt -cert bad.crt -CAfile ca/root.crt -verify_other ca/issuing.crt \
    > out.txt 2> err.txt
has "... parses and says revoked" out.txt '^bad.crt: revoked'
openssl ocsp -issuer ca/issuing.crt -cert good.crt -reqout reqn.der > /dev/null 2>&1
B64=$(python3 -c 'import base64; print(base64.urlsafe_b64encode(open("reqn.der","rb").read()).decode())')
st=$(http getn.der "$BASE/ocsp/$B64")
status_is "GET with a nonce (URL-safe base64)" 200 "$st"
hasnt "... not cacheable" getn.der.h 'max-age'

# ------------------------------------------------------------ refusals
head -c 300 /dev/urandom > garbage.bin
st=$(http bad.der -X POST -H 'Content-Type: application/ocsp-request' --data-binary @garbage.bin "$BASE/ocsp")
status_is "garbage POST still gets an OCSP answer" 200 "$st"
openssl ocsp -respin bad.der -resp_text > out.txt 2>&1
has "... malformedRequest" out.txt 'malformedrequest'
st=$(http bad2.der "$BASE/ocsp/not*base64")
openssl ocsp -respin bad2.der -resp_text > out.txt 2>&1
has "garbage GET: malformedRequest" out.txt 'malformedrequest'
head -c 20000 /dev/zero > big.bin
http big.der -X POST -H 'Content-Type: application/ocsp-request' --data-binary @big.bin "$BASE/ocsp" > /dev/null
openssl ocsp -respin big.der -resp_text > out.txt 2>&1
has "a request over 16 KiB: malformedRequest" out.txt 'malformedrequest'
args=(); for i in $(seq 11); do args+=(-serial "0x$i"); done
openssl ocsp -issuer ca/issuing.crt "${args[@]}" -reqout many.der > /dev/null 2>&1
http many-resp.der -X POST -H 'Content-Type: application/ocsp-request' --data-binary @many.der "$BASE/ocsp" > /dev/null
openssl ocsp -respin many-resp.der -resp_text > out.txt 2>&1
has "11 CertIDs: malformedRequest" out.txt 'malformedrequest'
openssl ocsp -issuer ca/issuing.crt -cert good.crt -nonce "$(printf '%080d' 7)" -reqout bignonce.der > /dev/null 2>&1
http bn.der -X POST -H 'Content-Type: application/ocsp-request' --data-binary @bignonce.der "$BASE/ocsp" > /dev/null
openssl ocsp -respin bn.der -resp_text > out.txt 2>&1
has "a 40-byte nonce: malformedRequest" out.txt 'malformedrequest'
openssl ocsp -issuer other/issuing.crt -cert stranger.crt -url "$BASE/ocsp" -resp_text > out.txt 2>&1
has "another CA's certificate: unauthorized" out.txt 'unauthorized'
st=$(http x.out -X POST -H 'Content-Type: text/plain' --data-binary @req.der "$BASE/ocsp")
status_is "POST without application/ocsp-request: 415" 415 "$st"
st=$(http x.out "$BASE/ocsp")
status_is "GET /ocsp without a request: 405" 405 "$st"

# ------------------------------------------------------------ CRLs
st=$(http issuing.crl "$BASE/crl/issuing.crl")
status_is "GET /crl/issuing.crl" 200 "$st"
has "... application/pkix-crl" <(header issuing.crl Content-Type) '^application/pkix-crl$'
openssl crl -inform DER -in issuing.crl -noout -text > out.txt 2>&1
bad_serial=$(openssl x509 -in bad.crt -noout -serial | cut -d= -f2)
has "... lists the revoked serial" out.txt "Serial Number: 0*$bad_serial"
cat ca/root.crt ca/issuing.crt > chain.pem
openssl crl -inform DER -in issuing.crl -CAfile chain.pem -noout -verify > /dev/null 2> out.txt
has "... and is signed by the issuing CA" out.txt 'verify OK'
st=$(http root.crl "$BASE/crl/root.crl")
status_is "GET /crl/root.crl" 200 "$st"
openssl crl -inform DER -in root.crl -CAfile ca/root.crt -noout -verify > /dev/null 2> out.txt
has "... verifies" out.txt 'verify OK'
st=$(http x.out "$BASE/crl/other.crl")
status_is "an unknown CRL: 404" 404 "$st"
st=$(http issuing.cer "$BASE/ca/issuing.crt")
status_is "GET /ca/issuing.crt (the caIssuers URL)" 200 "$st"
cmp -s issuing.cer <(openssl x509 -in ca/issuing.crt -outform DER) && ok "... the issuing CA in DER" ||
    not_ok "... the issuing CA in DER"
n1=$(openssl crl -inform DER -in issuing.crl -noout -crlnumber)
http again.crl "$BASE/crl/issuing.crl" > /dev/null
n2=$(openssl crl -inform DER -in again.crl -noout -crlnumber)
if [ "$n1" = "$n2" ]; then ok "a fresh CRL is served as it is ($n1)"; else not_ok "a fresh CRL was re-signed ($n1 -> $n2)"; fi

# ------------------------------------------------------------ tamga verify, online, against the role
V=("$TAMGA" verify --trust ca/root.crt --format json)
json_is() {
    local got
    got=$(python3 -c 'import json,sys; j=json.load(open("out.txt")); print(eval(sys.argv[1]))' "$2" 2>&1)
    if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$got', want '$3')"; fi
}
expect 0 "tamga verify online: the good signer is TOTAL-PASSED" "${V[@]}" good.pdf
json_is "... revocation good" 'j["signatures"][0]["revocation"]["status"]' good
expect 1 "tamga verify online: the revoked signer is TOTAL-FAILED" "${V[@]}" bad.pdf
json_is "... REVOKED" 'j["signatures"][0]["subindication"]' REVOKED
has "the role was asked over OCSP" srv.log 'path=/ocsp'
kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null

# ------------------------------------------------------------ a CRL close to its nextUpdate is re-signed
# crl_margin longer than the CRLs' 7 days: the newest is always due.
start srv2 --role ocsp --listen 127.0.0.1:0 --ca-dir ca --ca-pass-file ca.pass --crl-margin 691200
http due.crl "$srv2_url/crl/issuing.crl" > /dev/null
n3=$(openssl crl -inform DER -in due.crl -noout -crlnumber)
if [ "$n3" != "$n2" ] && [ -n "$n3" ]; then ok "a CRL within the margin is re-signed ($n2 -> $n3)"; else not_ok "CRL not re-signed ($n2 -> $n3)"; fi
cmp -s due.crl ca/crl/issuing.crl && ok "... and published in ca/crl/" || not_ok "... and published in ca/crl/"
expect 0 "... tamga pki list still reads the database" "$TAMGA" pki list --dir ca
