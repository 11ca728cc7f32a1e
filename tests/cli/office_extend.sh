#!/bin/bash
# tests/cli/office_extend.sh - tamga extend --level B-LT for office
# documents (DOCX, ODT): XAdES B-B and B-T signatures, tamga's and
# LibreOffice's, raised to B-LT by adding xades:SignatureTimeStamp (B-B,
# --tsa) and xades:CertificateValues + xades:RevocationValues to the
# signature part alone (EN 319 132-1 §5.3, §5.5.1, §5.5.2).
#
# 127.0.0.1 only: `tamgad --role ocsp` is the CA's responder and
# publication point; tests/tools/tsa_server.py the TSA.  Oracles: python
# zipfile (every other entry byte-identical), xmlsec1 (xmlsec_verify.py),
# LibreOffice (lo_sign.py signs an ODT), cmp.
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
openssl pkcs12 -export -inkey good.key -in good.crt -certfile good-chain.pem -name good -out good.p12 \
    -passout pass:p12pass && ok "the signer as PKCS#12 for LibreOffice" || not_ok "the signer as PKCS#12 for LibreOffice"
cp "$OFFICE/reference.docx" ref.docx
cp "$OFFICE/reference.odt" ref.odt
S=("$TAMGA" sign -q --key good.key --cert good.crt --chain good-chain.pem)
E=("$TAMGA" extend --level B-LT)
V=("$TAMGA" verify --offline --trust ca/root.crt --format json)

# sigpart FILE : the name of the signature part.
sigpart() { case "$1" in *.odt) echo META-INF/documentsignatures.xml ;; *) echo _xmlsignatures/sig1.xml ;; esac; }
# order FILE : the children of each UnsignedSignatureProperties, local names.
order() {
    python3 - "$1" <<'PY'
import sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
n = [n for n in z.namelist() if n.startswith("_xmlsignatures/sig") or n == "META-INF/documentsignatures.xml"][0]
XD = "{http://uri.etsi.org/01903/v1.3.2#}"
for usp in ET.fromstring(z.read(n)).iter(XD + "UnsignedSignatureProperties"):
    print(" ".join(c.tag.split("}")[1] for c in usp))
PY
}
# same_but PART A B : every entry of A but PART is in B, byte-identical and
# in the same order, compressed the same; PART differs.
same_but() {
    python3 - "$@" <<'PY'
import sys, zipfile
part, a, b = sys.argv[1:4]
za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
na, nb = za.namelist(), zb.namelist()
assert na == nb, (na, nb)
raw_a, raw_b = open(a, "rb").read(), open(b, "rb").read()
for ia, ib in zip(za.infolist(), zb.infolist()):
    if ia.filename == part:
        assert za.read(part) != zb.read(part), "the signature part did not change"
        continue
    assert za.read(ia.filename) == zb.read(ib.filename), ia.filename
    assert (ia.compress_type, ia.CRC, ia.compress_size, ia.date_time) == \
           (ib.compress_type, ib.CRC, ib.compress_size, ib.date_time), ia.filename
    ca = raw_a[ia.header_offset + 30 + len(ia.filename.encode()) + len(ia.extra):][:ia.compress_size]
    cb = raw_b[ib.header_offset + 30 + len(ib.filename.encode()) + len(ib.extra):][:ib.compress_size]
    assert ca == cb, ia.filename + " (stored bytes)"
print("ok")
PY
}

# ------------------------------------------------------------ sign at B-B and B-T
for f in ref.docx ref.odt; do
    expect 0 "sign $f at B-B" "${S[@]}" --level B-B -o "b-$f" "$f"
    expect 0 "sign $f at B-T" "${S[@]}" --tsa "$TSA_URL" --level B-T -o "t-$f" "$f"
done

# ------------------------------------------------------------ refusals
for f in ref.docx ref.odt; do
    expect 3 "b-$f: B-LT without --tsa is refused (exit 3): it has no signature time-stamp" \
        "${E[@]}" -o x-$f "b-$f"
    has "... saying it needs --tsa" err.txt 'no signature time-stamp.*--tsa'
    [ ! -e "x-$f" ] && ok "... and writes no output" || not_ok "... and writes no output"
    expect 3 "t-$f: --level B-LTA is refused (exit 3)" "$TAMGA" extend --level B-LTA --tsa "$TSA_URL" -o x-$f "t-$f"
    has "... saying B-LTA is not made for office documents" err.txt 'B-LT only.*B-LTA.*not made for office'
    [ ! -e "x-$f" ] && ok "... and writes no output" || not_ok "... and writes no output"
done
expect 3 "ref.docx (not signed): extend is refused (exit 3)" "${E[@]}" --tsa "$TSA_URL" -o x.docx ref.docx
has "... saying it has no signatures" err.txt 'no signatures'
expect 3 "ref.odt (not signed): extend is refused (exit 3)" "${E[@]}" --tsa "$TSA_URL" -o x.odt ref.odt
has "... saying it has no signatures" err.txt 'no signatures'
[ ! -e x.docx ] && [ ! -e x.odt ] && ok "... and writes no output" || not_ok "... and writes no output"
"$TAMGA" extend --help > help.txt
has "tamga extend --help names the office documents and XAdES B-LT" help.txt 'office document.*XAdES B-LT'
# A tampered document: a content part changed (python zipfile), the signature kept.
python3 - <<'PY'
import zipfile
for src, part in (("t-ref.docx", "word/document.xml"), ("t-ref.odt", "content.xml")):
    z = zipfile.ZipFile(src)
    with zipfile.ZipFile("tampered-" + src, "w") as out:
        for i in z.infolist():
            d = z.read(i.filename)
            if i.filename == part:
                d = d.replace(b"</", b"<x/></", 1) if b"<x/>" not in d else d + b" "
            out.writestr(i, d)
PY
for f in t-ref.docx t-ref.odt; do
    expect 1 "tampered-$f: extend refuses a broken signature (exit 1)" "${E[@]}" -o x-$f "tampered-$f"
    has "... naming the signature part and the integrity failure" err.txt "$(sigpart "$f").*integrity"
    [ ! -e "x-$f" ] && ok "... and writes no output" || not_ok "... and writes no output"
done

# ------------------------------------------------------------ extend
for f in ref.docx ref.odt; do
    expect 0 "b-$f: extend to B-LT with --tsa" "${E[@]}" --tsa "$TSA_URL" -o "lt-b-$f" "b-$f"
    has "... noting a signature time-stamp was added first" err.txt '1 signature given a signature time-stamp first'
    expect 0 "t-$f: extend to B-LT (no --tsa needed)" "${E[@]}" -o "lt-t-$f" "t-$f"
    has "... one signature given validation data" out.txt 'signatures  1 \(1 given validation data now\)'
    for g in "lt-b-$f" "lt-t-$f"; do
        order "$g" > order.txt
        has "$g: SignatureTimeStamp, then CertificateValues and RevocationValues" order.txt \
            '^SignatureTimeStamp CertificateValues RevocationValues$'
    done
    same_but "$(sigpart "$f")" "b-$f" "lt-b-$f" > same.txt 2>&1
    has "lt-b-$f: every entry but $(sigpart "$f") byte-identical (python zipfile)" same.txt '^ok$'
    same_but "$(sigpart "$f")" "t-$f" "lt-t-$f" > same.txt 2>&1
    has "lt-t-$f: every entry but $(sigpart "$f") byte-identical (python zipfile)" same.txt '^ok$'
    expect 0 "lt-t-$f: extending again succeeds" "${E[@]}" -o "again-$f" "lt-t-$f"
    has "... saying there is nothing to add" err.txt 'nothing to add'
    cmp -s "lt-t-$f" "again-$f" && ok "... and writes an identical copy" || not_ok "... and writes an identical copy"
done

# ------------------------------------------------------------ LibreOffice signs an ODT (B-B, XAdES)
/usr/bin/python3 "$ORACLES/lo_sign.py" --p12 good.p12 --pass p12pass ref.odt lo.odt > lo-sign.txt 2>&1
if [ -s lo.odt ]; then
    ok "LibreOffice signed ref.odt"
    expect 0 "lo.odt: extend to B-LT with --tsa" "${E[@]}" --tsa "$TSA_URL" -o lt-lo.odt lo.odt
    order lo.odt > order.txt
    has "lo.odt: LibreOffice wrote CertificateValues only (B-B)" order.txt '^CertificateValues$'
    order lt-lo.odt > order.txt
    has "lt-lo.odt: the time-stamp goes before LibreOffice's CertificateValues, RevocationValues after" order.txt \
        '^SignatureTimeStamp CertificateValues RevocationValues$'
    same_but META-INF/documentsignatures.xml lo.odt lt-lo.odt > same.txt 2>&1
    has "lt-lo.odt: every entry but documentsignatures.xml byte-identical (python zipfile)" same.txt '^ok$'
else
    not_ok "LibreOffice signed ref.odt"
    sed 's/^/# /' lo-sign.txt
fi

# ------------------------------------------------------------ two signatures in one ODT
expect 0 "co-sign t-ref.odt at B-B (a second signature)" "${S[@]}" --no-stamp --level B-B -o two.odt t-ref.odt
expect 0 "two.odt: extend both signatures to B-LT with --tsa" "${E[@]}" --tsa "$TSA_URL" -o lt-two.odt two.odt
has "... two signatures given validation data" out.txt 'signatures  2 \(2 given validation data now\)'
order lt-two.odt > order.txt
[ "$(grep -cx 'SignatureTimeStamp CertificateValues RevocationValues' order.txt)" = 2 ] &&
    ok "lt-two.odt: both signatures at B-LT" || { not_ok "lt-two.odt: both signatures at B-LT"; sed 's/^/# /' order.txt; }

# ------------------------------------------------------------ PDF unchanged: --tsa is for B-LTA there
python3 "$TAMGA_ROOT/bench/mkpdf.py" 1 plain.pdf
"${S[@]}" --level B-B -o b.pdf plain.pdf 2> /dev/null || not_ok "sign b.pdf"
expect 3 "b.pdf: extend --level B-LT --tsa is refused for a PDF (exit 3)" "${E[@]}" --tsa "$TSA_URL" -o x.pdf b.pdf
has "... saying the TSA is for B-LTA" err.txt 'B-LTA only'

# ------------------------------------------------------------ stop the responder: offline from here on
kill "$ocsp_pid" 2>/dev/null
wait "$ocsp_pid" 2>/dev/null
PIDS=()

for g in lt-b-ref.docx lt-t-ref.docx lt-b-ref.odt lt-t-ref.odt lt-lo.odt lt-two.odt; do
    expect 0 "$g: tamga verify --offline (no --crl) passes" "${V[@]}" "$g"
    json_is "$g: TOTAL-PASSED, XAdES-B-LT" '(j["verdict"], j["signatures"][0]["level"])' "('TOTAL-PASSED', 'XAdES-B-LT')"
    json_is "$g: revocation good, from the embedded data" 'j["signatures"][0]["revocation"]' \
        "{'status': 'good', 'source': 'embedded'}"
done
json_is "lt-two.odt: the second signature at XAdES-B-LT too" '(len(j["signatures"]), j["signatures"][1]["level"])' \
    "(2, 'XAdES-B-LT')"
# Before extending, offline without --crl does not reach B-LT.
expect 2 "t-ref.docx (not extended): tamga verify --offline does not pass (exit 2)" "${V[@]}" t-ref.docx

# ------------------------------------------------------------ xmlsec1
LT="lt-b-ref.docx lt-t-ref.docx lt-b-ref.odt lt-t-ref.odt lt-lo.odt lt-two.odt"
# shellcheck disable=SC2086
/usr/bin/python3 "$ORACLES/xmlsec_verify.py" --trust ca/root.crt --cert ca/issuing.crt $LT > xmlsec.txt 2> xmlsec.err
for f in $LT; do
    grep "\"file\": \"$f\", \"kind\"" xmlsec.txt > one.txt
    has "$f: xmlsec1 still verifies the signature and the chain" one.txt '"ok": true, "crypto_ok": true, "chain_ok": true'
done
