# tests/cli/browser.sh - end to end, as people use it, in a real browser:
# an agency signs a PDF over tamgad's sign API (curl), poppler's pdftoppm and
# zbar's zbarimg read the QR code off the rendered page, and Debian's chromium,
# driven by npm's playwright-core (tests/cli/browser.mjs), opens that URL on the
# verify role: the Mongolian page, the switch to English, a phone-sized viewport
# without horizontal scrolling, revocation through the API and a reload, the
# page's upload form with tampered and genuine copies, unknown and malformed
# codes, and hostile input echoed as text, never as markup.  All on 127.0.0.1.
#
# Needs (scripts/deps.sh test): chromium, nodejs with npm, curl, python3,
# poppler-utils, zbar-tools.  playwright-core (pinned below) is installed by
# this test with npm into $TAMGA_NODE_CACHE (default build/node under the
# repository, ignored by git) when it is not there yet; no browser is ever
# downloaded (it drives /usr/bin/chromium).  Without npm or the npm registry
# the test fails, it does not skip.
#
# Artefacts: a full-page screenshot of every state the browser saw, NAME.png
# in $TAMGA_BUILD/artefacts/e2e/ (emptied at the start of each run), where
# NAME is the page's name in the TAP lines (valid-mn, revoked-en-360, ...).
. "$TAMGA_ROOT/tests/lib.sh"
TAMGAD=$TAMGA_BUILD/bin/tamgad
MKPDF=$TAMGA_ROOT/bench/mkpdf.py
ATK=$TAMGA_ROOT/tests/tools/pdf_attacks.py
PW_VERSION=1.64.1
NODE_CACHE=${TAMGA_NODE_CACHE:-$TAMGA_ROOT/build/node}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ART=$TAMGA_BUILD/artefacts/e2e
export CHROMIUM
T_START=$SECONDS

for t in curl python3 pdftoppm zbarimg node npm "$CHROMIUM"; do
    command -v "$t" > /dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
[ -x "$TAMGAD" ] || { not_ok "tamgad is built ($TAMGAD)"; exit 1; }

# ------------------------------------------------------------ playwright-core
pw_version() { node -p "require('$NODE_CACHE/node_modules/playwright-core/package.json').version" 2> /dev/null; }
t=$SECONDS
if [ "$(pw_version)" = "$PW_VERSION" ]; then
    ok "playwright-core $PW_VERSION is in $NODE_CACHE (cached)"
else
    mkdir -p "$NODE_CACHE"
    timeout 300 npm install --prefix "$NODE_CACHE" "playwright-core@$PW_VERSION" --no-save --no-audit --no-fund --fetch-retry-mintimeout=1000 --fetch-retry-maxtimeout=5000 \
        --loglevel=error > npm.log 2>&1
    if [ "$(pw_version)" = "$PW_VERSION" ]; then
        ok "npm installed playwright-core $PW_VERSION into $NODE_CACHE ($((SECONDS - t))s)"
    else
        not_ok "npm installs playwright-core $PW_VERSION into $NODE_CACHE (is the npm registry reachable?)"
        sed 's/^/# npm: /' npm.log | tail -20
        exit 1
    fi
fi

mkdir -p "$ART" pages
rm -f "$ART"/*.png

# Cleanup: the tamgad processes by PID, then the browser (end of input lets
# browser.mjs close chromium; SIGTERM if it does not).
PIDS=()
BRPID=  # node's pid (bash unsets BR_PID once the coprocess is reaped)
cleanup() {
    set +u
    for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null; done
    if [ -n "$BRPID" ]; then
        [ -n "${BR[1]}" ] && eval "exec ${BR[1]}>&-"
        for _ in $(seq 50); do kill -0 "$BRPID" 2> /dev/null || break; sleep 0.1; done
        kill "$BRPID" 2> /dev/null
    fi
    wait 2> /dev/null
}
trap cleanup EXIT

# start NAME ARGS... : tamgad in the background, wait for "listening on URL"
# on its standard error; sets NAME_url (empty when it did not come up).
start() {
    local name=$1 pid url=""; shift
    "$TAMGAD" "$@" 2> "$name.log" &
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 200); do
        url=$(sed -n 's/^listening on //p' "$name.log" | head -1)
        [ -n "$url" ] && break
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.05
    done
    printf -v "${name}_url" %s "$url"
}
# http OUT ARGS... : curl, body in OUT, headers in OUT.h, status printed
http() { local out=$1; shift; curl -s -o "$out" -D "$out.h" -w '%{http_code}' "$@"; }
# header FILE NAME : a response header's value
header() { tr -d '\r' < "$1.h" | awk -v n="$(echo "$2" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == n { sub(/^[^:]*: /, ""); print; exit }'; }
status_is() { if [ "$3" = "$2" ]; then ok "$1"; else not_ok "$1 (status $3, expected $2)"; sed 's/^/# /' "$4" 2> /dev/null | head -5; fi; }

# ------------------------------------------------------------ PKI, agency, token
AGENCY='Улсын бүртгэлийн ерөнхий газар'
TITLE='Оршин суугаа газрын тодорхойлолт'
echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
{
    "$TAMGA" pki init --dir ca --ca-pass-file ca.pass &&
    "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn "$AGENCY" --out agency &&
    "$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --ca root --out root.crl &&
    "$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --ca issuing --out issuing.crl
} > pki.log 2>&1
[ -s agency.key ] && [ -s root.crl ] && [ -s issuing.crl ] && ok "test PKI: CA, agency signer, CRLs" \
    || { not_ok "test PKI: CA, agency signer, CRLs"; sed 's/^/# /' pki.log | tail -10; exit 1; }
D=$PWD/data
"$TAMGA" registry token add --data "$D" --agency "$AGENCY" --key agency.key --cert agency.crt \
    --chain agency-chain.pem --pass-file key.pass > token.out 2>&1
TOKEN=$(tail -n 1 token.out)
case $TOKEN in
    tmg_*) ok "tamga registry token add registers the agency and prints a token" ;;
    *) not_ok "tamga registry token add registers the agency and prints a token"; sed 's/^/# /' token.out; exit 1 ;;
esac

# ------------------------------------------------------------ both roles on 127.0.0.1
# The verify role's port is chosen first, so that the sign role's --verify-url
# (what the QR codes hold) is the address the browser will open.
for _ in 1 2 3; do
    VPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    V=http://127.0.0.1:$VPORT
    start ver --role verify --listen "127.0.0.1:$VPORT" --data "$D" --trust ca/root.crt --crl root.crl \
        --crl issuing.crl --offline --verify-url "$V" --threads 2
    [ -n "$ver_url" ] && break
done
[ "$ver_url" = "$V" ] && ok "verify role listens on $V" || { not_ok "verify role listens on $V ('$ver_url')"; sed 's/^/# /' ver.log; exit 1; }
start sign --role sign --listen 127.0.0.1:0 --data "$D" --pass-file key.pass --verify-url "$V" --threads 2
[ -n "$sign_url" ] && ok "sign role listens on $sign_url" || { not_ok "sign role is listening"; sed 's/^/# /' sign.log; exit 1; }

# ------------------------------------------------------------ sign over the API
python3 "$MKPDF" 1 doc.pdf
qtitle=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$TITLE")
s=$(http signed.pdf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/pdf' --data-binary @doc.pdf \
    "$sign_url/api/v1/sign?title=$qtitle&doc_type=reference")
status_is "POST /api/v1/sign: 201" 201 "$s" signed.pdf
CODE=$(header signed.pdf X-Document-Code)
LOC=$(header signed.pdf Location)
COMPACT=${CODE//-/}
[[ $CODE =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$ ]] && ok "X-Document-Code is a printed code ($CODE)" \
    || not_ok "X-Document-Code is a printed code ('$CODE')"
[ "$LOC" = "$V/v/$COMPACT" ] && ok "Location is the verification URL ($LOC)" || not_ok "Location is the verification URL ('$LOC')"
head -c 5 signed.pdf | grep -q '^%PDF-' && ok "the answer body is the signed PDF" || not_ok "the answer body is the signed PDF"

# ------------------------------------------------------------ the QR code on paper
pdftoppm -r 150 -png -f 1 -l 1 signed.pdf page > /dev/null 2>&1
zbarimg --raw -q page*.png > qr.txt 2> /dev/null
QR=$(head -n 1 qr.txt)
if [ -n "$LOC" ] && [ "$QR" = "$LOC" ]; then ok "the QR code on page 1 decodes to the Location URL"
else not_ok "the QR code on page 1 decodes to the Location URL (QR '$QR', Location '$LOC')"; fi
[ -n "$QR" ] || QR=$LOC

# ------------------------------------------------------------ the browser
coproc BR { exec node "$TAMGA_ROOT/tests/cli/browser.mjs" "$NODE_CACHE" "$PWD/pages" "$ART" 2> browser.log; }
BRPID=$BR_PID
t=$SECONDS
reply=
read -r -t 90 -u "${BR[0]}" reply
case $reply in
    "ready "*) ok "chromium $("$CHROMIUM" --version 2> /dev/null | awk '{print $2}') started headless through playwright-core (${reply#ready } ms)" ;;
    *) not_ok "chromium starts through playwright-core ($reply)"; sed 's/^/# /' browser.log | tail -20; exit 1 ;;
esac

# br VERB NAME ARG : one browser command; ok when the browser reached the page
br() {
    local reply=
    if [ -z "${BR[1]:-}" ] || ! printf '%s\t%s\t%s\n' "$1" "$2" "$3" >&"${BR[1]}" ||
        ! read -r -t 90 -u "${BR[0]}" reply; then
        reply="no answer from the browser"
    fi
    [ "$1" = viewport ] && [ "$reply" = "done -" ] && return 0
    if [ "$reply" = "done $2" ]; then ok "browser: $1 $2 ($3)"
    else not_ok "browser: $1 $2 ($3): $reply"; sed 's/^/# /' browser.log | tail -5; fi
}
# meta NAME KEY : a recorded fact of the page NAME (first value)
meta() { sed -n "s/^$2=//p" "pages/$1.meta" 2> /dev/null | head -n 1; }
# says NAME TEXT... : ok when the rendered text of NAME has each TEXT
says() {
    local n=$1 t; shift
    for t in "$@"; do
        if grep -qF -- "$t" "pages/$n.txt" 2> /dev/null; then ok "$n says '$t'"
        else not_ok "$n says '$t' (url $(meta "$n" url), status $(meta "$n" status))"; sed 's/^/#   /' "pages/$n.txt" 2> /dev/null | head -30; fi
    done
}
# lacks NAME TEXT... : ok when it has none
lacks() {
    local n=$1 t; shift
    for t in "$@"; do
        if [ -f "pages/$n.txt" ] && ! grep -qF -- "$t" "pages/$n.txt"; then ok "$n does not say '$t'"
        else not_ok "$n does not say '$t'"; grep -F -- "$t" "pages/$n.txt" 2> /dev/null | sed 's/^/#   /' | head -3; fi
    done
}
# is NAME KEY WANT : a recorded fact equals WANT
is() {
    local got; got=$(meta "$1" "$2")
    if [ "$got" = "$3" ]; then ok "$1: $2 is $3"; else not_ok "$1: $2 is $3 (got '$got')"; fi
}
# banner NAME N WORD : the N-th status banner (1 = top) says WORD
banner() {
    local got; got=$(sed -n 's/^banner=//p' "pages/$1.meta" 2> /dev/null | sed -n "$2p")
    if [ "$got" = "$3" ]; then ok "$1: banner $2 is '$3'"
    else not_ok "$1: banner $2 is '$3' (banners: $(sed -n 's/^banner=//p' "pages/$1.meta" 2> /dev/null | paste -sd '|'))"; fi
}
# nobanner NAME WORD : no status banner says WORD
nobanner() {
    if [ -f "pages/$1.meta" ] && ! grep -qxF "banner=$2" "pages/$1.meta"; then ok "$1: no banner says '$2'"
    else not_ok "$1: no banner says '$2'"; fi
}
# clean NAME : no console errors (CSP violations, ...), no script, no dialog.
# Chromium logs every 4xx page as "Failed to load resource"; the status is
# judged on its own, so that line is not counted here.
clean() {
    local f="pages/$1.meta"
    if [ -f "$f" ] && ! grep '^console=' "$f" | grep -qv 'Failed to load resource: the server responded with a status of 4' &&
        [ "$(meta "$1" scripts)" = 0 ] && [ "$(meta "$1" dialogs)" = 0 ]; then ok "$1: no console error, no script, no dialog"
    else not_ok "$1: no console error, no script, no dialog"; grep -E '^(console|scripts|dialogs)=' "$f" 2> /dev/null | sed 's/^/#   /' | head -5; fi
}
# narrow NAME : no horizontal scrolling at the 360 px viewport
narrow() {
    local w; w=$(meta "$1" scrollWidth)
    if [ -n "$w" ] && [ "$(meta "$1" innerWidth)" = 360 ] && [ "$w" -le 360 ]; then ok "$1: no horizontal scroll at 360x800 (scrollWidth $w)"
    else not_ok "$1: no horizontal scroll at 360x800 (scrollWidth '$w', innerWidth '$(meta "$1" innerWidth)')"; fi
}

# ------------------------------------------------------------ the valid document
br open valid-mn "$QR"
is valid-mn status 200
is valid-mn lang mn
banner valid-mn 1 ХҮЧИНТЭЙ
says valid-mn "$CODE" "$AGENCY" "$TITLE" Лавлагаа "Олгосон байгууллага" "Гарын үсэгтэй эх хувийг татах"
lacks valid-mn "ХҮЧИНГҮЙ"
clean valid-mn
br click valid-en 'header a[hreflang=en]'
is valid-en url "$QR?lang=en"
is valid-en lang en
banner valid-en 1 VALID
says valid-en "$CODE" "$AGENCY" "$TITLE" Reference "Issuing agency" "Download the signed original"
lacks valid-en ХҮЧИНТЭЙ "Олгосон байгууллага"
clean valid-en
br download copy 'a[download]'
cmp -s pages/copy.download signed.pdf && ok "the page's download link gives the signed file the agency got" \
    || not_ok "the page's download link gives the signed file the agency got"
is copy filename "$COMPACT.pdf"
br click valid-mn-back 'header a[hreflang=mn]'
is valid-mn-back lang mn
br viewport - 360x800
br open valid-mn-360 "$QR"
narrow valid-mn-360
br open valid-en-360 "$QR?lang=en"
narrow valid-en-360
br viewport - 1280x900
br open valid-mn-again "$QR"

# ------------------------------------------------------------ revoke through the API, reload
REASON='Мэдээлэл буруу бүртгэгдсэн <b>тул</b> хүчингүй & "дахин" олгоно'
python3 -c 'import json, sys; print(json.dumps({"reason": sys.argv[1]}))' "$REASON" > revoke.json
s=$(http revoke.out -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @revoke.json \
    "$sign_url/api/v1/documents/$COMPACT/revoke")
status_is "POST /api/v1/documents/$COMPACT/revoke: 200" 200 "$s" revoke.out
grep -q '"status": "revoked"' revoke.out && ok "the revoke answer says revoked" || { not_ok "the revoke answer says revoked"; sed 's/^/# /' revoke.out; }
br reload revoked-mn -
is revoked-mn status 200
is revoked-mn url "$QR"
banner revoked-mn 1 "ХҮЧИНГҮЙ БОЛСОН"
says revoked-mn "$REASON" "Хүчингүй болгосон огноо" Шалтгаан "$CODE"
lacks revoked-mn ХҮЧИНТЭЙ
if grep -q '<b>тул' "pages/revoked-mn.dom.html" 2> /dev/null; then not_ok "revoked-mn: the reason's markup is text, not markup"
else ok "revoked-mn: the reason's markup is text, not markup"; fi
clean revoked-mn
br click revoked-en 'header a[hreflang=en]'
is revoked-en lang en
banner revoked-en 1 REVOKED
says revoked-en "$REASON" "Revoked on" Reason "It can no longer be used"
lacks revoked-en VALID
br viewport - 360x800
br reload revoked-en-360 -
narrow revoked-en-360
br open revoked-mn-360 "$QR"
narrow revoked-mn-360
br viewport - 1280x900

# ------------------------------------------------------------ copies uploaded through the page's form
python3 "$ATK" tamper-text signed.pdf tampered.pdf > atk.log 2>&1 &&
    python3 "$ATK" isa-replace signed.pdf isa.pdf --text 'Forged text' >> atk.log 2>&1 &&
    ! cmp -s signed.pdf tampered.pdf && ok "tampered copies made (a letter changed in a content stream; an incremental update)" \
    || { not_ok "tampered copies made"; sed 's/^/# /' atk.log; }
cp signed.pdf "$COMPACT.pdf"

br open upload-page-mn "$QR"
br upload tampered-mn "$PWD/tampered.pdf"
is tampered-mn status 200
is tampered-mn lang mn
banner tampered-mn 1 "АНХААР: ЭНЭ БАРИМТЫГ ХҮЧИНГҮЙ БОЛГОСОН"
banner tampered-mn 2 Хүчингүй
nobanner tampered-mn Баталгаажсан
says tampered-mn "Гарын үсэг зурсны дараа баримтыг өөрчилсөн байна." "Таны оруулсан файл бүртгэлтэй эх хувиас ялгаатай байна."
lacks tampered-mn "Таны оруулсан файл бүртгэлтэй эх хувьтай яг ижил байна."
clean tampered-mn

br open upload-page-en "$QR?lang=en"
br upload isa-en "$PWD/isa.pdf"
is isa-en lang en
banner isa-en 1 "WARNING: THIS DOCUMENT HAS BEEN REVOKED"
banner isa-en 2 "Not valid"
nobanner isa-en Verified
says isa-en "Do not rely on this document." "The file you uploaded is not the same as the registered original."
lacks isa-en "The file you uploaded is exactly the registered original." "The document is authentic and unchanged"

br open upload-page-mn2 "$QR"
br upload genuine-mn "$PWD/$COMPACT.pdf"
is genuine-mn status 200
banner genuine-mn 1 "АНХААР: ЭНЭ БАРИМТЫГ ХҮЧИНГҮЙ БОЛГОСОН"
says genuine-mn "Таны оруулсан файл бүртгэлтэй эх хувьтай яг ижил байна." "ХҮЧИНГҮЙ БОЛСОН" "$REASON" "$AGENCY" "$TITLE"
lacks genuine-mn "бүртгэлтэй эх хувиас ялгаатай"
clean genuine-mn
# The result page's language link: a citizen reading the result switches language.
br click genuine-lang 'header a[hreflang=en]'
s=$(meta genuine-lang status)
[ -n "$s" ] && [ "$s" -lt 400 ] && ok "the result page's English link leads to a page, not an error (status $s, $(meta genuine-lang url))" \
    || not_ok "the result page's English link leads to a page, not an error (status '$s', $(meta genuine-lang url): $(head -c 200 pages/genuine-lang.txt 2> /dev/null | tr '\n' ' '))"

br viewport - 360x800
br open upload-page-en-360 "$QR?lang=en"
br upload genuine-en-360 "$PWD/$COMPACT.pdf"
is genuine-en-360 lang en
banner genuine-en-360 1 "WARNING: THIS DOCUMENT HAS BEEN REVOKED"
says genuine-en-360 "The file you uploaded is exactly the registered original." REVOKED "$REASON"
narrow genuine-en-360
br viewport - 1280x900

# ------------------------------------------------------------ unknown and malformed codes
br open unknown-mn "$V/v/0000-0000-0000-0000-0"
is unknown-mn status 404
banner unknown-mn 1 "ҮЛ МЭДЭГДЭХ КОД"
says unknown-mn "Энэ кодтой баримт бичгийг энэхүү үйлчилгээгээр олгоогүй байна." "0000-0000-0000-0000-0"
clean unknown-mn
br open unknown-en "$V/v/0000-0000-0000-0000-0?lang=en"
banner unknown-en 1 "UNKNOWN CODE"
says unknown-en "No document with this code was issued through this service." "contact the agency"
# /v/0000: too short to be a code; either helpful page will do, never an error page.
br open short-mn "$V/v/0000"
s=$(meta short-mn status)
b=$(sed -n 's/^banner=//p' pages/short-mn.meta 2> /dev/null | head -1)
case "$s:$b" in
    "400:ЭНЭ НЬ БАРИМТЫН КОД БИШ" | "404:ҮЛ МЭДЭГДЭХ КОД") ok "/v/0000 gets the helpful page ($s, $b)" ;;
    *) not_ok "/v/0000 gets the helpful page (status '$s', banner '$b')" ;;
esac
grep -q 'name="code"' pages/short-mn.dom.html 2> /dev/null && ok "short-mn offers the code form again" || not_ok "short-mn offers the code form again"

br open malformed-mn "$V/v/hello<script>"
is malformed-mn status 400
is malformed-mn lang mn
banner malformed-mn 1 "ЭНЭ НЬ БАРИМТЫН КОД БИШ"
says malformed-mn "hello<script>" "XXXX-XXXX-XXXX-XXXX-X"
clean malformed-mn
# inject NAME : the page holds no markup made of the input: no <script or <img
# in the DOM or the bytes sent ("<" of the input arrives as &lt;), no such
# element and no on* handler attribute in the DOM
inject() {
    local f bad=
    for f in "pages/$1.dom.html" "pages/$1.raw.html"; do
        [ -f "$f" ] || { bad="$bad no $f;"; continue; }
        grep -qiE '<(script|img|b>тул)' "$f" && bad="$bad $(grep -oiE '.{0,30}<(script|img|b>).{0,30}' "$f" | head -2 | tr '\n' ' ');"
    done
    [ "$(meta "$1" imgs):$(meta "$1" handlers)" = 0:0 ] || bad="$bad imgs=$(meta "$1" imgs) handlers=$(meta "$1" handlers);"
    if [ -z "$bad" ]; then ok "$1: the input is escaped (no <script>, <img> or handler in the DOM or the bytes sent)"
    else not_ok "$1: the input is escaped:$bad"; fi
}
inject malformed-mn
grep -qF 'hello&lt;script&gt;' pages/malformed-mn.raw.html 2> /dev/null && ok "malformed-mn: the echo is sent as hello&lt;script&gt;" \
    || not_ok "malformed-mn: the echo is sent as hello&lt;script&gt;"
br open malformed-en "$V/v/x\"><img src=x onerror=alert(1)>?lang=en"
is malformed-en status 400
banner malformed-en 1 "NOT A DOCUMENT CODE"
says malformed-en 'x"><img src=x onerror=alert(1)>'
inject malformed-en
clean malformed-en
br viewport - 360x800
br open malformed-mn-360 "$V/v/hello<script>"
narrow malformed-mn-360
br open unknown-mn-360 "$V/v/0000-0000-0000-0000-0"
narrow unknown-mn-360
br viewport - 1280x900

# The page's own code field, as a citizen without a camera would use it.
br open form-page "$V/v/0000-0000-0000-0000-0"
br type typed-hostile 'hello<script>alert(1)</script>'
inject typed-hostile
clean typed-hostile
banner typed-hostile 1 "ЭНЭ НЬ БАРИМТЫН КОД БИШ"
says typed-hostile 'hello<script>alert(1)</script>'
br open form-page2 "$V/v/0000-0000-0000-0000-0"
br type typed-code "$(echo "$CODE" | tr 'A-Z' 'a-z')"
banner typed-code 1 "ХҮЧИНГҮЙ БОЛСОН"
says typed-code "$CODE" "$REASON"

echo "# artefacts: $(ls "$ART" | wc -l) screenshots in $ART"
echo "# took $((SECONDS - T_START))s"
