#!/bin/bash
# tests/cli/pdf_extend.sh - tamga extend: PAdES B-T (tamga's and
# LibreOffice's signatures) raised to B-LT and B-LTA, OCSP responses in the
# /DSS, re-time-stamping an archive, revocation before and after the
# signature's time-stamp via OCSP and via CRL, and the refusals.
#
# 127.0.0.1 only: `tamgad --role ocsp` is the CA's responder and
# publication point (the AIA OCSP, CDP and caIssuers URLs of the
# certificates); tests/tools/tsa_server.py the TSA (tests/lib_pki.sh).
# Oracles: openssl (ocsp -respin, crl), qpdf (--check, --json for the
# /DSS), pdfsig via shared/oracles/pdf_check.sh (which cannot check
# ETSI.RFC3161 document time-stamps: only the signature is asked of it),
# LibreOffice (shared/oracles/lo_sign.py) as another producer.
. "$TAMGA_ROOT/tests/lib.sh"
. "$TAMGA_ROOT/tests/lib_server.sh"
ORACLES=$TAMGA_SHARED/oracles
for t in pdfsig qpdf openssl; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
. "$TAMGA_ROOT/tests/lib_pki.sh"
trap 'stop_tsa; cleanup' EXIT

# dss FILE EXPR : a Python expression over the catalog's /DSS `d` (qpdf --json).
dss() {
    qpdf --json "$1" > dss.json 2>/dev/null
    python3 - "$2" <<'PY'
import json, sys
objs = json.load(open("dss.json"))["qpdf"][1]
cat = objs["obj:" + objs["trailer"]["value"]["/Root"]]["value"]
d = cat.get("/DSS")
if isinstance(d, str):
    d = objs["obj:" + d]["value"]
print(eval(sys.argv[1]))
PY
}
# sig_sha1 FILE N : upper-case hex SHA-1 of the DER in the Nth /Contents (file order, from 1).
sig_sha1() {
    python3 - "$1" "$2" <<'PY'
import hashlib, re, sys
data = open(sys.argv[1], "rb").read()
m = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))[int(sys.argv[2]) - 1]
a, b, c, d = map(int, m.groups())
der = bytes.fromhex(data[a + b + 1:c - 1].decode())
n = der[1]
n = 2 + (n & 0x7f) + int.from_bytes(der[2:2 + (n & 0x7f)], "big") if n & 0x80 else n + 2
print(hashlib.sha1(der[:n]).hexdigest().upper())
PY
}
# objects FILE KEY PREFIX : dump each object of /DSS /KEY to PREFIX.N.der; prints the files.
objects() {
    local i=0 num
    for num in $(dss "$1" "' '.join(v.split(' ')[0] for v in d.get('/$2', []))"); do
        i=$((i + 1))
        qpdf --show-object="$num" --raw-stream-data "$1" > "$3.$i.der" 2>/dev/null
        echo "$3.$i.der"
    done
}
prefix() {  # prefix DESC IN OUT
    cmp -s -n "$(stat -c %s "$2")" "$2" "$3" && [ "$(stat -c %s "$3")" -gt "$(stat -c %s "$2")" ] &&
        ok "$1" || not_ok "$1"
}
pdfsig_ok() {  # pdfsig_ok DESC FILE
    bash "$ORACLES/pdf_check.sh" --trust ca/root.crt --cert ca/issuing.crt --no-qr "$2" > check.txt 2>&1
    has "$1: pdfsig says signature 1 is valid" check.txt '^sig1 signature: Signature is Valid\.$'
    has "$1: pdfsig trusts its certificate" check.txt '^sig1 certificate: Certificate is Trusted\.$'
}
later() { date -u -d "@$(( $(date +%s) + $1 ))" +%Y-%m-%dT%H:%M:%SZ; }

# ------------------------------------------------------------ PKI, responder, TSA
echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass --base-url "$BASE" > /dev/null
for who in good bad; do
    "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn "Signer $who" --out "$who" > /dev/null 2>&1 ||
        not_ok "issue $who"
done
start ocsp --role ocsp --listen "127.0.0.1:$PORT" --ca-dir ca --ca-pass-file ca.pass
if [ -z "$ocsp_url" ]; then not_ok "tamgad --role ocsp started"; sed 's/^/# /' ocsp.log; exit 0; fi
ok "tamgad --role ocsp started"
openssl pkey -in ca/private/tsa.key -passin file:ca.pass -out tsa.key 2>/dev/null
mkdir -p tsa
python3 "$TAMGA_ROOT/tests/tools/tsa_server.py" serve --cert ca/tsa.crt --key tsa.key --chain ca/issuing.crt \
    --dir tsa --port-file tsa.port > tsa.log 2>&1 &
TSA=$!
for _ in $(seq 50); do [ -s tsa.port ] && break; sleep 0.1; done
TSA_URL="http://127.0.0.1:$(cat tsa.port 2>/dev/null)/"
python3 "$TAMGA_ROOT/bench/mkpdf.py" 1 plain.pdf
sign() { local who=$1 out=$2; shift 2
         "$TAMGA" sign -q --key "$who.key" --cert "$who.crt" --chain "$who-chain.pem" -o "$out" "$@" plain.pdf 2> /dev/null ||
             not_ok "sign $out"; }
V=("$TAMGA" verify --offline --trust ca/root.crt --format json)
E=("$TAMGA" extend)
has "the signer's AIA names the responder" <(openssl x509 -in good.crt -noout -text) "OCSP - URI:$BASE/ocsp"
SERIAL=$(openssl x509 -in good.crt -noout -serial | cut -d= -f2)
BAD_SERIAL=$(openssl x509 -in bad.crt -noout -serial | cut -d= -f2)

sign good bt.pdf --tsa "$TSA_URL"
sign bad bad-bt.pdf --tsa "$TSA_URL"

# ------------------------------------------------------------ refusals
expect 3 "--level B-B is refused" "${E[@]}" --level B-B -o x.pdf bt.pdf
has "... saying B-LT or B-LTA" err.txt 'B-LT or B-LTA'
expect 3 "--level B-T is refused" "${E[@]}" --level B-T -o x.pdf bt.pdf
expect 3 "no --level is refused" "${E[@]}" -o x.pdf bt.pdf
expect 3 "B-LTA without --tsa is refused" "${E[@]}" --level B-LTA -o x.pdf bt.pdf
expect 3 "an unknown --revocation is refused" "${E[@]}" --level B-LT --revocation maybe -o x.pdf bt.pdf
expect 3 "an unsigned PDF is refused" "${E[@]}" --level B-LT -o x.pdf plain.pdf
has "... saying it has no signatures" err.txt 'no signatures'
python3 - <<'PY'
d = open("bt.pdf", "rb").read()
i = d.index(b"quick brown fox")
open("tampered.pdf", "wb").write(d[:i] + b"quick brown cat" + d[i + 15:])
PY
expect 1 "a tampered signed PDF is refused (exit 1)" "${E[@]}" --level B-LT -o x.pdf tampered.pdf
has "... naming the signature and the integrity failure" err.txt "signature 1 \('Tamga [^']*'\) fails its integrity check \(HASH_FAILURE"
qpdf --encrypt user owner 256 -- bt.pdf enc.pdf 2>/dev/null
expect 3 "an encrypted PDF is refused" "${E[@]}" --level B-LT -o x.pdf enc.pdf
has "... saying it is encrypted" err.txt 'encrypted'
[ ! -e x.pdf ] && ok "no refusal wrote an output" || not_ok "no refusal wrote an output"
expect 3 "sign: --revocation at level B-T is refused" "$TAMGA" sign --key good.key --cert good.crt --tsa "$TSA_URL" \
    --revocation ocsp -o x.pdf plain.pdf
has "extend --help names --revocation" <("$TAMGA" extend --help) '--revocation auto\|crl\|ocsp\|both'
has "tamga --help lists extend" <("$TAMGA" --help 2>&1) '^  extend '

# ------------------------------------------------------------ B-T -> B-LT, OCSP from tamgad
expect 0 "extend tamga's B-T signature to B-LT (OCSP from the responder)" "${E[@]}" --level B-LT -o lt.pdf bt.pdf
has "... says what it added" out.txt 'OCSP responses'
prefix "B-LT: the input is an exact prefix of the output" bt.pdf lt.pdf
check "B-LT: qpdf --check is clean" qpdf --check lt.pdf
n=$(dss lt.pdf 'len(d.get("/OCSPs", []))')
[ "$n" -ge 2 ] && ok "the /DSS holds OCSP responses for the signer and the TSA ($n)" ||
    not_ok "the /DSS holds OCSP responses for the signer and the TSA ($n)"
: > ocsp.txt
for f in $(objects lt.pdf OCSPs o); do openssl ocsp -respin "$f" -resp_text -noverify >> ocsp.txt 2>&1; done
has "openssl parses them; one names the signer's serial" ocsp.txt "Serial Number: $SERIAL"
has "... with status good" ocsp.txt 'Cert Status: good'
for f in $(objects lt.pdf OCSPs o); do
    openssl ocsp -respin "$f" -issuer ca/issuing.crt -cert good.crt -CAfile ca/root.crt -verify_other ca/issuing.crt \
        > o.txt 2>&1 && grep -q '^good.crt: good' o.txt && break
done
has "openssl ocsp verifies the embedded response for the signer: good" o.txt '^good.crt: good'
has "... and its signature" o.txt 'Response verify OK'
key=$(sig_sha1 lt.pdf 1)
[ "$(dss lt.pdf 'sorted(d["/VRI"]["/'"$key"'"]["/OCSP"]) == sorted(d["/OCSPs"])')" = True ] &&
    ok "/VRI (SHA-1 of the CMS) /OCSP names the responses" || not_ok "/VRI (SHA-1 of the CMS) /OCSP names the responses"
expect 0 "B-LT verifies offline" "${V[@]}" lt.pdf
json_is "TOTAL-PASSED, PAdES-B-LT" '(j["verdict"], j["signatures"][0]["level"])' "('TOTAL-PASSED', 'PAdES-B-LT')"
json_is "revocation good, from the embedded data" 'j["signatures"][0]["revocation"]' "{'status': 'good', 'source': 'embedded'}"
json_is "the extension is an allowed DSS change" '[(m["kind"], m["allowed"]) for m in j["signatures"][0]["modifications"]]' \
    "[('dss', True)]"
pdfsig_ok "B-LT" lt.pdf
expect 0 "extending B-LT at B-LT again" "${E[@]}" -q --level B-LT -o lt-again.pdf lt.pdf
has "... says there is nothing to add" err.txt 'nothing to add'
cmp -s lt.pdf lt-again.pdf && ok "... and writes a copy" || not_ok "... and writes a copy"

# --revocation ocsp: no CRL of the signer's issuer, so only the OCSP response can clear the signer.
expect 0 "extend with --revocation ocsp" "${E[@]}" -q --level B-LT --revocation ocsp -o lt-ocsp.pdf bt.pdf
: > crls.txt
for f in $(objects lt-ocsp.pdf CRLs c); do openssl crl -inform DER -in "$f" -noout -issuer >> crls.txt 2>&1; done
hasnt "... embeds no CRL of the issuing CA" crls.txt 'Issuing CA'
expect 0 "... and verifies offline" "${V[@]}" lt-ocsp.pdf
json_is "TOTAL-PASSED, revocation embedded (OCSP)" '(j["verdict"], j["signatures"][0]["revocation"]["source"])' \
    "('TOTAL-PASSED', 'embedded')"
expect 0 "extend with --revocation crl" "${E[@]}" -q --level B-LT --revocation crl -o lt-crl.pdf bt.pdf
[ "$(dss lt-crl.pdf 'len(d.get("/OCSPs", []))')" = 0 ] && ok "... embeds no OCSP response" ||
    not_ok "... embeds no OCSP response"
expect 0 "... and verifies offline" "${V[@]}" lt-crl.pdf
expect 0 "sign at B-LT with --revocation ocsp" "$TAMGA" sign -q --key good.key --cert good.crt --chain good-chain.pem \
    --level B-LT --revocation ocsp --tsa "$TSA_URL" -o signed-lt.pdf plain.pdf
[ "$(dss signed-lt.pdf 'len(d.get("/OCSPs", []))')" -ge 1 ] && ok "... embeds OCSP responses" ||
    not_ok "... embeds OCSP responses"
expect 0 "... and verifies offline" "${V[@]}" signed-lt.pdf

# ------------------------------------------------------------ B-LT -> B-LTA -> B-LTA (re-time-stamp)
expect 0 "extend B-LT to B-LTA" "${E[@]}" --level B-LTA --tsa "$TSA_URL" -o lta.pdf lt.pdf
prefix "B-LTA: the B-LT input is an exact prefix" lt.pdf lta.pdf
check "B-LTA: qpdf --check is clean" qpdf --check lta.pdf
expect 0 "B-LTA verifies offline" "${V[@]}" lta.pdf
json_is "two signatures, TOTAL-PASSED" '(len(j["signatures"]), j["verdict"])' "(2, 'TOTAL-PASSED')"
json_is "levels" '[s["level"] for s in j["signatures"]]' "['PAdES-B-LTA', 'PDF-DOCUMENT-TIMESTAMP']"
json_is "revocation embedded" 'j["signatures"][0]["revocation"]["source"]' embedded
pdfsig_ok "B-LTA" lta.pdf
has "pdfsig: the document time-stamp covers the whole file" check.txt '^sig2 info: .*coverage=total$'

expect 0 "extend the B-LTA archive at B-LTA again (re-time-stamp)" "${E[@]}" --level B-LTA --tsa "$TSA_URL" -o lta2.pdf lta.pdf
has "... says when to do it next" out.txt 'extend again before [0-9]{4}-'
prefix "re-time-stamp: the archive is an exact prefix" lta.pdf lta2.pdf
check "re-time-stamp: qpdf --check is clean" qpdf --check lta2.pdf
expect 0 "three signatures verify offline" "${V[@]}" lta2.pdf
json_is "TOTAL-PASSED" '(len(j["signatures"]), j["verdict"])' "(3, 'TOTAL-PASSED')"
json_is "two document time-stamps, both passed" \
    '[(s["level"], s["indication"]) for s in j["signatures"][1:]]' \
    "[('PDF-DOCUMENT-TIMESTAMP', 'TOTAL-PASSED'), ('PDF-DOCUMENT-TIMESTAMP', 'TOTAL-PASSED')]"
ts1=$(sig_sha1 lta2.pdf 2)
[ "$(dss lta2.pdf '"/'"$ts1"'" in d["/VRI"]')" = True ] && ok "/VRI has an entry for the first document time-stamp" ||
    not_ok "/VRI has an entry for the first document time-stamp ($ts1; $(dss lta2.pdf 'list(d["/VRI"])'))"
[ "$(dss lta2.pdf 'len(d["/VRI"]["/'"$ts1"'"].get("/OCSP", []))')" -ge 1 ] &&
    ok "... with the OCSP response for its TSA" || not_ok "... with the OCSP response for its TSA"
: > subjects.txt
for num in $(dss lta2.pdf '" ".join(v.split(" ")[0] for v in d["/VRI"]["/'"$ts1"'"]["/Cert"])'); do
    qpdf --show-object="$num" --raw-stream-data lta2.pdf > c.der 2>/dev/null
    openssl x509 -inform DER -in c.der -noout -subject >> subjects.txt 2>&1
done
has "... and the TSA's certificate" subjects.txt 'Time-Stamping Authority'
has "... and its issuer" subjects.txt 'Issuing CA'

# ------------------------------------------------------------ another producer: LibreOffice
openssl pkcs12 -export -inkey good.key -in good.crt -certfile good-chain.pem -passout pass:p12-pass -out good.p12 2>/dev/null
if timeout 300 python3 "$ORACLES/lo_sign.py" --p12 good.p12 --pass p12-pass plain.pdf lo.pdf > lo.txt 2>&1 &&
    [ -s lo.pdf ]; then
    ok "LibreOffice signed a PDF"
    expect 0 "extend LibreOffice's signature to B-LT" "${E[@]}" --level B-LT -o lo-lt.pdf lo.pdf
    has "... noting it has no signature time-stamp" err.txt 'no signature time-stamp'
    prefix "LibreOffice: the input is an exact prefix" lo.pdf lo-lt.pdf
    check "LibreOffice: qpdf --check is clean" qpdf --check lo-lt.pdf
    expect 0 "the extended LibreOffice signature verifies offline" "${V[@]}" lo-lt.pdf
    json_is "TOTAL-PASSED, revocation embedded" '(j["verdict"], j["signatures"][0]["revocation"])' \
        "('TOTAL-PASSED', {'status': 'good', 'source': 'embedded'})"
    pdfsig_ok "LibreOffice B-LT" lo-lt.pdf
    expect 0 "... and on to B-LTA" "${E[@]}" --level B-LTA --tsa "$TSA_URL" -o lo-lta.pdf lo-lt.pdf
    expect 0 "... which verifies offline" "${V[@]}" lo-lta.pdf
    json_is "TOTAL-PASSED with a document time-stamp" '(j["verdict"], j["signatures"][1]["level"])' \
        "('TOTAL-PASSED', 'PDF-DOCUMENT-TIMESTAMP')"
else
    not_ok "LibreOffice signed a PDF"; sed 's/^/# /' lo.txt | tail -10
fi

# ------------------------------------------------------------ revocation after / before the time-stamp
expect 0 "extend bad's signature while its certificate is good" "${E[@]}" -q --level B-LT -o bad-lt-early.pdf bad-bt.pdf
sleep 1   # the revocation is strictly after that time-stamp
expect 0 "revoke bad (keyCompromise)" \
    "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert bad.crt --reason keyCompromise
sleep 1
sign bad bad-bt-after.pdf --tsa "$TSA_URL"
expect 0 "openssl ocsp (independent client) sees bad revoked" openssl ocsp -issuer ca/issuing.crt -cert bad.crt \
    -url "$BASE/ocsp" -CAfile ca/root.crt -verify_other ca/issuing.crt
has "... revoked" out.txt '^bad.crt: revoked'

# --at +20 min stays: these are B-LT documents (no document time-stamp), so
# their signature time-stamp's TSA is validated at the validation time, with
# the embedded OCSP responses (tamgad's are current for an hour).  Past
# validation needs a document time-stamp: tests/cli/pdf_ltv_past.sh.
AT=$(later 1200)
expect 0 "extended before the revocation: TOTAL-PASSED offline later (--at +20 min)" "${V[@]}" --at "$AT" bad-lt-early.pdf
json_is "embedded data: good" 'j["signatures"][0]["revocation"]' "{'status': 'good', 'source': 'embedded'}"

for how in ocsp crl; do
    expect 0 "$how: extend after a revocation later than the time-stamp" \
        "${E[@]}" --level B-LT --revocation "$how" -o "bad-lt-$how.pdf" bad-bt.pdf
    has "... noting it stays valid on the time-stamp" err.txt 'after its time-stamp'
    expect 0 "$how: TOTAL-PASSED offline at a later --at" "${V[@]}" --at "$AT" "bad-lt-$how.pdf"
    json_is "$how: the embedded data says revoked" 'j["signatures"][0]["revocation"]' \
        "{'status': 'revoked', 'source': 'embedded'}"
    json_is "$how: a warning says after the proof of existence" \
        'any("after the proof of existence" in w for w in j["signatures"][0]["warnings"])' True

    expect 1 "$how: a signature time-stamped after the revocation is refused (exit 1)" \
        "${E[@]}" --level B-LT --revocation "$how" -o "bad-after-$how.pdf" bad-bt-after.pdf
    has "$how: ... saying it was revoked before its time-stamp" err.txt 'revoked at .*keyCompromise.*before its time-stamp'
    [ ! -e "bad-after-$how.pdf" ] && ok "$how: ... and nothing is written" || not_ok "$how: ... and nothing is written"
    expect 0 "$how: --allow-revoked embeds the evidence" \
        "${E[@]}" --level B-LT --revocation "$how" --allow-revoked -o "bad-after-$how.pdf" bad-bt-after.pdf
    expect 1 "$how: verify offline: TOTAL-FAILED" "${V[@]}" "bad-after-$how.pdf"
    json_is "$how: REVOKED, from the embedded data" \
        '(j["signatures"][0]["subindication"], j["signatures"][0]["revocation"]["source"])' "('REVOKED', 'embedded')"
done
: > ocsp.txt
for f in $(objects bad-after-ocsp.pdf OCSPs r); do openssl ocsp -respin "$f" -resp_text -noverify >> ocsp.txt 2>&1; done
has "openssl: the embedded OCSP response names bad's serial" ocsp.txt "Serial Number: $BAD_SERIAL"
has "... revoked, keyCompromise" ocsp.txt 'Revocation Reason: keyCompromise'
: > crls.txt
for f in $(objects bad-after-crl.pdf CRLs r); do openssl crl -inform DER -in "$f" -noout -text >> crls.txt 2>&1; done
has "openssl: an embedded CRL lists bad's serial" crls.txt "Serial Number: $BAD_SERIAL"
expect 3 "sign at B-LT with the revoked certificate is refused" "$TAMGA" sign --key bad.key --cert bad.crt \
    --chain bad-chain.pem --level B-LT --tsa "$TSA_URL" -o bad-lt-sign.pdf plain.pdf
has "... saying it is revoked" err.txt 'revoked'

# ------------------------------------------------------------ the responder down
kill "$ocsp_pid" 2>/dev/null; wait "$ocsp_pid" 2>/dev/null
expect 3 "--revocation ocsp with the responder down is an error" "${E[@]}" --level B-LT --revocation ocsp -o down.pdf bt.pdf
has "... naming the responder" err.txt "no usable OCSP response .*$BASE/ocsp"
expect 0 "auto with the responder down falls back to --crl files" "${E[@]}" -q --level B-LT \
    --crl ca/crl/root.crl --crl ca/crl/issuing.crl -o down.pdf bt.pdf
expect 0 "... which verify offline" "${V[@]}" down.pdf
expect 3 "an existing output is not replaced" "${E[@]}" -q --level B-LT --crl ca/crl/root.crl \
    --crl ca/crl/issuing.crl -o down.pdf bt.pdf
expect 0 "... unless --force" "${E[@]}" -q --level B-LT --crl ca/crl/root.crl --crl ca/crl/issuing.crl --force \
    -o down.pdf bt.pdf
stop_tsa
