# tamga verify on OOXML packages signed by another producer (LibreOffice 7.4
# through ../shared/oracles/lo_sign.py) and on attacks built from them with
# python3's zipfile: every signature that LibreOffice and xmlsec1 accept is
# TOTAL-PASSED, and every change a reader would see after signing is
# TOTAL-FAILED, including those LibreOffice and xmlsec1 accept.
#
# Measured with LibreOffice 7.4 / xmlsec1 1.2.37 when this suite was written
# (xmlsec_verify.py / lo_verify.py), for the record:
#   add-part, add-rel, stray-sig, props:  xmlsec1 ok, LibreOffice PARTIAL_OK (neither checks coverage;
#                                          add-rel's new relationship is outside the SourceIds)
#   content-type:                         xmlsec1 ok (it drops the ?ContentType= query)
#   tamper, swap-cert:                    both fail
. "$TAMGA_ROOT/tests/lib.sh"
ORACLES=$TAMGA_SHARED/oracles
OFFICE=$TAMGA_ROOT/tests/data/office
for t in python3 openssl xmlsec1 soffice certutil pk12util; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done

make_doc() {
    local desc=$1 file=$2; shift 2
    if "$@" > make.out 2>&1 && [ -s "$file" ]; then ok "made $file: $desc"
    else not_ok "made $file: $desc"; sed 's/^/# /' make.out | head -15; rm -f "$file"; fi
}

# ------------------------------------------------------------ PKI, and LibreOffice as the signer
echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null || not_ok "pki init"
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Office Signer' --out sa > /dev/null 2>&1 || not_ok "issue sa"
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Other Signer' --out sb > /dev/null 2>&1 || not_ok "issue sb"
openssl pkcs12 -export -inkey sa.key -in sa.crt -certfile sa-chain.pem -name sa -out sa.p12 -passout pass:p12pass \
    || not_ok "sa.p12"
V=(--trust ca/root.crt --intermediate ca/issuing.crt --crl ca/crl/issuing.crl --crl ca/crl/root.crl --offline)
cp "$OFFICE/reference.docx" "$OFFICE/table.xlsx" "$OFFICE/slides.pptx" .
cp "$OFFICE/reference.odt" .
python3 "$ORACLES/lo_sign.py" --p12 sa.p12 --pass p12pass reference.docx lo.docx table.xlsx lo.xlsx slides.pptx lo.pptx \
    reference.odt lo.odt > losign.txt 2>&1
for f in lo.docx lo.xlsx lo.pptx lo.odt; do
    [ -s "$f" ] && ok "LibreOffice signed $f" || { not_ok "LibreOffice signed $f"; sed 's/^/# /' losign.txt | tail -5; }
done

# ------------------------------------------------------------ attacks (python zipfile)
# atk KIND IN OUT : a variant of the signed package IN.
atk() {
    make_doc "$1 of $2" "$3" python3 - "$@" <<'PY'
import re, sys, zipfile
kind, src, dst = sys.argv[1:4]
z = zipfile.ZipFile(src)
items = [(i, z.read(i.filename)) for i in z.infolist()]
data = {i.filename: d for i, d in items}
SIG = "_xmlsignatures/sig1.xml"
def put(name, value):
    global items
    if name in data:
        items = [(i, value if i.filename == name else d) for i, d in items]
    else:
        items.append((zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), value))
    data[name] = value
def main_part():
    m = re.search(rb'Type="[^"]*/officeDocument"[^>]*Target="/?([^"]+)"', data["_rels/.rels"]) or \
        re.search(rb'Target="/?([^"]+)"[^>]*Type="[^"]*/officeDocument"', data["_rels/.rels"])
    return m.group(1).decode()
main = main_part()
rels = main.rsplit("/", 1)[0] + "/_rels/" + main.rsplit("/", 1)[1] + ".rels"
dup = None
if kind == "tamper":             # one more paragraph / a comment in the main part
    d = data[main]
    put(main, d.replace(b"</w:body>", b"<w:p><w:r><w:t>Paid in full</w:t></w:r></w:p></w:body>") if b"</w:body>" in d
        else d.replace(b"?>", b"?><!-- changed -->", 1))
elif kind == "add-part":         # a part nothing signed
    put(main.rsplit("/", 1)[0] + "/extra.xml", b'<?xml version="1.0"?><x/>')
elif kind == "add-rel":          # a relationship outside the SourceIds, to new content
    put(main.rsplit("/", 1)[0] + "/media/evil.png", b"\x89PNG\r\n\x1a\n evil")
    put(rels, data[rels].replace(b"</Relationships>", b'<Relationship Id="rIdEvil" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/image" Target="media/evil.png"/></Relationships>'))
elif kind == "content-type":     # the main part re-typed after signing
    put("[Content_Types].xml", re.sub(rb'(PartName="/' + re.escape(main.encode()) + rb'" ContentType=")[^"]*',
        rb"\1application/vnd.ms-word.document.macroEnabled.main+xml", data["[Content_Types].xml"]))
elif kind == "swap-cert":        # KeyInfo names another certificate
    pem = open("sb.crt").read()
    b64 = "".join(l for l in pem.splitlines() if "-----" not in l)
    put(SIG, re.sub(rb"<X509Certificate>[^<]*</X509Certificate>", ("<X509Certificate>%s</X509Certificate>" % b64).encode(),
        data[SIG], count=1))
elif kind == "wrap":             # a second, unreferenced package object
    m = re.search(rb"<Manifest>.*?</Manifest>", data[SIG], re.S)
    put(SIG, data[SIG].replace(b"</Signature>", b"<Object>" + m.group(0) + b"</Object></Signature>"))
elif kind == "dup-entry":        # a second entry with the main part's name
    dup = (zipfile.ZipInfo(main, (2026, 1, 1, 0, 0, 0)), data[main].replace(b"?>", b"?><!-- other -->", 1))
elif kind == "empty-sig":
    put(SIG, b"")
elif kind == "garbage-sig":
    put(SIG, b"\x00\xffnot XML at all")
elif kind == "stray-sig":        # a signature part not reached from the origin
    put("_xmlsignatures/sig9.xml", data[SIG])
elif kind == "not-signature":    # the origin's relationship of another type
    o = "_xmlsignatures/_rels/origin.sigs.rels"
    put(o, data[o].replace(b"digital-signature/signature", b"digital-signature/certificate"))
elif kind == "pct-dup":          # a second entry naming the same part through percent-encoding
    put(main.replace(".xml", "%2Exml"), data[main].replace(b"?>", b"?><!-- other -->", 1))
elif kind == "macro-sig":        # the signature reached only as a macro (VBA project) signature
    put("_rels/.rels", re.sub(rb'<Relationship [^>]*digital-signature/origin"[^>]*/>', b"", data["_rels/.rels"]))
    d = main.rsplit("/", 1)[0]
    put(d + "/vbaProject.bin", b"not really a VBA project")
    put(d + "/_rels/vbaProject.bin.rels", b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.microsoft.com/'
        b'office/2006/relationships/vbaProjectSignature" Target="../_xmlsignatures/sig1.xml"/></Relationships>')
elif kind == "props":            # document properties: unsigned by design
    put("docProps/core.xml", data["docProps/core.xml"].replace(b"</cp:coreProperties>",
        b"<dc:title>Changed title</dc:title></cp:coreProperties>"))
else:
    sys.exit("unknown attack " + kind)
out = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
for i, d in items:
    out.writestr(i, d)
if dup:
    import warnings
    warnings.simplefilter("ignore")
    out.writestr(*dup)
out.close()
PY
}
for k in tamper add-part add-rel content-type wrap dup-entry pct-dup empty-sig garbage-sig stray-sig not-signature \
         macro-sig props; do
    atk "$k" lo.docx "$k.docx"
done
atk swap-cert lo.docx swap-cert.docx
atk tamper lo.xlsx tamper.xlsx
atk tamper lo.pptx tamper.pptx
atk add-part lo.pptx add-part.pptx
python3 -c 'import zipfile; z=zipfile.ZipFile("plain.zip","w"); z.writestr("a.txt","hello"); z.close()'
# inflate IN OUT PART : IN with bytes flipped inside PART's deflate stream, every size and
# offset kept (the ZIP directory still reads; inflating PART does not).
inflate() {
    make_doc "corrupt deflate data in $3 of $1" "$2" python3 - "$@" <<'PY'
import struct, sys, zipfile
src, dst, name = sys.argv[1:4]
data = bytearray(open(src, "rb").read())
i = zipfile.ZipFile(src).getinfo(name)
assert i.compress_type == zipfile.ZIP_DEFLATED and i.compress_size > 16
n, m = struct.unpack("<HH", data[i.header_offset + 26:i.header_offset + 30])
start = i.header_offset + 30 + n + m + i.compress_size // 2
for k in range(start, start + 8):
    data[k] ^= 0xA5
open(dst, "wb").write(bytes(data))
try:
    zipfile.ZipFile(dst).read(name)
    sys.exit("still inflates")
except Exception:
    pass
PY
}
inflate lo.docx inflate.docx word/document.xml
inflate lo.odt inflate.odt content.xml

# The oracles agree on the intact files (and say what they say of the attacks).
python3 "$ORACLES/xmlsec_verify.py" --trust ca/root.crt --cert ca/issuing.crt lo.docx lo.xlsx lo.pptx > xmlsec.txt 2>&1 \
    && ok "xmlsec1 verifies LibreOffice's signatures" || { not_ok "xmlsec1 verifies LibreOffice's signatures"; sed 's/^/# /' xmlsec.txt | cut -c1-300; }
python3 "$ORACLES/xmlsec_verify.py" --trust ca/root.crt --cert ca/issuing.crt add-rel.docx content-type.docx > xmlsec2.txt 2>&1 \
    && ok "xmlsec1 accepts add-rel and content-type (it checks neither coverage nor content types)" \
    || { not_ok "xmlsec1 accepts add-rel and content-type"; sed 's/^/# /' xmlsec2.txt | cut -c1-300; }

# ------------------------------------------------------------ tamga verify
# judge FILE EXIT VERDICT [PYTHON-EXPR]: tamga verify --format json; the expression
# (over the report j, its first signature s, and the modification kinds mods) must hold.
judge() {
    local f=$1 rc=$2 verdict=$3 cond=${4:-True}
    expect "$rc" "$f: exit $rc" "$TAMGA" verify "${V[@]}" --format json "$f"
    python3 - "$verdict" "$cond" > j.txt 2>&1 <<'PY'
import json, sys
j = json.load(open("out.txt"))
s = j["signatures"][0] if j["signatures"] else {}
mods = [m["kind"] for x in j["signatures"] for m in x["modifications"] if not m["allowed"]]
ok = j["verdict"] == sys.argv[1] and j["format"] == "ooxml" and eval(sys.argv[2])
print("ok" if ok else "bad", j["verdict"], [(x["id"], x["indication"], x["subindication"]) for x in j["signatures"]],
      mods, j["errors"], j["warnings"], [x["errors"] for x in j["signatures"]])
PY
    if grep -q '^ok' j.txt; then ok "$f: $verdict${4:+ ($4)}"; else not_ok "$f: $verdict${4:+ ($4)}"; sed 's/^/# /' j.txt | cut -c1-600; fi
}
for f in lo.docx lo.xlsx lo.pptx; do
    judge "$f" 0 TOTAL-PASSED 's["level"] == "XAdES-B-B" and s["signer"]["subject"].startswith("CN=Office Signer") and s["id"] == "_xmlsignatures/sig1.xml" and s["integrity"] and not mods'
    has "$f: docProps/core.xml is reported as unsigned (Office and LibreOffice leave it out)" out.txt 'docProps/core.xml is not signed'
done
judge tamper.docx 1 TOTAL-FAILED 's["subindication"] == "HASH_FAILURE"'
judge tamper.xlsx 1 TOTAL-FAILED 's["subindication"] == "HASH_FAILURE"'
judge tamper.pptx 1 TOTAL-FAILED 's["subindication"] == "HASH_FAILURE"'
judge add-part.docx 1 TOTAL-FAILED '"part-unsigned" in mods and s["integrity"]'
judge add-part.pptx 1 TOTAL-FAILED '"part-unsigned" in mods'
judge add-rel.docx 1 TOTAL-FAILED '"relationship-unsigned" in mods and "part-unsigned" in mods and s["integrity"]'
judge content-type.docx 1 TOTAL-FAILED '"content-type" in mods and s["integrity"]'
judge swap-cert.docx 1 TOTAL-FAILED 's["integrity"] is False'
judge wrap.docx 1 TOTAL-FAILED 's["subindication"] == "FORMAT_FAILURE"'
judge dup-entry.docx 1 TOTAL-FAILED 'j["signatures"] == [] and any("same" in e or "duplicate" in e for e in j["errors"])'
judge pct-dup.docx 1 TOTAL-FAILED 'j["signatures"] == [] and any("name the same part" in e for e in j["errors"])'
judge macro-sig.docx 1 NO-SIGNATURE 'any("sig1.xml is not reached" in w for w in j["warnings"])'
judge empty-sig.docx 1 TOTAL-FAILED 's["subindication"] == "FORMAT_FAILURE" and "empty" in s["errors"][0]'
judge garbage-sig.docx 1 TOTAL-FAILED 's["subindication"] == "FORMAT_FAILURE"'
judge stray-sig.docx 0 TOTAL-PASSED 'len(j["signatures"]) == 1 and any("sig9.xml is not reached" in w for w in j["warnings"])'
judge not-signature.docx 1 NO-SIGNATURE 'any("not a document signature" in w for w in j["warnings"])'
judge props.docx 0 TOTAL-PASSED 'not s["covers_whole_document"]'
judge reference.docx 1 NO-SIGNATURE 'j["signatures"] == []'
judge plain.zip 1 TOTAL-FAILED 'any("not an OOXML package" in e for e in j["errors"])'
# a signed part that cannot be inflated: a verdict naming the part, not an error of the run
judge inflate.docx 1 TOTAL-FAILED 's["subindication"] in ("FORMAT_FAILURE", "HASH_FAILURE") and any("word/document.xml cannot be read" in e for e in s["errors"])'
expect 1 "inflate.odt: exit 1" "$TAMGA" verify "${V[@]}" --format json inflate.odt
python3 -c '
import json
j = json.load(open("out.txt"))
s = j["signatures"][0]
assert j["verdict"] == "TOTAL-FAILED" and j["format"] == "odf", j["verdict"]
assert s["subindication"] in ("FORMAT_FAILURE", "HASH_FAILURE"), s["subindication"]
assert any("content.xml cannot be read" in e for e in s["errors"]), s["errors"]
' > j.txt 2>&1 && ok "inflate.odt: TOTAL-FAILED, the message names content.xml" \
    || { not_ok "inflate.odt: TOTAL-FAILED, the message names content.xml"; sed 's/^/# /' j.txt | tail -3; }

# tamga's own signature added to LibreOffice's: both stand, for everyone.
make_doc "tamga adds a signature to LibreOffice's" both.docx "$TAMGA" sign -q --key sb.key --cert sb.crt \
    --chain sb-chain.pem --no-stamp -o both.docx lo.docx
judge both.docx 0 TOTAL-PASSED 'len(j["signatures"]) == 2 and all(x["indication"] == "TOTAL-PASSED" for x in j["signatures"])'
python3 "$ORACLES/xmlsec_verify.py" --trust ca/root.crt --cert ca/issuing.crt both.docx > xmlsec3.txt 2>&1 \
    && ok "xmlsec1 verifies both signatures of both.docx" || { not_ok "xmlsec1 verifies both.docx"; sed 's/^/# /' xmlsec3.txt | cut -c1-300; }
python3 "$ORACLES/lo_verify.py" --trust ca/root.crt --cert ca/issuing.crt both.docx add-rel.docx > lo.txt 2>&1
has "LibreOffice reports both signatures of both.docx, PARTIAL_OK" lo.txt \
    '"file": "both.docx", "summary": true, "kind": "ooxml", "count": 2, "state": "PARTIAL_OK", "pass": true'
has "LibreOffice does not notice add-rel.docx (tamga does)" lo.txt '"file": "add-rel.docx", "summary": true.*"state": "PARTIAL_OK"'
