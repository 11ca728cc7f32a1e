# tamga verify on office signatures in the shapes other producers write
# (OpenOffice.org 3.0, OOo 3.2 / LibreOffice 6 without XAdES, EU DSS,
# Microsoft Office 2007/2010/2016 incl. signature lines, Apache POI),
# made at test time by tests/tools/office_interop.py: python writes each
# template, xmlsec1 (an XML-DSig implementation independent of tamga) signs
# it, openssl ts makes the time-stamp tokens.  The expectations come from
# outside tamga: every "valid" package passes ../shared/oracles/xmlsec_verify.py
# (xmlsec1 checks every digest, the SignatureValue and the chain), and every
# "attack" is built here to be wrong.  tamga must say TOTAL-PASSED to the
# valid ones, INDETERMINATE (never TOTAL-FAILED) to SHA-1-only ones (policy:
# SHA-1 only with a proof of existence before 2019), TOTAL-FAILED to attacks.
. "$TAMGA_ROOT/tests/lib.sh"
. "$TAMGA_ROOT/tests/lib_pki.sh"
ORACLES=$TAMGA_SHARED/oracles
OFFICE=$TAMGA_ROOT/tests/data/office
GEN=$TAMGA_ROOT/tests/tools/office_interop.py
for t in python3 openssl xmlsec1; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done

# ------------------------------------------------------------ PKI: RSA, P-256 and P-384 signers, the CA's TSA
echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null || not_ok "pki init"
for k in rsa:rsa3072 p256:p256 p384:p384; do
    "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn "Interop ${k%%:*} signer" \
        --key-type "${k#*:}" --out "${k%%:*}" > /dev/null 2>&1 || not_ok "issue ${k%%:*}"
done
V=(--trust ca/root.crt --intermediate ca/issuing.crt --crl ca/crl/issuing.crl --crl ca/crl/root.crl --offline)

# ------------------------------------------------------------ the corpus
if python3 "$GEN" --ca ca --ca-pass ca.pass --keys . --odt "$OFFICE/reference.odt" --docx "$OFFICE/reference.docx" \
    --out corpus > gen.txt 2>&1 && [ -s corpus/variants.txt ]; then
    ok "xmlsec1 signed $(wc -l < corpus/variants.txt) variants"
else
    not_ok "office_interop.py made the corpus"; sed 's/^/# /' gen.txt | tail -10; exit 1
fi

# ------------------------------------------------------------ the independent judge: xmlsec1
valid=$(awk '$2 != "attack" { print "corpus/" $1 }' corpus/variants.txt)
tampered=$(awk '$2 == "attack" && $1 ~ /-tamper\./ { print "corpus/" $1 }' corpus/variants.txt)
# shellcheck disable=SC2086
/usr/bin/python3 "$ORACLES/xmlsec_verify.py" --trust ca/root.crt --cert ca/issuing.crt $valid $tampered \
    > oracle.txt 2> oracle.err
oracle() { # FILE -> True/False: xmlsec1 verifies every reference, the signature and the chain
    python3 -c 'import json,sys
for l in open("oracle.txt"):
    j = json.loads(l)
    if j.get("summary") and j["file"] == sys.argv[1]: print(j["pass"]); break
else: print("missing")' "$1"
}

# ------------------------------------------------------------ tamga
while read -r f kind desc; do
    case $kind in
    valid)
        [ "$(oracle "corpus/$f")" = True ] && ok "xmlsec1 accepts $f" || not_ok "xmlsec1 accepts $f ($desc)"
        expect 0 "$f: TOTAL-PASSED ($desc)" "$TAMGA" verify "${V[@]}" --format json "corpus/$f"
        json_is "$f: verdict" 'j["verdict"]' TOTAL-PASSED ;;
    sha1)
        [ "$(oracle "corpus/$f")" = True ] && ok "xmlsec1 accepts $f" || not_ok "xmlsec1 accepts $f ($desc)"
        expect 2 "$f: INDETERMINATE by the SHA-1 policy ($desc)" "$TAMGA" verify "${V[@]}" --format json "corpus/$f"
        json_is "$f: no proof of existence before 2019" 'j["signatures"][0]["subindication"]' \
            CRYPTO_CONSTRAINTS_FAILURE_NO_POE ;;
    attack)
        case $f in *-tamper.*)
            [ "$(oracle "corpus/$f")" = False ] && ok "xmlsec1 refuses $f" || not_ok "xmlsec1 refuses $f" ;;
        esac
        expect 1 "$f: TOTAL-FAILED ($desc)" "$TAMGA" verify "${V[@]}" --format json "corpus/$f"
        json_is "$f: verdict" 'j["verdict"]' TOTAL-FAILED ;;
    esac
done < corpus/variants.txt

# ------------------------------------------------------------ details a verdict alone would not show
"$TAMGA" verify "${V[@]}" --format json corpus/odf-tst.odt > out.txt 2>&1
json_is "odf-tst.odt: the exclusive-C14N SignatureTimeStamp counts (XAdES-B-T)" 'j["signatures"][0]["level"]' XAdES-B-T
"$TAMGA" verify "${V[@]}" --format json corpus/docx-tst.docx > out.txt 2>&1
json_is "docx-tst.docx: the SignatureTimeStamp counts (XAdES-B-T)" 'j["signatures"][0]["level"]' XAdES-B-T
"$TAMGA" verify "${V[@]}" --format json corpus/ooo30-sha256.odt > out.txt 2>&1
json_is "ooo30-sha256.odt: unsigned mimetype and manifest are reported, allowed" \
    'sorted(m["detail"].split("'"'"'")[1] for m in j["signatures"][0]["modifications"] if m["allowed"])' \
    "['META-INF/manifest.xml', 'mimetype']"
json_is "ooo30-sha256.odt: not the whole document" 'j["signatures"][0]["covers_whole_document"]' False
"$TAMGA" verify "${V[@]}" --format json corpus/odf12-sha256.odt > out.txt 2>&1
json_is "odf12-sha256.odt (no XAdES): level XMLDSig" 'j["signatures"][0]["level"]' XMLDSig
json_is "odf12-sha256.odt: covers the whole document" 'j["signatures"][0]["covers_whole_document"]' True

# a SignatureTimeStamp whose CanonicalizationMethod was changed after the fact (unsigned, so the
# signature stays valid): the token no longer matches, so it proves nothing and is not counted
python3 - <<'PY'
import zipfile
z = zipfile.ZipFile("corpus/odf-tst.odt")
with zipfile.ZipFile("tst-c14n-lie.odt", "w", zipfile.ZIP_DEFLATED) as o:
    for i in z.infolist():
        d = z.read(i.filename)
        if i.filename == "META-INF/documentsignatures.xml":
            d = d.replace(b'Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><xd:EncapsulatedTimeStamp>',
                          b'Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/><xd:EncapsulatedTimeStamp>')
        o.writestr(i, d)
PY
"$TAMGA" verify "${V[@]}" --format json tst-c14n-lie.odt > out.txt 2>&1
json_is "a time-stamp over other bytes than its CanonicalizationMethod gives: not counted (XAdES-B-B)" \
    'j["signatures"][0]["level"]' XAdES-B-B
