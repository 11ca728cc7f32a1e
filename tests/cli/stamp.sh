# The visible stamp of a signed PDF (formats/pdf/stamp.c, font.c,
# formats/qr/qr.c), drawn by tests/tools/stamp_pdf into a new one-page A4
# PDF and read back only with independent tools: qpdf (syntax, xref,
# objects), poppler (rendering, text extraction, font list), zbar (QR
# decoding and orientation) and small Python readers of PGM images and
# TrueType tables.  Expected values are this script's own inputs.
. "$TAMGA_ROOT/tests/lib.sh"
STAMP=$TAMGA_BUILD/tests/tools/stamp_pdf
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

for t in qpdf pdftoppm pdftotext pdffonts zbarimg python3; do
    if command -v "$t" > /dev/null; then ok "$t is installed"; else not_ok "$t is installed (Debian: qpdf poppler-utils zbar-tools python3)"; fi
done
if [ -x "$STAMP" ] && [ -r "$FONT" ]; then ok "stamp_pdf and DejaVu Sans are there"; else not_ok "stamp_pdf ($STAMP) and $FONT are there"; exit 0; fi

L1='Цахим гарын үсгээр баталгаажсан / Digitally signed'
L2='Өргөдөл / Application: Үнэмлэх'
L3='Улсын бүртгэлийн ерөнхий газар'
L4='Огноо / Date: 2026-11-23'
L5='Код / Code: 7K3M-9QX2-HB4T-ZW8R-S'
L6='Шалгах / Verify: verify.example.mn'
LINES=(--line "$L1" --line "$L2" --line "$L3" --line "$L4" --line "$L5" --line "$L6")

URL_SHORT='https://v.mn/v/7K3M9QX2HB4TZW8RS'
URL_STD='https://verify.example.mn/v/7K3M9QX2HB4TZW8RS'
URL_LONG='https://verify.burtgel.gov.mn/v/7K3M9QX2HB4TZW8RS?lang=mn&src=qr&issued=2026-11-23T10%3A00Z'
# The stamp's origin on the page (stamp_pdf's default), and the default box.
AT_X=40 AT_Y=60 BOX_H_MM=30

# ------------------------------------------------------------ helpers
# qpdf_clean FILE: qpdf --check exits 0 without warnings.
qpdf_clean() { qpdf --check "$1" > qpdf.out 2>&1 && ! grep -qi 'warning\|error:' qpdf.out; }

# text_has FILE LINE: LINE is in pdftotext's output once line breaks are
# read as spaces (a caption line may be wrapped).
text_has() { tr '\n\f' '  ' < "$1" | tr -s ' ' | grep -Fq -- "$2"; }

# Orientation from pdftotext -bbox (coordinates as shown on screen, y
# down): the words of a line are wider than tall, line 1 ("баталгаажсан")
# is above line 3 ("Улсын") and set larger, and text starts right of the
# QR square (the box's height wide at most) when the page is not rotated.
cat > bbox.py <<'PY'
import re, sys
words = {}
for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', open(sys.argv[1], encoding='utf-8').read()):
    words.setdefault(m.group(5), [float(v) for v in m.group(1, 2, 3, 4)])
a, b = words.get('баталгаажсан'), words.get('Улсын')
if a is None or b is None:
    sys.exit('words not found')
wa, ha, wb, hb = a[2] - a[0], a[3] - a[1], b[2] - b[0], b[3] - b[1]
if not (wa > 2 * ha and wb > 2 * hb):
    sys.exit('words are not horizontal: %r %r' % (a, b))
if not a[1] < b[1]:
    sys.exit('line 1 is not above line 3 (upside down?): %r %r' % (a, b))
if not ha > 1.1 * hb:
    sys.exit('line 1 is not set larger than line 3: %r %r' % (a, b))
if len(sys.argv) > 2 and not b[0] >= float(sys.argv[2]) - 0.01:
    sys.exit('text starts at x=%g, inside the QR square (right edge %s)' % (b[0], sys.argv[2]))
PY

# Dark bounding box of a PGM (P5) render in a region given in points from
# the page's lower left: prints its width and height in mm.
cat > darkbox.py <<'PY'
import sys
def pgm(path):
    d = open(path, 'rb').read()
    fields, pos = [], 0
    while len(fields) < 4:
        while d[pos:pos + 1].isspace(): pos += 1
        if d[pos:pos + 1] == b'#':
            pos = d.index(b'\n', pos); continue
        end = pos
        while not d[end:end + 1].isspace(): end += 1
        fields.append(d[pos:end]); pos = end
    assert fields[0] == b'P5' and int(fields[3]) == 255
    return int(fields[1]), int(fields[2]), bytearray(d[pos + 1:])
path, dpi, page_h, x0, y0, x1, y1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), *map(float, sys.argv[4:8])
w, h, px = pgm(path)
s = dpi / 72
cols = range(max(0, int(x0 * s)), min(w, int(x1 * s)))
rows = range(max(0, int((page_h - y1) * s)), min(h, int((page_h - y0) * s)))
xs = [x for y in rows for x in cols if px[y * w + x] < 128]
ys = [y for y in rows for x in cols if px[y * w + x] < 128]
if not xs: sys.exit('no dark pixels')
print('%.2f %.2f' % ((max(xs) - min(xs) + 1) / dpi * 25.4, (max(ys) - min(ys) + 1) / dpi * 25.4))
PY

# Paint a white square over FRACTION of the QR symbol's area, centred on
# the symbol (found as the bounding box of dark pixels): PGM in, PGM out.
cat > blotch.py <<'PY'
import sys
src, dst, frac = sys.argv[1], sys.argv[2], float(sys.argv[3])
d = open(src, 'rb').read()
head = d.split(b'\n', 3)
assert head[0] == b'P5' and head[2] == b'255', head[:3]
w, h = map(int, head[1].split())
px = bytearray(head[3])
dark = [(i % w, i // w) for i in range(w * h) if px[i] < 128]
x0, x1 = min(p[0] for p in dark), max(p[0] for p in dark)
y0, y1 = min(p[1] for p in dark), max(p[1] for p in dark)
side = int(round(((x1 - x0 + 1) * (y1 - y0 + 1) * frac) ** 0.5))
cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
before = sum(1 for v in px if v < 128)
for y in range(cy - side // 2, cy - side // 2 + side):
    for x in range(cx - side // 2, cx - side // 2 + side):
        px[y * w + x] = 255
after = sum(1 for v in px if v < 128)
open(dst, 'wb').write(b'P5\n%d %d\n255\n' % (w, h) + bytes(px))
print(before - after)
PY

# TrueType tables read directly (no font library): the table directory,
# the (3,1) format 4 cmap, loca/glyf, hmtx and the legacy kern table.
cat > ttf.py <<'PY'
import struct, sys
def tables(f):
    n = struct.unpack('>H', f[4:6])[0]
    t = {}
    for i in range(n):
        tag, _, off, ln = struct.unpack('>4sIII', f[12 + 16 * i:28 + 16 * i])
        t[tag.decode()] = f[off:off + ln]
    return t
def glyph(t, gid):
    if struct.unpack('>h', t['head'][50:52])[0] == 0:
        a, b = (2 * v for v in struct.unpack('>HH', t['loca'][2 * gid:2 * gid + 4]))
    else:
        a, b = struct.unpack('>II', t['loca'][4 * gid:4 * gid + 8])
    return t['glyf'][a:b]
def cmap4(t, cp):
    c = t['cmap']
    for i in range(struct.unpack('>H', c[2:4])[0]):
        pid, eid, off = struct.unpack('>HHI', c[4 + 8 * i:12 + 8 * i])
        if (pid, eid) != (3, 1) or struct.unpack('>H', c[off:off + 2])[0] != 4:
            continue
        s = c[off:]
        segx2 = struct.unpack('>H', s[6:8])[0]
        k = segx2 // 2
        ends = struct.unpack('>%dH' % k, s[14:14 + segx2])
        starts = struct.unpack('>%dH' % k, s[16 + segx2:16 + 2 * segx2])
        deltas = struct.unpack('>%dh' % k, s[16 + 2 * segx2:16 + 3 * segx2])
        ro_at = 16 + 3 * segx2
        ros = struct.unpack('>%dH' % k, s[ro_at:ro_at + segx2])
        for j in range(k):
            if starts[j] <= cp <= ends[j]:
                if ros[j] == 0:
                    return (cp + deltas[j]) & 0xFFFF
                at = ro_at + 2 * j + ros[j] + 2 * (cp - starts[j])
                g = struct.unpack('>H', s[at:at + 2])[0]
                return (g + deltas[j]) & 0xFFFF if g else 0
        return 0
    sys.exit('no (3,1) format 4 cmap')
def advance(t, gid):
    n = struct.unpack('>H', t['hhea'][34:36])[0]
    return struct.unpack('>H', t['hmtx'][4 * min(gid, n - 1):4 * min(gid, n - 1) + 2])[0]
def kern_pairs(t):
    k, pairs, off = t['kern'], {}, 4
    for _ in range(struct.unpack('>H', k[2:4])[0]):
        _, ln, cov = struct.unpack('>HHH', k[off:off + 6])
        if cov >> 8 == 0:
            for p in range(struct.unpack('>H', k[off + 6:off + 8])[0]):
                l, r, v = struct.unpack('>HHh', k[off + 14 + 6 * p:off + 20 + 6 * p])
                pairs[(l, r)] = v
        off += ln
    return pairs
PY

# The embedded font program against the full font: prints Length1 and the
# decoded size, and checks that the glyph of each character given sits at
# the same glyph id in both, with the same outline header, and that the
# stamp's content stream shows that id (so CID = GID really holds).
cat > fontcheck.py <<'PY'
import json, subprocess, sys
from ttf import tables, glyph, cmap4
pdf, full_path, chars = sys.argv[1], sys.argv[2], sys.argv[3]
def run(*args):
    return subprocess.run(['qpdf'] + list(args) + [pdf], check=True, capture_output=True).stdout
q = json.loads(run('--json=2', '--json-key=qpdf', '--decode-level=none'))['qpdf'][1]
files = [v['value']['/FontFile2'] for v in q.values() if 'value' in v and '/FontFile2' in v['value']]
if len(files) != 1:
    sys.exit('expected one /FontFile2, found %d' % len(files))
num = files[0].split()[0]
sub = run('--show-object=' + num, '--filtered-stream-data')
length1 = q['obj:' + files[0]]['stream']['dict']['/Length1']
print(length1, len(sub))
if sub[:4] != b'\x00\x01\x00\x00':
    sys.exit('not a TrueType font program')
full, part = tables(open(full_path, 'rb').read()), tables(sub)
shown = b''.join(run('--show-object=' + k.split(':')[1].split()[0], '--filtered-stream-data')
                 for k, v in q.items() if 'stream' in v and v['stream']['dict'].get('/Subtype') == '/Form')
for ch in sorted(set(chars) - set(' ')):
    gid = cmap4(full, ord(ch))
    g_full, g_part = glyph(full, gid), glyph(part, gid)
    if gid == 0 or not g_part:
        sys.exit('%s: glyph %d missing from the subset' % (ch, gid))
    if g_full[:10] != g_part[:10]:
        sys.exit('%s: glyph %d has another outline in the subset' % (ch, gid))
    if ('%04X' % gid).encode() not in shown:
        sys.exit('%s: glyph id %04X not shown in the stamp' % (ch, gid))
PY

# Kerning: the width of each word pdftotext reports (poppler adds up /W
# widths and TJ adjustments), relative to the word REF on the same line,
# against the same ratio from the font's hmtx and kern tables.  With
# "plain" the kern table is ignored (the negative control).
cat > kerncheck.py <<'PY'
import re, sys
from ttf import tables, cmap4, advance, kern_pairs
html, font, ref, mode, words = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
t = tables(open(font, 'rb').read())
pairs = kern_pairs(t) if mode == 'kern' else {}
def expect(w):
    g = [cmap4(t, ord(c)) for c in w]
    return sum(advance(t, x) for x in g) + sum(pairs.get(p, 0) for p in zip(g, g[1:]))
got = {m.group(3): float(m.group(2)) - float(m.group(1)) for m in
       re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', open(html, encoding='utf-8').read())}
bad = []
for w in words:
    want, have = expect(w) / expect(ref), got[w] / got[ref]
    if abs(want - have) > 0.002:
        bad.append('%s: %.4f, expected %.4f' % (w, have, want))
if bad:
    sys.exit('; '.join(bad))
PY

# ------------------------------------------------------------ URLs x rotations
for url in "$URL_SHORT" "$URL_STD" "$URL_LONG"; do
    for rot in 0 90 180 270; do
        what="${#url}-byte URL, /Rotate $rot"
        f=stamp-${#url}-$rot.pdf
        expect 0 "stamp_pdf writes a PDF ($what)" "$STAMP" --url "$url" --out "$f" --rotate "$rot" "${LINES[@]}"
        check "qpdf --check is clean ($what)" qpdf_clean "$f"
        rm -f page-1.png
        pdftoppm -r 150 -png "$f" page
        zbarimg --raw -q page-1.png > qr.txt 2> /dev/null
        printf '%s\n' "$url" > want.txt
        if cmp -s qr.txt want.txt; then ok "zbarimg decodes exactly the URL, one code ($what)"; else not_ok "zbarimg decodes exactly the URL ($what)"; sed 's/^/# got: /' qr.txt; fi
        zbarimg --xml -q page-1.png > qr.xml 2> /dev/null
        has "the QR code is upright on screen ($what)" qr.xml "orientation='UP'"
        pdftotext "$f" text.txt
        missing=
        for l in "$L1" "$L2" "$L3" "$L4" "$L5" "$L6"; do text_has text.txt "$l" || missing="$missing [$l]"; done
        if [ -z "$missing" ]; then ok "pdftotext gives back every caption line ($what)"; else not_ok "pdftotext gives back every caption line ($what): missing$missing"; sed 's/^/# /' text.txt; fi
        pdftotext -bbox "$f" bbox.html
        edge=
        [ "$rot" = 0 ] && edge=$(python3 -c "print($AT_X + $BOX_H_MM * 72 / 25.4)")
        check "the caption reads upright, line 1 above and larger ($what)" python3 bbox.py bbox.html $edge
    done
done

# Mongolian letters Ө and Ү (and ө, ү) come back exactly.
f=stamp-${#URL_STD}-0.pdf
pdftotext "$f" text.txt
for w in 'Өргөдөл' 'Үнэмлэх' 'үсгээр' 'ерөнхий' 'бүртгэлийн'; do
    if grep -Fq -- "$w" text.txt; then ok "pdftotext gives back '$w'"; else not_ok "pdftotext gives back '$w'"; fi
done

# Negative controls: the same pages without the counter-rotation are not
# upright, so the two orientation checks above can fail.
for rot in 90 180 270; do
    "$STAMP" --url "$URL_STD" --out bad-$rot.pdf --rotate $rot --no-counter-rotate "${LINES[@]}"
    rm -f page-1.png
    pdftoppm -r 150 -png bad-$rot.pdf page
    zbarimg --xml -q page-1.png > qr.xml 2> /dev/null
    hasnt "control: without counter-rotation the QR code is not upright (/Rotate $rot)" qr.xml "orientation='UP'"
    pdftotext -bbox bad-$rot.pdf bbox.html
    expect 1 "control: without counter-rotation the caption is not upright (/Rotate $rot)" python3 bbox.py bbox.html
done

# ------------------------------------------------------------ lines kept whole in a wide box
for rot in 0 90; do
    expect 0 "a 160 mm box (/Rotate $rot)" "$STAMP" --url "$URL_STD" --out wide-$rot.pdf --width 160 --rotate $rot "${LINES[@]}"
    pdftotext wide-$rot.pdf text.txt
    missing=
    for l in "$L1" "$L2" "$L3" "$L4" "$L5" "$L6"; do grep -Fxq -- "$l" text.txt || missing="$missing [$l]"; done
    if [ -z "$missing" ]; then ok "in a wide box every caption line is one line of text (/Rotate $rot)"; else not_ok "in a wide box every caption line is one line (/Rotate $rot): missing$missing"; sed 's/^/# /' text.txt; fi
done
# ... and in the default box the bilingual first line breaks after " / ".
pdftotext "stamp-${#URL_STD}-0.pdf" text.txt
has "in the default box line 1 breaks after the slash" text.txt '^Цахим гарын үсгээр баталгаажсан /$'
has "... and goes on with the English part" text.txt '^Digitally signed$'

# ------------------------------------------------------------ the font
f=stamp-${#URL_STD}-0.pdf
pdffonts "$f" > fonts.txt
has "pdffonts: DejaVu Sans as a CID TrueType subset, Identity-H, embedded, subset, ToUnicode" fonts.txt \
    '^[A-Z]{6}\+DejaVuSans +CID TrueType +Identity-H +yes +yes +yes '
[ "$(tail -n +3 fonts.txt | wc -l)" = 1 ] && ok "pdffonts: exactly one font" || not_ok "pdffonts: exactly one font"
if python3 fontcheck.py "$f" "$FONT" "$L1$L2$L3$L4$L5$L6" > sizes.txt 2> fontcheck.err; then
    ok "the glyphs shown sit at their own ids in the subset (CID = GID), with their own outlines"
else
    not_ok "the glyphs shown sit at their own ids in the subset"; sed 's/^/# /' fontcheck.err
fi
read -r length1 decoded < sizes.txt
full=$(stat -c %s "$FONT")
[ "${length1:-0}" = "${decoded:-x}" ] && ok "/Length1 is the decoded FontFile2 size ($decoded)" || not_ok "/Length1 ($length1) is the decoded FontFile2 size ($decoded)"
[ "${decoded:-999999999}" -lt $((full / 10)) ] && ok "the embedded font is a subset: $decoded bytes, the full font $full" \
    || not_ok "the embedded font is a subset: $decoded bytes, the full font $full"
# Every line shares one subset: the same text in a stamp with fewer lines
# gives a smaller program.
"$STAMP" --url "$URL_STD" --out one.pdf --line "$L4" > /dev/null 2>&1
python3 fontcheck.py one.pdf "$FONT" 'Огноо' > sizes1.txt 2> /dev/null
read -r _ decoded1 < sizes1.txt
[ "${decoded1:-999999999}" -lt "${decoded:-0}" ] && ok "fewer characters, smaller subset ($decoded1 < $decoded)" || not_ok "fewer characters, smaller subset ($decoded1 vs $decoded)"
# A font picked by path works the same way.
expect 0 "--font picks another TrueType font" "$STAMP" --url "$URL_STD" --out serif.pdf \
    --font /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf "${LINES[@]}"
pdffonts serif.pdf > fonts.txt
has "the other font is the one embedded" fonts.txt '^[A-Z]{6}\+DejaVuSerif +CID TrueType +Identity-H +yes +yes +yes '

# Kerning from HarfBuzz's positions reaches the page.  DejaVu Sans kerns
# A-V, V-A, T-o and W-o; Cyrillic Т-у is not kerned.
expect 0 "a caption with kerned pairs" "$STAMP" --url "$URL_STD" --out kern.pdf --width 160 --line 'AAAVVV AVAVAV To Wo Ту'
pdftotext -bbox kern.pdf kern.html
check "word widths follow the font's kerning (hmtx + kern table)" python3 kerncheck.py kern.html "$FONT" AAAVVV kern AVAVAV To Wo Ту
expect 1 "control: the widths differ from unkerned widths" python3 kerncheck.py kern.html "$FONT" AAAVVV plain AVAVAV To Wo

# Ligatures: DejaVu Sans draws "ffi", "fi" and "ffl" as one glyph each;
# the text still comes back letter for letter, and no lone "f" is drawn.
cat > shown.py <<'PY'
import json, subprocess, sys
from ttf import tables, cmap4
pdf, font, ch = sys.argv[1:4]
def run(*args):
    return subprocess.run(['qpdf'] + list(args) + [pdf], check=True, capture_output=True).stdout
q = json.loads(run('--json=2', '--json-key=qpdf', '--decode-level=none'))['qpdf'][1]
shown = b''.join(run('--show-object=' + k.split(':')[1].split()[0], '--filtered-stream-data')
                 for k, v in q.items() if 'stream' in v and v['stream']['dict'].get('/Subtype') == '/Form')
gid = cmap4(tables(open(font, 'rb').read()), ord(ch))
sys.exit(0 if ('%04X' % gid).encode() in shown else 1)
PY
expect 0 "a caption with ligatures" "$STAMP" --url "$URL_STD" --out lig.pdf --width 160 --line 'office file affluent'
pdftotext lig.pdf text.txt
has "pdftotext gives back ligatures letter for letter" text.txt '^office file affluent$'
expect 1 "the ligatures are drawn as ligatures (no lone f glyph)" python3 shown.py lig.pdf "$FONT" f
expect 0 "control: the o glyph is found the same way" python3 shown.py lig.pdf "$FONT" o

# ------------------------------------------------------------ QR size on paper
pdftoppm -r 150 -gray "stamp-${#URL_STD}-0.pdf" gray
box_h=$(python3 -c "print($BOX_H_MM * 72 / 25.4)")
python3 darkbox.py gray-1.pgm 150 842 $AT_X $AT_Y "$(python3 -c "print($AT_X + $box_h)")" "$(python3 -c "print($AT_Y + $box_h)")" > qrsize.txt
read -r qr_w qr_h < qrsize.txt
python3 -c "import sys; sys.exit(not (20 <= $qr_w <= 26.5 and abs($qr_w - $qr_h) < 0.5))" \
    && ok "in the default box the printed QR symbol is square and at least 20 mm ($qr_w x $qr_h mm)" \
    || not_ok "in the default box the printed QR symbol is square and at least 20 mm ($qr_w x $qr_h mm)"

# ------------------------------------------------------------ error correction
expect 0 "a QR code alone, level M" "$STAMP" --url "$URL_STD" --out qr.pdf --qr-only 200 --at 100,400 --ecc M
pdftoppm -r 150 -gray qr.pdf qr
zbarimg --raw -q qr-1.pgm > qr.txt 2> /dev/null
printf '%s\n' "$URL_STD" > want.txt
cmp -s qr.txt want.txt && ok "the QR code alone decodes" || not_ok "the QR code alone decodes"
removed=$(python3 blotch.py qr-1.pgm blotch5.pgm 0.05)
[ "${removed:-0}" -gt 1000 ] && ok "a 5 % blotch removes dark pixels ($removed)" || not_ok "a 5 % blotch removes dark pixels (${removed:-none})"
zbarimg --raw -q blotch5.pgm > qr.txt 2> /dev/null
cmp -s qr.txt want.txt && ok "level M decodes under a white blotch over 5 % of the symbol" || not_ok "level M decodes under a white blotch over 5 % of the symbol"
python3 blotch.py qr-1.pgm blotch35.pgm 0.35 > /dev/null
zbarimg --raw -q blotch35.pgm > qr.txt 2> /dev/null
cmp -s qr.txt want.txt && not_ok "control: a blotch over 35 % defeats level M" || ok "control: a blotch over 35 % defeats level M"

# ------------------------------------------------------------ refusals
refuse() {
    local desc=$1 msg=$2; shift 2
    rm -f refused.pdf
    expect 1 "$desc" "$STAMP" --out refused.pdf "$@"
    has "$desc: says why" err.txt "$msg"
    [ ! -e refused.pdf ] && ok "$desc: writes nothing" || not_ok "$desc: writes nothing"
}
refuse "a box too low for a scannable QR code" 'too small for a scannable QR' --url "$URL_STD" --height 10
refuse "a box too narrow for the caption" 'no room for the caption' --url "$URL_STD" --width 32
long_word=$(printf 'Б%.0s' $(seq 1 120))
refuse "a word that cannot fit even at 5 pt" 'caption line 2 has a word wider' --url "$URL_STD" --line "$L3" --line "$long_word"
many=(); for i in $(seq 1 16); do many+=(--line "Мөр $i"); done
refuse "more lines than the box holds at 5 pt" 'more than the box.s .* pt of height' --url "$URL_STD" --height 20 "${many[@]}"
many+=(--line 'Мөр 17')
refuse "more than 16 lines" 'at most 16' --url "$URL_STD" "${many[@]}"
refuse "a character the font lacks" 'no glyph for U\+6F22' --url "$URL_STD" --line 'Баримт 漢字'
refuse "a line that is not UTF-8" 'not UTF-8' --url "$URL_STD" --line "$(printf 'Bad \xd0 byte')"
refuse "a control character in a line" 'control character U\+0009' --url "$URL_STD" --line "$(printf 'Tab\there')"
refuse "a missing font file" 'font' --url "$URL_STD" --font ./no-such-font.ttf
printf 'not a font at all\n' > fake.ttf
refuse "a file that is not a font" 'not a TrueType or OpenType font' --url "$URL_STD" --font fake.ttf
refuse "a rotation that is not a multiple of 90" 'rotation 45' --url "$URL_STD" --rotate 45
refuse "a QR text over 1000 bytes" 'longer than 1000 bytes' --url "https://verify.example.mn/v/$(printf 'A%.0s' $(seq 1 1000))"
