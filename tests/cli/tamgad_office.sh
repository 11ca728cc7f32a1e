# tests/cli/tamgad_office.sh - office documents (DOCX, XLSX, ODT) through
# tamgad on 127.0.0.1, judged by independent tools: the media types of
# ECMA-376 Part 1 / ODF 1.2 Part 1 (a table here, not tamga's), tamga
# verify and xmlsec1 (../shared/oracles/xmlsec_verify.py) on the returned
# files, LibreOffice + pdftoppm + zbarimg for the QR code, curl for status
# and headers, python3's json and zipfile modules, sqlite3 for the registry.
. "$TAMGA_ROOT/tests/lib.sh"
ORACLES=$TAMGA_SHARED/oracles
OFFICE=$TAMGA_ROOT/tests/data/office
for t in curl python3 soffice pdftoppm zbarimg xmlsec1 sqlite3; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
[ -f "$ORACLES/xmlsec_verify.py" ] || { not_ok "the xmlsec oracle at $ORACLES"; exit 1; }

. "$TAMGA_ROOT/tests/lib_server.sh"

# The media types the standards register (ECMA-376 Part 1 / ISO 29500 for
# OOXML, OASIS ODF 1.2 Part 1 appendix C for ODF): what the answers must say.
declare -A MEDIA=(
    [docx]=application/vnd.openxmlformats-officedocument.wordprocessingml.document
    [xlsx]=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
    [odt]=application/vnd.oasis.opendocument.text
)
DOCS="reference.docx table.xlsx reference.odt"
cp "$OFFICE/reference.docx" "$OFFICE/table.xlsx" "$OFFICE/reference.odt" .

# ------------------------------------------------------------ PKI, agency, token, roles
echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Улсын бүртгэлийн ерөнхий газар' \
    --out a1 > /dev/null
"$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --ca root --out root.crl > /dev/null
"$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --ca issuing --out issuing.crl > /dev/null
D=$PWD/data
"$TAMGA" registry token add --data "$D" --agency 'Улсын бүртгэлийн ерөнхий газар' --key a1.key --cert a1.crt \
    --chain a1-chain.pem --pass-file key.pass > token.out 2>&1
T1=$(tail -n 1 token.out)
case $T1 in tmg_*) ok "test PKI and an agency token" ;; *) not_ok "test PKI and an agency token"; sed 's/^/# /' token.out; exit 1 ;; esac

VERIFY_URL=http://verify.example.mn
start sign --role sign --listen 127.0.0.1:0 --data "$D" --pass-file key.pass --verify-url "$VERIFY_URL" --threads 2
start ver --role verify --listen 127.0.0.1:0 --data "$D" --trust ca/root.crt --crl root.crl --crl issuing.crl \
    --offline --threads 2 --verify-url "$VERIFY_URL"
[ -n "$sign_url" ] && ok "sign role is listening" || { not_ok "sign role is listening"; sed 's/^/# /' sign.log; exit 1; }
[ -n "$ver_url" ] && ok "verify role is listening" || { not_ok "verify role is listening"; sed 's/^/# /' ver.log; exit 1; }

# ------------------------------------------------------------ sign: raw body and multipart
# signed_ok OUT EXT HOW : the answer is 201 with the document's own type and name.
signed_ok() {
    local out=$1 ext=$2 how=$3 code compact loc ct cd
    code=$(header "$out" X-Document-Code)
    compact=$(echo "$code" | tr -d -)
    loc=$(header "$out" Location)
    ct=$(header "$out" Content-Type)
    cd=$(header "$out" Content-Disposition)
    [[ $code =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$ ]] && ok "$how $ext: X-Document-Code $code" \
        || not_ok "$how $ext: X-Document-Code ('$code')"
    [ "$loc" = "$VERIFY_URL/v/$compact" ] && ok "$how $ext: Location is the verification URL" \
        || not_ok "$how $ext: Location is the verification URL ('$loc')"
    [ "$ct" = "${MEDIA[$ext]}" ] && ok "$how $ext: Content-Type is ${MEDIA[$ext]}" \
        || not_ok "$how $ext: Content-Type is ${MEDIA[$ext]} (got '$ct')"
    [[ $cd =~ ^attachment\;\ filename=\"?$compact\.$ext\"?$ ]] && ok "$how $ext: the download is named $compact.$ext" \
        || not_ok "$how $ext: the download is named $compact.$ext ('$cd')"
    echo "$code" > "$out.code"
    echo "$loc" > "$out.url"
}

SIGNED=""
for f in $DOCS; do
    ext=${f##*.}
    s=$(http "raw-$f" -H "Authorization: Bearer $T1" -H "Content-Type: ${MEDIA[$ext]}" -H 'X-Document-Type: reference' \
        --data-binary @"$f" "$sign_url/api/v1/sign?title=Office%20$ext")
    status_is "POST /api/v1/sign, raw $ext: 201" 201 "$s"
    [ "$s" = 201 ] || { sed 's/^/# /' "raw-$f"; continue; }
    signed_ok "raw-$f" "$ext" raw
    s=$(http "mp-$f" -H "Authorization: Bearer $T1" -F "document=@$f;type=${MEDIA[$ext]}" "$sign_url/api/v1/sign")
    status_is "POST /api/v1/sign, multipart $ext: 201" 201 "$s"
    [ "$s" = 201 ] || { sed 's/^/# /' "mp-$f"; continue; }
    signed_ok "mp-$f" "$ext" multipart
    SIGNED="$SIGNED raw-$f mp-$f"
done

# ------------------------------------------------------------ the returned files verify
for f in $SIGNED; do
    expect 0 "tamga verify: $f is TOTAL-PASSED" "$TAMGA" verify --offline --trust ca/root.crt --crl root.crl \
        --crl issuing.crl "$f"
    has "tamga verify: $f names TOTAL-PASSED" out.txt 'TOTAL-PASSED'
done
# shellcheck disable=SC2086
/usr/bin/python3 "$ORACLES/xmlsec_verify.py" --trust ca/root.crt --cert ca/issuing.crt $SIGNED > xs.txt 2> xs.err
for f in $SIGNED; do
    has "xmlsec1: $f passes (references, SignatureValue, chain)" xs.txt "\"file\": \"$f\", \"summary\": true, .*\"pass\": true"
done
n=$(sqlite3 "$D/registry.db" "select group_concat(format, ' ') from (select format from documents order by rowid)" 2>/dev/null)
[ "$n" = "ooxml ooxml ooxml ooxml odf odf" ] && ok "the registry rows name the formats ($n)" \
    || not_ok "the registry rows name the formats ooxml x4, odf x2 ('$n')"

# ------------------------------------------------------------ the QR code, through LibreOffice
# One soffice run for all three (each start costs seconds); the copies are
# named by extension, since reference.docx and reference.odt would both
# become reference.pdf.
mkdir -p render
for f in $DOCS; do cp "raw-$f" "render/${f##*.}.${f##*.}"; done
(cd render && HOME=$PWD/home soffice -env:UserInstallation="file://$PWD/lo-profile" --headless --convert-to pdf \
    --outdir . docx.docx xlsx.xlsx odt.odt > convert.log 2>&1)
for f in $DOCS; do
    pdf=render/${f##*.}.pdf
    [ -s "$pdf" ] || { not_ok "LibreOffice renders raw-$f"; sed 's/^/# /' render/convert.log | tail -5; continue; }
    rm -f page-*.png
    pdftoppm -r 150 -png -f 1 -l 1 "$pdf" page > /dev/null 2>&1
    zbarimg -q --raw page-*.png > qr.txt 2>/dev/null
    if [ -s qr.txt ] && cmp -s qr.txt "raw-$f.url"; then ok "raw-$f: the QR code scans to the verify role's /v/{code}"
    else not_ok "raw-$f: the QR code scans to $(cat "raw-$f.url")"; sed 's/^/# qr: /' qr.txt; fi
done

# ------------------------------------------------------------ the verify role
for f in $DOCS; do
    [ -f "raw-$f.code" ] || continue
    ext=${f##*.}
    compact=$(tr -d - < "raw-$f.code")
    s=$(http "page-$f.html" "$ver_url/v/$compact")
    status_is "GET /v/{code} ($ext): 200" 200 "$s"
    has "$ext: the citizen page is Mongolian by default" "page-$f.html" '<html lang="mn"'
    has "$ext: ... and says the document is valid (ХҮЧИНТЭЙ)" "page-$f.html" 'ХҮЧИНТЭЙ'
    hasnt "$ext: ... and not revoked" "page-$f.html" 'ХҮЧИНГҮЙ'
    s=$(http "copy-$f" "$ver_url/v/$compact/document")
    status_is "GET /v/{code}/document ($ext): 200" 200 "$s"
    cmp -s "copy-$f" "raw-$f" && ok "$ext: the registered copy is the file the agency got" \
        || not_ok "$ext: the registered copy is the file the agency got"
    [ "$(header "copy-$f" Content-Type)" = "${MEDIA[$ext]}" ] && ok "$ext: the copy's Content-Type is ${MEDIA[$ext]}" \
        || not_ok "$ext: the copy's Content-Type is ${MEDIA[$ext]} ('$(header "copy-$f" Content-Type)')"
    has "$ext: the copy is an attachment named CODE.$ext" "copy-$f.h" "^Content-Disposition: attachment; filename=\"?$compact\\.$ext\"?"
done

# POST /api/v1/verify with the signed DOCX: the JSON report
docx_code=$(cat raw-reference.docx.code 2>/dev/null)
s=$(http rep.json -H "Content-Type: ${MEDIA[docx]}" --data-binary @raw-reference.docx "$ver_url/api/v1/verify")
status_is "POST /api/v1/verify (DOCX): 200" 200 "$s"
[ "$(json rep.json '(j["format"], j["verdict"])')" = "('ooxml', 'TOTAL-PASSED')" ] \
    && ok "report: format ooxml, TOTAL-PASSED" || { not_ok "report: format ooxml, TOTAL-PASSED"; head -c 1500 rep.json | sed 's/^/# /'; }
# The code the sign role announced, found in the signature's signed content
# (SignatureComments), then the registry's word on it, as tests/cli/tamgad.sh
# does for a PDF.
[ "$(json rep.json 'j["document_code"]')" = "$docx_code" ] && ok "report: document_code is $docx_code" \
    || not_ok "report: document_code is $docx_code (got $(json rep.json 'j["document_code"]'))"
[ "$(json rep.json '(j["registry"]["status"], j["registry"]["matches_registered_copy"])')" = "('valid', True)" ] \
    && ok "report: registry valid, same as the copy" || not_ok "report: registry valid, same as the copy"

# A tampered DOCX: word/document.xml changed, everything else as signed.
python3 - raw-reference.docx tampered.docx <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
    for info in zi.infolist():
        data = zi.read(info)
        if info.filename == "word/document.xml":
            i = data.index(b"<w:t>") + 5
            data = data[:i] + b"Forged " + data[i:]
        zo.writestr(info, data)
PY
s=$(http rep2.json -F 'document=@tampered.docx' "$ver_url/api/v1/verify")
status_is "POST /api/v1/verify of a tampered DOCX: 200" 200 "$s"
[ "$(json rep2.json 'j["verdict"]')" = TOTAL-FAILED ] && ok "a tampered DOCX is TOTAL-FAILED" \
    || { not_ok "a tampered DOCX is TOTAL-FAILED ($(json rep2.json 'j["verdict"]'))"; head -c 1500 rep2.json | sed 's/^/# /'; }

# ------------------------------------------------------------ a ZIP that is no office document
python3 -c 'import zipfile
with zipfile.ZipFile("plain.zip", "w") as z:
    z.writestr("notes.txt", "just a zip\n")
    z.writestr("data/table.csv", "a,b\n1,2\n")'
n_before=$(sqlite3 "$D/registry.db" "select count(*) from documents" 2>/dev/null)
for how in raw multipart; do
    if [ $how = raw ]; then
        s=$(http zip-$how.json -H "Authorization: Bearer $T1" -H 'Content-Type: application/zip' --data-binary @plain.zip \
            "$sign_url/api/v1/sign")
    else
        s=$(http zip-$how.json -H "Authorization: Bearer $T1" -F 'document=@plain.zip' "$sign_url/api/v1/sign")
    fi
    [[ $s =~ ^4[0-9][0-9]$ ]] && ok "an unknown ZIP ($how) is refused with a 4xx ($s)" \
        || not_ok "an unknown ZIP ($how) is refused with a 4xx (status $s)"
    [ "$(header zip-$how.json Content-Type)" = application/json ] && msg=$(json zip-$how.json 'j["error"]') || msg=""
    [ -n "$msg" ] && ok "... as a JSON error that says why: $msg" || { not_ok "... as a JSON error"; sed 's/^/# /' zip-$how.json; }
done
n_after=$(sqlite3 "$D/registry.db" "select count(*) from documents" 2>/dev/null)
[ "$n_before" = "$n_after" ] && ok "nothing is registered for it ($n_after documents)" \
    || not_ok "nothing is registered for it ($n_before -> $n_after)"
