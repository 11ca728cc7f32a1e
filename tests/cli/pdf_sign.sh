# tamga sign on PDFs, judged by other people's software: poppler's pdfsig
# (signature and certificate verdicts), qpdf --check, pdftoppm + zbarimg (the
# QR code scans to the URL tamga printed), pdftotext (the Mongolian caption
# can be read back), openssl cms (what the CMS holds).
# ../shared/oracles/pdf_check.sh runs the first three.
. "$TAMGA_ROOT/tests/lib.sh"
ORACLES=$TAMGA_SHARED/oracles
MKPDF=$TAMGA_ROOT/bench/mkpdf.py
TOOLS=$TAMGA_BUILD/tests/tools
for t in pdfsig qpdf pdftoppm zbarimg pdftotext certutil pk12util soffice; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
[ -x "$ORACLES/pdf_check.sh" ] || [ -f "$ORACLES/pdf_check.sh" ] || { not_ok "oracles at $ORACLES"; exit 1; }

# ------------------------------------------------------------ PKI: two agencies (P-256, RSA-3072)
echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Үндэсний Өвийн газар' --out ec > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Улсын бүртгэлийн ерөнхий газар' --out ec2 > /dev/null 2>&1
"$TAMGA" pki init --dir carsa --key-type rsa3072 --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir carsa --ca-pass-file ca.pass --no-encrypt --cn 'Нийгмийн даатгалын газар' --out rsa > /dev/null 2>&1
cat ca/root.crt carsa/root.crt > roots.pem
cat ca/issuing.crt carsa/issuing.crt > inter.pem
openssl pkcs12 -export -inkey rsa.key -in rsa.crt -certfile rsa-chain.pem -name rsa -out rsa.p12 \
    -passout pass:p12-passphrase
echo p12-passphrase > p12.pass

# cms_of FILE OUT : the CMS of the file's last signature, cut out by its
# /ByteRange (the gap is the hex /Contents string).
cms_of() {
    python3 - "$1" "$2" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
m = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))[-1]
a, b, c, d = map(int, m.groups())
open(sys.argv[2], "wb").write(bytes.fromhex(data[a + b + 1:c - 1].decode()))
PY
}

# pdf_check FILE... : the oracle's verdict, kept in check.txt
pdf_check() { bash "$ORACLES/pdf_check.sh" --trust roots.pem --cert inter.pem "$@" > check.txt 2>&1; }
EC=(--key ec.key --pass-file key.pass --cert ec.crt --chain ec-chain.pem)
EC2=(--key ec2.key --cert ec2.crt --chain ec2-chain.pem)
RSA=(--key rsa.key --cert rsa.crt --chain rsa-chain.pem)

# ------------------------------------------------------------ the corpus
python3 "$MKPDF" 1 plain.pdf
python3 "$MKPDF" 50 pages50.pdf
python3 "$MKPDF" 2 v14.pdf --version 1.4
python3 "$MKPDF" 1 crop.pdf --cropbox 45,5,545,835
for r in 90 180 270; do python3 "$MKPDF" 1 "rot$r.pdf" --rotate "$r" --cropbox 20,30,580,820; done
# LibreOffice writes the kind of PDF agencies send; qpdf makes the other
# cross-reference styles from it.
printf 'Өргөдөл\nҮнэмлэх олгох тухай лавлагаа\nМонгол Улс, Улаанбаатар хот\n' > letter.txt
soffice -env:UserInstallation="file://$PWD/lo-profile" --headless --convert-to pdf --outdir . letter.txt > lo.log 2>&1
[ -s letter.pdf ] && ok "LibreOffice made letter.pdf" || { not_ok "LibreOffice made letter.pdf"; sed 's/^/# /' lo.log; }
qpdf --object-streams=generate letter.pdf letter-objstm.pdf
qpdf --object-streams=disable letter.pdf letter-classic.pdf
qpdf --linearize letter.pdf letter-linear.pdf
grep -aq '/Type */XRef' letter-objstm.pdf && ok "the corpus has an xref-stream file" || not_ok "the corpus has an xref-stream file"
grep -aq '/Linearized' letter-linear.pdf && ok "the corpus has a linearized file" || not_ok "the corpus has a linearized file"
CORPUS="plain pages50 v14 crop rot90 rot180 rot270 letter letter-objstm letter-classic letter-linear"

# ------------------------------------------------------------ sign every document
for d in $CORPUS; do
    expect 0 "sign $d.pdf" "$TAMGA" sign "${EC[@]}" -o "$d.signed.pdf" "$d.pdf"
    url=$(awk '$1 == "url" { print $2 }' out.txt)
    code=$(awk '$1 == "code" { print $2 }' out.txt)
    cmp -s -n "$(stat -c %s "$d.pdf")" "$d.pdf" "$d.signed.pdf" \
        && ok "$d: the input is an exact prefix of the output" || not_ok "$d: the input is an exact prefix of the output"
    pdf_check "$d.signed.pdf"
    has "$d: pdfsig says the signature is valid" check.txt '^sig1 signature: Signature is Valid\.$'
    has "$d: pdfsig trusts the certificate" check.txt '^sig1 certificate: Certificate is Trusted\.$'
    has "$d: the signature covers the whole file" check.txt '^sig1 info: .*type=ETSI\.CAdES\.detached coverage=total$'
    has "$d: qpdf --check is clean" check.txt '^qpdf: ok$'
    if [ -n "$url" ] && grep -qxF "qr: $url" check.txt; then ok "$d: the QR code scans to $url"
    else not_ok "$d: the QR code scans to the printed URL ($url)"; sed 's/^/# /' check.txt; fi
    pdftotext "$d.signed.pdf" text.txt
    has "$d: the caption's Mongolian line reads back" text.txt 'Цахим гарын үсгээр баталгаажсан'
    has "$d: the agency (with Ө and Ү) reads back" text.txt 'Үндэсний Өвийн газар'
    has "$d: the code reads back beside the QR" text.txt "Код / Code: $code"
done

# The update keeps the cross-reference style of the file it extends.
tail_of() { tail -c +$(( $(stat -c %s "$1") + 1 )) "$2"; }
tail_of letter-objstm.pdf letter-objstm.signed.pdf > upd1.txt
has "an xref-stream file gets an xref stream" upd1.txt '/Type */XRef'
hasnt "... and no classic table" upd1.txt '^xref'
tail_of letter-classic.pdf letter-classic.signed.pdf > upd2.txt
has "a classic file gets a classic table" upd2.txt '^xref'
hasnt "... and no xref stream" upd2.txt '/Type */XRef'
has "the update's trailer points back at the old section" upd2.txt '/Prev [0-9]+'

# The QR code sits bottom right of the first page as displayed, upright,
# for every rotation: only the bottom-right quarter of the rendered page is
# decoded, and zbar reports the symbol's orientation.
for d in plain rot90 rot180 rot270; do
    # -cropbox: what a viewer shows (the stamp is placed in the crop box)
    pdftoppm -cropbox -r 100 -png -f 1 -l 1 "$d.signed.pdf" full > /dev/null
    read -r w h < <(python3 -c 'import struct,sys; print(*struct.unpack(">II", open(sys.argv[1],"rb").read(24)[16:24]))' full-*.png)
    pdftoppm -cropbox -r 100 -png -f 1 -l 1 -x $((w / 2)) -y $((h / 2)) -W $((w / 2)) -H $((h / 2)) "$d.signed.pdf" quarter > /dev/null
    zbarimg --raw -q quarter-*.png > quarter.txt 2>/dev/null
    has "$d: the QR code is in the bottom-right quarter of the page as displayed" quarter.txt '^https://'
    zbarimg --xml -q full-*.png > full.xml 2>/dev/null
    has "$d: the QR code is upright as displayed" full.xml "orientation='UP'"
    rm -f full-*.png quarter-*.png
done

# ------------------------------------------------------------ keys, hashes, levels
expect 0 "sign with RSA-3072, PSS, SHA-512, from a PKCS#12" \
    "$TAMGA" sign --p12 rsa.p12 --pass-file p12.pass --pss --hash sha512 -o p12.pdf plain.pdf
pdf_check p12.pdf
has "RSA-PSS/SHA-512 signature is valid in pdfsig" check.txt '^sig1 signature: Signature is Valid\.$'
has "RSA-PSS/SHA-512 certificate is trusted" check.txt '^sig1 certificate: Certificate is Trusted\.$'
expect 0 "sign with RSA PKCS#1 v1.5 and SHA-384" "$TAMGA" sign "${RSA[@]}" --hash sha384 -o rsa384.pdf plain.pdf
has "a plain key draws a warning" err.txt 'unencrypted'
pdf_check rsa384.pdf
has "RSA/SHA-384 signature is valid in pdfsig" check.txt '^sig1 signature: Signature is Valid\.$'

# What the CMS holds: extract /Contents of the last signature and ask OpenSSL.
cms_of rsa384.pdf sig.der
openssl cms -cmsout -print -inform DER -in sig.der > cms.txt 2>&1
has "the CMS digest algorithm is SHA-384" cms.txt 'algorithm: sha384'
has "the CMS has signing-certificate-v2" cms.txt 'id-smime-aa-signingCertificateV2'
hasnt "the CMS has no signingTime attribute (PAdES: time in /M)" cms.txt 'signingTime'
has "the CMS content type attribute is id-data" cms.txt 'object: contentType'

# ------------------------------------------------------------ several signatures
expect 0 "sign a signed document again (another agency)" "$TAMGA" sign "${EC2[@]}" -o twice.pdf plain.signed.pdf
expect 0 "and a third time (RSA agency)" "$TAMGA" sign "${RSA[@]}" --last-page -o thrice.pdf twice.pdf
pdf_check thrice.pdf
for i in 1 2 3; do has "thrice.pdf: signature $i stays valid" check.txt "^sig$i signature: Signature is Valid\.\$"
                   has "thrice.pdf: certificate $i trusted" check.txt "^sig$i certificate: Certificate is Trusted\.\$"; done
has "the earlier signatures cover part of the file" check.txt '^sig1 info: .*coverage=partial$'
has "the newest covers all of it" check.txt '^sig3 info: .*coverage=total$'
has "qpdf --check is clean after three signatures" check.txt '^qpdf: ok$'

# A document signed first by pdfsig (poppler's own signer, RSA, adbe.pkcs7.detached).
mkdir nssdb && certutil -N -d sql:nssdb --empty-password
pk12util -i rsa.p12 -d sql:nssdb -W p12-passphrase > pk12.log 2>&1 || sed 's/^/# pk12util: /' pk12.log
pdfsig -nssdir sql:nssdb -add-signature -nick rsa plain.pdf by-pdfsig.pdf > /dev/null 2>&1
[ -s by-pdfsig.pdf ] && ok "pdfsig signed a document" || not_ok "pdfsig signed a document"
expect 0 "tamga signs a pdfsig-signed document" "$TAMGA" sign "${EC[@]}" -o pdfsig-then-tamga.pdf by-pdfsig.pdf
pdf_check pdfsig-then-tamga.pdf
has "pdfsig's signature stays valid" check.txt '^sig1 signature: Signature is Valid\.$'
has "pdfsig's signature is adbe.pkcs7.detached" check.txt '^sig1 info: .*type=adbe\.pkcs7\.detached'
has "tamga's signature is valid" check.txt '^sig2 signature: Signature is Valid\.$'
has "both certificates trusted" check.txt '^result: PASS$'

# A document signed first by LibreOffice.
/usr/bin/python3 "$ORACLES/lo_sign.py" --p12 rsa.p12 --pass p12-passphrase plain.pdf by-lo.pdf > lo-sign.txt 2>&1
[ -s by-lo.pdf ] && ok "LibreOffice signed a document" || { not_ok "LibreOffice signed a document"; sed 's/^/# /' lo-sign.txt; }
expect 0 "tamga signs a LibreOffice-signed document" "$TAMGA" sign "${EC[@]}" -o lo-then-tamga.pdf by-lo.pdf
pdf_check lo-then-tamga.pdf
has "LibreOffice's signature stays valid" check.txt '^sig1 signature: Signature is Valid\.$'
has "tamga's signature after LibreOffice's is valid" check.txt '^sig2 signature: Signature is Valid\.$'
has "both pass" check.txt '^result: PASS$'

# ------------------------------------------------------------ certification (DocMDP)
expect 0 "a certification signature (P=2)" "$TAMGA" sign "${EC[@]}" --certify 2 -o cert2.pdf plain.pdf
qpdf --show-object=trailer cert2.pdf > /dev/null
python3 - cert2.pdf > docmdp.txt <<'PY'
import re, sys
d = open(sys.argv[1], "rb").read()
print("perms" if re.search(rb"/Perms\s*<<\s*/DocMDP\s+\d+ 0 R", d) else "no-perms")
print("P2" if re.search(rb"/TransformMethod\s*/DocMDP\s*/TransformParams\s*<<[^>]*/P 2", d) else "no-P2")
PY
has "the catalog points /Perms /DocMDP at the signature" docmdp.txt '^perms$'
has "the signature's DocMDP transform has P 2" docmdp.txt '^P2$'
pdf_check cert2.pdf
has "the certified document is valid in pdfsig" check.txt '^result: PASS$'
expect 0 "P=2 allows another signature" "$TAMGA" sign "${EC2[@]}" -o cert2-signed.pdf cert2.pdf
expect 0 "a certification with no changes allowed (P=1)" "$TAMGA" sign "${EC[@]}" --certify 1 -o cert1.pdf plain.pdf
expect 3 "P=1 refuses any further signature" "$TAMGA" sign "${EC2[@]}" -o cert1-signed.pdf cert1.pdf
has "the refusal names DocMDP" err.txt 'DocMDP P=1'
[ ! -e cert1-signed.pdf ] && ok "nothing written when refused" || not_ok "nothing written when refused"
expect 3 "a certification must be the first signature" "$TAMGA" sign "${EC[@]}" --certify 2 -o late.pdf plain.signed.pdf

# ------------------------------------------------------------ stamp options
expect 0 "an invisible signature" "$TAMGA" sign "${EC[@]}" --no-stamp -o invisible.pdf plain.pdf
pdf_check invisible.pdf
has "the invisible signature is valid" check.txt '^sig1 signature: Signature is Valid\.$'
has "no QR code on the page" check.txt '^qr: \(none\)$'
# A code with its check symbol worked out here, by Crockford's rules
# (value mod 37), typed the sloppy way people type: lower case, O for 0.
read -r good bad typed < <(python3 - <<'PY'
A = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
C = A + "*~$=U"
body = "7K3M9QX2HB4TZW80"
v = 0
for ch in body:
    v = v * 32 + A.index(ch)
chk = C[v % 37]
wrong = C[(v + 1) % 37]
print(body + chk, body + wrong, "7k3m-9qx2-hb4t-zw8o-" + chk.lower())
PY
)
expect 0 "a chosen code and URL template" "$TAMGA" sign "${EC[@]}" --code "$typed" \
    --qr-url 'https://verify.example.mn/check?c={code}&l=mn' -o coded.pdf plain.pdf
printed="${good:0:4}-${good:4:4}-${good:8:4}-${good:12:4}-${good:16:1}"
has "the code is normalised" out.txt "^  code +$printed\$"
has "the code replaces {code}" out.txt "^  url +https://verify\\.example\\.mn/check\\?c=$good&l=mn\$"
pdf_check coded.pdf
has "the QR holds the templated URL" check.txt "^qr: https://verify\\.example\\.mn/check\\?c=$good&l=mn\$"
expect 3 "a mistyped code is refused" "$TAMGA" sign "${EC[@]}" --code "$bad" -o bad.pdf plain.pdf
expect 0 "a custom caption line" "$TAMGA" sign "${EC[@]}" --caption 'Төрийн албаны зөвлөл' -o caption.pdf plain.pdf
pdftotext caption.pdf text.txt
has "the custom caption reads back" text.txt 'Төрийн албаны зөвлөл'
hasnt "the custom line replaces the agency name" text.txt 'Үндэсний Өвийн газар'
expect 0 "an explicit page and rectangle" "$TAMGA" sign "${EC[@]}" --page 2 --rect 60,400,300,100 -o placed.pdf v14.pdf
pdftoppm -r 100 -png -f 2 -l 2 placed.pdf p2 > /dev/null
zbarimg --raw -q p2-*.png > qr2.txt 2>/dev/null
url=$(awk '$1 == "url" { print $2 }' out.txt)
has "the QR code is on page 2" qr2.txt "^$(printf '%s' "$url" | sed 's/[.?]/\\&/g')\$"
expect 3 "a rectangle off the page is refused" "$TAMGA" sign "${EC[@]}" --page 1 --rect 500,40,300,100 -o off.pdf plain.pdf
has "the refusal says it does not fit" err.txt 'does not fit'
expect 3 "a page that does not exist is refused" "$TAMGA" sign "${EC[@]}" --page 9 --rect 60,40,300,100 -o off.pdf plain.pdf
expect 3 "a missing font file is an error" "$TAMGA" sign "${EC[@]}" --font /nonexistent/font.ttf -o f.pdf plain.pdf

# ------------------------------------------------------------ errors change nothing
qpdf --encrypt user owner 256 -- plain.pdf encrypted.pdf
expect 3 "an encrypted PDF is refused" "$TAMGA" sign "${EC[@]}" -o enc-out.pdf encrypted.pdf
has "the refusal says encrypted" err.txt 'encrypted'
[ ! -e enc-out.pdf ] && ok "no output for an encrypted PDF" || not_ok "no output for an encrypted PDF"
echo 'not a pdf' > text.pdf
expect 3 "a non-PDF is refused" "$TAMGA" sign "${EC[@]}" -o t-out.pdf text.pdf
head -c 3000 plain.pdf > truncated.pdf
expect 3 "a truncated PDF is refused" "$TAMGA" sign "${EC[@]}" -o tr-out.pdf truncated.pdf
expect 3 "an existing output is not overwritten" "$TAMGA" sign "${EC[@]}" -o plain.signed.pdf plain.pdf
expect 0 "--force overwrites it" "$TAMGA" sign "${EC[@]}" --force -o invisible.pdf plain.pdf
cp plain.pdf same.pdf
expect 3 "the input is never the output" "$TAMGA" sign "${EC[@]}" --force -o same.pdf same.pdf
cmp -s plain.pdf same.pdf && ok "the input is untouched" || not_ok "the input is untouched"
echo wrong-passphrase > wrong.pass
expect 3 "a wrong key passphrase is refused" "$TAMGA" sign --key ec.key --pass-file wrong.pass --cert ec.crt -o w.pdf plain.pdf
has "the refusal names the passphrase" err.txt 'passphrase'
expect 3 "a key that does not match the certificate" "$TAMGA" sign --key rsa.key --cert ec.crt -o m.pdf plain.pdf
expect 3 "B-T needs --tsa" "$TAMGA" sign "${EC[@]}" --level B-T -o bt.pdf plain.pdf
expect 3 "--tsa at level B-B is a contradiction" "$TAMGA" sign "${EC[@]}" --level B-B --tsa http://127.0.0.1:9/ -o bt.pdf plain.pdf
expect 3 "an unreachable TSA is an error, and nothing is written" "$TAMGA" sign "${EC[@]}" --tsa http://127.0.0.1:9/ -o bt.pdf plain.pdf
[ ! -e bt.pdf ] && ok "no output without the time-stamp" || not_ok "no output without the time-stamp"

# ------------------------------------------------------------ B-T with a TSA on 127.0.0.1
openssl pkey -in ca/private/tsa.key -passin file:ca.pass -out tsa.key
mkdir -p tsa; python3 "$TAMGA_ROOT/tests/tools/tsa_server.py" serve --cert ca/tsa.crt --key tsa.key --chain ca/issuing.crt --dir tsa \
    --port-file tsa.port > tsa.log 2>&1 &
tsa_pid=$!
trap 'kill $tsa_pid 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s tsa.port ] && break; sleep 0.1; done
port=$(cat tsa.port 2>/dev/null)
expect 0 "sign at B-T with a time-stamp" "$TAMGA" sign "${EC[@]}" --tsa "http://127.0.0.1:$port/" -o bt.pdf letter.pdf
pdf_check bt.pdf
has "the B-T signature is valid in pdfsig" check.txt '^result: PASS$'
cms_of bt.pdf bt.der
openssl cms -cmsout -print -inform DER -in bt.der > bt.txt 2>&1
has "the CMS carries a signature time-stamp token" bt.txt 'id-smime-aa-timeStampToken'
kill $tsa_pid 2>/dev/null
