# Attacked office documents, built with python's zipfile from tamga-signed
# ones: each case changes what a reader shows after signing, and the
# verifier must not call the result TOTAL-PASSED for the whole document.
# Expectations come from outside tamga: RFC 3986 reference resolution
# (python's urllib.parse.urljoin) and, where installed, what LibreOffice
# loads (soffice --convert-to odt: the picture it embeds).
. "$TAMGA_ROOT/tests/lib.sh"
DATA=$TAMGA_ROOT/tests/data/office

echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Attack Test Signer' --out s > /dev/null 2>&1
SIGN=(sign --key s.key --cert s.crt --chain s-chain.pem --no-stamp -q)
VERIFY=(--trust ca/root.crt --crl ca/crl/issuing.crl --crl ca/crl/root.crl --offline)

# verdict FILE: the first line's verdict of tamga verify (text report).
verdict() { "$TAMGA" verify "${VERIFY[@]}" "$1" 2>&1 | head -1 | awk '{ print $2 }'; }

cat > png.py <<'PY'
import struct, zlib
def png(rgb):
    raw = b''.join(b'\0' + bytes(rgb) * 8 for _ in range(8))
    def ch(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return (b'\x89PNG\r\n\x1a\n' + ch(b'IHDR', struct.pack('>IIBBBBB', 8, 8, 8, 2, 0, 0, 0)) +
            ch(b'IDAT', zlib.compress(raw)) + ch(b'IEND', b''))
PY

# picture.py IN OUT TARGET PART: IN with a picture in the body whose image
# relationship (rId9) has Target TARGET, and the PNG at PART.
cat > picture.py <<'PY'
import sys, zipfile
from png import png
src, out, target, part = sys.argv[1:5]
DRAW = ('<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="P"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>'
        '<pic:cNvPr id="1" name="P"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
        '<a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rId9"/>'
        '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>').encode()
REL = ('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
       'Target="%s"/></Relationships>' % target).encode()
z = zipfile.ZipFile(src)
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as o:
    for i in z.infolist():
        d = z.read(i.filename)
        if i.filename == 'word/_rels/document.xml.rels':
            d = d.replace(b'\n', b'').replace(b'</Relationships>', REL)
        elif i.filename == 'word/document.xml':
            d = d.replace(b'<w:sectPr', DRAW + b'<w:sectPr', 1) if b'<w:sectPr' in d else d.replace(b'</w:body>', DRAW + b'</w:body>', 1)
        elif i.filename == '[Content_Types].xml' and b'Extension="png"' not in d:
            d = d.replace(b'</Types>', b'<Default Extension="png" ContentType="image/png"/></Types>')
        o.writestr(i, d)
    o.writestr(part, png((0, 160, 0)))
PY

# swap.py IN OUT PART: IN with another (red) picture at PART.
cat > swap.py <<'PY'
import sys, zipfile
from png import png
src, out, part = sys.argv[1:4]
z = zipfile.ZipFile(src)
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as o:
    for i in z.infolist():
        o.writestr(i, png((200, 0, 0)) if i.filename == part else z.read(i.filename))
PY

# ------------------------------------------------------------ 1. ".." past the root of the package
# A relationship target with more ".." than the source part has folders
# resolves (RFC 3986 §5.2.4: excess ".." segments are dropped) to a part
# at the root; tamga's resolver called it "outside the package", so the
# part it names counted as targeted by nothing - and a picture placed
# below _xmlsignatures/ (which signatures leave out) could be swapped
# after signing while the verifier said "coverage: the whole document".
T='../../_xmlsignatures/img.png'
got=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urljoin("http://x/word/document.xml", sys.argv[1]))' "$T")
[ "$got" = "http://x/_xmlsignatures/img.png" ] && ok "RFC 3986: $T from word/document.xml names /_xmlsignatures/img.png" \
    || not_ok "RFC 3986: $T from word/document.xml names /_xmlsignatures/img.png (got $got)"
python3 picture.py "$DATA/reference.docx" dotdot.docx "$T" _xmlsignatures/img.png
if command -v soffice > /dev/null; then
    timeout 180 soffice --headless -env:UserInstallation="file://$PWD/lo" --convert-to odt --outdir lo dotdot.docx \
        > /dev/null 2>&1
    n=$(python3 -c 'import sys, zipfile; print(sum(n.startswith("Pictures/") for n in zipfile.ZipFile(sys.argv[1]).namelist()))' \
        lo/dotdot.odt 2>/dev/null)
    [ "$n" = 1 ] && ok "LibreOffice shows the picture at $T" || not_ok "LibreOffice shows the picture at $T (got '$n')"
else
    ok "soffice not installed: LibreOffice check skipped"
fi
expect 0 "sign the document with the picture below _xmlsignatures/" "$TAMGA" "${SIGN[@]}" -o dotdot-signed.docx dotdot.docx
python3 swap.py dotdot-signed.docx dotdot-swapped.docx _xmlsignatures/img.png
v=$(verdict dotdot-swapped.docx)
[ "$v" != TOTAL-PASSED ] && ok "a picture swapped after signing (reached through '..' past the root) is not TOTAL-PASSED" \
    || not_ok "a picture swapped after signing (reached through '..' past the root) is not TOTAL-PASSED (got $v)"
"$TAMGA" verify "${VERIFY[@]}" dotdot-swapped.docx > dotdot.txt 2>&1
has "... the report names the unsigned picture" dotdot.txt '_xmlsignatures/img.png is not covered by the signature'
# The same picture named plainly was always caught: the control case.
python3 picture.py "$DATA/reference.docx" plain.docx /_xmlsignatures/img.png _xmlsignatures/img.png
"$TAMGA" "${SIGN[@]}" -o plain-signed.docx plain.docx 2> /dev/null
python3 swap.py plain-signed.docx plain-swapped.docx _xmlsignatures/img.png
v=$(verdict plain-swapped.docx)
[ "$v" != TOTAL-PASSED ] && ok "control: the picture named /_xmlsignatures/img.png, swapped, is not TOTAL-PASSED" \
    || not_ok "control: the picture named /_xmlsignatures/img.png, swapped, is not TOTAL-PASSED (got $v)"

# ------------------------------------------------------------ 2. work that grows with the square of the input
# A hostile package costs what its size says, not its square: checked
# with sizes where a quadratic loop takes minutes and a linear one
# seconds (with sanitizers).  Each package also holds a signature, so
# every check runs.
cat > bloat.py <<'PY'
import sys, zipfile
src, out, kind, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
z = zipfile.ZipFile(src)
SIG = 'http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature'
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as o:
    for i in z.infolist():
        d = z.read(i.filename)
        if kind == 'sigs' and i.filename == '_xmlsignatures/_rels/origin.sigs.rels':
            d = d.replace(b'</Relationships>', ''.join('<Relationship Id="s%d" Type="%s" Target="s%d.xml"/>'
                          % (k, SIG, k) for k in range(n)).encode() + b'</Relationships>')
        o.writestr(i, d)
    if kind == 'rels':   # one relationships part with n relationships
        o.writestr('word/_rels/extra.xml.rels', ('<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships">' + ''.join('<Relationship Id="r%d" Type="t" '
                   'Target="x.xml"/>' % k for k in range(n)) + '</Relationships>').encode())
PY
# bounded DESC FILE SECONDS: tamga verify ends within SECONDS with a verdict.
bounded() {
    local t0=$SECONDS v
    v=$(timeout "$3" "$TAMGA" verify "${VERIFY[@]}" "$2" 2>&1 | head -1 | awk '{ print $2 }')
    if [ -n "$v" ] && [ $((SECONDS - t0)) -lt "$3" ]; then ok "$1 ($v in $((SECONDS - t0)) s)"
    else not_ok "$1 (no verdict within $3 s)"; fi
}
python3 bloat.py dotdot-signed.docx bloat-rels.docx rels 300000
bounded "a relationships part with 300,000 relationships is checked in linear time" bloat-rels.docx 60
python3 bloat.py dotdot-signed.docx bloat-sigs.docx sigs 200000
bounded "an origin naming 200,000 signature parts is checked in linear time" bloat-sigs.docx 60
# OOXML: [Content_Types].xml with 300,000 Overrides, or 300,000 Defaults.
cat > ctbloat.py <<'PY'
import sys, zipfile
src, out, n, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
z = zipfile.ZipFile(src)
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as o:
    for i in z.infolist():
        d = z.read(i.filename)
        if i.filename == '[Content_Types].xml':
            f = '<Override PartName="/n/%d.xml" ContentType="a/b"/>' if kind == 'o' else '<Default Extension="e%d" ContentType="a/b"/>'
            d = d.replace(b'</Types>', ''.join(f % k for k in range(n)).encode() + b'</Types>')
        o.writestr(i, d)
PY
python3 ctbloat.py dotdot-signed.docx bloat-ct-o.docx 300000 o
bounded "300,000 content type Overrides are read in linear time" bloat-ct-o.docx 30
python3 ctbloat.py dotdot-signed.docx bloat-ct-d.docx 300000 d
bounded "300,000 content type Defaults are read in linear time" bloat-ct-d.docx 30
# The duplicates they might hide are still found.
python3 - <<'PY'
import zipfile
for name, extra in (("dup-o.docx", '<Override PartName="/WORD/document.xml" ContentType="text/plain"/>'),
                    ("dup-d.docx", '<Default Extension="PNG" ContentType="text/plain"/>')):
    z = zipfile.ZipFile("dotdot-signed.docx")  # writestr() updates the ZipInfo it is given
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as o:
        for i in z.infolist():
            d = z.read(i.filename)
            if i.filename == "[Content_Types].xml":
                d = d.replace(b"</Types>", extra.encode() + b"</Types>")
            o.writestr(i, d)
PY
"$TAMGA" verify "${VERIFY[@]}" dup-o.docx > dup-o.txt 2>&1
has "a second Override for word/document.xml (another case) is refused" dup-o.txt "two Overrides for the part"
"$TAMGA" verify "${VERIFY[@]}" dup-d.docx > dup-d.txt 2>&1
has "a second Default for png (another case) is refused" dup-d.txt "two Defaults for the extension 'png'"

# ODF: 9,900 files beside a manifest listing 500,000 others.
expect 0 "sign reference.odt" "$TAMGA" "${SIGN[@]}" -o signed.odt "$DATA/reference.odt"
cat > odfbloat.py <<'PY'
import sys, zipfile
src, out, files, entries = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
z = zipfile.ZipFile(src)
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as o:
    for i in z.infolist():
        d = z.read(i.filename)
        if i.filename == 'META-INF/manifest.xml':
            d = d.replace(b'</manifest:manifest>', ''.join('<manifest:file-entry manifest:full-path="n/%d.xml" '
                          'manifest:media-type="text/xml"/>' % k for k in range(entries)).encode() + b'</manifest:manifest>')
        o.writestr(i, d)
    for k in range(files):
        o.writestr('f/%d' % k, b'')
PY
python3 odfbloat.py signed.odt bloat.odt 9900 500000
if [ -z "${SANITIZE:-}" ]; then
    bounded "an ODF manifest of 500,000 files beside 9,900 entries is checked in linear time" bloat.odt 20
else  # formats/odf/odf.c grows its manifest array one entry at a time: ASan's realloc copies it each time
    ok "ODF manifest of 500,000 files: timed only without sanitizers"
fi
# OOXML: 100,000 relationships in a signed relationships part, each
# selected by its own RelationshipReference of the signature.
cat > selbloat.py <<'PY'
import sys, zipfile, re
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
z = zipfile.ZipFile(src)
NS = 'http://schemas.openxmlformats.org/package/2006/digital-signature'
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as o:
    for i in z.infolist():
        d = z.read(i.filename)
        if i.filename == 'word/_rels/document.xml.rels':
            d = d.replace(b'</Relationships>', ''.join('<Relationship Id="x%d" Type="t" Target="styles.xml"/>' % k
                          for k in range(n)).encode() + b'</Relationships>')
        elif i.filename == '_xmlsignatures/sig1.xml':
            m = re.search(rb'(<Reference URI="/word/_rels/document.xml.rels[^>]*>.*?)(</Transform>)', d, re.S)
            d = d[:m.end(1)] + ''.join('<mdssi:RelationshipReference xmlns:mdssi="%s" SourceId="x%d"/>' % (NS, k)
                                       for k in range(n)).encode() + d[m.end(1):]
        o.writestr(i, d)
PY
python3 selbloat.py dotdot-signed.docx bloat-sel.docx 100000
bounded "100,000 RelationshipReferences against 100,000 relationships are checked in linear time" bloat-sel.docx 30

# ------------------------------------------------------------ 3. one part digested again and again
# A signature may name a part once; naming a 4 MB part 9,900 times asked
# for 38 GB of digesting from a package of a few kilobytes.
cat > dupref.py <<'PY'
import sys, zipfile, re
src, out, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
z = zipfile.ZipFile(src)
para = b'<w:p><w:r><w:t>Lorem ipsum dolor sit amet</w:t></w:r></w:p>'
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as o:
    for i in z.infolist():
        d = z.read(i.filename)
        if i.filename == 'word/document.xml' and k == 0:
            d = d.replace(b'<w:body>', b'<w:body>' + para * 65000, 1)
        if i.filename == '_xmlsignatures/sig1.xml' and k > 0:
            m = re.search(rb'<Reference URI="/word/document.xml\?[^>]*>.*?</Reference>', d, re.S)
            d = d[:m.end()] + m.group(0) * k + d[m.end():]
        o.writestr(i, d)
PY
python3 dupref.py "$DATA/reference.docx" big.docx 0
expect 0 "sign a document with a 4 MB document.xml" "$TAMGA" "${SIGN[@]}" -o big-signed.docx big.docx
python3 dupref.py big-signed.docx bloat-dup.docx 9900
bounded "a 4 MB part referenced 9,900 times is refused quickly" bloat-dup.docx 20
v=$(verdict bloat-dup.docx)
[ "$v" != TOTAL-PASSED ] && ok "... and is not TOTAL-PASSED" || not_ok "... and is not TOTAL-PASSED (got $v)"
