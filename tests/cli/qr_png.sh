# QR codes as PNG images (formats/qr/png.c), written by tests/tools/qr_png
# and read only by independent programs: zbarimg decodes the symbol,
# python3 (zlib + struct, no imaging library) checks the PNG structure,
# the pHYs resolution, the pixel size and the white quiet zone.  Expected
# values are this script's own inputs.
. "$TAMGA_ROOT/tests/lib.sh"
QR=$TAMGA_BUILD/tests/tools/qr_png

for t in zbarimg python3; do
    if command -v "$t" > /dev/null; then ok "$t is installed"; else not_ok "$t is installed (Debian: zbar-tools python3)"; fi
done
if [ -x "$QR" ]; then ok "qr_png is built"; else not_ok "qr_png is built ($QR)"; exit 0; fi

URL='https://verify.example.mn/v/7K3M9QX2HB4TZW8RS'
LONG='https://verify.burtgel.gov.mn/v/7K3M9QX2HB4TZW8RS?lang=mn&src=qr&issued=2026-11-23T10%3A00Z'

# png_check FILE MODULE_PX DPI WIDTH: prints "ok - ..." / "not ok - ..." lines.
png_check() {
    python3 - "$@" <<'EOF'
import struct, sys, zlib
path, mpx, dpi, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
d = open(path, "rb").read()
def say(good, what): print(("ok - " if good else "not ok - ") + "%s: %s" % (path, what))
say(d[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature")
p, chunks = 8, []
while p < len(d):
    n, t = struct.unpack(">I4s", d[p:p + 8])
    body = d[p + 8:p + 8 + n]
    crc_ok = struct.unpack(">I", d[p + 8 + n:p + 12 + n])[0] == zlib.crc32(t + body)
    chunks.append((t, body, crc_ok))
    p += 12 + n
say(all(c[2] for c in chunks), "every chunk CRC is right")
say(chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND", "IHDR first, IEND last")
w, h, depth, color, comp, filt, inter = struct.unpack(">IIBBBBB", chunks[0][1])
side = (width + 8) * mpx
say((w, h) == (side, side), "%dx%d pixels, (%d + 8) * %d expected" % (w, h, width, mpx))
say((depth, color, inter) == (1, 0, 0), "1-bit greyscale, not interlaced")
phys = [c[1] for c in chunks if c[0] == b"pHYs"]
if phys:
    px, py, unit = struct.unpack(">IIB", phys[0])
    got = px * 0.0254
    say(unit == 1 and px == py and abs(got - dpi) < 0.02, "pHYs says %.3f dpi, %d expected" % (got, dpi))
    mm = side / dpi * 25.4
    # pHYs holds whole pixels per metre: off by at most 0.5 / px.
    say(abs(w / (px / 1000.0) - mm) / mm < 0.5 / px + 1e-9, "printed side %.2f mm" % mm)
else:
    say(False, "pHYs chunk present")
raw = zlib.decompress(b"".join(c[1] for c in chunks if c[0] == b"IDAT"))
stride = (w + 7) // 8
rows, prev = [], bytearray(stride)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):   # PNG filters (ISO/IEC 15948 section 9), bpp 1 byte
        a = line[i - 1] if i else 0
        b, c = prev[i], (prev[i - 1] if i else 0)
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
def white(x, y): return rows[y][x >> 3] >> (7 - (x & 7)) & 1
q = 4 * mpx
border = [(x, y) for y in range(h) for x in range(w) if x < q or y < q or x >= w - q or y >= h - q]
say(all(white(x, y) for x, y in border), "quiet zone of 4 modules is white")
# The top left finder pattern: a dark 7x7 ring, the module inside it light.
say(not white(q, q) and not white(q + 7 * mpx - 1, q) and white(q + mpx, q + mpx), "finder pattern where expected")
EOF
}

i=0
for spec in "$URL 8 300" "$URL 4 150" "$LONG 6 600" "a 10 72"; do
    set -- $spec
    i=$((i + 1))
    expect 0 "qr_png $2 px/module at $3 dpi" "$QR" "$1" "$2" "$3" "q$i.png"
    width=$(sed -n 's/^width //p' out.txt)
    png_check "q$i.png" "$2" "$3" "${width:-0}"
    zbarimg --quiet --raw "q$i.png" > zbar.txt 2> zbar.err
    if [ "$(cat zbar.txt)" = "$1" ]; then ok "zbarimg decodes q$i.png to the text"; else
        not_ok "zbarimg decodes q$i.png to the text"; sed 's/^/# /' zbar.txt zbar.err | head -5; fi
done

expect 1 "0 pixels per module is refused" "$QR" "$URL" 0 300 bad.png
has "0 px: the message says why" err.txt 'pixels per module'
expect 1 "3000 dpi is refused" "$QR" "$URL" 8 3000 bad.png
