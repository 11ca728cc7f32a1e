# tamga's strict PDF reader (formats/pdf) against independent readers.
#
# A corpus is made here: LibreOffice exports (Cyrillic text, two pages),
# each rewritten by qpdf with object streams, without them (classic
# tables), linearized (with and without object streams) and in QDF form;
# files with appended incremental updates (a classic table and an xref
# stream, written below with the byte offsets computed here); a hybrid-
# reference file written here; a page tree edited for inheritance; one
# file per filter and predictor; a copy rewritten by cairo.  For
# every file, tests/tools/pdfdump's objects must equal
# `qpdf --json=2 --json-key=qpdf`, its decoded streams qpdf's
# `--json-stream-data=inline`, its pages qpdf's page list and pdfinfo's
# boxes and rotation.  Then files tamga must refuse.
. "$TAMGA_ROOT/tests/lib.sh"

DUMP=$TAMGA_BUILD/tests/tools/pdfdump
missing=""
for t in qpdf fix-qdf pdfinfo pdftotext pdftocairo soffice python3; do
    command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ] || [ ! -x "$DUMP" ]; then
    not_ok "tools for the PDF reader test:${missing:- } ${DUMP##*/}"
    exit 0
fi

# ------------------------------------------------------------ helper scripts
cat > cmp.py <<'EOF'
# cmp.py objects|data|pages OURS THEIRS [PDFINFO]: compare pdfdump with qpdf / pdfinfo.
import json, math, re, sys

def fix_numbers(raw):
    # qpdf writes reals as the file spells them: "5." and "-.5" are not JSON.
    out, i, n, in_str = [], 0, len(raw), False
    while i < n:
        c = raw[i]
        if in_str:
            out.append(c)
            if c == '\\':
                out.append(raw[i + 1]); i += 2; continue
            if c == '"':
                in_str = False
            i += 1; continue
        if c == '"':
            in_str = True; out.append(c); i += 1; continue
        if c in '-+.0123456789':
            j = i
            while j < n and raw[j] in '+-.0123456789':
                j += 1
            tok = raw[i:j].lstrip('+')
            neg = tok.startswith('-')
            body = tok[1:] if neg else tok
            if body.startswith('.'): body = '0' + body
            if body.endswith('.'): body += '0'
            body = body.lstrip('0') or '0'
            if body.startswith('.'): body = '0' + body
            out.append(('-' if neg else '') + body); i = j; continue
        out.append(c); i += 1
    return ''.join(out)

def load(path, fix=False):
    # Names may hold bytes that are not UTF-8; both sides write them raw.
    raw = open(path, 'rb').read().decode('utf-8', 'surrogateescape')
    return json.loads(fix_numbers(raw) if fix else raw)

def drop_nulls(v):
    # qpdf leaves out dictionary entries whose value is null (ISO 32000-1
    # 7.3.7: such an entry is the same as no entry); tamga keeps them.
    if isinstance(v, dict):
        return {k: drop_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [drop_nulls(x) for x in v]
    return v

def same(a, b, path, diffs):
    if isinstance(a, bool) or isinstance(b, bool):
        if a is not b: diffs.append((path, a, b))
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a != b: diffs.append((path, a, b))
    elif isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            diffs.append((path, sorted(set(a) - set(b)), sorted(set(b) - set(a))))
        for k in set(a) & set(b):
            same(a[k], b[k], path + ' ' + k, diffs)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b): diffs.append((path, 'length %d' % len(a), 'length %d' % len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, '%s[%d]' % (path, i), diffs)
    elif type(a) != type(b) or a != b:
        diffs.append((path, a, b))

def objects(ours, theirs):
    q = theirs['qpdf'][1]
    o = {k: drop_nulls(v) for k, v in ours['objects'].items()}
    no = len([k for k in o if k != 'trailer'])
    nq = len([k for k in q if k != 'trailer'])
    if no == 0 or no != nq or set(o) != set(q):
        print('objects: tamga %d, qpdf %d; only one side: %s' % (no, nq, sorted(set(o) ^ set(q))[:10]))
        return 1
    diffs = []
    for k in q:
        same(o[k], q[k], k, diffs)
    for d in diffs[:10]:
        print('differs:', d)
    return 1 if diffs else 0

def data(ours, theirs):
    q, o, compared, diffs = theirs['qpdf'][1], ours['objects'], 0, []
    for k, v in q.items():
        if 'stream' not in v:
            continue
        qs, ts = v['stream'], o[k]['stream']
        if '/Filter' in qs['dict']:
            continue  # qpdf kept it encoded: a filter beyond its decode level
        if 'data' not in ts:
            diffs.append((k, ts.get('decode_error'), 'qpdf decoded it'))
            continue
        compared += 1
        if ts['data'] != qs['data']:
            diffs.append((k, 'decoded bytes differ', ''))
    for d in diffs[:10]:
        print('differs:', d)
    if compared == 0:
        print('no stream compared')
    return 1 if diffs or compared == 0 else 0

def pages(ours, theirs, info_path):
    qp = [p['object'] for p in theirs['pages']]
    tp = ours['pages']
    if len(qp) == 0 or [p['object'] for p in tp] != qp or ours['npages'] != len(qp):
        print('pages: tamga %s, qpdf %s' % ([p['object'] for p in tp], qp)); return 1
    info = open(info_path).read()
    bad = 0
    for i, p in enumerate(tp, 1):
        rot = re.search(r'^Page +%d rot: +(-?\d+)' % i, info, re.M)
        if rot is None or int(rot.group(1)) != p['rotate']:
            print('page %d rotate: tamga %d, pdfinfo %s' % (i, p['rotate'], rot and rot.group(1))); bad = 1
        for box in ('MediaBox', 'CropBox'):
            m = re.search(r'^Page +%d %s: +([-\d.]+) +([-\d.]+) +([-\d.]+) +([-\d.]+)' % (i, box), info, re.M)
            want = [float(x) for x in m.groups()] if m else None
            got = p[box.lower()]
            if want is None or any(abs(a - b) > 0.006 for a, b in zip(got, want)):
                print('page %d %s: tamga %s, pdfinfo %s' % (i, box, got, want)); bad = 1
    return bad

mode = sys.argv[1]
ours, theirs = load(sys.argv[2]), load(sys.argv[3], fix=True)
sys.exit(objects(ours, theirs) if mode == 'objects' else data(ours, theirs) if mode == 'data'
         else pages(ours, theirs, sys.argv[4]))
EOF

cat > gen.py <<'EOF'
# gen.py hybrid OUT | update IN OUT | badoffset IN OUT | badlength IN OUT
# Files written byte by byte here, offsets computed here.
import json, re, subprocess, sys, zlib

TITLE = 'Өргөдөл Үнэмлэх'

def utf16(s):
    return b'<' + (b'\xfe\xff' + s.encode('utf-16-be')).hex().encode() + b'>'

def png_up(rows, width):
    # PNG "Up" prediction (RFC 2083 6.3, type 2) of equal-length rows.
    out, prev = b'', bytes(width)
    for r in rows:
        out += b'\x02' + bytes((r[i] - prev[i]) & 255 for i in range(width))
        prev = r
    return out

class Writer:
    def __init__(self, data=b''):
        self.out = bytearray(data)
        self.off = {}
    def obj(self, n, body):
        self.off[n] = len(self.out)
        self.out += b'%d 0 obj\n' % n + body + b'\nendobj\n'
    def stream(self, n, d, data):
        self.obj(n, b'<< ' + d + b' /Length %d >>\nstream\n' % len(data) + data + b'\nendstream')

def hybrid(path):
    # The layout of ISO 32000-1 7.5.8.4: a main section where the objects
    # hidden from PDF 1.4 readers are free (generation 65535), then an
    # update section whose table names the new plain objects and whose
    # /XRefStm stream (Flate, PNG Up predictor) names the compressed ones.
    w = Writer(b'%PDF-1.5\n%\xe2\xe3\xcf\xd3\n')
    w.obj(1, b'<< /Type /Catalog /Pages 2 0 R >>')
    w.obj(2, b'<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>')
    w.stream(4, b'/Filter /FlateDecode', zlib.compress(b'BT /F1 24 Tf 72 720 Td (Hybrid) Tj ET'))
    x1 = len(w.out)
    w.out += b'xref\n0 9\n'
    for n in range(9):
        w.out += (b'%010d 00000 n \n' % w.off[n]) if n in w.off else b'0000000000 65535 f \n'
    w.out += b'trailer\n<< /Size 9 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % x1
    inside = [(3, b'<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> /Rotate -90 >>'),
              (6, b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
              (8, b'<< /Title ' + utf16(TITLE) + b' /Producer (tamga hybrid test) >>')]
    head, body = b'', b''
    for n, o in inside:
        head += b'%d %d ' % (n, len(body)); body += o + b'\n'
    w.stream(5, b'/Type /ObjStm /N 3 /First %d /Filter /FlateDecode' % len(head), zlib.compress(head + body))
    rows = [bytes([2]) + (5).to_bytes(2, 'big') + bytes([i]) for i in range(3)]
    w.stream(7, b'/Type /XRef /Size 9 /W [1 2 1] /Index [3 1 6 1 8 1] /Filter /FlateDecode '
                b'/DecodeParms << /Columns 4 /Predictor 12 >>', zlib.compress(png_up(rows, 4)))
    x2 = len(w.out)
    w.out += b'xref\n5 1\n%010d 00000 n \n7 1\n%010d 00000 n \n' % (w.off[5], w.off[7])
    w.out += b'trailer\n<< /Size 9 /Root 1 0 R /Info 8 0 R /Prev %d /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n' % (x1, w.off[7], x2)
    open(path, 'wb').write(w.out)

def filters(path):
    # One stream per filter and predictor tamga decodes: ASCIIHex, ASCII85,
    # TIFF predictor 2 (8 and 4 bits), PNG predictors of every row type at
    # 16 bits, and a chain; qpdf decodes the same streams independently.
    import base64
    w = Writer(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
    w.obj(1, b'<< /Type /Catalog /Pages 2 0 R >>')
    w.obj(2, b'<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 200 200] /Rotate 180 >>')
    w.obj(3, b'<< /Type /Page /Parent 2 0 R /Contents [4 0 R 5 0 R] /CropBox [-10 20 150 210] >>')
    w.stream(4, b'/Filter /ASCIIHexDecode', b'42 54 20 45 54 0A>')
    w.stream(5, b'/Filter /ASCII85Decode', base64.a85encode(b'q 1 0 0 1 0 0 cm Q') + b'~>')
    raw = bytes(range(60))
    tiff = bytes(raw[i] if i % 12 < 3 else (raw[i] - raw[i - 3]) & 255 for i in range(60))
    w.stream(6, b'/Filter /FlateDecode /DecodeParms << /Predictor 2 /Colors 3 /Columns 4 >>', zlib.compress(tiff))
    rows = b''.join(bytes([r % 5]) + bytes((r * 7 + i) & 255 for i in range(12)) for r in range(5))
    w.stream(7, b'/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 16 /Columns 2 >>',
             zlib.compress(rows))
    w.stream(8, b'/Filter [/ASCIIHexDecode /FlateDecode]', zlib.compress(b'chained filters').hex().encode() + b'>')
    w.stream(9, b'/Filter /FlateDecode /DecodeParms << /Predictor 2 /BitsPerComponent 4 /Columns 5 >>',
             zlib.compress(bytes([0x12, 0x34, 0x50] * 2)))
    w.obj(10, b'<< /Str (esc \\(\\)\\\\ \\101 \\\n cont\r\n) /Hex <FEFF04E8> /Name /A#20B /Real -.5 '
              b'/Arr [1 0 R 2 3] /Null null /Doc (\x80\x9f\xa0 bullet, dagger, euro) >>')
    x = len(w.out)
    w.out += b'xref\n0 11\n0000000000 65535 f \n' + b''.join(b'%010d 00000 n \n' % w.off[i] for i in range(1, 11))
    w.out += b'trailer\n<< /Size 11 /Root 1 0 R /Info 10 0 R >>\nstartxref\n%d\n%%%%EOF\n' % x
    open(path, 'wb').write(w.out)

def to_pdf(v):
    # qpdf JSON v2 value -> PDF syntax (names, refs, u:/b: strings are unambiguous).
    if v is None: return b'null'
    if v is True: return b'true'
    if v is False: return b'false'
    if isinstance(v, (int, float)): return repr(v).encode()
    if isinstance(v, list): return b'[' + b' '.join(to_pdf(x) for x in v) + b']'
    if isinstance(v, dict): return b'<<' + b' '.join(k.encode() + b' ' + to_pdf(x) for k, x in v.items()) + b'>>'
    if v.startswith('/'): return v.encode()
    if v.startswith('u:'): return utf16(v[2:])
    if v.startswith('b:'): return b'<' + v[2:].encode() + b'>'
    return v.encode()  # "N G R"

def update(src, dst):
    # Two incremental updates: a classic table (new Info, changed catalog),
    # then a cross-reference stream (changed Info, one more object).
    data = open(src, 'rb').read()
    q = json.loads(subprocess.run(['qpdf', '--json=2', '--json-key=qpdf', src], capture_output=True, check=True).stdout)
    objs, trailer = q['qpdf'][1], q['qpdf'][1]['trailer']['value']
    size, root = trailer['/Size'], trailer['/Root']
    prev = int(re.findall(rb'startxref\s+(\d+)', data)[-1])
    ends = [len(data)]
    w = Writer(data)
    rn = int(root.split()[0])
    cat = dict(objs['obj:' + root]['value'])
    cat['/Lang'] = 'u:mn-MN'
    w.obj(rn, to_pdf(cat))
    w.obj(size, b'<< /Title ' + utf16(TITLE) + b' /Producer (rev2) >>')
    x2 = len(w.out)
    w.out += b'xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n' % (rn, w.off[rn], size, w.off[size])
    w.out += b'trailer\n<< /Size %d /Root %s /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n' % (size + 1, root.encode(), size, prev, x2)
    ends.append(len(w.out))
    w.obj(size, b'<< /Title (rev3 \\(changed\\)) /Producer (rev3) /Extra %d 0 R >>' % (size + 1))
    w.obj(size + 1, b'[1 2.5 -.5 (three) /Four <beef>]')
    xs = size + 2
    w.off[xs] = len(w.out)
    rows = b''.join(bytes([1]) + w.off[n].to_bytes(4, 'big') + bytes(2) for n in (size, size + 1, xs))
    w.stream(xs, b'/Type /XRef /Size %d /W [1 4 2] /Index [%d 3] /Root %s /Info %d 0 R /Prev %d'
             % (xs + 1, size, root.encode(), size, x2), rows)
    w.out += b'startxref\n%d\n%%%%EOF\n' % w.off[xs]
    ends.append(len(w.out))
    open(dst, 'wb').write(w.out)
    print(' '.join(map(str, ends)))

def badoffset(src, dst):
    # Object 2's table entry one byte off: prints the wrong offset.
    data = bytearray(open(src, 'rb').read())
    x = int(re.findall(rb'startxref\s+(\d+)', data)[-1])
    m = re.compile(rb'xref\s+0 \d+\s+').match(data, x)
    e = m.end() + 2 * 20
    off = int(data[e:e + 10]) + 1
    data[e:e + 10] = b'%010d' % off
    open(dst, 'wb').write(data)
    print(off)

def badlength(src, dst):
    # The first direct /Length of two or more digits, one more (same width).
    data = bytearray(open(src, 'rb').read())
    m = re.search(rb'/Length (\d*[0-8])\b', data)
    data[m.start(1):m.end(1)] = b'%d' % (int(m.group(1)) + 1)
    open(dst, 'wb').write(data)

{'hybrid': lambda: hybrid(sys.argv[2]), 'filters': lambda: filters(sys.argv[2]), 'update': lambda: update(sys.argv[2], sys.argv[3]),
 'badoffset': lambda: badoffset(sys.argv[2], sys.argv[3]),
 'badlength': lambda: badlength(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
EOF

cat > inherit.py <<'EOF'
# inherit.py IN OUT: in a QDF file, move MediaBox off the pages onto the
# root /Pages node and give that node a /Rotate and a /CropBox (inherited
# by every page); page 1 gets its own /Rotate -90.  fix-qdf then rewrites
# the offsets.
import re, sys
data = open(sys.argv[1], 'rb').read()
parts = re.split(rb'(?m)^(?=\d+ 0 obj\n)', data)
out, first_page = [], True
for p in parts:
    if re.search(rb'/Type /Pages\n', p):
        p = p.replace(b'/Type /Pages\n', b'/Type /Pages\n  /Rotate 90\n  /CropBox [ 500 800 40.5 -30 ]\n', 1)
    elif re.search(rb'/Type /Page\n', p):
        p = re.sub(rb'/MediaBox \[[^\]]*\]\n\s*', b'', p)
        if first_page:
            p = p.replace(b'/Type /Page\n', b'/Type /Page\n  /Rotate -90\n', 1)
            first_page = False
    out.append(p)
open(sys.argv[2], 'wb').write(b''.join(out))
EOF

# ------------------------------------------------------------ corpus
mkdir -p src lo corpus
printf 'Өргөдөл Үнэмлэх\nИргэний үнэмлэх олгох тухай өргөдөл.\nApplication for an identity card.\n' > src/letter.txt
python3 - > src/table.html <<'EOF'
print('<html><head><meta charset="utf-8"></head><body><h1>Өргөдөл Үнэмлэх</h1>')
print('<p>' + 'Монгол Улсын иргэн. ' * 150 + '</p><table border="1"><tr><td>№</td><td>Үнэмлэх</td></tr></table>')
print('<p style="page-break-before: always">Хоёрдугаар хуудас</p></body></html>')
EOF
soffice --headless "-env:UserInstallation=file://$PWD/lo-profile" --convert-to pdf --outdir lo \
    src/letter.txt src/table.html > lo/log.txt 2>&1
for n in letter table; do
    if [ -s "lo/$n.pdf" ]; then ok "LibreOffice exported $n.pdf"; else not_ok "LibreOffice exported $n.pdf"; sed 's/^/# /' lo/log.txt; fi
done
pdftotext lo/letter.pdf letter.txt 2>/dev/null
has "the export holds the Cyrillic text" letter.txt 'Өргөдөл Үнэмлэх'

for n in letter table; do
    [ -s "lo/$n.pdf" ] || continue
    cp "lo/$n.pdf" "corpus/$n.pdf"
    qpdf --object-streams=generate "lo/$n.pdf" "corpus/$n-objstm.pdf"
    qpdf --object-streams=disable "lo/$n.pdf" "corpus/$n-classic.pdf"
    qpdf --linearize "lo/$n.pdf" "corpus/$n-lin.pdf"
    qpdf --linearize --object-streams=generate "lo/$n.pdf" "corpus/$n-linobjstm.pdf"
    qpdf --qdf "lo/$n.pdf" "corpus/$n-qdf.pdf"
done
python3 gen.py hybrid corpus/hybrid.pdf
python3 gen.py filters corpus/filters.pdf
python3 gen.py update corpus/letter.pdf corpus/letter-rev3.pdf > ends-letter.txt
python3 gen.py update corpus/table-objstm.pdf corpus/table-objstm-rev3.pdf > ends-table.txt
python3 inherit.py corpus/table-qdf.pdf inherit-raw.pdf && fix-qdf inherit-raw.pdf > corpus/table-inherit.pdf
qpdf --rotate=+90:1 corpus/letter.pdf corpus/letter-rotated.pdf
pdftocairo -pdf corpus/table.pdf corpus/table-cairo.pdf   # another producer: cairo
count=$(ls corpus/*.pdf | wc -l)
[ "$count" -ge 19 ] && ok "corpus has $count files" || not_ok "corpus has $count files, expected 19"

# Each file must be one qpdf reads without complaint, or the comparison
# would hold tamga to a repaired document.
for f in corpus/*.pdf; do
    check "qpdf --check finds $f clean" qpdf --check "$f"
done

# ------------------------------------------------------------ tamga against qpdf and pdfinfo
for f in corpus/*.pdf; do
    b=$(basename "$f" .pdf)
    expect 0 "pdfdump reads $b" "$DUMP" "$f"
    cp out.txt "$b.ours.json"
    qpdf --json=2 --json-key=qpdf "$f" > "$b.qpdf.json" 2> /dev/null
    check "$b: every object equals qpdf's" python3 cmp.py objects "$b.ours.json" "$b.qpdf.json"
    "$DUMP" --data "$f" > "$b.ours-data.json" 2> /dev/null
    qpdf --json=2 --json-key=qpdf --json-stream-data=inline "$f" > "$b.qpdf-data.json" 2> /dev/null
    check "$b: every stream decodes to qpdf's bytes" python3 cmp.py data "$b.ours-data.json" "$b.qpdf-data.json"
    qpdf --json=2 --json-key=pages "$f" > "$b.qpdf-pages.json" 2> /dev/null
    pdfinfo -box -f 1 -l 9999 "$f" > "$b.pdfinfo.txt" 2> /dev/null
    check "$b: pages, boxes and rotation equal qpdf's and pdfinfo's" \
        python3 cmp.py pages "$b.ours.json" "$b.qpdf-pages.json" "$b.pdfinfo.txt"
    npages=$(qpdf --show-npages "$f")
    has "$b: page count is qpdf's $npages" "$b.ours.json" "^\"npages\": $npages,$"
done

# The edited tree really tests inheritance (pdfinfo agrees with the numbers above).
has "inheritance: page 1 has its own Rotate -90 (270)" table-inherit.pdfinfo.txt '^Page +1 rot: +270'
has "inheritance: page 2 inherits Rotate 90" table-inherit.pdfinfo.txt '^Page +2 rot: +90'
has "inheritance: the inherited CropBox is clipped to the MediaBox" table-inherit.pdfinfo.txt \
    '^Page +2 CropBox: +40\.50 +0\.00 +500\.00 +800\.00'

# ------------------------------------------------------------ revisions
revs() { python3 -c 'import json,sys; print(" ".join(str(r["end"]) for r in json.load(open(sys.argv[1]))["revisions"]))' "$1"; }
for n in letter table; do
    f=$n-rev3; [ $n = table ] && f=table-objstm-rev3
    if [ -s "$f.ours.json" ] && [ "$(revs "$f.ours.json")" = "$(cat "ends-$n.txt")" ]; then
        ok "$f: three revisions ending where the test wrote them ($(cat "ends-$n.txt"))"
    else
        not_ok "$f: revisions end at $(revs "$f.ours.json" 2>/dev/null), written $(cat "ends-$n.txt")"
    fi
done
has "letter-rev3: newest Info (rev3) is read" letter-rev3.ours.json '"/Producer": "u:rev3"'
has "letter-rev3: the catalog of rev2 replaced the original" letter-rev3.ours.json '"/Lang": "u:mn-MN"'
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["revisions"]; sys.exit(not (len(r)==2 and r[1]["hybrid"] and not r[0]["hybrid"] and not r[1]["stream"]))' hybrid.ours.json \
    && ok "hybrid.pdf: a main revision and a hybrid update" || not_ok "hybrid.pdf: a main revision and a hybrid update"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["revisions"]; sys.exit(not (len(r)==1 and r[0]["end"]==int(sys.argv[2])))' \
    letter-lin.ours.json "$(stat -c %s corpus/letter-lin.pdf)" \
    && ok "a linearized file is one revision ending at the end of the file" || not_ok "a linearized file is one revision ending at the end of the file"
has "hybrid.pdf: the Cyrillic title from the object stream" hybrid.ours.json '"/Title": "u:Өргөдөл Үнэмлэх"'

# ------------------------------------------------------------ refused
qpdf --encrypt user owner 256 -- corpus/letter.pdf encrypted.pdf
expect 1 "an encrypted PDF is refused" "$DUMP" encrypted.pdf
has "encryption refusal says what to do" err.txt 'PDF: encrypted documents are not supported; remove the encryption first'

size=$(stat -c %s corpus/letter-classic.pdf)
head -c $((size / 2)) corpus/letter-classic.pdf > truncated.pdf
expect 1 "a truncated PDF is refused" "$DUMP" truncated.pdf
has "truncation: no startxref at the end" err.txt "PDF: no 'startxref' in the last 1024 bytes"
head -c $((size - 30)) corpus/letter-classic.pdf > truncated-tail.pdf
expect 1 "a PDF cut inside its trailer is refused" "$DUMP" truncated-tail.pdf
has "cut trailer: error names an offset" err.txt 'PDF: (offset [0-9]+|no .startxref)'

off=$(python3 gen.py badoffset corpus/letter-classic.pdf badoffset.pdf)
expect 1 "a wrong cross-reference offset is refused (not repaired)" "$DUMP" badoffset.pdf
has "wrong offset: the message names object 2 and offset $off" err.txt "PDF: offset $off: .*object 2 0"

python3 gen.py badlength corpus/letter-classic.pdf badlength.pdf
expect 1 "a stream /Length that misses endstream is refused" "$DUMP" badlength.pdf
has "wrong /Length: the message says so" err.txt "does not end at 'endstream'"

cp corpus/letter.pdf trailing.pdf && printf '\n\nsome bytes after the end\n' >> trailing.pdf
expect 0 "bytes after the last %%EOF do not stop open" "$DUMP" trailing.pdf
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["revisions"]; sys.exit(r[-1]["end"] != int(sys.argv[2]))' \
    out.txt "$(stat -c %s corpus/letter.pdf)" \
    && ok "with trailing bytes, the last revision still ends at the original %%EOF" \
    || not_ok "with trailing bytes, the last revision still ends at the original %%EOF"
