#!/usr/bin/python3
"""mkpdf.py PAGES OUT.pdf [--rotate N] [--cropbox X0,Y0,X1,Y1] [--version 1.4]
A plain PDF with PAGES A4 pages of text (Helvetica), classic xref, for the
signing benchmark and tests.  Deterministic: same input, same bytes."""
import argparse

ap = argparse.ArgumentParser()
ap.add_argument("pages", type=int)
ap.add_argument("out")
ap.add_argument("--rotate", type=int, default=0)
ap.add_argument("--cropbox")
ap.add_argument("--version", default="1.7")
args = ap.parse_args()
pages = args.pages
out = args.out
extra = b""
if args.rotate:
    extra += b" /Rotate %d" % args.rotate
if args.cropbox:
    extra += b" /CropBox [%s]" % args.cropbox.replace(",", " ").encode()
objs = []  # index i -> bytes of object i+1


def add(body):
    objs.append(body)
    return len(objs)


font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
pages_num = 1 + 2 * pages + 1  # font, then content + page per page, then Pages
kids = []
for p in range(pages):
    lines = [b"BT /F1 11 Tf 56 780 Td 14 TL"]
    for i in range(48):
        lines.append(b"(Page %d line %d: tamga benchmark text, the quick brown fox jumps over the lazy dog.) '"
                     % (p + 1, i + 1))
    lines.append(b"ET")
    data = b"\n".join(lines)
    content = add(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
    kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >>"
                    b" /Contents %d 0 R%s >>" % (pages_num, font, content, extra)))
pages_obj = add(b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(b"%d 0 R" % k for k in kids)))
assert pages_obj == pages_num
catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj)
fixed = objs
buf = bytearray(b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % args.version.encode())
offsets = []
for i, body in enumerate(fixed):
    offsets.append(len(buf))
    buf += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
xref = len(buf)
buf += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(fixed) + 1)
for off in offsets:
    buf += b"%010d 00000 n\r\n" % off
buf += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(fixed) + 1, catalog, xref)
open(out, "wb").write(buf)
