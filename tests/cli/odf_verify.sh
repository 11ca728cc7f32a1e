# tamga verify on OpenDocument files signed by LibreOffice 7.4
# (../shared/oracles/lo_sign.py), and on attacks built here with python's
# zipfile: tampered content, added and removed files, a swapped
# certificate, a wrapped signature, a duplicate ZIP entry, an emptied or
# garbled signatures file.  LibreOffice (lo_verify.py) judges the same files
# independently: what it calls BROKEN or refuses to load, tamga fails too.
. "$TAMGA_ROOT/tests/lib.sh"
. "$TAMGA_ROOT/tests/lib_pki.sh"
ORACLES=$TAMGA_SHARED/oracles
DATA=$TAMGA_ROOT/tests/data/office
for t in soffice certutil pk12util openssl; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
[ -f "$ORACLES/lo_sign.py" ] || { not_ok "oracles at $ORACLES"; exit 1; }

# ------------------------------------------------------------ PKI
echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Үндэсний Өвийн газар' --out sa > /dev/null 2>&1
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Улсын бүртгэлийн ерөнхий газар' --out sb > /dev/null 2>&1
openssl pkcs12 -export -inkey sa.key -in sa.crt -certfile sa-chain.pem -name sa -out sa.p12 -passout pass:p12pass \
    && ok "signer A as PKCS#12 for LibreOffice" || not_ok "signer A as PKCS#12 for LibreOffice"
VERIFY=(--trust ca/root.crt --intermediate ca/issuing.crt --crl ca/crl/issuing.crl --crl ca/crl/root.crl --offline)

# ------------------------------------------------------------ LibreOffice signs
cp "$DATA/reference.odt" ref.odt
cp "$DATA/table.ods" table.ods
# A package with a file its manifest does not list (LibreOffice signs it, but refuses to load it)
python3 - <<'PY'
import zipfile
src = zipfile.ZipFile("ref.odt")
with zipfile.ZipFile("unlisted.odt", "w") as out:
    for i in src.infolist():
        out.writestr(i, src.read(i.filename))
    out.writestr("META-INF/other.xml", b"<x/>")
PY
/usr/bin/python3 "$ORACLES/lo_sign.py" --p12 sa.p12 --pass p12pass ref.odt lo.odt table.ods lo.ods \
    unlisted.odt lo-unlisted.odt > sign.txt 2>&1
for f in lo.odt lo.ods lo-unlisted.odt; do
    [ -s "$f" ] && ok "LibreOffice signed $f" || { not_ok "LibreOffice signed $f"; sed 's/^/# /' sign.txt; }
done

# ------------------------------------------------------------ attacks (python zipfile)
python3 - <<'PY'
import base64, re, zipfile

def rebuild(src, dst, change=None, add=(), drop=()):
    """Copy src to dst entry by entry (mimetype stays first, stored); change(name, data) -> data."""
    z = zipfile.ZipFile(src)
    with zipfile.ZipFile(dst, "w") as out:
        for i in z.infolist():
            if i.filename in drop:
                continue
            data = z.read(i.filename)
            if change:
                data = change(i.filename, data)
            out.writestr(i, data)
        for name, data in add:
            out.writestr(name, data)

SIGS = "META-INF/documentsignatures.xml"
# content.xml says something else
rebuild("lo.odt", "tampered.odt",
        lambda n, d: d.replace("registered".encode(), "NOT registered".encode()) if n == "content.xml" else d)
# a file added after signing (a picture a viewer would not show, but a macro or an object would be)
rebuild("lo.odt", "added.odt", add=[("Pictures/evil.png", b"\x89PNG\r\n\x1a\nnot really")])
# a signed file removed
rebuild("lo.odt", "removed.odt", drop=["Thumbnails/thumbnail.png"])
# the signer's certificate swapped for another signer's
other = "".join(l.strip() for l in open("sb.crt") if not l.startswith("-----"))
rebuild("lo.odt", "swapped.odt", lambda n, d: re.sub(rb"<X509Certificate>[^<]*</X509Certificate>",
        b"<X509Certificate>" + other.encode() + b"</X509Certificate>", d) if n == SIGS else d)
# the genuine Signature wrapped inside another element
def wrap(n, d):
    if n != SIGS:
        return d
    m = re.search(rb"<Signature .*</Signature>", d, re.S)
    return d[:m.start()] + b'<Wrapper xmlns="urn:attacker">' + m.group(0) + b"</Wrapper>" + d[m.end():]
rebuild("lo.odt", "wrapped.odt", wrap)
# a second signature that is a copy of the first with a changed signing date (same Ids)
def dup(n, d):
    if n != SIGS:
        return d
    m = re.search(rb"<Signature .*</Signature>", d, re.S)
    return d[:m.end()] + m.group(0) + d[m.end():]
rebuild("lo.odt", "duplicated-sig.odt", dup)
# an emptied and a garbled signatures file
rebuild("lo.odt", "empty-sigs.odt", lambda n, d: b"" if n == SIGS else d)
rebuild("lo.odt", "garbage-sigs.odt", lambda n, d: b"<document-signatures xmlns='x'><oops" if n == SIGS else d)
rebuild("lo.odt", "nosig-root.odt", lambda n, d: b'<?xml version="1.0"?><document-signatures xmlns='
        b'"urn:oasis:names:tc:opendocument:xmlns:digitalsignature:1.0"/>' if n == SIGS else d)
# a second content.xml entry after the first: readers disagree which one counts
import warnings
warnings.simplefilter("ignore")
rebuild("lo.odt", "dup-entry.odt", add=[("content.xml", b"<office:document-content/>")])
# macro signatures are not document signatures
sigs = zipfile.ZipFile("lo.odt").read(SIGS)
rebuild("ref.odt", "macro-only.odt", add=[("META-INF/macrosignatures.xml", sigs)])
PY
ATTACKS="tampered.odt added.odt removed.odt swapped.odt wrapped.odt duplicated-sig.odt empty-sigs.odt garbage-sigs.odt nosig-root.odt dup-entry.odt"
for f in $ATTACKS macro-only.odt; do [ -s "$f" ] && ok "built $f" || not_ok "built $f"; done

# ------------------------------------------------------------ co-signing beside LibreOffice's signature
expect 0 "tamga adds a signature beside LibreOffice's" "$TAMGA" sign --key sb.key --cert sb.crt --chain sb-chain.pem \
    --no-stamp -o co.odt lo.odt

# ------------------------------------------------------------ LibreOffice's view (one soffice start)
# shellcheck disable=SC2086
/usr/bin/python3 "$ORACLES/lo_verify.py" --trust ca/root.crt --cert ca/issuing.crt --via-model \
    lo.odt lo.ods co.odt lo-unlisted.odt tampered.odt added.odt removed.odt swapped.odt > lo.txt 2> lo.err
has "LibreOffice: lo.odt is OK" lo.txt '"file": "lo.odt", "summary": true, .*"state": "OK"'
has "LibreOffice: lo.ods is OK" lo.txt '"file": "lo.ods", "summary": true, .*"state": "OK"'
has "LibreOffice refuses to load a package with a file not in the manifest" lo.txt \
    '"file": "lo-unlisted.odt", "summary": true, .*"model_state": "LOAD_FAILED"'
for f in tampered.odt added.odt removed.odt swapped.odt; do
    has "LibreOffice: $f is not OK" lo.txt "\"file\": \"$f\", \"summary\": true, .*\"state\": \"(BROKEN|ERROR)\""
done

# ------------------------------------------------------------ tamga verify
for f in lo.odt lo.ods; do
    expect 0 "LibreOffice's $f verifies" "$TAMGA" verify "${VERIFY[@]}" --format json "$f"
    json_is "$f: format odf" 'j["format"]' odf
    json_is "$f: TOTAL-PASSED" 'j["verdict"]' TOTAL-PASSED
    json_is "$f: one signature" 'len(j["signatures"])' 1
    json_is "$f: XAdES-B-B" 'j["signatures"][0]["level"]' XAdES-B-B
    json_is "$f: covers the whole document" 'j["signatures"][0]["covers_whole_document"]' True
    json_is "$f: no modifications" 'j["signatures"][0]["modifications"]' '[]'
    json_is "$f: LibreOffice's unsigned directories are a warning" \
        'any("directory" in w for w in j["signatures"][0]["warnings"])' True
done

# fails FILE DESC EXPR WANT : tamga says TOTAL-FAILED (exit 1), and EXPR over the report is WANT
fails() {
    local f=$1 desc=$2
    expect 1 "$desc: TOTAL-FAILED" "$TAMGA" verify "${VERIFY[@]}" --format json "$f"
    json_is "$desc: the verdict" 'j["verdict"]' TOTAL-FAILED
    [ $# -ge 4 ] && json_is "$desc: $3" "$3" "$4"
}
mods='sorted(set(m["kind"] for s in j["signatures"] for m in s["modifications"] if not m["allowed"]))'
fails tampered.odt "tampered content.xml" 'j["signatures"][0]["subindication"]' HASH_FAILURE
fails added.odt "an added file" "$mods" "['manifest-mismatch', 'part-unsigned']"
json_is "an added file: named" 'any("Pictures/evil.png" in m["detail"] for m in j["signatures"][0]["modifications"])' True
fails removed.odt "a removed file" "$mods" "['manifest-mismatch']"
json_is "a removed file: its digest cannot be checked" 'j["signatures"][0]["subindication"]' HASH_FAILURE
fails swapped.odt "a swapped certificate" 'j["signatures"][0]["integrity"]' False
fails wrapped.odt "a wrapped signature" 'any(s["subindication"] == "FORMAT_FAILURE" for s in j["signatures"])' True
fails duplicated-sig.odt "a duplicated signature (Ids used twice)" \
    'any(s["indication"] == "TOTAL-FAILED" for s in j["signatures"])' True
fails empty-sigs.odt "an empty documentsignatures.xml" 'j["signatures"][0]["subindication"]' FORMAT_FAILURE
fails garbage-sigs.odt "a garbled documentsignatures.xml" 'j["signatures"][0]["subindication"]' FORMAT_FAILURE
fails nosig-root.odt "a documentsignatures.xml without signatures" 'len(j["signatures"])' 1
fails dup-entry.odt "a duplicate ZIP entry" 'j["signatures"]' '[]'
has "a duplicate ZIP entry: the report names it" out.txt 'content\.xml'
fails lo-unlisted.odt "a file not in the manifest (LibreOffice-signed)" "$mods" "['manifest-mismatch']"

expect 1 "an unsigned ODT has no signatures" "$TAMGA" verify "${VERIFY[@]}" --format json ref.odt
json_is "unsigned: format odf, no signatures" '(j["format"], j["signatures"])' "('odf', [])"
expect 1 "macro signatures are no document signatures" "$TAMGA" verify "${VERIFY[@]}" --format json macro-only.odt
json_is "macro signatures: none reported" 'j["signatures"]' '[]'
has "macro signatures: a warning says so" out.txt 'macrosignatures\.xml: macro signatures'

# ------------------------------------------------------------ the co-signed file
expect 0 "both signatures verify in tamga" "$TAMGA" verify "${VERIFY[@]}" --format json co.odt
json_is "co-signed: two TOTAL-PASSED" '[s["indication"] for s in j["signatures"]]' "['TOTAL-PASSED', 'TOTAL-PASSED']"
has "LibreOffice: both signatures of co.odt are valid" lo.txt '"file": "co.odt", "summary": true, "kind": "odf", "count": 2, "state": "OK"'
/usr/bin/python3 "$ORACLES/xmlsec_verify.py" --trust ca/root.crt --cert ca/issuing.crt co.odt > xs.txt 2>&1
has "xmlsec1: both signatures of co.odt pass" xs.txt '"file": "co.odt", "summary": true, "kind": "odf", "signatures": 2, "pass": true'
