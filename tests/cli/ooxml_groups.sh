# tests/cli/ooxml_groups.sh - OOXML signatures that cover relationships by
# their Type: the RelationshipTransform's RelationshipsGroupReference
# (ECMA-376 Part 2 §13.2.4.24-26), which System.IO.Packaging writes for a
# selector by type.  tamga signs a DOCX holding two customXml parts; python
# rewrites the signature so that document.xml.rels selects the customXml
# relationships by SourceType instead of by SourceId, and
# tests/tools/xmldsig_tool signs that template again.
#
# Oracles: python3 computes the transform as the spec words it (keep the
# Relationship elements whose Id is a SourceId or whose Type is a
# SourceType, sort by Id, add TargetMode="Internal", C14N) and its SHA-256,
# and which relationships the selectors leave out; xmlsec1 cannot judge
# these signatures (it ignores SourceType: tests/cli/xmldsig_interop.sh
# measures that and checks the digest against xmlsec1 on the equivalent
# selection by SourceId).
. "$TAMGA_ROOT/tests/lib.sh"
T=$TAMGA_BUILD/tests/tools/xmldsig_tool
OFFICE=$TAMGA_ROOT/tests/data/office
for t in python3 openssl; do
    command -v "$t" >/dev/null || { not_ok "$t is installed"; exit 1; }
done
CUSTOM=http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml

echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null || not_ok "pki init"
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Group Signer' --out s > /dev/null 2>&1 \
    || not_ok "issue s"
V=(--trust ca/root.crt --intermediate ca/issuing.crt --crl ca/crl/issuing.crl --crl ca/crl/root.crl --offline)

# pkg.py CMD ... : package surgery with python3's zipfile.
cat > pkg.py <<'PY'
import re, sys, zipfile
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
RELS = "word/_rels/document.xml.rels"
SIG = "_xmlsignatures/sig1.xml"
MDSSI = "http://schemas.openxmlformats.org/package/2006/digital-signature"

def load(path):
    z = zipfile.ZipFile(path)
    return [(i.filename, z.read(i.filename)) for i in z.infolist()]

def save(path, items):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)

def put(items, name, data):
    for k, (n, _) in enumerate(items):
        if n == name:
            items[k] = (name, data)
            return
    items.append((name, data))

def add_custom(items, ids):
    d = dict(items)
    for n in ids:
        put(items, "customXml/item%d.xml" % n, b'<?xml version="1.0"?><data xmlns="urn:x">item %d</data>' % n)
        rel = ('<Relationship Id="rId10%d" Type="%s" Target="../customXml/item%d.xml"/>' % (n, CUSTOM, n)).encode()
        d[RELS] = d[RELS].replace(b"</Relationships>", rel + b"</Relationships>")
    put(items, RELS, d[RELS])

def template(sig, mode):
    """The signed sig1.xml as a template again: no group (mode "none") or
    one RelationshipsGroupReference for customXml ("group") in place of
    the SourceIds of the customXml relationships."""
    m = re.search(r'(<Reference URI="/word/_rels/document\.xml\.rels[^"]*"><Transforms><Transform [^>]*>)(.*?)(</Transform>)', sig, re.S)
    sel = re.sub(r'<mdssi:RelationshipReference [^>]*SourceId="rId10[0-9]"/>', "", m.group(2))
    if mode == "group":
        sel += '<mdssi:RelationshipsGroupReference xmlns:mdssi="%s" SourceType="%s"/>' % (MDSSI, CUSTOM)
    sig = sig[:m.start(2)] + sel + sig[m.end(2):]
    sig = re.sub(r"<DigestValue>[^<]*</DigestValue>", "<DigestValue/>", sig)
    sig = re.sub(r"<SignatureValue>[^<]*</SignatureValue>", "<SignatureValue/>", sig)
    return re.sub(r"<KeyInfo>.*?</KeyInfo>", "<KeyInfo/>", sig, flags=re.S)

cmd = sys.argv[1]
if cmd == "custom":            # IN OUT: reference.docx with customXml/item1.xml and item2.xml
    items = load(sys.argv[2])
    add_custom(items, [1, 2])
    save(sys.argv[3], items)
elif cmd == "template":        # SIGNED.docx MODE OUT.xml
    open(sys.argv[4], "w").write(template(dict(load(sys.argv[2]))[SIG].decode(), sys.argv[3]))
elif cmd == "resig":           # SIGNED.docx SIG.xml OUT.docx: SIG.xml as sig1.xml
    items = load(sys.argv[2])
    put(items, SIG, open(sys.argv[3], "rb").read())
    save(sys.argv[4], items)
elif cmd == "addrel":          # IN OUT: one more customXml relationship and part after signing
    items = load(sys.argv[2])
    add_custom(items, [3])
    save(sys.argv[3], items)
elif cmd == "oracle":          # DOCX: the spec transform of document.xml.rels against the signature
    import base64, hashlib
    import xml.etree.ElementTree as ET
    d = dict(load(sys.argv[2]))
    sig = d[SIG].decode()
    m = re.search(r'<Reference URI="/word/_rels/document\.xml\.rels[^"]*"><Transforms><Transform [^>]*>(.*?)</Transform>'
                  r'.*?<DigestValue>([^<]*)</DigestValue>', sig, re.S)
    ids = set(re.findall(r'RelationshipReference [^>]*SourceId="([^"]*)"', m.group(1)))
    types = set(re.findall(r'RelationshipsGroupReference [^>]*SourceType="([^"]*)"', m.group(1)))
    NS = "http://schemas.openxmlformats.org/package/2006/relationships"
    rels = [r.attrib for r in ET.fromstring(d[RELS]) if r.tag == "{%s}Relationship" % NS]
    sel = sorted((a for a in rels if a["Id"] in ids or a.get("Type") in types), key=lambda a: a["Id"])
    out = '<Relationships xmlns="%s">' % NS
    for a in sel:
        a = dict(a)
        a.setdefault("TargetMode", "Internal")
        out += "<Relationship %s/>" % " ".join('%s="%s"' % (k, v.replace("&", "&amp;").replace('"', "&quot;")
                                                            .replace("<", "&lt;")) for k, v in sorted(a.items()))
    out = ET.canonicalize(out + "</Relationships>")
    digest = base64.b64encode(hashlib.sha256(out.encode()).digest()).decode()
    left = sorted(a["Id"] for a in rels if a not in sel)
    print("digest", "match" if digest == m.group(2) else "differs", "unselected", ",".join(left) or "-",
          "types", ",".join(sorted(types)) or "-")
PY

# judge FILE EXIT VERDICT PYTHON-EXPR: tamga verify --format json (s: first signature,
# mods: modification kinds not allowed, msgs: their messages).
judge() {
    local f=$1 rc=$2 verdict=$3 cond=$4
    expect "$rc" "$f: exit $rc" "$TAMGA" verify "${V[@]}" --format json "$f"
    python3 - "$verdict" "$cond" > j.txt 2>&1 <<'PY'
import json, sys
j = json.load(open("out.txt"))
s = j["signatures"][0] if j["signatures"] else {}
mods = [m["kind"] for x in j["signatures"] for m in x["modifications"] if not m["allowed"]]
msgs = " | ".join(m.get("detail") or "" for x in j["signatures"] for m in x["modifications"])
ok = j["verdict"] == sys.argv[1] and eval(sys.argv[2])
print("ok" if ok else "bad", j["verdict"], [(x["id"], x["indication"], x["subindication"], x["errors"]) for x in j["signatures"]],
      mods, msgs[:600], j["errors"])
PY
    if grep -q '^ok' j.txt; then ok "$f: $verdict ($cond)"; else not_ok "$f: $verdict ($cond)"; sed 's/^/# /' j.txt | cut -c1-900; fi
}

# ------------------------------------------------------------ documents
cp "$OFFICE/reference.docx" .
check "reference.docx with two customXml parts" python3 pkg.py custom reference.docx custom.docx
check "tamga signs it (every relationship by SourceId)" \
    "$TAMGA" sign -q --key s.key --cert s.crt --chain s-chain.pem --no-stamp -o ids.docx custom.docx
mkdir x && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' ids.docx x
for mode in group none; do
    python3 pkg.py template ids.docx $mode t-$mode.xml
    check "xmldsig_tool signs the template ($mode)" $T sign-template --key s.key --cert s.crt x t-$mode.xml sig-$mode.xml
done
python3 pkg.py resig ids.docx sig-group.xml group.docx
python3 pkg.py resig ids.docx sig-none.xml none.docx
check "a customXml relationship and part added to group.docx after signing" python3 pkg.py addrel group.docx addrel.docx

# the oracle's reading of the signatures
python3 pkg.py oracle group.docx > o-group.txt
has "oracle: group.docx's document.xml.rels digest is the spec transform's; nothing unselected" o-group.txt \
    "^digest match unselected - types $CUSTOM\$"
python3 pkg.py oracle none.docx > o-none.txt
has "oracle: none.docx's digest is the spec transform's; the customXml relationships unselected" o-none.txt \
    '^digest match unselected rId101,rId102 types -$'
python3 pkg.py oracle addrel.docx > o-addrel.txt
has "oracle: addrel.docx's document.xml.rels no longer matches its digest" o-addrel.txt '^digest differs'

# ------------------------------------------------------------ tamga verify
judge ids.docx 0 TOTAL-PASSED 's["covers_whole_document"] and not mods'
judge group.docx 0 TOTAL-PASSED 's["integrity"] and s["covers_whole_document"] and not mods'
judge none.docx 1 TOTAL-FAILED 's["integrity"] and mods == ["relationship-unsigned"] * 2 and "rId101" in msgs and "rId102" in msgs'
judge addrel.docx 1 TOTAL-FAILED 's["subindication"] == "HASH_FAILURE" and "part-unsigned" in mods and "customXml/item3.xml" in msgs'
