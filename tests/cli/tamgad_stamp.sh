# tamgad stamps each agency's documents with the agency's own stamp
# settings (tamga registry token add --caption/--placement/--no-stamp):
# judged by pdftotext per page (where the caption is), pdftoppm + zbarimg
# per page (where the QR code is) and tamga verify with the CA root and
# CRLs (the signature is valid either way).
. "$TAMGA_ROOT/tests/lib.sh"
MKPDF=$TAMGA_ROOT/bench/mkpdf.py
for t in curl python3 pdfinfo pdftoppm pdftotext zbarimg; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done

. "$TAMGA_ROOT/tests/lib_server.sh"

# ------------------------------------------------------------ PKI, agencies
echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Caption Agency' --out a1 > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Invisible Agency' --out a2 > /dev/null
"$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --ca root --out root.crl > /dev/null
"$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --ca issuing --out issuing.crl > /dev/null

D=$PWD/data
# token_add NAME KEYBASE [STAMP FLAGS...] : prints the token
token_add() {
    local name=$1 k=$2; shift 2
    "$TAMGA" registry token add --data "$D" --agency "$name" --key "$k.key" --cert "$k.crt" --chain "$k-chain.pem" \
        --pass-file key.pass "$@" > "token-$k.out" 2>&1 && tail -n 1 "token-$k.out"
}
T1=$(token_add 'Caption Agency' a1 --caption 'Тест газар' --caption 'Test Office' --placement last)
T2=$(token_add 'Invisible Agency' a2 --no-stamp)
case $T1 in tmg_*) ok "token add with --caption twice and --placement last" ;;
    *) not_ok "token add with --caption twice and --placement last"; sed 's/^/# /' token-a1.out ;; esac
case $T2 in tmg_*) ok "token add with --no-stamp" ;; *) not_ok "token add with --no-stamp"; sed 's/^/# /' token-a2.out ;; esac
expect 0 "agency show" "$TAMGA" registry agency show --data "$D" 'Caption Agency'
has "agency show: the last page" out.txt '^stamp +last page, bottom right$'
has "agency show: the first caption line" out.txt '^caption +Тест газар$'
has "agency show: the second caption line" out.txt '^caption +Test Office$'

python3 "$MKPDF" 3 three.pdf

start sign --role sign --listen 127.0.0.1:0 --data "$D" --pass-file key.pass --verify-url http://verify.example.mn
[ -n "$sign_url" ] && ok "sign role is listening" || { not_ok "sign role is listening"; sed 's/^/# /' sign.log; exit 1; }
has "the start-up log gives the caption agency's stamp" sign.log "agency 'Caption Agency': key .* loaded; stamp: last page, own caption$"
has "and the invisible one's" sign.log "agency 'Invisible Agency': key .* loaded; stamp: none$"

verify_ok() {
    expect 0 "$1" "$TAMGA" verify --offline --trust ca/root.crt --crl root.crl --crl issuing.crl "$2"
    has "$1: TOTAL-PASSED" out.txt 'TOTAL-PASSED'
}

# qr_pages FILE : the pages (1-based) whose rendering has a QR code
qr_pages() {
    local f=$1 p n
    n=$(pdfinfo "$f" 2>/dev/null | awk '$1 == "Pages:" { print $2 }')
    for p in $(seq "${n:-0}"); do
        rm -f qrpage*.png
        pdftoppm -r 150 -png -f "$p" -l "$p" "$f" qrpage > /dev/null 2>&1
        zbarimg -q --raw qrpage*.png > "qr-$p.txt" 2>/dev/null && echo "$p"
    done | paste -sd ' '
}

# ------------------------------------------------------------ caption, last page
s=$(http cap.pdf -H "Authorization: Bearer $T1" -H 'Content-Type: application/pdf' --data-binary @three.pdf \
    "$sign_url/api/v1/sign")
[ "$s" = 201 ] && ok "the caption agency's document is signed (201)" || { not_ok "caption agency: 201 (got $s)"; sed 's/^/# /' cap.pdf | head -5; }
loc=$(header cap.pdf Location)
pdftotext -f 3 -l 3 cap.pdf last.txt 2>/dev/null
pdftotext -f 1 -l 1 cap.pdf first.txt 2>/dev/null
has "the last page carries the first caption line" last.txt 'Тест газар'
has "and the second" last.txt 'Test Office'
hasnt "not the organisation from the certificate" last.txt 'Caption Agency'
hasnt "the first page has no caption" first.txt 'Тест газар|Digitally signed'
pages=$(qr_pages cap.pdf)
[ "$pages" = 3 ] && ok "a QR code on the last page only" || not_ok "a QR code on the last page only (pages: '$pages')"
has "the last page's QR code decodes to the Location URL" qr-3.txt "^$(printf %s "$loc" | sed 's/[.]/\\./g')\$"
verify_ok "the caption agency's document verifies" cap.pdf

# ------------------------------------------------------------ no stamp
s=$(http inv.pdf -H "Authorization: Bearer $T2" -H 'Content-Type: application/pdf' --data-binary @three.pdf \
    "$sign_url/api/v1/sign")
[ "$s" = 201 ] && ok "the no-stamp agency's document is signed (201)" || not_ok "no-stamp agency: 201 (got $s)"
[ -n "$(header inv.pdf X-Document-Code)" ] && ok "and registered with a code" || not_ok "and registered with a code"
pages=$(qr_pages inv.pdf)
[ -z "$pages" ] && ok "no QR code on any page" || not_ok "no QR code on any page (pages: '$pages')"
pdftotext inv.pdf inv.txt 2>/dev/null
hasnt "and no caption" inv.txt 'Digitally signed|Invisible Agency'
verify_ok "the invisible signature verifies" inv.pdf

# ------------------------------------------------------------ settings are read at start
"$TAMGA" registry token add --data "$D" --agency 'Invisible Agency' --key a2.key --cert a2.crt --chain a2-chain.pem \
    --pass-file key.pass --placement first > /dev/null 2>&1
s=$(http inv2.pdf -H "Authorization: Bearer $T2" -H 'Content-Type: application/pdf' --data-binary @three.pdf \
    "$sign_url/api/v1/sign")
pages=$(qr_pages inv2.pdf)
[ "$s" = 201 ] && [ -z "$pages" ] && ok "a change takes effect at the next start, not before" \
    || not_ok "a change takes effect at the next start ($s, pages '$pages')"
kill -TERM "$sign_pid"; wait "$sign_pid"
start sign2 --role sign --listen 127.0.0.1:0 --data "$D" --pass-file key.pass --verify-url http://verify.example.mn
s=$(http inv3.pdf -H "Authorization: Bearer $T2" -H 'Content-Type: application/pdf' --data-binary @three.pdf \
    "$sign2_url/api/v1/sign")
pages=$(qr_pages inv3.pdf)
[ "$s" = 201 ] && [ "$pages" = 1 ] && ok "after a restart: the default stamp on the first page" \
    || not_ok "after a restart: the default stamp on the first page ($s, pages '$pages')"
pdftotext -f 1 -l 1 inv3.pdf def.txt 2>/dev/null
has "with the organisation from the certificate" def.txt 'Invisible Agency'
kill -TERM "$sign2_pid"; wait "$sign2_pid"
