# The PDF handler's verify operation (formats/pdf/verify.c, mdp.c) on files
# tamga signs and on hostile variants made from them: the container checks
# (/ByteRange, /Contents) and the classification of changes after each
# signature ("PDF Insecurity" attacks: universal signature forgery,
# signature wrapping, incremental saving, shadow hide / hide-and-replace,
# evil annotation), printed by tests/tools/pdf_evidence one fact a line.
. "$TAMGA_ROOT/tests/lib.sh"
TOOLS=$TAMGA_BUILD/tests/tools
EVIDENCE=$TOOLS/pdf_evidence
MKPDF=$TAMGA_ROOT/bench/mkpdf.py
export PYTHONPATH=$TAMGA_ROOT/tests/tools
[ -x "$EVIDENCE" ] || { not_ok "pdf_evidence is built ($EVIDENCE)"; exit 1; }

echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Signer One' --out s1 > /dev/null 2>&1
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Signer Two' --out s2 > /dev/null 2>&1
S1=(--key s1.key --cert s1.crt --chain s1-chain.pem)
S2=(--key s2.key --cert s2.crt --chain s2-chain.pem)
sign() { "$TAMGA" sign "$@" > /dev/null 2> sign.err || { sed 's/^/# sign: /' sign.err; return 1; }; }

# ev FILE : the evidence, in ev.txt (signature ids shortened to sig1, sig2, ...
# in the order printed, so the expected lines do not depend on random codes).
ev() {
    "$EVIDENCE" "$1" > ev.raw 2> ev.err || sed 's/^/# pdf_evidence: /' ev.err
    awk '
        $1 == "sig" && !($2 in id) { id[$2] = "sig" (++n) }
        ($1 == "sig" || $1 == "mod" || $1 == "sig-warning" || $1 == "sig-text") { $2 = id[$2] }
        { print }' ev.raw > ev.txt
}
# line DESC REGEX : ev.txt has a line matching the whole REGEX
line() { has "$1" ev.txt "^$2\$"; }
noline() { hasnt "$1" ev.txt "^$2\$"; }
# count DESC N REGEX : exactly N lines match
count() {
    local n; n=$(grep -Ec -- "$3" ev.txt)
    if [ "$n" = "$2" ]; then ok "$1"; else not_ok "$1 ($n lines match /$3/, expected $2)"; sed 's/^/# /' ev.txt | head -30; fi
}
SIGOK='kind=cms-detached subfilter=ETSI\.CAdES\.detached'

# ------------------------------------------------------------ documents tamga signs
python3 "$MKPDF" 1 plain.pdf
check "sign plain.pdf" sign "${S1[@]}" -o a.pdf plain.pdf
ev a.pdf
line "one approval signature, revision 1, whole file" \
    "sig sig1 $SIGOK revision=1 whole=1 cert=0 ranges=0\+[0-9]+,[0-9]+\+[0-9]+ value=[0-9]+ time=20[0-9-]+T[0-9:]+Z error=-"
count "no changes after it" 0 '^mod '
noline "no document error" 'doc-error.*'

ev plain.pdf
count "an unsigned document has no signature" 0 '^sig '
line "... and no document error" 'dss certs=0 crls=0 ocsps=0'

check "a second signer" sign "${S2[@]}" -o ab.pdf a.pdf
ev ab.pdf
line "the first signature covers revision 1 only" "sig sig1 $SIGOK revision=1 whole=0 cert=0 .* error=-"
line "the second covers the whole file" "sig sig2 $SIGOK revision=2 whole=1 cert=0 .* error=-"
line "the second signature is an allowed addition for the first" \
    "mod sig1 signature-added allowed object [0-9]+ \(signature field 'Tamga [-0-9A-Z]+'\) added"
line "... with the AcroForm gaining its field" "mod sig1 acroform allowed /AcroForm: /Fields gained 1 field"
count "nothing disallowed" 0 '^mod .* disallowed '

for p in 1 2 3; do
    check "certify with P=$p" sign "${S1[@]}" --certify $p -o c$p.pdf plain.pdf
    ev c$p.pdf
    line "the certification signature has cert=$p" "sig sig1 $SIGOK revision=1 whole=1 cert=$p .* error=-"
done
check "approve a P=2 document" sign "${S2[@]}" -o c2b.pdf c2.pdf
ev c2b.pdf
line "P=2 allows a new signature" "mod sig1 signature-added allowed .*"
line "the approval is not a certification" "sig sig2 $SIGOK revision=2 whole=1 cert=0 .* error=-"

# ------------------------------------------------------------ the container: /Contents and /ByteRange
# Byte surgery on a.pdf that keeps every offset.
surgery() { # OUT PYTHON-EXPRESSION-OF-d
    python3 - a.pdf "$1" "$2" <<'PY'
import re, sys
import pdf_update as pu
d = open(sys.argv[1], "rb").read()
m, (a, b, c, n) = pu.byterange(d)
d = eval(sys.argv[3])
open(sys.argv[2], "wb").write(d)
PY
}
brtext() { printf "%s" "$1"; }
surgery contents-removed.pdf 'pu.put(d, b - 10, d[b - 10:b].replace(b"/Contents", b"/Contentx"))'
ev contents-removed.pdf
line "no /Contents is a format error" "sig sig1 .* error=no /Contents"
surgery contents-zeros.pdf 'pu.put(d, b + 1, b"0" * (c - b - 2))'
ev contents-zeros.pdf
line "zero /Contents is a format error" "sig sig1 .* error=/Contents is empty \(no signature value\)"
surgery contents-empty.pdf 'pu.put(d, b, b"<>" + b" " * (c - b - 2))'
ev contents-empty.pdf
line "an empty /Contents string is a format error" "sig sig1 .* error=the /ByteRange gap .* is not the /Contents string of this signature .*"
surgery contents-garbage.pdf 'pu.put(d, b + 1 + 2 * 2400, b"41")'
ev contents-garbage.pdf
line "bytes after the DER value that are not padding" "sig sig1 .* error=/Contents has [0-9]+ bytes after its DER value that are not zero padding"
surgery byterange-removed.pdf 'pu.put(d, m.start(), b"/ByteRangx")'
ev byterange-removed.pdf
line "no /ByteRange is a format error" "sig sig1 .* ranges=- .* error=no /ByteRange"
surgery byterange-negative.pdf 'pu.put(d, m.start(), (b"/ByteRange [0 -%d %d %d" % (b, c, n)).ljust(m.end() - m.start() - 1) + b"]")'
ev byterange-negative.pdf
line "a negative /ByteRange entry" "sig sig1 .* error=/ByteRange entry 2 is not an integer from 0 to [0-9]+"
surgery byterange-three.pdf 'pu.put(d, m.start(), (b"/ByteRange [0 %d %d" % (b, c)).ljust(m.end() - m.start() - 1) + b"]")'
ev byterange-three.pdf
line "three numbers" "sig sig1 .* error=/ByteRange has 3 numbers, not 4"
surgery byterange-five.pdf 'pu.put(d, m.start(), (b"/ByteRange [0 %d %d %d 0" % (b, c, n)).ljust(m.end() - m.start() - 1) + b"]")'
ev byterange-five.pdf
line "five numbers" "sig sig1 .* error=/ByteRange has 5 numbers, not 4"
surgery byterange-gap.pdf 'pu.put(d, m.start(), (b"/ByteRange [0 %d %d %d" % (b + 1, c, n)).ljust(m.end() - m.start() - 1) + b"]")'
ev byterange-gap.pdf
line "a gap that is not exactly /Contents" "sig sig1 .* error=the /ByteRange gap \[[0-9]+, [0-9]+\) is not the /Contents string of this signature .*"
surgery byterange-short.pdf 'pu.put(d, m.start(), (b"/ByteRange [0 %d %d %d" % (b, c, n - 100)).ljust(m.end() - m.start() - 1) + b"]")'
ev byterange-short.pdf
line "signed bytes that do not end a revision" "sig sig1 .* error=the signed bytes end at [0-9]+, which is not the end of a revision"
surgery byterange-long.pdf 'pu.put(d, m.start(), (b"/ByteRange [0 %d %d %d" % (b, c, n + 100)).ljust(m.end() - m.start() - 1) + b"]")'
ev byterange-long.pdf
line "a range past the end of the file" "sig sig1 .* error=/ByteRange \[.*\] does not describe two ranges .*"

# Signature wrapping: the original /Contents stays, a copy of it is appended
# in a new revision and /ByteRange is pointed around the copy.
python3 - a.pdf wrapping.pdf <<'PY'
import sys
import pdf_update as pu
d = open(sys.argv[1], "rb").read()
m, (a, b, c, n) = pu.byterange(d)
contents = d[b:c]
junk = pu.size(d)
out = pu.update(d, {junk: b"<< /Wrapped " + contents + b" >>"})
at = out.index(b"/Wrapped ", len(d)) + len(b"/Wrapped ")
br = (b"/ByteRange [0 %d %d %d" % (at, at + len(contents), len(out) - at - len(contents))).ljust(m.end() - m.start() - 1) + b"]"
out = pu.put(out, m.start(), br)
open(sys.argv[2], "wb").write(out)
PY
ev wrapping.pdf
line "signature wrapping: the gap is not this signature's /Contents" \
    "sig sig1 .* error=the /ByteRange gap .* is not the /Contents string of this signature .*"

# ------------------------------------------------------------ changes after signing
# update.py IN OUT: python with d (input bytes), pu, and out to write
update() {
    local in=$1 out=$2; shift 2
    python3 - "$in" "$out" "$@" > upd.err 2>&1 <<PY || sed 's/^/# update: /' upd.err
import re, sys
import pdf_update as pu
d = open(sys.argv[1], "rb").read()
$(cat)
open(sys.argv[2], "wb").write(out)
PY
}
# page and content objects of mkpdf's 1-page file: page 3, contents 2, catalog 5
update a.pdf incremental.pdf <<'PY'
out = pu.update(d, {2: pu.stream(b"<< >>", b"BT /F1 24 Tf 56 700 Td (Pay 1 000 000 MNT to Mallory) Tj ET")})
PY
ev incremental.pdf
line "incremental saving: the content stream replaced" "mod sig1 page-content disallowed object 2 \(page 1 /Contents\) replaced"
line "... the signature still covers its revision" "sig sig1 $SIGOK revision=1 whole=0 cert=0 .* error=-"

# Shadow hide: the signed revision carries an unused content stream; an
# update points the page at it.
update plain.pdf shadow-prep.pdf <<'PY'
out = pu.update(d, {6: pu.stream(b"<< >>", b"BT /F1 24 Tf 56 700 Td (Shadow content) Tj ET")})
PY
check "sign a file with an unused object" sign "${S1[@]}" -o shadow-signed.pdf shadow-prep.pdf
ev shadow-signed.pdf
line "the shadow document verifies structurally" "sig sig1 $SIGOK revision=2 whole=1 cert=0 .* error=-"
update shadow-signed.pdf shadow-hide.pdf <<'PY'
out = pu.update(d, {3: pu.obj(d, 3).replace(b"/Contents 2 0 R", b"/Contents 6 0 R")})
PY
ev shadow-hide.pdf
line "shadow hide: the page points at other content" "mod sig1 page-content disallowed object 3 \(page 1\) /Contents changed"
count "... and nothing else is said about it" 1 '^mod '

# Hide-and-replace: a new catalog whose /Pages is a new page tree.
update a.pdf hide-and-replace.pdf <<'PY'
n = pu.size(d)
cat = pu.obj(d, 5).replace(b"/Pages 4 0 R", b"/Pages %d 0 R" % n)
out = pu.update(d, {5: cat,
                    n: b"<< /Type /Pages /Count 1 /Kids [%d 0 R] >>" % (n + 1),
                    n + 1: b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 1 0 R >> >> /Contents %d 0 R >>" % (n, n + 2),
                    n + 2: pu.stream(b"<< >>", b"BT /F1 24 Tf 56 700 Td (Replaced) Tj ET")})
PY
ev hide-and-replace.pdf
line "hide-and-replace: the catalog's /Pages changed" "mod sig1 catalog disallowed object 5 \(catalog\) /Pages changed"
line "... new pages reported" "mod sig1 page disallowed object [0-9]+ \(page 1\) added to the page tree"
line "... new page content reported" "mod sig1 page-content disallowed object [0-9]+ \(page 1 /Contents\) added"

# Evil annotation: a FreeText annotation on a P=2 certified document.
freetext() { # IN OUT
    update "$1" "$2" <<'PY'
n = pu.size(d)
page = pu.obj(d, 3)
annots = re.search(rb"/Annots\s*\[([^\]]*)\]", page)
page = page[:annots.start()] + b"/Annots [" + annots.group(1) + b" %d 0 R]" % n + page[annots.end():]
out = pu.update(d, {3: page, n: b"<< /Type /Annot /Subtype /FreeText /Rect [50 600 500 700] /Contents (Approved: 1 000 000 MNT) /DA (/Helv 24 Tf 0 g) >>"})
PY
}
freetext c2.pdf evil-annotation.pdf
ev evil-annotation.pdf
line "evil annotation: FreeText on a P=2 document" "mod sig1 annotation-overlay disallowed object [0-9]+ \(page 1\): FreeText annotation added"
freetext c3.pdf annot-p3.pdf
ev annot-p3.pdf
line "P=3 allows annotations" "mod sig1 annotation-overlay allowed object [0-9]+ \(page 1\): FreeText annotation added"
freetext a.pdf annot-approval.pdf
ev annot-approval.pdf
line "an overlay on an approval-signed document is not allowed" "mod sig1 annotation-overlay disallowed .*FreeText annotation added"
update a.pdf link.pdf <<'PY'
n = pu.size(d)
page = pu.obj(d, 3)
annots = re.search(rb"/Annots\s*\[([^\]]*)\]", page)
page = page[:annots.start()] + b"/Annots [" + annots.group(1) + b" %d 0 R]" % n + page[annots.end():]
out = pu.update(d, {3: page, n: b"<< /Type /Annot /Subtype /Link /Rect [50 600 500 700] /Border [0 0 0] >>"})
PY
ev link.pdf
line "a link on an approval-signed document is allowed" "mod sig1 annotation-added allowed object [0-9]+ \(page 1\): Link annotation added"
check "P=1 refuses a second signature in tamga sign" bash -c "! '$TAMGA' sign ${S2[*]} -o c1b.pdf c1.pdf 2>/dev/null"

# Form filling: a text field filled in after an approval signature.
python3 - form.pdf <<'PY'
import sys
import pdf_update as pu
objs = {
    1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /DR << /Font << /Helv 4 0 R >> >> /DA (/Helv 12 Tf 0 g) >> >>",
    2: b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R /Annots [5 0 R] >>",
    4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    5: b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [100 700 400 730] /P 3 0 R /DA (/Helv 12 Tf 0 g) /AP << /N 6 0 R >> >>",
    6: pu.stream(b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 30] >>", b"/Tx BMC EMC"),
    7: pu.stream(b"<< >>", b"BT /F1 14 Tf 100 750 Td (Name:) Tj ET"),
}
open(sys.argv[1], "wb").write(pu.build(objs, 1))
PY
check "sign a form" sign "${S1[@]}" -o form-signed.pdf form.pdf
fill() { # IN OUT
    update "$1" "$2" <<'PY'
n = pu.size(d)
w = pu.obj(d, 5)
w = w.replace(b"/AP << /N 6 0 R >>", b"/AP << /N %d 0 R >> /V (Bat-Erdene)" % n)
out = pu.update(d, {5: w, n: pu.stream(b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 30] /Resources << /Font << /Helv 4 0 R >> >> >>",
                                       b"/Tx BMC BT /Helv 12 Tf 2 10 Td (Bat-Erdene) Tj ET EMC")})
PY
}
fill form-signed.pdf filled.pdf
ev filled.pdf
line "form filling after an approval signature is allowed" "mod sig1 form-fill allowed object 5 \(field 'name'\) .*"
count "... and is the only change" 1 '^mod '
check "certify a form with P=1" sign "${S1[@]}" --certify 1 -o form-c1.pdf form.pdf
fill form-c1.pdf filled-c1.pdf
ev filled-c1.pdf
line "P=1 does not allow form filling" "mod sig1 form-fill disallowed object 5 \(field 'name'\) .*the certification allows no changes"
# An existing appearance stream rewritten in place is not form filling.
update form-signed.pdf ap-in-place.pdf <<'PY'
out = pu.update(d, {6: pu.stream(b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 30] >>", b"0 0 300 30 re f")})
PY
ev ap-in-place.pdf
line "an existing appearance stream changed" "mod sig1 appearance disallowed object 6 \(appearance of annotation 5\) changed"

# DSS: validation data added after signing.
openssl x509 -in s1.crt -outform DER -out s1.der
update a.pdf dss.pdf <<'PY'
n = pu.size(d)
cert = open("s1.der", "rb").read()
cat = pu.obj(d, 5)
cat = cat[:-2] + b" /DSS %d 0 R>>" % n
out = pu.update(d, {5: cat, n: b"<< /Certs [%d 0 R] >>" % (n + 1), n + 1: pu.stream(b"<< >>", cert)})
PY
ev dss.pdf
line "a DSS added later is allowed" "mod sig1 dss allowed .*"
count "... and is the only change" 1 '^mod '
line "... its certificate is collected" "dss certs=1 crls=0 ocsps=0"

# Metadata: /Info changed.
update a.pdf info.pdf <<'PY'
n = pu.size(d)
out = pu.update(d, {n: b"<< /Title (Changed title) >>"}, info=n)
PY
ev info.pdf
line "/Info changes are allowed metadata" "mod sig1 metadata allowed .*"

# Object reuse: the content stream's number now holds a font.
update a.pdf reused.pdf <<'PY'
out = pu.update(d, {2: b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"})
PY
ev reused.pdf
line "an object number reused for another kind of object" "mod sig1 object-reused disallowed object 2 \(page-content when signed\) .*"

# Freed: the page's content stream freed.
update a.pdf freed.pdf <<'PY'
out = pu.update(d, {}, free=[2])
PY
ev freed.pdf
line "the page content freed" "mod sig1 page-content disallowed object 2 \(page-content\) freed"

# Trailing bytes after the last %%EOF.
cp a.pdf trailing.pdf; printf 'garbage after the end\n' >> trailing.pdf
ev trailing.pdf
line "bytes after %%EOF are reported" "mod sig1 trailing-bytes disallowed bytes after the last %%EOF .*"
line "... and the signature no longer covers the whole file" "sig sig1 .* whole=0 .* error=-"
cp a.pdf blank-tail.pdf; printf '\n\n  \n' >> blank-tail.pdf
ev blank-tail.pdf
line "white space after %%EOF is harmless" "sig sig1 .* whole=1 .* error=-"
count "... no modification" 0 '^mod '

# Unreadable documents: an error, no signature.
head -c 3000 a.pdf > truncated.pdf
ev truncated.pdf
line "a truncated file is a document error naming an offset" "doc-error PDF: .*"
count "... with no signature" 0 '^sig '
