"""tests/tools/pdf_update.py - append an incremental update to a PDF, for
building hostile and benign variants of signed files in the shell tests.

    import sys; sys.path.insert(0, TOOLS_DIR); import pdf_update as pu
    data = open("in.pdf", "rb").read()
    body = pu.obj(data, 3)                      # newest "3 0 obj" body, bytes
    new = pu.size(data)                         # first free object number
    out = pu.update(data, {3: body.replace(...), new: pu.stream(b"<< >>", b"q Q")},
                    root=None, free=[])
    open("out.pdf", "wb").write(out)

The update is a classic cross-reference table (one subsection per object)
with /Prev, /Root, /Size (and /Info, /ID carried over); objects have
generation 0.  Only for files tamga and the tests write: objects are found
by their "N 0 obj" text, not through object streams.
"""
import re
import sys


def startxref(data):
    m = list(re.finditer(rb"startxref\s+(\d+)\s+%%EOF", data))
    return int(m[-1].group(1))


def _trailer_region(data):
    return data[startxref(data):]


def size(data):
    return int(re.search(rb"/Size\s+(\d+)", _trailer_region(data)).group(1))


def root(data):
    m = re.search(rb"/Root\s+(\d+)\s+(\d+)\s+R", _trailer_region(data))
    return int(m.group(1))


def obj(data, num):
    """The body of the newest 'num 0 obj ... endobj' (streams included)."""
    ms = list(re.finditer(rb"(?:^|[\r\n])%d 0 obj\s*" % num, data))
    if not ms:
        raise KeyError(num)
    start = ms[-1].end()
    end = data.index(b"endobj", start)
    return data[start:end].rstrip()


def stream(dict_body, payload):
    """A stream object body: dict_body is '<< ... >>' without /Length."""
    d = dict_body.strip()
    assert d.startswith(b"<<") and d.endswith(b">>")
    d = d[:-2] + b" /Length %d>>" % len(payload)
    return d + b"\nstream\n" + payload + b"\nendstream"


def update(data, objs, root_num=None, free=(), info=None, extra=b""):
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    entries = sorted(list(offsets.items()) + [(n, None) for n in free])
    for num, off in entries:
        out += b"%d 1\n" % num
        if off is None:
            out += b"0000000000 65535 f \n" if num == 0 else b"0000000000 00001 f \n"
        else:
            out += b"%010d 00000 n \n" % off
    new_size = max([size(data)] + [n + 1 for n in objs])
    region = _trailer_region(data)
    t = b"/Size %d /Root %d 0 R /Prev %d" % (new_size, root_num or root(data), startxref(data))
    if info is not None:
        t += b" /Info %d 0 R" % info
    else:
        m = re.search(rb"/Info\s+\d+\s+\d+\s+R", region)
        if m:
            t += b" " + m.group(0)
    m = re.search(rb"/ID\s*\[[^\]]*\]", region)
    if m:
        t += b" " + m.group(0)
    out += b"trailer\n<<" + t + extra + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def build(objs, root_num, version=b"1.7"):
    """A whole new file of objs {num: body}, classic xref, /Root root_num."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    n = max(objs) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % n
    for num in range(1, n):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 00001 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (n, root_num, xref)
    return bytes(out)


def byterange(data):
    """(match, [a, b, c, d]) of the last /ByteRange."""
    m = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))[-1]
    return m, [int(x) for x in m.groups()]


def put(data, at, new):
    """data with new written over the same number of bytes at offset at."""
    return data[:at] + new + data[at + len(new):]


if __name__ == "__main__":
    sys.exit("pdf_update.py is a module for the tests; import it")
