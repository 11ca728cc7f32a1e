# The document code of an office file: tamga writes "Tamga <code>" into the
# signature's signed content (OOXML SignatureComments, ODF dc:description)
# and the verifier reports it as document_code only from there, only when
# the signature's integrity holds.  The code is chosen here (--code), so the
# expectation does not come from tamga's output; python reads the signature
# XML independently.
. "$TAMGA_ROOT/tests/lib.sh"
DATA=$TAMGA_ROOT/tests/data/office
CODE=7K3M-9QX2-HB4T-ZW8R-S

echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Үндэсний Өвийн газар' --out s > /dev/null 2>&1
VERIFY=(--trust ca/root.crt --crl ca/crl/issuing.crl --crl ca/crl/root.crl --offline --format json)

for f in reference.docx reference.odt table.xlsx table.ods; do
    ext=${f##*.}
    expect 0 "sign $f with --code" "$TAMGA" sign --key s.key --cert s.crt --chain s-chain.pem --code "$CODE" \
        -q -o "signed.$ext" "$DATA/$f"
done

# The signed XML names the code where office suites show a purpose.
python3 - > xml.txt <<'PY'
import zipfile, re
for f, part, tag in (("signed.docx", "_xmlsignatures/sig1.xml", "SignatureComments"),
                     ("signed.xlsx", "_xmlsignatures/sig1.xml", "SignatureComments"),
                     ("signed.odt", "META-INF/documentsignatures.xml", "description"),
                     ("signed.ods", "META-INF/documentsignatures.xml", "description")):
    x = zipfile.ZipFile(f).read(part).decode()
    m = re.search(r"<(?:\w+:)?%s[^>]*>([^<]*)<" % tag, x)
    print(f, m.group(1) if m else None)
PY
for ext in docx xlsx odt ods; do
    has "signed.$ext: the signature XML says 'Tamga $CODE'" xml.txt "^signed.$ext Tamga $CODE\$"
done

json_field() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>&1; }
for ext in docx xlsx odt ods; do
    "$TAMGA" verify "${VERIFY[@]}" "signed.$ext" > "v-$ext.json"
    got=$(json_field "v-$ext.json" '(j["verdict"], j["document_code"])')
    [ "$got" = "('TOTAL-PASSED', '$CODE')" ] && ok "signed.$ext: TOTAL-PASSED, document_code $CODE" \
        || not_ok "signed.$ext: TOTAL-PASSED, document_code $CODE (got $got)"
done

# Attacks: (1) the code in the signed comment changed -> the signature
# breaks and no code is reported; (2) a code added in an Object nothing
# references, to a signature that names none -> no code.
python3 - <<'PY'
import re, zipfile
def rebuild(src, dst, part, change):
    z = zipfile.ZipFile(src)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for i in z.infolist():
            data = z.read(i.filename)
            if i.filename == part:
                data = change(data)
            out.writestr(i, data)
rebuild("signed.docx", "other-code.docx", "_xmlsignatures/sig1.xml",
        lambda d: d.replace(b"Tamga 7K3M-9QX2-HB4T-ZW8R-S", b"Tamga 0000-0000-0000-0000-0"))
def strip_and_inject(d):
    s = d.decode()
    # drop the signed description (its Reference and its property), then add an unsigned one
    m = re.search(r'<SignatureProperty Id="([^"]+)"[^>]*><dc:description[^<]*>[^<]*</dc:description></SignatureProperty>', s)
    s = s.replace(m.group(0), "")
    s = re.sub(r'<Reference URI="#%s">.*?</Reference>' % re.escape(m.group(1)), "", s, count=1)
    s = s.replace("</Signature>", '<Object><SignatureProperties><SignatureProperty Id="injected" Target="#x">'
                  '<dc:description xmlns:dc="http://purl.org/dc/elements/1.1/">Tamga 7K3M-9QX2-HB4T-ZW8R-S'
                  '</dc:description></SignatureProperty></SignatureProperties></Object></Signature>', 1)
    return s.encode()
rebuild("signed.odt", "injected.odt", "META-INF/documentsignatures.xml", strip_and_inject)
PY
"$TAMGA" verify "${VERIFY[@]}" other-code.docx > v-other.json
got=$(json_field v-other.json '(j["verdict"], j["document_code"])')
[ "$got" = "('TOTAL-FAILED', None)" ] && ok "a changed code breaks the signature and names no code" \
    || not_ok "a changed code breaks the signature and names no code (got $got)"
"$TAMGA" verify "${VERIFY[@]}" injected.odt > v-inj.json
got=$(json_field v-inj.json 'j["document_code"]')
[ "$got" = None ] && ok "a code in content no Reference covers is not reported" \
    || not_ok "a code in content no Reference covers is not reported (got $got)"

# The text report of a package with an added part says what is not covered.
python3 - <<'PY'
import zipfile
z = zipfile.ZipFile("signed.docx")
with zipfile.ZipFile("added.docx", "w", zipfile.ZIP_DEFLATED) as out:
    for i in z.infolist():
        out.writestr(i, z.read(i.filename))
    out.writestr("word/extra.xml", b"<x/>")
PY
"$TAMGA" verify --trust ca/root.crt --crl ca/crl/issuing.crl --crl ca/crl/root.crl --offline added.docx > added.txt
has "text report: an added part is 'not every part of the package'" added.txt "coverage: not every part of the package"
hasnt "text report: no 'earlier revision' for a package" added.txt "earlier revision"
