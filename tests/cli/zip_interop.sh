# Strict ZIP reading and byte-preserving editing (formats/zip/) against an
# independent implementation: python3's zipfile writes the packages
# tamga reads, and reads (testzip, contents, raw bytes at the local header
# offsets) the packages tamga edits; `unzip -t` checks them too when
# installed.  Hostile packages made by python (duplicate names, traversal,
# prefix, trailing bytes, ...) must be refused by tests/tools/zip_edit with
# a non-zero status and a message naming the problem.  Expected values are
# this script's own inputs.
. "$TAMGA_ROOT/tests/lib.sh"
EDIT=$TAMGA_BUILD/tests/tools/zip_edit

if command -v python3 > /dev/null; then ok "python3 is installed"; else not_ok "python3 is installed"; exit 0; fi
if [ -x "$EDIT" ]; then ok "zip_edit is built"; else not_ok "zip_edit is built ($EDIT)"; exit 0; fi

# ------------------------------------------------------------ inputs (python writes)
python3 - <<'EOF'
import io, zipfile

class Unseekable(io.RawIOBase):
    """A write-only stream: zipfile then writes data descriptors (bit 3)."""
    def __init__(self): self.b = bytearray()
    def writable(self): return True
    def write(self, d): self.b += d; return len(d)

def fill(z):
    i = zipfile.ZipInfo("mimetype", (2024, 1, 2, 3, 4, 6))
    i.compress_type = zipfile.ZIP_STORED
    z.writestr(i, b"application/vnd.oasis.opendocument.text")
    z.writestr("content.xml", b"<office:document-content>" + b"text " * 500 + b"</office:document-content>",
               zipfile.ZIP_DEFLATED)
    z.writestr("styles.xml", b"<styles old='1'/>" * 20, zipfile.ZIP_DEFLATED)
    z.writestr("META-INF/", b"")
    i = zipfile.ZipInfo("META-INF/manifest.xml", (2023, 12, 31, 23, 59, 58))
    i.compress_type = zipfile.ZIP_DEFLATED
    i.extra = b"UT\x05\x00\x01\x10\x20\x30\x40"   # extended timestamp, kept as is
    i.comment = b"entry comment"
    i.external_attr = 0o100644 << 16
    z.writestr(i, b"<manifest:manifest/>")
    z.writestr("Pictures/p.bin", bytes(range(256)) * 4, zipfile.ZIP_STORED)
    z.writestr("Bilder/\u00fcber.txt", "Grüße".encode(), zipfile.ZIP_DEFLATED)
    z.comment = b"package comment"

with zipfile.ZipFile("in.zip", "w") as z:
    fill(z)
s = Unseekable()
with zipfile.ZipFile(s, "w") as z:
    fill(z)
open("in_dd.zip", "wb").write(bytes(s.b))
open("new_styles.xml", "wb").write(b"<styles new='1'/>" * 30)
open("sig.xml", "wb").write(b"<Signature>" + b"A" * 300 + b"</Signature>")
open("z.txt", "wb").write(b"stored, not deflated")
open("mt.txt", "wb").write(b"application/vnd.oasis.opendocument.spreadsheet")
EOF
check "python wrote the inputs" test -s in.zip -a -s in_dd.zip
if python3 -c 'import zipfile,sys; z=zipfile.ZipFile("in_dd.zip"); sys.exit(0 if all(i.flag_bits & 8 for i in z.infolist()) else 1)'; then
    ok "in_dd.zip has data descriptors"; else not_ok "in_dd.zip has data descriptors"; fi

# ------------------------------------------------------------ tamga reads python's packages
for f in in.zip in_dd.zip; do
    expect 0 "$f: zip_edit lists it" "$EDIT" "$f" /dev/null list
    cp out.txt list.txt
    python3 - "$f" > want.txt <<'EOF'
import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    print(i.filename, i.file_size, i.compress_type)
EOF
    check "$f: names, sizes and methods as python sees them" diff want.txt list.txt
    expect 0 "$f: zip_edit reads content.xml" "$EDIT" "$f" /dev/null cat content.xml
    python3 -c 'import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("content.xml"))' "$f" > want.bin
    check "$f: content.xml as python reads it" cmp want.bin out.txt
    expect 0 "$f: zip_edit reads a UTF-8 name" "$EDIT" "$f" /dev/null cat "Bilder/über.txt"
    has "$f: Bilder/über.txt holds Grüße" out.txt '^Grüße$'
done

# ------------------------------------------------------------ tamga edits, python reads
for f in in.zip in_dd.zip; do
    o=out_$f
    expect 0 "$f: zip_edit puts, adds, removes" "$EDIT" "$f" "$o" put styles.xml new_styles.xml \
        put META-INF/documentsignatures.xml sig.xml rm Pictures/p.bin store z.txt z.txt put mimetype mt.txt
    python3 - "$f" "$o" > py.out 2>&1 <<'EOF'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
ok = True
def say(good, what):
    global ok
    print(("ok - " if good else "not ok - ") + what)
    ok = ok and good

a, b = zipfile.ZipFile(src), zipfile.ZipFile(dst)
say(b.testzip() is None, "python testzip() finds no bad entry")
names = [i.filename for i in b.infolist()]
want = ["mimetype", "content.xml", "styles.xml", "META-INF/", "META-INF/manifest.xml",
        "Bilder/\u00fcber.txt", "META-INF/documentsignatures.xml", "z.txt"]
say(names == want, "entry order: replaced in place, removed gone, added at the end (%s)" % names)
say(b.read("styles.xml") == open("new_styles.xml", "rb").read(), "replaced styles.xml reads back")
say(b.read("META-INF/documentsignatures.xml") == open("sig.xml", "rb").read(), "added signature reads back")
say(b.read("z.txt") == open("z.txt", "rb").read(), "stored z.txt reads back")
zi = b.getinfo("z.txt")
say(zi.compress_type == zipfile.ZIP_STORED, "z.txt is stored")
say(b.getinfo("META-INF/documentsignatures.xml").compress_type == zipfile.ZIP_DEFLATED, "signature is deflated")
say(zi.date_time == (2024, 5, 1, 12, 34, 56), "new entries carry the edit time %s" % (zi.date_time,))
m = b.infolist()[0]
raw = open(dst, "rb").read()
say(m.filename == "mimetype" and m.compress_type == 0 and m.header_offset == 0 and not m.extra,
    "mimetype first, stored, no extra field")
say(raw[30:38] == b"mimetype" and raw[38:38 + 46] == open("mt.txt", "rb").read(),
    "mimetype readable at offset 38 (ODF 1.2 Part 3 section 3.3)")
say(b.comment == a.comment == b"package comment", "package comment kept")

def spans(z, data):
    """Raw local bytes per name: from its header offset to the next entry or the directory."""
    offs = sorted(i.header_offset for i in z.infolist()) + [z.start_dir]
    return {i.filename: data[i.header_offset:offs[offs.index(i.header_offset) + 1]] for i in z.infolist()}

sa, sb = spans(a, open(src, "rb").read()), spans(b, raw)
for n in ["content.xml", "META-INF/", "META-INF/manifest.xml", "Bilder/\u00fcber.txt"]:
    say(sa[n] == sb[n], "%s: local header, data and descriptor byte-identical (%d bytes)" % (n, len(sa[n])))
    x, y = a.getinfo(n), b.getinfo(n)
    fields = ("CRC", "compress_size", "file_size", "extra", "comment", "create_system", "create_version",
              "extract_version", "flag_bits", "external_attr", "internal_attr", "date_time")
    diff = [f for f in fields if getattr(x, f) != getattr(y, f)]
    say(not diff, "%s: central entry fields kept %s" % (n, diff))
    say(a.read(n) == b.read(n), "%s: contents equal" % n)
sys.exit(0 if ok else 1)
EOF
    sed "s/^\(not \)\{0,1\}ok - /&$f: /" py.out | grep -E '^(not )?ok - ' || not_ok "$f: python check ran"
    if grep -q Traceback py.out; then not_ok "$f: python check crashed"; sed 's/^/# /' py.out | tail -10; fi
    if command -v unzip > /dev/null; then
        check "$f: unzip -t accepts the edited package" unzip -t "$o"
    else
        ok "$f: unzip not installed (skipped)"
    fi
    # The edited package opens again with the strict reader.
    expect 0 "$f: the edited package re-opens with zip_edit" "$EDIT" "$o" /dev/null list
done

# ------------------------------------------------------------ hostile packages (python writes)
python3 - <<'EOF'
import zipfile, warnings
warnings.simplefilter("ignore")
def mk(path, names, mode="w"):
    with zipfile.ZipFile(path, mode) as z:
        for n in names:
            z.writestr(zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0)), b"<x/>")
mk("dup.zip", ["word/document.xml", "word/document.xml"])
mk("dupcase.zip", ["word/document.xml", "WORD/Document.xml"])
mk("trav.zip", ["ok.xml", "../evil.xml"])
mk("abs.zip", ["/etc/evil"])
mk("bslash.zip", ["a\\b.xml"])
mk("drive.zip", ["C:evil"])
open("prefix.zip", "wb").write(b"MZ junk before the package")
mk("prefix.zip", ["a.xml"], "a")
mk("trailing.zip", ["a.xml"])
open("trailing.zip", "ab").write(b"junk")
# Local header names another entry than the central directory.
mk("lname.zip", ["a.xml", "b.xml"])
d = bytearray(open("lname.zip", "rb").read()); d[d.index(b"b.xml")] = ord("c"); open("lname.zip", "wb").write(d)
# Encrypted flag on the only entry (both headers).
mk("enc.zip", ["a.xml"])
d = bytearray(open("enc.zip", "rb").read())
for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
    i = d.index(sig); d[i + at] |= 1
open("enc.zip", "wb").write(d)
# 10 MiB of zeros (ratio about 1000:1).
with zipfile.ZipFile("bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("bomb.xml", bytes(10 << 20))
EOF
refuse() {   # refuse FILE REGEX
    expect 1 "$1 is refused" "$EDIT" "$1" refused.zip
    has "$1: the message says why" err.txt "$2"
    if [ -e refused.zip ]; then not_ok "$1: nothing written"; rm -f refused.zip; else ok "$1: nothing written"; fi
}
refuse dup.zip 'duplicate entry name "word/document.xml"'
refuse dupcase.zip 'differ only in case'
refuse trav.zip '"\.\./evil.xml".*"\.\." path segment'
refuse abs.zip 'absolute path'
refuse bslash.zip 'backslash'
refuse drive.zip 'drive letter'
refuse prefix.zip 'bytes before the first entry'
refuse trailing.zip 'bytes after the end of the central directory'
refuse lname.zip 'local/central name mismatch'
refuse enc.zip 'encrypted'
refuse bomb.zip 'compression ratio above 500:1'
# python reads every one of these but the encrypted one without complaint:
# the refusals are tamga's own rules, not a broken writer.
check "python's zipfile opens dup, trav, prefix and trailing" python3 -c '
import zipfile, warnings
warnings.simplefilter("ignore")
for f in ("dup.zip", "trav.zip", "prefix.zip", "trailing.zip"):
    zipfile.ZipFile(f).testzip()'

# Editing refuses names the reader would refuse.
expect 1 "put ../evil is refused" "$EDIT" in.zip bad.zip put ../evil sig.xml
has "put ../evil: the message says why" err.txt '"\.\." path segment'
expect 1 "put Content.XML next to content.xml is refused" "$EDIT" in.zip bad.zip put Content.XML sig.xml
has "put Content.XML: the message says why" err.txt 'differs only in case'
expect 1 "rm of an absent entry is refused" "$EDIT" in.zip bad.zip rm nothing.xml
has "rm nothing.xml: the message says why" err.txt 'no entry "nothing.xml"'
