#!/bin/bash
# tests/cli/office_lt.sh - XAdES B-LT for office documents (DOCX, XLSX,
# ODT): tamga sign --level B-LT writes xades:CertificateValues and
# xades:RevocationValues (EN 319 132-1 §5.5.1, §5.5.2) after the
# SignatureTimeStamp, and tamga verify reads them (revocation "embedded",
# level XAdES-B-LT), also as Office writes them and with garbage beside.
#
# 127.0.0.1 only: `tamgad --role ocsp` is the CA's responder and
# publication point (AIA OCSP, CDP, caIssuers); tests/tools/tsa_server.py
# the TSA.  Oracles: openssl (ocsp -respin, crl) for the embedded values,
# python (zipfile, ElementTree) to strip or spoil them, LibreOffice
# (shared/oracles/lo_verify.py) and xmlsec1 (xmlsec_verify.py).
. "$TAMGA_ROOT/tests/lib.sh"
. "$TAMGA_ROOT/tests/lib_server.sh"
ORACLES=$TAMGA_SHARED/oracles
OFFICE=$TAMGA_ROOT/tests/data/office
for t in python3 openssl xmlsec1 soffice; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
. "$TAMGA_ROOT/tests/lib_pki.sh"
trap 'stop_tsa; cleanup' EXIT

# ------------------------------------------------------------ PKI, responder, TSA
echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass --base-url "$BASE" > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn "Office Signer" --out good > /dev/null 2>&1 ||
    not_ok "issue good"
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
SERIAL=$(openssl x509 -in good.crt -noout -serial | cut -d= -f2)
ISSUING_CN=$(openssl x509 -in ca/issuing.crt -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= //p')
cp "$OFFICE/reference.docx" ref.docx
cp "$OFFICE/table.xlsx" table.xlsx
cp "$OFFICE/reference.odt" ref.odt
S=("$TAMGA" sign -q --key good.key --cert good.crt --chain good-chain.pem --tsa "$TSA_URL")
V=("$TAMGA" verify --offline --trust ca/root.crt --format json)

# ------------------------------------------------------------ refusals
expect 3 "--level B-LTA on a DOCX is refused (exit 3)" "${S[@]}" --level B-LTA -o lta.docx ref.docx
has "... saying B-LTA is not supported and naming B-LT" err.txt 'B-LTA.*not supported.*B-LT'
[ ! -e lta.docx ] && ok "... and writes no output" || not_ok "... and writes no output"

# ------------------------------------------------------------ sign at B-LT
for f in ref.docx table.xlsx ref.odt; do
    expect 0 "sign $f at B-LT (OCSP from the responder)" "${S[@]}" --level B-LT -o "lt-$f" "$f"
done
expect 0 "sign ref.docx at B-LT with --revocation crl" "${S[@]}" --level B-LT --revocation crl -o crl-ref.docx ref.docx

# sigxml FILE : the signature XML of a package on stdout.
sigxml() {
    python3 - "$1" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
n = [n for n in z.namelist() if n.startswith("_xmlsignatures/sig") or n == "META-INF/documentsignatures.xml"][0]
sys.stdout.buffer.write(z.read(n))
PY
}
# values FILE ELEMENT PREFIX : each xd:ELEMENT's DER to PREFIX.N.der; prints the file names.
values() {
    sigxml "$1" > sig.xml
    python3 - "$2" "$3" <<'PY'
import base64, sys, xml.etree.ElementTree as ET
XD = "{http://uri.etsi.org/01903/v1.3.2#}"
for i, e in enumerate(ET.parse("sig.xml").getroot().iter(XD + sys.argv[1]), 1):
    open("%s.%d.der" % (sys.argv[2], i), "wb").write(base64.b64decode("".join(e.text.split())))
    print("%s.%d.der" % (sys.argv[2], i))
PY
}
# order FILE : the children of UnsignedSignatureProperties, local names.
order() {
    sigxml "$1" > sig.xml
    python3 - <<'PY'
import xml.etree.ElementTree as ET
XD = "{http://uri.etsi.org/01903/v1.3.2#}"
for usp in ET.parse("sig.xml").getroot().iter(XD + "UnsignedSignatureProperties"):
    print(" ".join(c.tag.split("}")[1] for c in usp))
PY
}

for f in ref.docx table.xlsx ref.odt; do
    order "lt-$f" > order.txt
    has "lt-$f: SignatureTimeStamp, then CertificateValues and RevocationValues" order.txt \
        '^SignatureTimeStamp CertificateValues RevocationValues$'
    : > ocsp.txt
    for o in $(values "lt-$f" EncapsulatedOCSPValue o); do openssl ocsp -respin "$o" -resp_text -noverify >> ocsp.txt 2>&1; done
    has "lt-$f: openssl parses the embedded OCSP responses; one names the signer's serial" ocsp.txt \
        "Serial Number: $SERIAL"
    has "lt-$f: ... status good" ocsp.txt 'Cert Status: good'
done
# The certificates KeyInfo and the time-stamp token lack: here only the
# OCSP responder's (the chain is in KeyInfo, the TSA's path in the token).
: > certs.txt
for c in $(values lt-ref.docx EncapsulatedX509Certificate c); do
    openssl x509 -inform DER -in "$c" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= //p' >> certs.txt
done
[ "$(cat certs.txt)" = "Tamga Dev PKI OCSP Responder" ] &&
    ok "CertificateValues holds the OCSP responder's certificate, none of KeyInfo or the token" ||
    { not_ok "CertificateValues holds the OCSP responder's certificate, none of KeyInfo or the token"; sed 's/^/# /' certs.txt; }
: > crl.txt
for c in $(values crl-ref.docx EncapsulatedCRLValue r); do openssl crl -inform DER -in "$c" -noout -issuer >> crl.txt 2>&1; done
has "--revocation crl: openssl parses the embedded CRLs; one from the issuing CA" crl.txt "CN ?= ?$ISSUING_CN"
n=$(values crl-ref.docx EncapsulatedOCSPValue o | wc -l)
[ "$n" -eq 0 ] && ok "--revocation crl: no OCSP response embedded" || not_ok "--revocation crl: no OCSP response embedded ($n)"

# ------------------------------------------------------------ stop the responder: offline from here on
kill "$ocsp_pid" 2>/dev/null
wait "$ocsp_pid" 2>/dev/null
PIDS=()

for f in ref.docx table.xlsx ref.odt crl-ref.docx; do
    [ "$f" = crl-ref.docx ] && g=$f || g=lt-$f
    expect 0 "$g: tamga verify --offline (no --crl) passes" "${V[@]}" "$g"
    json_is "$g: TOTAL-PASSED, XAdES-B-LT" '(j["verdict"], j["signatures"][0]["level"])' "('TOTAL-PASSED', 'XAdES-B-LT')"
    json_is "$g: revocation good, from the embedded data" 'j["signatures"][0]["revocation"]' \
        "{'status': 'good', 'source': 'embedded'}"
done

# strip FILE OUT [garbage] : the unsigned CertificateValues and RevocationValues
# removed (or, with "garbage", a bogus CRL, OCSP value and certificate added).
strip() {
    python3 - "$@" <<'PY'
import re, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
garbage = len(sys.argv) > 3
zin = zipfile.ZipFile(src)
zout = zipfile.ZipFile(dst, "w")
for info in zin.infolist():
    data = zin.read(info.filename)
    if info.filename.startswith("_xmlsignatures/sig") or info.filename == "META-INF/documentsignatures.xml":
        t = data.decode()
        if garbage:
            if "<xd:RevocationValues>" not in t:
                t = t.replace("</xd:SignatureTimeStamp>", "</xd:SignatureTimeStamp><xd:CertificateValues/>"
                              "<xd:RevocationValues><xd:CRLValues></xd:CRLValues><xd:OCSPValues></xd:OCSPValues>"
                              "</xd:RevocationValues>", 1)
            t = t.replace("<xd:CRLValues>", "<xd:CRLValues><xd:EncapsulatedCRLValue>Z2FyYmFnZQ==</xd:EncapsulatedCRLValue>"
                          "<xd:EncapsulatedCRLValue>!!not base64!!</xd:EncapsulatedCRLValue>", 1)
            t = t.replace("<xd:OCSPValues>", "<xd:OCSPValues><xd:EncapsulatedOCSPValue>MAMKAQE=</xd:EncapsulatedOCSPValue>"
                          "<xd:EncapsulatedOCSPValue>bm9wZQ==</xd:EncapsulatedOCSPValue>", 1)
            bad = "<xd:EncapsulatedX509Certificate>AAAA</xd:EncapsulatedX509Certificate>"
            t = t.replace("<xd:CertificateValues/>", "<xd:CertificateValues>" + bad + "</xd:CertificateValues>", 1)
            t = t.replace("<xd:CertificateValues>", "<xd:CertificateValues>" + bad, 1)
        else:
            t = re.sub(r"<xd:CertificateValues\s*/>|<xd:CertificateValues>.*?</xd:CertificateValues>", "", t, flags=re.S)
            t = re.sub(r"<xd:RevocationValues>.*?</xd:RevocationValues>", "", t, flags=re.S)
        data = t.encode()
    zout.writestr(info, data)
zout.close()
PY
}
for f in ref.docx ref.odt; do
    strip "lt-$f" "stripped-$f"
    order "stripped-$f" > order.txt
    has "stripped-$f: only the SignatureTimeStamp is left" order.txt '^SignatureTimeStamp$'
    expect 2 "stripped-$f: tamga verify --offline (no --crl) does not pass (exit 2)" "${V[@]}" "stripped-$f"
    json_is "stripped-$f: INDETERMINATE, revocation unknown, not B-LT" \
        '(j["verdict"], j["signatures"][0]["revocation"]["status"], j["signatures"][0]["level"] == "XAdES-B-LT")' \
        "('INDETERMINATE', 'unknown', False)"
done

# An XAdES-X-L-like signature with garbage values beside the real ones
# (what a careless producer could write): warnings, the same verdict.
strip lt-ref.docx garbage-ref.docx garbage
has "garbage-ref.docx: the bogus values are in" <(sigxml garbage-ref.docx) 'Z2FyYmFnZQ==.*MAMKAQE=|MAMKAQE=.*Z2FyYmFnZQ=='
expect 0 "garbage-ref.docx: tamga verify --offline still passes" "${V[@]}" garbage-ref.docx
json_is "garbage-ref.docx: TOTAL-PASSED, XAdES-B-LT, revocation embedded" \
    '(j["verdict"], j["signatures"][0]["level"], j["signatures"][0]["revocation"]["source"])' \
    "('TOTAL-PASSED', 'XAdES-B-LT', 'embedded')"
has "garbage-ref.docx: ... with a warning naming the bad CRL" out.txt 'embedded CRL.*ignored'
has "garbage-ref.docx: ... and the bad OCSP response" out.txt 'embedded OCSP response.*ignored'
has "garbage-ref.docx: ... and the bad certificate" out.txt 'embedded certificate.*ignored'
strip stripped-ref.docx stripped-garbage.docx garbage
expect 2 "only garbage values (stripped, then bogus ones added): INDETERMINATE (exit 2), no crash" "${V[@]}" \
    stripped-garbage.docx
json_is "... revocation unknown, integrity intact, not B-LT" \
    '(j["signatures"][0]["revocation"]["status"], j["signatures"][0]["integrity"], j["signatures"][0]["level"] == "XAdES-B-LT")' \
    "('unknown', True, False)"
has "... warning of the bad values" out.txt 'embedded OCSP response.*ignored'

# ------------------------------------------------------------ other people's software
LT="lt-ref.docx lt-table.xlsx lt-ref.odt"
# shellcheck disable=SC2086
python3 "$ORACLES/xmlsec_verify.py" --trust ca/root.crt --cert ca/issuing.crt $LT > xmlsec.txt 2> xmlsec.err
for f in $LT; do
    grep "\"file\": \"$f\", \"kind\"" xmlsec.txt > one.txt
    has "$f: xmlsec1 verifies the signature and the chain" one.txt '"ok": true, "crypto_ok": true, "chain_ok": true'
done
# shellcheck disable=SC2086
/usr/bin/python3 "$ORACLES/lo_verify.py" --trust ca/root.crt --cert ca/issuing.crt $LT > lo.txt 2> lo.err
for f in lt-ref.docx lt-table.xlsx; do
    has "$f: LibreOffice says PARTIAL_OK (its best for OOXML)" lo.txt \
        "\"file\": \"$f\", \"summary\": true, \"kind\": \"ooxml\", \"count\": 1, \"state\": \"PARTIAL_OK\", \"pass\": true"
done
has "lt-ref.odt: LibreOffice says OK" lo.txt '"file": "lt-ref.odt", "summary": true, "kind": "odf", "count": 1, "state": "OK", "pass": true'
