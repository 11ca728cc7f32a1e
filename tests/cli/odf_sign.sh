# tamga sign on OpenDocument files (ODT, ODS), judged by other people's
# software: LibreOffice 7.4 (../shared/oracles/lo_verify.py: the state its
# infobar shows, and --via-model: the loaded document's), xmlsec1
# (xmlsec_verify.py: every Reference and the SignatureValue), python's
# zipfile and ElementTree (package structure), LibreOffice's PDF export +
# pdftoppm + zbarimg (the QR code scans to the URL), pdftotext (the caption
# reads back) and pdfinfo (the page count does not change).
. "$TAMGA_ROOT/tests/lib.sh"
. "$TAMGA_ROOT/tests/lib_pki.sh"
ORACLES=$TAMGA_SHARED/oracles
DATA=$TAMGA_ROOT/tests/data/office
for t in soffice pdftoppm zbarimg pdftotext pdfinfo xmlsec1 certutil openssl; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
[ -f "$ORACLES/lo_verify.py" ] || { not_ok "oracles at $ORACLES"; exit 1; }

# ------------------------------------------------------------ PKI: two signers, a TSA
echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Үндэсний Өвийн газар' --out sa > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Улсын бүртгэлийн ерөнхий газар' --out sb > /dev/null 2>&1
"$TAMGA" pki init --dir carsa --key-type rsa3072 --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir carsa --ca-pass-file ca.pass --no-encrypt --cn 'Нийгмийн даатгалын газар' --out rsa > /dev/null 2>&1
cat ca/root.crt carsa/root.crt > roots.pem
cat ca/issuing.crt carsa/issuing.crt > inter.pem
[ -s sa.crt ] && [ -s sb.crt ] && [ -s rsa.crt ] && ok "two CAs, three signers" || not_ok "two CAs, three signers"
SA=(--key sa.key --pass-file key.pass --cert sa.crt --chain sa-chain.pem)
SB=(--key sb.key --cert sb.crt --chain sb-chain.pem)
RSA=(--key rsa.key --cert rsa.crt --chain rsa-chain.pem)
VERIFY=(--trust ca/root.crt --trust carsa/root.crt --intermediate inter.pem --crl ca/crl/issuing.crl
        --crl ca/crl/root.crl --crl carsa/crl/issuing.crl --crl carsa/crl/root.crl --offline)

openssl pkey -in ca/private/tsa.key -passin file:ca.pass -out tsa.key 2>/dev/null
mkdir -p tsa
python3 "$TAMGA_ROOT/tests/tools/tsa_server.py" serve --cert ca/tsa.crt --key tsa.key --chain ca/issuing.crt --dir tsa \
    --port-file tsa.port > tsa.log 2>&1 &
TSA=$!
for _ in $(seq 100); do [ -s tsa.port ] && break; sleep 0.1; done
TSA_URL="http://127.0.0.1:$(cat tsa.port 2>/dev/null)/"
[ -s tsa.port ] && ok "the TSA listens on $TSA_URL" || not_ok "the TSA started"

cp "$DATA/reference.odt" ref.odt
cp "$DATA/table.ods" table.ods

# sign NAME OUT IN ARGS... : tamga sign, keeps url/code in NAME.url / NAME.code
sign() {
    local name=$1 out=$2 in=$3; shift 3
    expect 0 "sign $name" "$TAMGA" sign "$@" -o "$out" "$in"
    awk '$1 == "url" { print $2 }' out.txt > "$name.url"
    awk '$1 == "code" { print $2 }' out.txt > "$name.code"
}

# ------------------------------------------------------------ signing
sign ref-bb ref-bb.odt ref.odt "${SA[@]}"
sign ref-bt ref-bt.odt ref.odt "${SA[@]}" --tsa "$TSA_URL"
sign table-bb table-bb.ods table.ods "${SA[@]}"
sign table-bt table-bt.ods table.ods "${SB[@]}" --tsa "$TSA_URL"
sign ref-ns ref-ns.odt ref.odt "${SA[@]}" --no-stamp
sign table-ns table-ns.ods table.ods "${RSA[@]}" --hash sha384 --no-stamp
# co-signing: a second signer beside the first (no stamp: it would break the first)
sign ref-co ref-co.odt ref-bb.odt "${SB[@]}" --no-stamp
sign table-co table-co.ods table-bt.ods "${SA[@]}" --no-stamp --tsa "$TSA_URL"
sign ref-co3 ref-co3.odt ref-co.odt "${RSA[@]}" --no-stamp
stop_tsa

# ------------------------------------------------------------ refusals
refuse() {
    local desc=$1 want=$2; shift 2
    rm -f refused.od?
    "$TAMGA" sign "$@" > out.txt 2> err.txt
    local rc=$?
    if [ "$rc" -ne 0 ] && grep -Eq -- "$want" err.txt && [ ! -e refused.odt ] && [ ! -e refused.ods ]; then ok "$desc"
    else not_ok "$desc (exit $rc)"; sed 's/^/# /' err.txt | head -5; fi
}
refuse "the stamp on a signed document is refused" \
    'already signed; adding the QR stamp would break its signatures: sign with --no-stamp' \
    "${SB[@]}" -o refused.odt ref-bb.odt
refuse "B-LTA is refused for ODF" 'B-LTA .*is not supported' "${SA[@]}" --level B-LTA --tsa http://127.0.0.1:9/ -o refused.odt ref.odt
refuse "--certify is refused for ODF" 'certification' "${SA[@]}" --certify 2 -o refused.odt ref.odt
refuse "RSA-PSS is refused for ODF" 'RSA-PSS' "${RSA[@]}" --pss -o refused.odt ref.odt
refuse "a stamp rectangle is refused for ODF" 'rectangle' "${SA[@]}" --page 1 --rect 300,40,260,84 -o refused.odt ref.odt
# a package whose manifest does not list a file: LibreOffice would not open it
python3 - <<'PY'
import zipfile
src = zipfile.ZipFile("ref.odt")
with zipfile.ZipFile("unlisted.odt", "w") as out:
    for i in src.infolist():
        out.writestr(i, src.read(i.filename))
    out.writestr("extra.txt", b"not in the manifest")
PY
refuse "a file missing from the manifest is refused" "extra.txt' is not in META-INF/manifest.xml" \
    "${SA[@]}" -o refused.odt unlisted.odt

# ------------------------------------------------------------ package structure (python zipfile, ElementTree)
# check_pkg SIGNED ORIGINAL CHANGED... : mimetype first and stored; every entry of
# ORIGINAL but CHANGED kept byte for byte (same compressed bytes, CRC, method);
# documentsignatures.xml: one Reference per file (all but itself), C14N for XML
# streams, dc:date and XAdES SignedProperties referenced, unique Ids.
check_pkg() {
    python3 - "$@" > pkg.txt 2>&1 <<'PY'
import sys, zipfile, urllib.parse, xml.etree.ElementTree as ET
signed, orig, changed = sys.argv[1], sys.argv[2], set(sys.argv[3:])
z, o = zipfile.ZipFile(signed), zipfile.ZipFile(orig)
def raw(zf, info):
    f = zf.fp; f.seek(info.header_offset)
    h = f.read(30); n = int.from_bytes(h[26:28], "little"); e = int.from_bytes(h[28:30], "little")
    f.seek(info.header_offset + 30 + n + e)
    return f.read(info.compress_size)
first = z.infolist()[0]
print("first", first.filename, "stored" if first.compress_type == 0 else "deflated")
names = [i.filename for i in z.infolist()]
for i in o.infolist():
    if i.filename in changed:
        continue
    j = z.getinfo(i.filename)
    same = raw(z, j) == raw(o, i) and j.CRC == i.CRC and j.compress_type == i.compress_type
    print("kept" if same else "CHANGED", i.filename)
ns = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
root = ET.fromstring(z.read("META-INF/documentsignatures.xml"))
print("root", root.tag)
files = {n for n in names if not n.endswith("/") and n != "META-INF/documentsignatures.xml"}
manifest = ET.fromstring(z.read("META-INF/manifest.xml"))
M = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
types = {e.get(M + "full-path"): e.get(M + "media-type") for e in manifest}
ids = []
for sig in root.findall("ds:Signature", ns):
    ids.append(sig.get("Id"))
    refs = sig.findall("ds:SignedInfo/ds:Reference", ns)
    uris = [urllib.parse.unquote(r.get("URI")) for r in refs if not r.get("URI").startswith("#")]
    print("refs", "all-files" if sorted(uris) == sorted(files) else "MISMATCH %s vs %s" % (sorted(uris), sorted(files)))
    for r in refs:
        u = urllib.parse.unquote(r.get("URI"))
        if u.startswith("#"):
            continue
        xml = types.get(u) == "text/xml" or (u not in types and u.lower().endswith(".xml"))
        t = [x.get("Algorithm") for x in r.findall("ds:Transforms/ds:Transform", ns)]
        ok = t == (["http://www.w3.org/TR/2001/REC-xml-c14n-20010315"] if xml else [])
        print("transform", "ok" if ok else "BAD", u, t)
    objs = sig.findall("ds:Object", ns)
    date = sig.find("ds:Object/ds:SignatureProperties/ds:SignatureProperty", ns)
    dc = date.find("{http://purl.org/dc/elements/1.1/}date") if date is not None else None
    same = [r.get("URI") for r in refs if r.get("URI").startswith("#")]
    print("dc:date", "referenced" if dc is not None and "#" + date.get("Id") in same else "MISSING")
    sp = sig.find(".//{http://uri.etsi.org/01903/v1.3.2#}SignedProperties")
    print("xades", "referenced" if sp is not None and any(r.get("URI") == "#" + sp.get("Id") and
          r.get("Type") == "http://uri.etsi.org/01903#SignedProperties" for r in refs) else "MISSING")
    ids += [e.get("Id") for e in sig.iter() if e.get("Id") and e is not sig]
print("signatures", len(root.findall("ds:Signature", ns)), "elements", len(list(root)))
print("ids", "unique" if len(ids) == len(set(ids)) else "DUPLICATE")
PY
}
for f in ref-bb.odt ref-bt.odt table-bb.ods table-bt.ods; do
    orig=ref.odt; case $f in *.ods) orig=table.ods ;; esac
    check_pkg "$f" "$orig" content.xml META-INF/manifest.xml
    has "$f: mimetype is the first entry, stored" pkg.txt '^first mimetype stored$'
    hasnt "$f: every other entry is kept byte for byte" pkg.txt '^CHANGED'
    has "$f: the root is document-signatures" pkg.txt '^root \{urn:oasis:names:tc:opendocument:xmlns:digitalsignature:1\.0\}document-signatures$'
    has "$f: one Reference per file of the package" pkg.txt '^refs all-files$'
    hasnt "$f: C14N exactly for the XML streams" pkg.txt '^transform BAD'
    has "$f: the dc:date property is signed" pkg.txt '^dc:date referenced$'
    has "$f: the XAdES SignedProperties are signed" pkg.txt '^xades referenced$'
    python3 -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print("\n".join(z.namelist()))' "$f" > names.txt
    has "$f: the QR picture is in the package" names.txt '^Pictures/tamga-qr\.png$'
    python3 -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.read("META-INF/manifest.xml").decode())' "$f" > man.txt
    has "$f: ... and in the manifest as image/png" man.txt 'full-path="Pictures/tamga-qr\.png" manifest:media-type="image/png"'
done
check_pkg ref-ns.odt ref.odt
hasnt "no stamp: every entry of the input is kept byte for byte" pkg.txt '^CHANGED'
has "no stamp: one Reference per file" pkg.txt '^refs all-files$'
check_pkg ref-co3.odt ref-bb.odt META-INF/documentsignatures.xml
hasnt "co-signing: the package is kept byte for byte" pkg.txt '^CHANGED'
has "co-signing: three Signatures side by side, nothing else" pkg.txt '^signatures 3 elements 3$'
has "co-signing: the Ids are unique" pkg.txt '^ids unique$'
python3 - > keep.txt <<'PY'
import zipfile, re
a = zipfile.ZipFile("ref-bb.odt").read("META-INF/documentsignatures.xml")
b = zipfile.ZipFile("ref-co.odt").read("META-INF/documentsignatures.xml")
sig = re.search(rb"<Signature .*?</Signature>", a, re.S).group(0)
print("kept" if sig in b else "REWRITTEN")
PY
has "co-signing: the first Signature is kept byte for byte" keep.txt '^kept$'

# ------------------------------------------------------------ LibreOffice and xmlsec1
SIGNED="ref-bb.odt ref-bt.odt table-bb.ods table-bt.ods ref-ns.odt table-ns.ods ref-co.odt table-co.ods ref-co3.odt"
# shellcheck disable=SC2086
/usr/bin/python3 "$ORACLES/lo_verify.py" --trust roots.pem --cert inter.pem --via-model $SIGNED > lo.txt 2> lo.err
for f in $SIGNED; do
    n=1; case $f in *-co.*) n=2 ;; *-co3.*) n=3 ;; esac
    has "LibreOffice: $f has $n valid signature(s), state OK" lo.txt \
        "\"file\": \"$f\", \"summary\": true, \"kind\": \"odf\", \"count\": $n, \"state\": \"OK\", \"pass\": true, \"model_state\": \"OK\""
done
hasnt "LibreOffice: no signature is invalid or partial" lo.txt '"valid": false|"partial": true'
# shellcheck disable=SC2086
/usr/bin/python3 "$ORACLES/xmlsec_verify.py" --trust roots.pem --cert inter.pem $SIGNED > xs.txt 2> xs.err
for f in $SIGNED; do
    has "xmlsec1: $f passes (references, SignatureValue, chain)" xs.txt "\"file\": \"$f\", \"summary\": true, .*\"pass\": true"
done
hasnt "xmlsec1: no file is left unsigned" xs.txt '"unsigned_parts": \[[^]]'
hasnt "xmlsec1: the XAdES certificate digest always matches" xs.txt '"xades_cert_digest": "(mismatch|absent)"'

# ------------------------------------------------------------ rendering: QR, caption, page count
mkdir -p render
cp ref.odt ref-bb.odt table-bb.ods ref-bt.odt render/
(cd render && HOME=$PWD/home soffice -env:UserInstallation="file://$PWD/lo-profile" --headless --convert-to pdf \
    --outdir . ref.odt ref-bb.odt table-bb.ods ref-bt.odt > convert.log 2>&1)
for f in ref-bb table-bb ref-bt; do
    pdf=render/$f.pdf
    [ -s "$pdf" ] && ok "LibreOffice renders $f" || { not_ok "LibreOffice renders $f"; sed 's/^/# /' render/convert.log; continue; }
    rm -f page-*.png
    pdftoppm -r 150 -png -f 1 -l 1 "$pdf" page > /dev/null 2>&1
    zbarimg -q --raw page-*.png > qr.txt 2>/dev/null
    if [ "$(cat qr.txt)" = "$(cat "$f.url")" ] && [ -s qr.txt ]; then ok "$f: the QR code on page 1 scans to exactly the URL"
    else not_ok "$f: the QR code scans to $(cat "$f.url")"; sed 's/^/# qr: /' qr.txt; fi
    pdftotext "$pdf" text.txt
    has "$f: the code reads back" text.txt "Код / Code: $(cat "$f.code")"
    has "$f: the Mongolian caption line reads back" text.txt 'Цахим гарын үсгээр баталгаажсан'
    has "$f: the agency (with Ө and Ү) reads back" text.txt 'Үндэсний Өвийн газар|Улсын бүртгэлийн ерөнхий газар'
done
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
[ -n "$(pages render/ref.pdf)" ] && [ "$(pages render/ref.pdf)" = "$(pages render/ref-bb.pdf)" ] \
    && ok "the stamp does not change the page count ($(pages render/ref.pdf))" \
    || not_ok "the stamp does not change the page count ($(pages render/ref.pdf) -> $(pages render/ref-bb.pdf))"
# bottom right of page 1 (ODT): the QR code is found in the bottom-right quarter
rm -f quarter-*.png full-*.png
pdftoppm -r 100 -png -f 1 -l 1 render/ref-bb.pdf full > /dev/null 2>&1
read -r w h < <(python3 -c 'import struct,sys; print(*struct.unpack(">II", open(sys.argv[1],"rb").read(24)[16:24]))' full-*.png)
pdftoppm -r 100 -png -f 1 -l 1 -x $((w / 2)) -y $((h / 2)) -W $((w / 2)) -H $((h / 2)) render/ref-bb.pdf quarter > /dev/null 2>&1
zbarimg -q --raw quarter-*.png > quarter.txt 2>/dev/null
has "ODT: the QR code is in the bottom-right quarter of page 1" quarter.txt '^https://'

# ------------------------------------------------------------ tamga verify on its own output
for f in ref-bb.odt table-bb.ods ref-ns.odt table-ns.ods; do
    expect 0 "tamga verify: $f" "$TAMGA" verify "${VERIFY[@]}" --format json "$f"
    json_is "$f: format odf" 'j["format"]' odf
    json_is "$f: TOTAL-PASSED" 'j["verdict"]' TOTAL-PASSED
    json_is "$f: XAdES-B-B" 'j["signatures"][0]["level"]' XAdES-B-B
    json_is "$f: covers the whole document" 'j["signatures"][0]["covers_whole_document"]' True
done
for f in ref-bt.odt table-bt.ods; do
    expect 0 "tamga verify: $f" "$TAMGA" verify "${VERIFY[@]}" --format json "$f"
    json_is "$f: XAdES-B-T" 'j["signatures"][0]["level"]' XAdES-B-T
done
expect 0 "tamga verify: three co-signers" "$TAMGA" verify "${VERIFY[@]}" --format json ref-co3.odt
json_is "three co-signers: three signatures, all TOTAL-PASSED" \
    '[s["indication"] for s in j["signatures"]]' "['TOTAL-PASSED', 'TOTAL-PASSED', 'TOTAL-PASSED']"
json_is "three co-signers: distinct Ids" 'len(set(s["id"] for s in j["signatures"]))' 3
