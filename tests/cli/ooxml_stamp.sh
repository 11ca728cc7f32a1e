# tests/cli/ooxml_stamp.sh - the QR stamp in OOXML packages
# (formats/ooxml/stamp.c), driven through tests/tools/ooxml_stamp_tool and
# judged by others: python's zipfile and xml.etree (package sound, untouched
# entries byte for byte, .rels without whitespace, every part typed, every
# relationship resolving), LibreOffice (renders it: one soffice run for all
# documents), zbarimg (page 1 holds exactly the URL, in the expected corner)
# and pdftotext (the code and the Mongolian caption line), pdfinfo (a DOCX
# keeps its page count); the same for what `tamga sign` writes.  Then
# hostile packages made here from the fixtures: each refused with the
# error named, none crashing.
. "$TAMGA_ROOT/tests/lib.sh"
T=$TAMGA_BUILD/tests/tools/ooxml_stamp_tool
OFFICE=$TAMGA_ROOT/tests/data/office
OWN=$TAMGA_ROOT/tests/data/ooxml_stamp
[ -x "$T" ] || { not_ok "ooxml_stamp_tool is built ($T)"; exit 1; }
for c in python3 soffice pdftoppm pdftotext pdfinfo zbarimg; do
    command -v $c > /dev/null || { not_ok "$c is installed"; exit 1; }
done

URL=https://verify.example.mn/d/7K3M9QX2HB4TZW8R5
CODE=7K3M-9QX2-HB4T-ZW8R-5
L1='Өргөдлийг Үнэн зөв баталгаажуулав'
L2='Digitally signed & sealed <tamga>'
stamp() { "$T" "$1" "$2" --url "$URL" --code "Код / Code: $CODE" --line "$L1" --line "$L2"; }

# ------------------------------------------------------------ the package judge
cat > judge.py <<'PY'
"""judge.py IN OUT CHANGED NEW : TAP lines about the stamped package OUT.

CHANGED: comma-separated entries expected to differ from IN; NEW: entries
expected to be added (in that set, any order).  Everything else must be the
same bytes: the local header, data and central entry of each untouched
entry are compared raw.
"""
import re
import struct
import sys
import zipfile
import posixpath
from urllib.parse import unquote
import xml.etree.ElementTree as ET

src, out, changed, new = sys.argv[1], sys.argv[2], set(filter(None, sys.argv[3].split(','))), set(filter(None, sys.argv[4].split(',')))
name = out
RELS = '{http://schemas.openxmlformats.org/package/2006/relationships}'
CT = '{http://schemas.openxmlformats.org/package/2006/content-types}'


def tap(ok, desc, detail=''):
    print(('ok - ' if ok else 'not ok - ') + name + ': ' + desc + ('' if ok or not detail else ' (' + str(detail) + ')'))


def raw(path):
    """name -> (local record bytes, central entry bytes)."""
    data = open(path, 'rb').read()
    z = zipfile.ZipFile(path)
    recs = {}
    eocd = data.rfind(b'PK\x05\x06')
    n, cd_size, cd_off = struct.unpack('<HII', data[eocd + 10:eocd + 20])
    p = cd_off
    for _ in range(n):
        nl, xl, cl = struct.unpack('<HHH', data[p + 28:p + 34])
        nm = data[p + 46:p + 46 + nl].decode('utf-8', 'replace')
        central = data[p:p + 46 + nl + xl + cl]
        info = z.getinfo(nm)
        lnl, lxl = struct.unpack('<HH', data[info.header_offset + 26:info.header_offset + 30])
        end = info.header_offset + 30 + lnl + lxl + info.compress_size
        if info.flag_bits & 8:
            end += 16 if data[end:end + 4] == b'PK\x07\x08' else 12
        recs[nm] = (data[info.header_offset:end], central[:42] + central[46:])  # offset may move
        p += 46 + nl + xl + cl
    return z, recs


zi, ri = raw(src)
try:
    zo, ro = raw(out)
    bad = zo.testzip()
    tap(bad is None, 'every entry inflates with its CRC (python zipfile)', bad)
except Exception as e:  # noqa: BLE001
    tap(False, 'python zipfile opens it', e)
    sys.exit(0)
names_in, names_out = zi.namelist(), zo.namelist()
tap(len(set(n.lower() for n in names_out)) == len(names_out), 'no duplicate names')
tap(names_out[:len(names_in)] == names_in, 'the input entries keep their order, new ones follow', names_out)
tap(set(names_out) - set(names_in) == new, 'new entries are ' + ','.join(sorted(new)), sorted(set(names_out) - set(names_in)))
diff = set(n for n in names_in if zi.read(n) != zo.read(n))
tap(diff == changed, 'changed entries are ' + ','.join(sorted(changed)), sorted(diff))
same = [n for n in names_in if n not in diff]
rawdiff = [n for n in same if ri[n][0] != ro[n][0] or ri[n][1] != ro[n][1]]
tap(not rawdiff, '%d untouched entries are byte-identical (local header, data, central entry)' % len(same), rawdiff)

# XML parts parse; .rels we wrote have no whitespace between elements.
parsed = {}
for n in names_out:
    if n.endswith('.xml') or n.endswith('.rels'):
        try:
            parsed[n] = ET.fromstring(zo.read(n))
        except ET.ParseError as e:
            tap(False, n + ' is well-formed XML', e)
for n in sorted(diff | new):
    if n.endswith('.rels'):
        body = re.sub(r'^<\?xml[^>]*\?>\s*', '', zo.read(n).decode('utf-8'))
        tap(re.search(r'>\s+<', body) is None, n + ' has no whitespace between elements')

# Every relationship: unique Ids, internal targets resolve to an entry.
lower = {n.lower(): n for n in names_out}
for n, root in parsed.items():
    if not n.endswith('.rels'):
        continue
    ids = [r.get('Id') for r in root.iter(RELS + 'Relationship')]
    if len(ids) != len(set(ids)):
        tap(False, n + ': relationship Ids are unique', ids)
    src_dir = posixpath.dirname(posixpath.dirname(n))
    for r in root.iter(RELS + 'Relationship'):
        if r.get('TargetMode') == 'External':
            continue
        t = unquote(r.get('Target'))
        p = posixpath.normpath(t[1:] if t.startswith('/') else posixpath.join(src_dir, t))
        if p.lower() not in lower:
            tap(False, '%s: %s resolves to an entry' % (n, t), p)

# Every part has a content type; the QR part is image/png.
ct = parsed['[Content_Types].xml']
defaults = {d.get('Extension').lower(): d.get('ContentType') for d in ct.iter(CT + 'Default')}
overrides = {o.get('PartName').lower(): o.get('ContentType') for o in ct.iter(CT + 'Override')}
tap(len(overrides) == len(list(ct.iter(CT + 'Override'))) and len(defaults) == len(list(ct.iter(CT + 'Default'))),
    '[Content_Types].xml names no part or extension twice')


def ctype(n):
    return overrides.get('/' + n.lower()) or defaults.get(posixpath.splitext(n)[1][1:].lower())


untyped = [n for n in names_out if n != '[Content_Types].xml' and not n.endswith('/') and ctype(n) is None]
tap(not untyped, 'every part has a content type', untyped)
for n in new:
    if n.endswith('.png'):
        tap(ctype(n) == 'image/png', n + ' is typed image/png', ctype(n))
        png = zo.read(n)
        tap(png[:8] == b'\x89PNG\r\n\x1a\n', n + ' is a PNG')
        i = png.find(b'pHYs')
        ppm = struct.unpack('>I', png[i + 4:i + 8])[0] if i > 0 else 0
        tap(abs(ppm - 11811) <= 1, n + ' says 300 dpi (pHYs)', ppm)
        w = struct.unpack('>I', png[16:20])[0]
        mm = w / 300 * 25.4
        tap(20 <= mm <= 32, n + ' prints %.1f mm wide (20..32)' % mm)
        refs = [r for nn, root in parsed.items() if nn.endswith('.rels') for r in root.iter(RELS + 'Relationship')
                if r.get('Target', '').endswith(posixpath.basename(n)) and r.get('Type', '').endswith('/image')]
        tap(len(refs) == 1, n + ' is the target of one image relationship', len(refs))
PY

# ------------------------------------------------------------ the fixtures
# name|input|changed|new|where (br: the bottom right quarter of page 1, top: its top half)
CASES="reference.docx|$OFFICE/reference.docx|word/document.xml,word/_rels/document.xml.rels|word/media/tamga-qr.png|br
table.xlsx|$OFFICE/table.xlsx|xl/worksheets/sheet1.xml,[Content_Types].xml|xl/media/tamga-qr.png,xl/drawings/drawing1.xml,xl/drawings/_rels/drawing1.xml.rels,xl/worksheets/_rels/sheet1.xml.rels|top
slides.pptx|$OFFICE/slides.pptx|ppt/slides/slide1.xml,ppt/slides/_rels/slide1.xml.rels|ppt/media/tamga-qr.png|br
header-image.docx|$OWN/header-image.docx|word/document.xml,word/_rels/document.xml.rels|word/media/tamga-qr.png|br
table-first.docx|$OWN/table-first.docx|word/document.xml,word/_rels/document.xml.rels|word/media/tamga-qr.png|br
sheets.xlsx|$OWN/sheets.xlsx|xl/drawings/drawing1.xml,xl/drawings/_rels/drawing1.xml.rels|xl/media/tamga-qr.png|top"

mkdir -p render
while IFS='|' read -r name in changed new corner; do
    cp "$in" "render/orig-$name"
    expect 0 "stamp $name" stamp "$in" "render/st-$name"
    [ -f "render/st-$name" ] && python3 judge.py "$in" "render/st-$name" "$changed" "$new"
done <<< "$CASES"

# Each caption line once, as text, in the stamped main part (escaped XML).
python3 - render/st-reference.docx word/document.xml "$L1" "$L2" "Код / Code: $CODE" <<'PY'
import sys, zipfile, xml.etree.ElementTree as ET
f, part, *lines = sys.argv[1:]
text = [t.text for t in ET.fromstring(zipfile.ZipFile(f).read(part)).iter('{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t')]
for l in lines:
    print(('ok' if text.count(l) == 1 else 'not ok') + ' - reference.docx: w:t holds %r once' % l)
PY

# Through `tamga sign` (formats/ooxml/sign.c stamps, then signs): rendered below.
echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null 2>&1
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Улсын бүртгэлийн ерөнхий газар' \
    --out agency > /dev/null 2>&1
SIGNED="reference.docx table.xlsx slides.pptx"
for f in $SIGNED; do
    expect 0 "tamga sign $f" "$TAMGA" sign --key agency.key --cert agency.crt --chain agency-chain.pem \
        -o "render/signed-$f" "$OFFICE/$f"
    awk '$1 == "url" {print $2}' out.txt > "url-$f.txt"
    awk '$1 == "code" {print $2}' out.txt > "code-$f.txt"
done

# ------------------------------------------------------------ LibreOffice renders it
HOME=$PWD/home soffice --headless --convert-to pdf --outdir pdf render/* > soffice.log 2>&1
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }

# scan PDF br|top|all : page 1 at 150 dpi, only that part; the QR payloads found
scan() {
    local pdf=$1 where=$2 w h x=0 y=0
    read -r w h < <(pdfinfo -f 1 -l 1 "$pdf" | awk '/^Page +1 size:/ {printf "%d %d\n", $4 * 150 / 72, $6 * 150 / 72}')
    case $where in
        br) x=$((w / 2)) y=$((h / 2)) w=$((w - w / 2)) h=$((h - h / 2)) ;;
        top) h=$((h / 2)) ;;
    esac
    rm -f scan-1.png scan-01.png
    pdftoppm -r 150 -png -f 1 -l 1 -x $x -y $y -W $w -H $h "$pdf" scan
    zbarimg -q --raw scan-*1.png 2>/dev/null
}

while IFS='|' read -r name in changed new corner; do
    base=${name%.*}
    st=pdf/st-$base.pdf orig=pdf/orig-$base.pdf
    if [ ! -f "$st" ] || [ ! -f "$orig" ]; then
        not_ok "$name: LibreOffice rendered it"; sed 's/^/# /' soffice.log | tail -5; continue
    fi
    ok "$name: LibreOffice rendered it"
    scan "$orig" all > qr.txt
    [ -s qr.txt ] && not_ok "$name: no QR code on page 1 before the stamp" || ok "$name: no QR code on page 1 before the stamp"
    scan "$st" all > qr.txt
    printf '%s\n' "$URL" > want.txt
    cmp -s qr.txt want.txt && ok "$name: zbarimg reads exactly the URL on page 1" ||
        { not_ok "$name: zbarimg reads exactly the URL on page 1"; sed 's/^/# got: /' qr.txt; }
    scan "$st" "$corner" > qr.txt
    cmp -s qr.txt want.txt && ok "$name: the QR code is in the $corner part of page 1" ||
        { not_ok "$name: the QR code is in the $corner part of page 1"; sed 's/^/# got: /' qr.txt; }
    pdftotext -f 1 -l 1 "$st" st.txt
    pdftotext -f 1 -l 1 "$orig" orig.txt
    for s in "$CODE" "$L1" "$L2"; do
        grep -qF -- "$s" orig.txt && not_ok "$name: '$s' is not on page 1 before" || true
        grep -qF -- "$s" st.txt && ok "$name: pdftotext finds '$s' on page 1" ||
            { not_ok "$name: pdftotext finds '$s' on page 1"; sed 's/^/# /' st.txt | head -20; }
    done
    case $name in *.docx)
        po=$(pages "$orig") ps=$(pages "$st")
        [ -n "$po" ] && [ "$po" = "$ps" ] && ok "$name: page count unchanged ($po)" ||
            not_ok "$name: page count unchanged ($po before, $ps after)" ;;
    esac
done <<< "$CASES"

# What `tamga sign` wrote: page 1 shows the QR of the URL it reported, and the code.
for f in $SIGNED; do
    pdf=pdf/signed-${f%.*}.pdf
    [ -f "$pdf" ] || { not_ok "signed-$f: LibreOffice rendered it"; continue; }
    scan "$pdf" all > qr.txt
    [ -s "url-$f.txt" ] && cmp -s qr.txt "url-$f.txt" && ok "signed-$f: zbarimg reads the URL tamga sign reported" ||
        { not_ok "signed-$f: zbarimg reads the URL tamga sign reported ($(cat "url-$f.txt"))"; sed 's/^/# got: /' qr.txt; }
    pdftotext -f 1 -l 1 "$pdf" st.txt
    code=$(cat "code-$f.txt")
    [ -n "$code" ] && grep -qF -- "$code" st.txt && ok "signed-$f: pdftotext finds the code $code on page 1" ||
        not_ok "signed-$f: pdftotext finds the code '$code' on page 1"
done
po=$(pages pdf/orig-reference.pdf) ps=$(pages pdf/signed-reference.pdf)
[ -n "$po" ] && [ "$po" = "$ps" ] && ok "signed-reference.docx: page count unchanged ($po)" ||
    not_ok "signed-reference.docx: page count unchanged ($po before, $ps after)"

# The multi-page document: fixture really has several pages, and the stamp is on page 1 only.
po=$(pages pdf/orig-header-image.pdf)
[ "${po:-0}" -ge 2 ] && ok "header-image.docx has $po pages" || not_ok "header-image.docx has several pages ($po)"
pdftoppm -r 150 -png -f 2 -l 2 pdf/st-header-image.pdf p2
zbarimg -q --raw p2-*2.png > qr2.txt 2>/dev/null
[ -s qr2.txt ] && not_ok "header-image.docx: no QR code on page 2" || ok "header-image.docx: no QR code on page 2"
pdftotext -f 2 -l 2 pdf/st-header-image.pdf p2.txt
grep -qF -- "$CODE" p2.txt && not_ok "header-image.docx: no caption on page 2" || ok "header-image.docx: no caption on page 2"

# ------------------------------------------------------------ packages as found in the wild
# Stamping twice: new names and Ids do not clash with the first stamp's.
expect 0 "stamp a stamped docx again" stamp render/st-reference.docx twice.docx
python3 judge.py render/st-reference.docx twice.docx word/document.xml,word/_rels/document.xml.rels word/media/tamga-qr2.png
python3 - twice.docx <<'PY'
import sys, zipfile, re
rels = zipfile.ZipFile(sys.argv[1]).read('word/_rels/document.xml.rels').decode()
ok = 'Id="rIdTamgaQr1"' in rels and re.search(r'Id="rIdTamgaQr2"[^>]*Target="media/tamga-qr2.png"', rels)
print(('ok' if ok else 'not ok') + ' - twice.docx: the second stamp is rIdTamgaQr2 -> media/tamga-qr2.png')
PY

# Hostile and unusual packages, made from the fixtures.
cat > craft.py <<'PY'
"""craft.py IN OUT CASE : write a variant of IN."""
import sys, zipfile
src, out, case = sys.argv[1:]
zi = zipfile.ZipFile(src)
parts = [(i.filename, zi.read(i.filename)) for i in zi.infolist()]
ODOC = b'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument'


def sub(name, old, new, count=1):
    global parts
    for k, (n, d) in enumerate(parts):
        if n == name:
            assert old in d, (name, old)
            parts[k] = (n, d.replace(old, new, count))
            return
    raise KeyError(name)


def drop(name):
    global parts
    parts = [(n, d) for n, d in parts if n != name]


if case == 'no-content-types':
    drop('[Content_Types].xml')
elif case == 'escape':
    sub('_rels/.rels', b'Target="word/document.xml"', b'Target="../word/document.xml"')
elif case == 'escape-deep':
    sub('_rels/.rels', b'Target="word/document.xml"', b'Target="word/../../word/document.xml"')
elif case == 'absolute':
    sub('_rels/.rels', b'Target="word/document.xml"', b'Target="/word/./media/../document.xml"')
elif case == 'percent':
    sub('_rels/.rels', b'Target="word/document.xml"', b'Target="word/d%6Fcument.xml"')
elif case == 'scheme':
    sub('_rels/.rels', b'Target="word/document.xml"', b'Target="file:///etc/passwd"')
elif case == 'external':
    sub('_rels/.rels', b'Target="word/document.xml"', b'Target="https://example.com/document.xml" TargetMode="External"')
elif case == 'two-main':
    sub('_rels/.rels', b'</Relationships>', b'<Relationship Id="rIdX" Type="' + ODOC + b'" Target="word/styles.xml"/></Relationships>')
elif case == 'no-main':
    drop('word/document.xml')
elif case == 'doctype':
    sub('word/document.xml', b'<w:document', b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document')
elif case == 'deep':
    sub('word/document.xml', b'<w:body>', b'<w:body>' + b'<w:sdt><w:sdtContent>' * 200, 1)
    sub('word/document.xml', b'</w:body>', b'</w:sdtContent></w:sdt>' * 200 + b'</w:body>')
elif case == 'not-xml':
    sub('word/document.xml', b'</w:body>', b'</w:bdy>')
elif case == 'other-type':
    sub('[Content_Types].xml', b'wordprocessingml.document.main+xml', b'wordprocessingml.glossary+xml')
elif case == 'strict':
    sub('word/document.xml', b'http://schemas.openxmlformats.org/wordprocessingml/2006/main', b'http://purl.oclc.org/ooxml/wordprocessingml/main')
elif case == 'strict-package':
    sub('_rels/.rels', ODOC, b'http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument')
elif case == 'no-png-default':
    sub('[Content_Types].xml', b'<Default Extension="png" ContentType="image/png"/>', b'')
elif case == 'stale-override':
    sub('[Content_Types].xml', b'</Types>', b'<Override PartName="/word/media/tamga-qr.png" ContentType="image/jpeg"/></Types>')
elif case == 'encoded-clash':
    parts.append(('word/media/tamga%2Dqr.png', b'\x89PNG\r\n\x1a\n'))
elif case == 'no-paragraph':
    d = dict(parts)['word/document.xml']
    start, end = d.index(b'<w:body>') + 8, d.index(b'<w:sectPr>')
    sub('word/document.xml', d[start:end], b'')
elif case == 'chartsheet':
    sub('xl/_rels/workbook.xml.rels', b'relationships/worksheet"', b'relationships/chartsheet"')
elif case == 'sheet-escape':
    sub('xl/_rels/workbook.xml.rels', b'Target="worksheets/sheet1.xml"', b'Target="../../worksheets/sheet1.xml"')
elif case == 'sheet-no-rel':
    sub('xl/workbook.xml', b'r:id="rId2"', b'r:id="rId99"')
elif case == 'second-sheet-first':
    # <sheets>: "Second" (sheet2.xml) listed first: it is the first sheet.
    d = dict(parts)['xl/workbook.xml']
    a, b = d.index(b'<sheet '), d.index(b'</sheets>')
    s = d[a:b].split(b'/>')[:2]
    sub('xl/workbook.xml', d[a:b], s[1] + b'/>' + s[0] + b'/>')
elif case == 'no-slides':
    d = dict(parts)['ppt/presentation.xml']
    a, b = d.index(b'<p:sldIdLst>'), d.index(b'</p:sldIdLst>') + 13
    sub('ppt/presentation.xml', d[a:b], b'')
elif case == 'slide-external':
    sub('ppt/_rels/presentation.xml.rels', b'Target="slides/slide1.xml"', b'Target="http://example.com/s.xml" TargetMode="External"')
else:
    raise SystemExit('unknown case ' + case)
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as zo:
    for n, d in parts:
        zo.writestr(n, d)
PY

# refused SRC CASE ERROR DESC : the variant is refused with ERROR (and a message)
refused() {
    local src=$1 case=$2 err=$3 desc=$4
    python3 craft.py "$src" "$case.in" "$case" || { not_ok "craft $case"; return; }
    expect 1 "$case: $desc" stamp "$case.in" "$case.out"
    has "$case: error is $err" err.txt "^error $err: "
    [ -e "$case.out" ] && not_ok "$case: no output written" || true
}
refused "$OFFICE/reference.docx" no-content-types TAMGA_EFORMAT "no [Content_Types].xml"
refused "$OFFICE/reference.docx" escape TAMGA_EFORMAT "a main part target above the package root"
has "escape: the message says the target leaves the package" err.txt 'leaves the package'
refused "$OFFICE/reference.docx" escape-deep TAMGA_EFORMAT "a target climbing above the root midway"
refused "$OFFICE/reference.docx" scheme TAMGA_EFORMAT "a target with a URI scheme"
refused "$OFFICE/reference.docx" external TAMGA_EUNSUPPORTED "an external main document"
refused "$OFFICE/reference.docx" two-main TAMGA_EFORMAT "two officeDocument relationships"
refused "$OFFICE/reference.docx" no-main TAMGA_EFORMAT "the main part missing"
refused "$OFFICE/reference.docx" doctype TAMGA_EFORMAT "a DOCTYPE with entities in document.xml"
refused "$OFFICE/reference.docx" deep TAMGA_ELIMIT "XML nested 400 levels"
refused "$OFFICE/reference.docx" not-xml TAMGA_EFORMAT "document.xml not well-formed"
refused "$OFFICE/reference.docx" other-type TAMGA_EUNSUPPORTED "a main part of another content type"
refused "$OFFICE/reference.docx" strict TAMGA_EUNSUPPORTED "Strict OOXML (document namespace)"
refused "$OFFICE/reference.docx" strict-package TAMGA_EUNSUPPORTED "Strict OOXML (package relationship)"
refused "$OFFICE/table.xlsx" chartsheet TAMGA_EUNSUPPORTED "the first sheet a chart sheet"
refused "$OFFICE/table.xlsx" sheet-escape TAMGA_EFORMAT "a sheet target above the root"
refused "$OFFICE/table.xlsx" sheet-no-rel TAMGA_EFORMAT "the first sheet's r:id without relationship"
refused "$OFFICE/slides.pptx" no-slides TAMGA_EUNSUPPORTED "a presentation without slides"
refused "$OFFICE/slides.pptx" slide-external TAMGA_EUNSUPPORTED "an external first slide"

# accepted SRC CASE CHANGED NEW DESC : the variant is stamped as judged
accepted() {
    local src=$1 case=$2 changed=$3 new=$4 desc=$5
    python3 craft.py "$src" "$case.in" "$case" || { not_ok "craft $case"; return; }
    expect 0 "$case: $desc" stamp "$case.in" "$case.out"
    [ -f "$case.out" ] && python3 judge.py "$case.in" "$case.out" "$changed" "$new"
}
accepted "$OFFICE/reference.docx" absolute word/document.xml,word/_rels/document.xml.rels \
    word/media/tamga-qr.png "an absolute target with . and .. segments"
accepted "$OFFICE/reference.docx" percent word/document.xml,word/_rels/document.xml.rels \
    word/media/tamga-qr.png "a percent-encoded target"
accepted "$OFFICE/reference.docx" no-paragraph word/document.xml,word/_rels/document.xml.rels \
    word/media/tamga-qr.png "a body without paragraphs: one 1 pt paragraph is added"
accepted "$OFFICE/reference.docx" stale-override "word/document.xml,word/_rels/document.xml.rels,[Content_Types].xml" \
    word/media/tamga-qr.png "an Override for a missing part named like the QR's: changed to image/png"
accepted "$OFFICE/reference.docx" encoded-clash word/document.xml,word/_rels/document.xml.rels \
    word/media/tamga-qr2.png "a part named tamga%2Dqr.png (the same OPC name as tamga-qr.png)"
accepted "$OFFICE/reference.docx" no-png-default "word/document.xml,word/_rels/document.xml.rels,[Content_Types].xml" \
    word/media/tamga-qr.png "no png Default: one is added"
accepted "$OWN/sheets.xlsx" second-sheet-first "xl/worksheets/sheet2.xml,[Content_Types].xml" \
    xl/media/tamga-qr.png,xl/drawings/drawing2.xml,xl/drawings/_rels/drawing2.xml.rels,xl/worksheets/_rels/sheet2.xml.rels \
    "the first <sheet> is sheet2.xml"

# <drawing r:id> lands in CT_Worksheet order: after headerFooter, before any later element.
python3 - render/st-table.xlsx second-sheet-first.out <<'PY'
import sys, zipfile, xml.etree.ElementTree as ET
S = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
ORDER = ['sheetPr', 'dimension', 'sheetViews', 'sheetFormatPr', 'cols', 'sheetData', 'sheetCalcPr', 'sheetProtection',
         'protectedRanges', 'scenarios', 'autoFilter', 'sortState', 'dataConsolidate', 'customSheetViews', 'mergeCells',
         'phoneticPr', 'conditionalFormatting', 'dataValidations', 'hyperlinks', 'printOptions', 'pageMargins',
         'pageSetup', 'headerFooter', 'rowBreaks', 'colBreaks', 'customProperties', 'cellWatches', 'ignoredErrors',
         'smartTags', 'drawing', 'legacyDrawing', 'legacyDrawingHF', 'drawingHF', 'picture', 'oleObjects', 'controls',
         'webPublishItems', 'tableParts', 'extLst']
for f, part in ((sys.argv[1], 'xl/worksheets/sheet1.xml'), (sys.argv[2], 'xl/worksheets/sheet2.xml')):
    root = ET.fromstring(zipfile.ZipFile(f).read(part))
    tags = [c.tag[len(S):] for c in root if c.tag.startswith(S)]
    idx = [ORDER.index(t) for t in tags]
    ok = 'drawing' in tags and idx == sorted(idx) and tags.count('drawing') == 1
    print(('ok' if ok else 'not ok') + ' - %s %s: one <drawing> in CT_Worksheet order' % (f, part) + ('' if ok else ' # ' + ' '.join(tags)))
PY
