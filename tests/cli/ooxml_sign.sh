# tamga sign on OOXML packages (DOCX, XLSX, PPTX made by LibreOffice),
# judged by other people's software: xmlsec1 (../shared/oracles/xmlsec_verify.py:
# every SignedInfo and Manifest reference, the SignatureValue, the chain),
# LibreOffice 7.4 (../shared/oracles/lo_verify.py: PARTIAL_OK is the best it
# says of OOXML), and python3's zipfile + ElementTree for the package
# structure ECMA-376 Part 2 §13 asks for.  Then tamga verify reads its own
# output back (TOTAL-PASSED, format, level).
. "$TAMGA_ROOT/tests/lib.sh"
ORACLES=$TAMGA_SHARED/oracles
OFFICE=$TAMGA_ROOT/tests/data/office
for t in python3 openssl xmlsec1 soffice certutil; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
[ -f "$ORACLES/xmlsec_verify.py" ] && [ -f "$ORACLES/lo_verify.py" ] || { not_ok "oracles at $ORACLES"; exit 1; }

# make_doc DESC FILE COMMAND... : ok when COMMAND succeeds and FILE is not empty.
make_doc() {
    local desc=$1 file=$2; shift 2
    if "$@" > make.out 2>&1 && [ -s "$file" ]; then ok "made $file: $desc"
    else not_ok "made $file: $desc"; sed 's/^/# /' make.out | head -15; rm -f "$file"; fi
}

# ------------------------------------------------------------ PKI: an EC and an RSA agency
echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null || not_ok "pki init (P-256)"
"$TAMGA" pki init --dir carsa --key-type rsa3072 --org 'Other Agency PKI' --ca-pass-file ca.pass > /dev/null \
    || not_ok "pki init (RSA-3072)"
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Үндэсний Өвийн газар' --out ec > /dev/null \
    || not_ok "issue ec"
"$TAMGA" pki issue --dir carsa --ca-pass-file ca.pass --no-encrypt --cn 'RSA Signer' --out rsa > /dev/null 2>&1 \
    || not_ok "issue rsa"
cat ca/root.crt carsa/root.crt > roots.pem
cat ca/issuing.crt carsa/issuing.crt > inter.pem
CRLS=(--crl ca/crl/issuing.crl --crl ca/crl/root.crl --crl carsa/crl/issuing.crl --crl carsa/crl/root.crl)
EC=(--key ec.key --pass-file key.pass --cert ec.crt --chain ec-chain.pem)
RSA=(--key rsa.key --cert rsa.crt --chain rsa-chain.pem)
cp "$OFFICE/reference.docx" "$OFFICE/table.xlsx" "$OFFICE/slides.pptx" .
DOCS="reference.docx table.xlsx slides.pptx"

# ------------------------------------------------------------ sign: stamped, invisible, RSA, B-T
for d in $DOCS; do
    make_doc "stamped, EC, B-B" "st-$d" "$TAMGA" sign -q "${EC[@]}" -o "st-$d" "$d"
    make_doc "invisible (--no-stamp)" "ns-$d" "$TAMGA" sign -q "${EC[@]}" --no-stamp -o "ns-$d" "$d"
done
make_doc "RSA-3072, SHA-384" rsa-reference.docx "$TAMGA" sign -q "${RSA[@]}" --hash sha384 --no-stamp \
    -o rsa-reference.docx reference.docx

# A TSA on 127.0.0.1 (openssl ts behind tests/tools/tsa_server.py) for B-T.
openssl pkey -in ca/private/tsa.key -passin file:ca.pass -out tsa.key
mkdir -p tsa
python3 "$TAMGA_ROOT/tests/tools/tsa_server.py" serve --cert ca/tsa.crt --key tsa.key --chain ca/issuing.crt \
    --dir tsa --port-file tsa.port > tsa.log 2>&1 &
tsa_pid=$!
trap 'kill $tsa_pid 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s tsa.port ] && break; sleep 0.1; done
TSA=http://127.0.0.1:$(cat tsa.port 2>/dev/null)/
for d in reference.docx table.xlsx; do
    make_doc "B-T, time-stamped" "bt-$d" "$TAMGA" sign -q "${EC[@]}" --tsa "$TSA" -o "bt-$d" "$d"
done
kill $tsa_pid 2>/dev/null

# A second signature: ADDED (sig2.xml), sig1 and what it covers kept.
make_doc "a second signature on a signed document" two-reference.docx "$TAMGA" sign -q "${RSA[@]}" --no-stamp \
    -o two-reference.docx st-reference.docx
expect 3 "a stamp on a signed document is refused (it would break the first signature)" \
    "$TAMGA" sign "${EC[@]}" -o refused.docx st-reference.docx
has "... saying why" err.txt 'signed already.*--no-stamp'
[ ! -e refused.docx ] && ok "... and nothing is written" || not_ok "... and nothing is written"

SIGNED="st-reference.docx st-table.xlsx st-slides.pptx ns-reference.docx ns-table.xlsx ns-slides.pptx
        rsa-reference.docx bt-reference.docx bt-table.xlsx"

# ------------------------------------------------------------ the package, as python reads it
# pkgcheck SIGNED INPUT : the §13 structure; prints "ok"/"bad" lines.
pkgcheck() {
    python3 - "$1" "$2" <<'PY'
import re, sys, zipfile
import xml.etree.ElementTree as ET
signed, orig = sys.argv[1], sys.argv[2]
DS = "{http://www.w3.org/2000/09/xmldsig#}"
R = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MD = "{http://schemas.openxmlformats.org/package/2006/digital-signature}"
DIG = "{http://schemas.microsoft.com/office/2006/digsig}"
def say(cond, what):
    print(("ok " if cond else "bad ") + what)
z = zipfile.ZipFile(signed)
names = z.namelist()
say(len(names) == len(set(n.lower() for n in names)), "no duplicate entries")
rels = ET.fromstring(z.read("_rels/.rels"))
origin = [r for r in rels.findall(R + "Relationship")
          if r.get("Type") == "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin"]
say(len(origin) == 1 and origin[0].get("Target").lstrip("/") == "_xmlsignatures/origin.sigs", "one origin relationship")
say(z.read("_xmlsignatures/origin.sigs") == b"", "origin.sigs is empty")
orels = ET.fromstring(z.read("_xmlsignatures/_rels/origin.sigs.rels"))
sigrels = [r for r in orels.findall(R + "Relationship")
           if r.get("Type") == "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature"]
say([r.get("Target") for r in sigrels] == ["sig1.xml"], "origin.sigs.rels names sig1.xml")
types = ET.fromstring(z.read("[Content_Types].xml"))
over = {o.get("PartName").lower(): o.get("ContentType") for o in types.findall(CT + "Override")}
dflt = {d.get("Extension").lower(): d.get("ContentType") for d in types.findall(CT + "Default")}
def ctype(name):
    return over.get("/" + name.lower()) or dflt.get(name.rsplit(".", 1)[-1].lower())
say(ctype("_xmlsignatures/sig1.xml") == "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml",
    "sig1.xml has the xmlsignature content type")
say(ctype("_xmlsignatures/origin.sigs") == "application/vnd.openxmlformats-package.digital-signature-origin",
    "origin.sigs has the origin content type")
# Every .rels part tamga wrote: no whitespace between elements (xmlsec 1.2.37 and the spec would disagree)
spaced = [n for n in names if n.endswith(".rels") and re.search(rb">\s+<", z.read(n).split(b"?>", 1)[-1])]
say(not spaced, "no .rels part has whitespace between elements %s" % spaced)
sig = ET.fromstring(z.read("_xmlsignatures/sig1.xml"))
say(sig.tag == DS + "Signature" and sig.get("Id") == "idPackageSignature", "Signature Id=idPackageSignature")
si = [(r.get("URI"), r.get("Type"), [t.get("Algorithm") for t in r.iter(DS + "Transform")])
      for r in sig.find(DS + "SignedInfo").findall(DS + "Reference")]
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
say(si == [("#idPackageObject", "http://www.w3.org/2000/09/xmldsig#Object", []),
           ("#idOfficeObject", "http://www.w3.org/2000/09/xmldsig#Object", []),
           ("#idSignedProperties", "http://uri.etsi.org/01903#SignedProperties", [C14N])],
    "SignedInfo references the package, Office and SignedProperties objects %s" % si)
objs = {o.get("Id"): o for o in sig.findall(DS + "Object")}
man = objs["idPackageObject"].find(DS + "Manifest")
refs = man.findall(DS + "Reference")
parts = sorted(n for n in names if not n.endswith("/") and n != "[Content_Types].xml" and not n.startswith("_xmlsignatures/"))
uris = sorted(r.get("URI").split("?")[0].lstrip("/") for r in refs)
say(uris == parts, "the Manifest names every part but the signature's own (%d)" % len(parts))
for r in refs:
    path, q = r.get("URI").lstrip("/").split("?ContentType=")
    tr = [t.get("Algorithm") for t in r.iter(DS + "Transform")]
    if path.endswith(".rels"):
        ids = [x.get("SourceId") for x in r.iter(MD + "RelationshipReference")]
        have = [x.get("Id") for x in ET.fromstring(z.read(path)).findall(R + "Relationship")
                if not x.get("Type").endswith("/digital-signature/origin")]
        say(tr == ["http://schemas.openxmlformats.org/package/2006/RelationshipTransform", C14N] and sorted(ids) == sorted(have),
            "%s: RelationshipTransform with every SourceId but the origin's" % path)
    else:
        say(tr == [], "%s: no transform" % path)
    say(q == ctype(path), "%s: ?ContentType= as in [Content_Types].xml" % path)
say(objs["idPackageObject"].find(".//" + MD + "SignatureTime/" + MD + "Value") is not None, "mdssi:SignatureTime")
info = objs["idOfficeObject"].find(".//" + DIG + "SignatureInfoV1")
want = ["SetupID", "SignatureText", "SignatureImage", "SignatureComments", "WindowsVersion", "OfficeVersion",
        "ApplicationVersion", "Monitors", "HorizontalResolution", "VerticalResolution", "ColorDepth",
        "SignatureProviderId", "SignatureProviderUrl", "SignatureProviderDetails", "SignatureType", "ManifestHashAlgorithm"]
say(info is not None and [c.tag.replace(DIG, "") for c in info] == want, "SignatureInfoV1 in Office's element order")
say(sig.find(".//{http://uri.etsi.org/01903/v1.3.2#}SignedProperties[@Id='idSignedProperties']") is not None,
    "XAdES SignedProperties")
# What tamga did not have to touch is byte for byte the input (stamp aside).
if orig != "-":
    o = zipfile.ZipFile(orig)
    same = [n for n in o.namelist() if n != "[Content_Types].xml" and not n.endswith(".rels")
            and (n not in names or o.read(n) != z.read(n))]
    say(not same, "every part but .rels and [Content_Types].xml is the input's %s" % same)
PY
}
for f in $SIGNED; do
    in=${f#*-}
    case $f in st-*|bt-*) in=- ;; esac
    pkgcheck "$f" "$in" > pkg.txt 2>&1
    if grep -q '^bad\|Traceback' pkg.txt || ! grep -q '^ok' pkg.txt; then not_ok "$f: the package structure of ECMA-376 Part 2 §13"; sed 's/^/# /' pkg.txt | grep -v '^# ok' | head -20
    else ok "$f: the package structure of ECMA-376 Part 2 §13 ($(grep -c '^ok' pkg.txt) checks)"; fi
done

# ------------------------------------------------------------ xmlsec1
# shellcheck disable=SC2086
python3 "$ORACLES/xmlsec_verify.py" --trust roots.pem --cert inter.pem $SIGNED two-reference.docx > xmlsec.txt 2> xmlsec.err
for f in $SIGNED; do
    line=$(grep "\"file\": \"$f\", \"kind\"" xmlsec.txt)
    echo "$line" > one.txt
    has "$f: xmlsec1 verifies the signature and the chain" one.txt '"ok": true, "crypto_ok": true, "chain_ok": true'
    python3 -c 'import json,sys; j=json.loads(open("one.txt").read()); a,b=j["manifest_refs"].split("/"); sys.exit(not (a==b and int(a)>0 and j["unsigned_parts"]==[] and j["signedinfo_refs"]=="3/3" and j["xades_cert_digest"]=="match"))' \
        && ok "$f: every Manifest reference verifies, no part unsigned, XAdES certificate digest matches" \
        || { not_ok "$f: every Manifest reference verifies, no part unsigned"; sed 's/^/# /' one.txt | cut -c1-400; }
done
grep -c '"file": "two-reference.docx", "kind".*"ok": true' xmlsec.txt > two.txt
has "two-reference.docx: xmlsec1 verifies both signatures" two.txt '^2$'

# sig1 and every part it covers are untouched by the second signature.
python3 - st-reference.docx two-reference.docx > keep.txt 2>&1 <<'PY'
import sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
changed = [n for n in a.namelist() if n not in ("[Content_Types].xml", "_xmlsignatures/_rels/origin.sigs.rels")
           and a.read(n) != b.read(n)]
added = sorted(set(b.namelist()) - set(a.namelist()))
print("changed", changed, "added", added)
PY
has "the second signature changes no signed part and adds only sig2.xml" keep.txt "^changed \[\] added \['_xmlsignatures/sig2.xml'\]$"

# ------------------------------------------------------------ LibreOffice (one soffice start for all)
# shellcheck disable=SC2086
python3 "$ORACLES/lo_verify.py" --trust roots.pem --cert inter.pem $SIGNED two-reference.docx > lo.txt 2> lo.err
for f in $SIGNED; do
    has "$f: LibreOffice says PARTIAL_OK (its best for OOXML), 1 valid signature" lo.txt \
        "\"file\": \"$f\", \"summary\": true, \"kind\": \"ooxml\", \"count\": 1, \"state\": \"PARTIAL_OK\", \"pass\": true"
done
has "two-reference.docx: LibreOffice reports both signatures, PARTIAL_OK" lo.txt \
    '"file": "two-reference.docx", "summary": true, "kind": "ooxml", "count": 2, "state": "PARTIAL_OK", "pass": true'
grep '"file": "two-reference.docx", "sig"' lo.txt | grep -c '"valid": true, "cert_status": 0' > two.txt
has "... each one valid with a trusted certificate" two.txt '^2$'

# ------------------------------------------------------------ tamga verify reads it back
# KeyInfo carries the signer certificate only (as LibreOffice's does), so the
# issuing CAs come from --intermediate.
for f in $SIGNED two-reference.docx; do
    expect 0 "tamga verify $f: TOTAL-PASSED" "$TAMGA" verify --trust ca/root.crt --trust carsa/root.crt "${CRLS[@]}" --intermediate inter.pem \
        --offline --format json "$f"
    want=XAdES-B-B; case $f in bt-*) want=XAdES-B-T ;; esac
    python3 - "$want" > j.txt 2>&1 <<'PY'
import json, sys
j = json.load(open("out.txt"))
s = j["signatures"]
print(j["format"], j["verdict"], len(s), all(x["level"] == sys.argv[1] for x in s[:1]),
      all(x["covers_whole_document"] and not x["modifications"] for x in s), s[0]["id"], s[0]["signer"]["subject"])
PY
    has "$f: format ooxml, level $want, the whole package, signer named" j.txt \
        "^ooxml TOTAL-PASSED [12] True True _xmlsignatures/sig1.xml CN=(Үндэсний Өвийн газар|RSA Signer),"
done
python3 -c 'import json; j=json.load(open("out.txt")); print([s["id"] for s in j["signatures"]])' > ids.txt
has "two signatures, oldest first" ids.txt "^\['_xmlsignatures/sig1.xml', '_xmlsignatures/sig2.xml'\]$"

# ------------------------------------------------------------ refused, with a clear message, nothing written
refuse() {
    local desc=$1 re=$2; shift 2
    expect 3 "refused: $desc" "$TAMGA" sign "$@" -o refused.docx reference.docx
    has "... says why ($desc)" err.txt "$re"
    [ ! -e refused.docx ] || { not_ok "... nothing written ($desc)"; rm -f refused.docx; }
}
refuse "B-LTA" 'B-LTA .*is not supported' "${EC[@]}" --level B-LTA --tsa http://127.0.0.1:9/
refuse "--certify" 'certification signatures' "${EC[@]}" --certify 2
refuse "RSA-PSS" 'RSA-PSS' "${RSA[@]}" --pss
refuse "--page/--rect" 'placement' "${EC[@]}" --page 1 --rect 300,40,260,84
printf 'PK\003\004not a zip at all' > junk.docx
expect 3 "a ZIP-looking file that is no package is refused" "$TAMGA" sign "${EC[@]}" -o refused.docx junk.docx
python3 -c 'import zipfile; z=zipfile.ZipFile("plain.zip","w"); z.writestr("a.txt","hello"); z.close()'
expect 3 "a ZIP without [Content_Types].xml is refused" "$TAMGA" sign "${EC[@]}" -o refused.docx plain.zip
has "... as not an OOXML package" err.txt 'not an OOXML package'
