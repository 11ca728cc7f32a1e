#!/bin/bash
# tests/cli/pdf_ltv_past.sh - long-term validation (EN 319 102-1 §5.6.2.4,
# past signature validation): a PAdES B-LTA document stays TOTAL-PASSED
# after the signer's, the signature time-stamp TSA's and their CA's
# certificates have all expired, because a later document time-stamp proves
# that the signature, its time-stamp and the /DSS data existed while they
# were valid.  Without a document time-stamp (B-LT), or with one that is
# tampered or expired itself, it does not.
#
# Two CAs on 127.0.0.1: CA "A" lives a few days (root 3, issuing 2, signer,
# OCSP responder and TSA 1): it signs and time-stamps the signature, and
# `tamgad --role ocsp` is its responder; CA "B" is the archive's
# (defaults: years), its TSA makes the last document time-stamp, and its
# long-lived CRLs (tamga pki crl --days) are what an offline verifier has
# in the future.  Validation times come from openssl x509 -enddate; the
# time-stamps' times from openssl ts -reply -token_in (independent of
# tamga's report).
. "$TAMGA_ROOT/tests/lib.sh"
. "$TAMGA_ROOT/tests/lib_server.sh"
for t in qpdf openssl; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
. "$TAMGA_ROOT/tests/lib_pki.sh"
trap 'cleanup' EXIT

epoch() { date -u -d "$1" +%s; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
enddate() { epoch "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)"; }
# token FILE N OUT : the DER of the Nth /Contents (file order, from 1), padding removed.
token() {
    python3 - "$1" "$2" "$3" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
m = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))[int(sys.argv[2]) - 1]
a, b, c, d = map(int, m.groups())
der = bytes.fromhex(data[a + b + 1:c - 1].decode())
n = der[1]
n = 2 + (n & 0x7f) + int.from_bytes(der[2:2 + (n & 0x7f)], "big") if n & 0x80 else n + 2
open(sys.argv[3], "wb").write(der[:n])
PY
}
# gentime FILE N : the genTime of the Nth /Contents as a time-stamp token, RFC 3339 (openssl).
gentime() {
    token "$1" "$2" tok.der
    epoch "$(openssl ts -reply -token_in -in tok.der -text 2>/dev/null | sed -n 's/^Time stamp: //p')"
}
# tamper IN OUT : flip one hex digit near the end of the last /Contents' DER
# (inside the token's signature value).
tamper() {
    python3 - "$1" "$2" <<'PY'
import re, sys
data = bytearray(open(sys.argv[1], "rb").read())
m = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))[-1]
a, b, c, d = map(int, m.groups())
der = bytes.fromhex(data[a + b + 1:c - 1].decode())
n = der[1]
n = 2 + (n & 0x7f) + int.from_bytes(der[2:2 + (n & 0x7f)], "big") if n & 0x80 else n + 2
i = a + b + 1 + 2 * (n - 6)
data[i] = ord("0") if data[i] != ord("0") else ord("1")
open(sys.argv[2], "wb").write(data)
PY
}
# start_tsa NAME CADIR : tests/tools/tsa_server.py with CADIR's TSA certificate; sets NAME_URL.
start_tsa() {
    local name=$1 dir=$2
    openssl pkey -in "$dir/private/tsa.key" -passin file:ca.pass -out "$name.key" 2>/dev/null
    mkdir -p "$name"
    python3 "$TAMGA_ROOT/tests/tools/tsa_server.py" serve --cert "$dir/tsa.crt" --key "$name.key" \
        --chain "$dir/issuing.crt" --dir "$name" --port-file "$name.port" > "$name.log" 2>&1 &
    PIDS+=("$!")
    for _ in $(seq 50); do [ -s "$name.port" ] && break; sleep 0.1; done
    printf -v "${name}_URL" %s "http://127.0.0.1:$(cat "$name.port" 2>/dev/null)/"
}

# ------------------------------------------------------------ two CAs, a responder, two TSAs
echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass --base-url "$BASE" --org 'Short PKI' \
    --root-days 3 --issuing-days 2 --service-days 1 > /dev/null || not_ok "pki init (short-lived CA)"
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Signer Past' --days 1 --out s > /dev/null 2>&1 ||
    not_ok "issue the signer"
PORT_B=$(free_port)
"$TAMGA" pki init --dir cb --ca-pass-file ca.pass --base-url "http://127.0.0.1:$PORT_B" --org 'Archive PKI' \
    --service-days 300 > /dev/null || not_ok "pki init (archive CA)"
"$TAMGA" pki crl --dir cb --ca-pass-file ca.pass --ca root --days 366 --out cb-root.crl > /dev/null &&
    "$TAMGA" pki crl --dir cb --ca-pass-file ca.pass --ca issuing --days 366 --out cb-issuing.crl > /dev/null ||
    not_ok "year-long CRLs of the archive CA"
start ocsp --role ocsp --listen "127.0.0.1:$PORT" --ca-dir ca --ca-pass-file ca.pass
if [ -z "$ocsp_url" ]; then not_ok "tamgad --role ocsp started"; sed 's/^/# /' ocsp.log; exit 0; fi
ok "tamgad --role ocsp started (CA A's responder and CRLs)"
start ocspb --role ocsp --listen "127.0.0.1:$PORT_B" --ca-dir cb --ca-pass-file ca.pass
if [ -z "$ocspb_url" ]; then not_ok "tamgad --role ocsp started (CA B)"; sed 's/^/# /' ocspb.log; exit 0; fi
start_tsa tsaa ca
start_tsa tsab cb
python3 "$TAMGA_ROOT/bench/mkpdf.py" 1 plain.pdf

# Times, from the certificates: FAR is a day after everything of CA A
# expired (signer, TSA, OCSP responder, issuing CA, root) and before the
# archive TSA's certificate expires; BEYOND is a day after that, still
# within the archive CA's CRLs' nextUpdate.
last_a=0
for c in s.crt ca/tsa.crt ca/ocsp.crt ca/issuing.crt ca/root.crt; do
    e=$(enddate "$c"); [ "$e" -gt "$last_a" ] && last_a=$e
done
FAR=$(iso $((last_a + 86400)))
tsab_end=$(enddate cb/tsa.crt)
BEYOND=$(iso $((tsab_end + 86400)))
crl_end=$(epoch "$(openssl crl -inform DER -in cb-issuing.crl -noout -nextupdate | cut -d= -f2)")
[ $((last_a + 86400)) -lt "$tsab_end" ] && [ "$(enddate cb/issuing.crt)" -gt "$tsab_end" ] &&
    [ "$crl_end" -gt $((tsab_end + 86400)) ] &&
    ok "FAR ($FAR) is after CA A's certificates and before the archive TSA's ($(iso "$tsab_end"))" ||
    not_ok "FAR ($FAR) is after CA A's certificates and before the archive TSA's ($(iso "$tsab_end"))"
V=("$TAMGA" verify --offline --format json --trust ca/root.crt --trust cb/root.crt --crl cb-root.crl --crl cb-issuing.crl)

# ------------------------------------------------------------ the documents
"$TAMGA" sign -q --key s.key --cert s.crt --chain s-chain.pem --level B-LT --tsa "$tsaa_URL" -o lt.pdf plain.pdf \
    2> sign.err || { not_ok "sign at B-LT (TSA A)"; sed 's/^/# /' sign.err; }
expect 0 "extend to B-LTA with the archive's TSA" "$TAMGA" extend -q --level B-LTA --tsa "$tsab_URL" -o lta.pdf lt.pdf
expect 0 "extend to B-LTA with TSA A (short-lived)" "$TAMGA" extend -q --level B-LTA --tsa "$tsaa_URL" -o lta-a.pdf lt.pdf
expect 0 "re-time-stamp that archive with the archive's TSA" \
    "$TAMGA" extend -q --level B-LTA --tsa "$tsab_URL" -o lta2.pdf lta-a.pdf
kill "$ocsp_pid" "$ocspb_pid" 2>/dev/null   # from here on: offline, and CA A's services are gone

# ------------------------------------------------------------ now: everything valid
expect 0 "B-LT verifies offline now" "${V[@]}" lt.pdf
json_is "... its signature time-stamp validated now, not in the past" \
    '[(t["past_validation"], t["validated_at"] == j["validation_time"]) for t in j["signatures"][0]["timestamps"]]' \
    "[(False, True)]"
expect 0 "B-LTA verifies offline now" "${V[@]}" lta.pdf
DOC_GEN=$(gentime lta.pdf 2)
json_is "... its signature time-stamp validated in the past, at the document time-stamp's genTime (openssl ts)" \
    '[(t["past_validation"], t["validated_at"]) for t in j["signatures"][0]["timestamps"]]' \
    "[(True, '$(iso "$DOC_GEN")')]"

# ------------------------------------------------------------ FAR: CA A has expired
expect 0 "B-LTA at $FAR (signer, TSA A, CA A expired): exit 0" "${V[@]}" --at "$FAR" lta.pdf
json_is "... every signature TOTAL-PASSED" '(j["verdict"], [s["indication"] for s in j["signatures"]])' \
    "('TOTAL-PASSED', ['TOTAL-PASSED', 'TOTAL-PASSED'])"
json_is "... the signature's revocation from the embedded data" 'j["signatures"][0]["revocation"]' \
    "{'status': 'good', 'source': 'embedded'}"
json_is "... the signature time-stamp validated in the past, at the document time-stamp's genTime" \
    '[(t["indication"], t["past_validation"], t["validated_at"]) for t in j["signatures"][0]["timestamps"]]' \
    "[('TOTAL-PASSED', True, '$(iso "$DOC_GEN")')]"
json_is "... the document time-stamp validated at the validation time" \
    '[(t["past_validation"], t["validated_at"]) for t in j["signatures"][1]["timestamps"]]' "[(False, '$FAR')]"
json_is "... the signing time is the signature time-stamp's" \
    '(j["signatures"][0]["signing_time_source"], j["signatures"][0]["signing_time"] <= j["signatures"][1]["signing_time"])' \
    "('timestamp', True)"
expect 0 "... and the text report says so" "$TAMGA" verify --offline --trust ca/root.crt --trust cb/root.crt \
    --crl cb-root.crl --crl cb-issuing.crl --at "$FAR" lta.pdf
has "... 'validated in the past'" out.txt 'signature time-stamp: .*TOTAL-PASSED \(validated in the past, at '

expect 2 "the same signature at B-LT (no document time-stamp) at $FAR: INDETERMINATE" "${V[@]}" --at "$FAR" lt.pdf
json_is "... INDETERMINATE, the signature time-stamp not validated in the past" \
    '(j["signatures"][0]["indication"], [(t["past_validation"], t["indication"]) for t in j["signatures"][0]["timestamps"]])' \
    "('INDETERMINATE', [(False, 'INDETERMINATE')])"
json_is "... the signer's certificate out of bounds (no proof of existence)" 'j["signatures"][0]["subindication"]' \
    OUT_OF_BOUNDS_NO_POE
json_is "... the time-stamp's message says expired" \
    '"expired" in (j["signatures"][0]["timestamps"][0]["message"] or "")' True

expect 2 "B-LTA whose only document time-stamp is by TSA A (expired itself) at $FAR: INDETERMINATE" \
    "${V[@]}" --at "$FAR" lta-a.pdf
json_is "... neither time-stamp passes, nothing validated in the past" \
    '[(s["indication"], [t["past_validation"] for t in s["timestamps"]]) for s in j["signatures"]]' \
    "[('INDETERMINATE', [False]), ('INDETERMINATE', [False])]"

tamper lta.pdf lta-bad.pdf
expect 1 "B-LTA with a tampered document time-stamp at $FAR: TOTAL-FAILED (exit 1)" "${V[@]}" --at "$FAR" lta-bad.pdf
json_is "... the document time-stamp TOTAL-FAILED" '(j["signatures"][1]["subfilter"], j["signatures"][1]["indication"])' \
    "('ETSI.RFC3161', 'TOTAL-FAILED')"
json_is "... and it gives no proof of existence: the signature INDETERMINATE, its time-stamp validated now" \
    '(j["signatures"][0]["indication"], [(t["past_validation"], t["validated_at"]) for t in j["signatures"][0]["timestamps"]])' \
    "('INDETERMINATE', [(False, '$FAR')])"

# ------------------------------------------------------------ re-time-stamped archive
DOC1_GEN=$(gentime lta2.pdf 2)
DOC2_GEN=$(gentime lta2.pdf 3)
expect 0 "re-time-stamped archive at $FAR (past TSA A's expiry): exit 0" "${V[@]}" --at "$FAR" lta2.pdf
json_is "... three signatures TOTAL-PASSED" '[s["indication"] for s in j["signatures"]]' \
    "['TOTAL-PASSED', 'TOTAL-PASSED', 'TOTAL-PASSED']"
json_is "... the first document time-stamp (TSA A) validated in the past at the second's genTime" \
    '[("Short PKI" in t["tsa"], t["past_validation"], t["validated_at"]) for t in j["signatures"][1]["timestamps"]]' \
    "[(True, True, '$(iso "$DOC2_GEN")')]"
json_is "... the signature time-stamp at the first document time-stamp's genTime" \
    '[(t["past_validation"], t["validated_at"]) for t in j["signatures"][0]["timestamps"]]' \
    "[(True, '$(iso "$DOC1_GEN")')]"
json_is "... the last one at the validation time" \
    '[(t["past_validation"], t["validated_at"]) for t in j["signatures"][2]["timestamps"]]' "[(False, '$FAR')]"
expect 2 "... after the archive TSA's certificate expired too ($BEYOND): INDETERMINATE" "${V[@]}" --at "$BEYOND" lta2.pdf
json_is "... the last document time-stamp is not valid, so nothing is proven" \
    '[s["indication"] for s in j["signatures"]]' "['INDETERMINATE', 'INDETERMINATE', 'INDETERMINATE']"
