# tamga sign --level B-LT / B-LTA (ETSI EN 319 142-1 §5.4, §5.5): the
# document security store carries what an offline verifier needs (CRLs,
# and OCSP responses from openssl's responder behind pki_server.py), and a
# document time-stamp covers the whole file.  Oracles: qpdf (--check, --json
# for the /DSS), pdfsig for the signature (poppler 22.12 cannot validate an
# ETSI.RFC3161 document time-stamp, so only sig1 is asked of it), openssl
# for the DER of what is embedded.
. "$TAMGA_ROOT/tests/lib.sh"
ORACLES=$TAMGA_SHARED/oracles
MKPDF=$TAMGA_ROOT/bench/mkpdf.py
for t in pdfsig qpdf; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done

. "$TAMGA_ROOT/tests/lib_pki.sh"

# dss FILE EXPR : a Python expression over the catalog's /DSS `d` (qpdf --json),
# with `objs` the objects; prints the value.
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

# cms_sha1 FILE : upper-case hex SHA-1 of the first signature's CMS DER
# (the /Contents value without its zero padding).
cms_sha1() {
    python3 - "$1" <<'PY'
import hashlib, re, sys
data = open(sys.argv[1], "rb").read()
m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
a, b, c, d = map(int, m.groups())
der = bytes.fromhex(data[a + b + 1:c - 1].decode())
n = der[1]
if n & 0x80:
    k = n & 0x7f
    n = 2 + k + int.from_bytes(der[2:2 + k], "big")
else:
    n += 2
print(hashlib.sha1(der[:n]).hexdigest().upper())
PY
}

# ------------------------------------------------------------ PKI, publication point, TSA
echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass --base-url "$BASE" > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Signer LT' --out s > /dev/null 2>&1 ||
    not_ok "issue the signer"
S=(--key s.key --cert s.crt --chain s-chain.pem)
mkdir -p srv/crl
cp ca/crl/root.crl ca/crl/issuing.crl srv/crl/
openssl pkey -in ca/private/tsa.key -passin file:ca.pass -out tsa.key 2>/dev/null
mkdir -p tsa
python3 "$TAMGA_ROOT/tests/tools/tsa_server.py" serve --cert ca/tsa.crt --key tsa.key --chain ca/issuing.crt \
    --dir tsa --port-file tsa.port > tsa.log 2>&1 &
TSA=$!
for _ in $(seq 50); do [ -s tsa.port ] && break; sleep 0.1; done
TSA_URL="http://127.0.0.1:$(cat tsa.port 2>/dev/null)/"
python3 "$MKPDF" 1 plain.pdf
V=("$TAMGA" verify --offline --trust ca/root.crt)

# ------------------------------------------------------------ usage
expect 3 "B-LT needs --tsa" "$TAMGA" sign "${S[@]}" --level B-LT -o x.pdf plain.pdf
has "... and says so" err.txt 'B-LT needs --tsa'
expect 3 "--crl at level B-T is refused" "$TAMGA" sign "${S[@]}" --level B-T --tsa "$TSA_URL" --crl ca/crl/root.crl \
    -o x.pdf plain.pdf
expect 3 "an unknown level is refused" "$TAMGA" sign "${S[@]}" --level B-XL --tsa "$TSA_URL" -o x.pdf plain.pdf
has "sign --help names B-LTA" <("$TAMGA" sign --help) 'B-LTA'

# ------------------------------------------------------------ B-LT, CRLs fetched from the CDPs
start_server
expect 0 "sign at B-LT (CRLs fetched from the distribution points)" \
    "$TAMGA" sign "${S[@]}" --level B-LT --tsa "$TSA_URL" -o lt.pdf plain.pdf
has "the issuing CA's CRL was fetched" srv/requests.log '^GET /crl/issuing.crl$'
stop_server
cmp -s -n "$(stat -c %s plain.pdf)" plain.pdf lt.pdf && ok "B-LT: the input is an exact prefix" ||
    not_ok "B-LT: the input is an exact prefix"
check "B-LT: qpdf --check is clean" qpdf --check lt.pdf
[ "$(dss lt.pdf 'd["/Type"]')" = "/DSS" ] && ok "the catalog has a /DSS" || not_ok "the catalog has a /DSS"
n=$(dss lt.pdf 'len(d["/Certs"])')
[ "$n" -ge 3 ] && ok "the /DSS holds the signer's and the TSA's certificates ($n)" ||
    not_ok "the /DSS holds the signer's and the TSA's certificates ($n)"
n=$(dss lt.pdf 'len(d["/CRLs"])')
[ "$n" -ge 1 ] && ok "the /DSS holds CRLs ($n)" || not_ok "the /DSS holds CRLs ($n)"
key=$(cms_sha1 lt.pdf)
[ "$(dss lt.pdf 'list(d["/VRI"].keys())')" = "['/$key']" ] && ok "/VRI is keyed by the SHA-1 of the CMS" ||
    not_ok "/VRI is keyed by the SHA-1 of the CMS ($key; $(dss lt.pdf 'list(d["/VRI"].keys())'))"
[ "$(dss lt.pdf 'sorted(d["/VRI"]["/'"$key"'"]["/CRL"]) == sorted(d["/CRLs"])')" = True ] &&
    ok "/VRI /CRL names the same streams" || not_ok "/VRI /CRL names the same streams"
# Every embedded certificate parses, and the TSA's is among them.
dss lt.pdf '"\n".join(v.split(" ")[0] for v in d["/Certs"])' > certs.txt
: > subjects.txt
while read -r num; do
    qpdf --show-object="$num" --raw-stream-data lt.pdf > c.der 2>/dev/null
    openssl x509 -inform DER -in c.der -noout -subject >> subjects.txt 2>&1
done < certs.txt
has "the TSA certificate is in the /DSS" subjects.txt 'Time-Stamping Authority'
has "the signer certificate is in the /DSS" subjects.txt 'CN ?= ?Signer LT'
expect 0 "B-LT verifies offline without --crl" "${V[@]}" lt.pdf
expect 0 "... JSON" "${V[@]}" --format json lt.pdf
json_is "level PAdES-B-LT" 'j["signatures"][0]["level"]' "PAdES-B-LT"
json_is "TOTAL-PASSED" 'j["verdict"]' "TOTAL-PASSED"
json_is "revocation from the embedded data" 'j["signatures"][0]["revocation"]' "{'status': 'good', 'source': 'embedded'}"
json_is "the DSS update is an allowed change" '[(m["kind"], m["allowed"]) for m in j["signatures"][0]["modifications"]]' \
    "[('dss', True)]"
bash "$ORACLES/pdf_check.sh" --trust ca/root.crt --cert ca/issuing.crt --no-qr lt.pdf > check.txt 2>&1
has "pdfsig: the B-LT signature is valid" check.txt '^sig1 signature: Signature is Valid\.$'
has "pdfsig: the certificate is trusted" check.txt '^sig1 certificate: Certificate is Trusted\.$'
has "pdf_check passes" check.txt '^result: PASS$'

expect 3 "B-LT with no CRL to be had is an error" "$TAMGA" sign "${S[@]}" --level B-LT --tsa "$TSA_URL" -o nocrl.pdf plain.pdf
[ ! -e nocrl.pdf ] && ok "... and nothing is written" || not_ok "... and nothing is written"

# ------------------------------------------------------------ B-LTA, CRLs given
expect 0 "sign at B-LTA with --crl files" "$TAMGA" sign "${S[@]}" --level B-LTA --tsa "$TSA_URL" \
    --crl ca/crl/root.crl --crl ca/crl/issuing.crl -o lta.pdf plain.pdf
check "B-LTA: qpdf --check is clean" qpdf --check lta.pdf
n=$(dss lta.pdf 'len(d["/CRLs"])')
[ "$n" = 2 ] && ok "the two given CRLs are embedded" || not_ok "the two given CRLs are embedded ($n)"
expect 0 "B-LTA verifies offline" "${V[@]}" --format json lta.pdf
json_is "two signatures, TOTAL-PASSED" '(len(j["signatures"]), j["verdict"])' "(2, 'TOTAL-PASSED')"
json_is "level PAdES-B-LTA" 'j["signatures"][0]["level"]' "PAdES-B-LTA"
json_is "the second is a document time-stamp" 'j["signatures"][1]["level"]' "PDF-DOCUMENT-TIMESTAMP"
json_is "... of type document, passed" '[(t["type"], t["indication"]) for t in j["signatures"][1]["timestamps"]]' \
    "[('document', 'TOTAL-PASSED')]"
json_is "... and covers the whole file" 'j["signatures"][1]["covers_whole_document"]' "True"
json_is "revocation from the embedded data" 'j["signatures"][0]["revocation"]["source"]' "embedded"
json_is "the signature's later changes are all allowed" 'all(m["allowed"] for m in j["signatures"][0]["modifications"])' "True"
json_is "... and are DSS and document time-stamp changes" \
    'sorted(set(m["kind"] for m in j["signatures"][0]["modifications"]) - {"acroform"})' "['doc-timestamp', 'dss']"
grep -aq '/SubFilter */ETSI.RFC3161' lta.pdf && ok "/SubFilter /ETSI.RFC3161" || not_ok "/SubFilter /ETSI.RFC3161"
grep -aq '/Type */DocTimeStamp' lta.pdf && ok "/Type /DocTimeStamp" || not_ok "/Type /DocTimeStamp"
bash "$ORACLES/pdf_check.sh" --trust ca/root.crt --cert ca/issuing.crt --no-qr lta.pdf > check.txt 2>&1
has "pdfsig: the signature in a B-LTA file is valid" check.txt '^sig1 signature: Signature is Valid\.$'
has "pdfsig: its certificate is trusted" check.txt '^sig1 certificate: Certificate is Trusted\.$'
has "pdfsig: the document time-stamp covers the whole file" check.txt '^sig2 info: .*coverage=total$'

# ------------------------------------------------------------ a second B-LT signature keeps the first one's data
expect 0 "sign the B-LTA file again at B-LT" "$TAMGA" sign "${S[@]}" --level B-LT --tsa "$TSA_URL" \
    --crl ca/crl/root.crl --crl ca/crl/issuing.crl -o lt2.pdf lta.pdf
check "qpdf --check is clean" qpdf --check lt2.pdf
[ "$(dss lt2.pdf 'len(d["/VRI"])')" = 2 ] && ok "/VRI has an entry per signature" ||
    not_ok "/VRI has an entry per signature ($(dss lt2.pdf 'list(d["/VRI"].keys())'))"
expect 0 "three signatures verify offline" "${V[@]}" --format json lt2.pdf
json_is "three signatures, TOTAL-PASSED" '(len(j["signatures"]), j["verdict"])' "(3, 'TOTAL-PASSED')"
json_is "levels" '[s["level"] for s in j["signatures"]]' "['PAdES-B-LTA', 'PDF-DOCUMENT-TIMESTAMP', 'PAdES-B-LT']"

# ------------------------------------------------------------ OCSP responses in the DSS (openssl's responder)
openssl pkey -in ca/private/ocsp.key -passin file:ca.pass -out ocsp.key 2>/dev/null
idx() { local na; na=$(date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
        printf 'V\t%s\t\t%s\tunknown\t/CN=%s\n' "$na" "$(openssl x509 -in "$1" -noout -serial | cut -d= -f2)" "$1"; }
{ idx s.crt; idx ca/tsa.crt; } > srv/index.txt
echo "-index $PWD/srv/index.txt -CA $PWD/ca/issuing.crt -rsigner $PWD/ca/ocsp.crt -rkey $PWD/ocsp.key" > srv/ocsp.conf
rm -f srv/requests.log
start_server
expect 0 "sign at B-LT with --revocation ocsp (openssl ocsp as the responder)" \
    "$TAMGA" sign "${S[@]}" --level B-LT --revocation ocsp --tsa "$TSA_URL" -o lt-ocsp.pdf plain.pdf
stop_server
has "the responder was asked" srv/requests.log '^POST /ocsp$'
hasnt "the issuing CA's CRL was not needed" srv/requests.log '^GET /crl/issuing.crl$'
n=$(dss lt-ocsp.pdf 'len(d["/OCSPs"])')
[ "$n" = 2 ] && ok "/DSS /OCSPs: the signer's and the TSA's responses" || not_ok "/DSS /OCSPs: the signer's and the TSA's responses ($n)"
key=$(cms_sha1 lt-ocsp.pdf)
[ "$(dss lt-ocsp.pdf 'sorted(d["/VRI"]["/'"$key"'"]["/OCSP"]) == sorted(d["/OCSPs"])')" = True ] &&
    ok "/VRI /OCSP names them" || not_ok "/VRI /OCSP names them"
for num in $(dss lt-ocsp.pdf '" ".join(v.split(" ")[0] for v in d["/OCSPs"])'); do
    qpdf --show-object="$num" --raw-stream-data lt-ocsp.pdf > o.der 2>/dev/null
    openssl ocsp -respin o.der -issuer ca/issuing.crt -cert s.crt -CAfile ca/root.crt -verify_other ca/issuing.crt \
        > o.txt 2>&1 && grep -q '^s.crt: good' o.txt && break
done
has "openssl ocsp: the embedded response says the signer is good" o.txt '^s.crt: good'
expect 0 "verifies offline" "${V[@]}" --format json lt-ocsp.pdf
json_is "TOTAL-PASSED, revocation embedded" '(j["verdict"], j["signatures"][0]["revocation"])' \
    "('TOTAL-PASSED', {'status': 'good', 'source': 'embedded'})"
expect 3 "--revocation ocsp with the responder down is an error" \
    "$TAMGA" sign "${S[@]}" --level B-LT --revocation ocsp --tsa "$TSA_URL" -o nocsp.pdf plain.pdf
has "... naming the responder" err.txt 'no usable OCSP response'
stop_tsa
