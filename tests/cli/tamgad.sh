# tamgad end to end on 127.0.0.1: the sign role signs and registers over
# HTTP, the verify role serves pages and the JSON API, and the answers are
# judged by independent tools: tamga verify on the returned file, curl for
# status codes and headers, python3's json module, pdftoppm + zbarimg for
# the QR code, sqlite3 for the registry rows.
. "$TAMGA_ROOT/tests/lib.sh"
TAMGAD=$TAMGA_BUILD/bin/tamgad
MKPDF=$TAMGA_ROOT/bench/mkpdf.py
for t in curl python3 pdftoppm zbarimg sqlite3; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done

. "$TAMGA_ROOT/tests/lib_server.sh"

# ------------------------------------------------------------ PKI, agencies, tokens
echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Улсын бүртгэлийн ерөнхий газар' --out a1 > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Нийгмийн даатгалын газар' --out a2 > /dev/null
"$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --ca root --out root.crl > /dev/null
"$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --ca issuing --out issuing.crl > /dev/null
[ -s a1.key ] && [ -s a2.key ] && [ -s root.crl ] && [ -s issuing.crl ] && ok "test PKI: two agency signers and CRLs" \
    || not_ok "test PKI: two agency signers and CRLs"

D=$PWD/data
token_add() {
    "$TAMGA" registry token add --data "$D" --agency "$1" --key "$2.key" --cert "$2.crt" --chain "$2-chain.pem" \
        --pass-file key.pass > "token-$2.out" 2>&1 && tail -n 1 "token-$2.out"
}
T1=$(token_add 'Улсын бүртгэлийн ерөнхий газар' a1)
T2=$(token_add 'Нийгмийн даатгалын газар' a2)
case $T1 in tmg_*) ok "registry token add prints a token" ;; *) not_ok "registry token add prints a token"; sed 's/^/# /' token-a1.out ;; esac
case $T2 in tmg_*) ok "a second agency has its own token" ;; *) not_ok "a second agency has its own token" ;; esac

python3 "$MKPDF" 2 plain.pdf
printf 'this is not a PDF\n' > notpdf.txt
head -c 300000 /dev/urandom > big.bin

# ------------------------------------------------------------ start both roles
VERIFY_URL=http://verify.example.mn
start sign --role sign --listen 127.0.0.1:0 --data "$D" --pass-file key.pass --verify-url "$VERIFY_URL" \
    --threads 4 --max-body 200000
start ver --role verify --listen 127.0.0.1:0 --data "$D" --trust ca/root.crt --crl root.crl --crl issuing.crl \
    --offline --threads 2 --verify-url "$VERIFY_URL"
[ -n "$sign_url" ] && ok "sign role is listening ($sign_url)" || { not_ok "sign role is listening"; sed 's/^/# /' sign.log; exit 1; }
[ -n "$ver_url" ] && ok "verify role is listening ($ver_url)" || { not_ok "verify role is listening"; sed 's/^/# /' ver.log; exit 1; }
has "sign role loaded both agencies' keys" sign.log "agency 'Нийгмийн даатгалын газар': key EC P-256 loaded"

# ------------------------------------------------------------ sign
s=$(http signed.pdf -H "Authorization: Bearer $T1" -H 'Content-Type: application/pdf' \
    -H 'X-Document-Type: reference' --data-binary @plain.pdf "$sign_url/api/v1/sign?title=Test%20letter&subject_ref=AA12345678")
status_is "POST /api/v1/sign answers 201" 201 "$s"
code=$(header signed.pdf X-Document-Code)
loc=$(header signed.pdf Location)
compact=$(echo "$code" | tr -d -)
[[ $code =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$ ]] && ok "X-Document-Code is a printed code ($code)" \
    || not_ok "X-Document-Code is a printed code ('$code')"
[ "$loc" = "$VERIFY_URL/v/$compact" ] && ok "Location is the verification URL" || not_ok "Location is the verification URL ('$loc')"
[ "$(header signed.pdf Content-Type)" = application/pdf ] && ok "the answer is a PDF" || not_ok "the answer is a PDF"
has "every answer carries the CSP" signed.pdf.h "^Content-Security-Policy: default-src 'none'"
has "and nosniff" signed.pdf.h '^X-Content-Type-Options: nosniff'
expect 0 "tamga verify says TOTAL-PASSED on the returned file" "$TAMGA" verify --offline --trust ca/root.crt \
    --crl root.crl --crl issuing.crl signed.pdf
has "the verify output names TOTAL-PASSED" out.txt 'TOTAL-PASSED'
pdftoppm -r 150 -png -f 1 -l 1 signed.pdf page > /dev/null 2>&1
zbarimg -q --raw page*.png > qr.txt 2>/dev/null
has "the QR code decodes to the Location URL" qr.txt "^$(printf %s "$loc" | sed 's/[.]/\\./g')\$"
has "the access log names the agency" sign.log 'method=POST path=/api/v1/sign status=201 bytes=[0-9]+ ms=[0-9]+ agency="Улсын бүртгэлийн ерөнхий газар"'
hasnt "the subject reference is never logged" sign.log 'AA12345678'
n=$(sqlite3 "$D/registry.db" "select count(*) from documents" 2>/dev/null)
[ "$n" = 1 ] && ok "one row in the registry" || not_ok "one row in the registry ($n)"
sqlite3 "$D/registry.db" .dump 2>/dev/null | grep -q AA12345678 && not_ok "the subject reference is not stored" \
    || ok "the subject reference is not stored"
sha=$(sha256sum signed.pdf | cut -d' ' -f1)
[ -n "$(find "$D/copies" -type f -name "*${sha:2}*" 2>/dev/null)" ] && ok "the signed copy is stored under its SHA-256" \
    || not_ok "the signed copy is stored under its SHA-256"

# multipart with metadata, and JSON answers
printf '{"doc_type": "certificate", "title": "Төрсний гэрчилгээ", "subject_ref": "УБ99887766"}' > meta.json
s=$(http signed2.json -H "Authorization: Bearer $T1" -H 'Accept: application/json' \
    -F 'document=@plain.pdf;type=application/pdf' -F 'metadata=@meta.json;type=application/json' "$sign_url/api/v1/sign")
status_is "multipart sign with metadata, JSON answer: 201" 201 "$s"
[ "$(json signed2.json 'j["url"].endswith(j["code"].replace("-",""))')" = True ] && ok "JSON answer: code and url agree" \
    || not_ok "JSON answer: code and url agree"
json signed2.json 'j["document"]' | base64 -d > signed2.pdf 2>/dev/null
[ "$(sha256sum signed2.pdf | cut -d' ' -f1)" = "$(json signed2.json 'j["sha256"]')" ] \
    && ok "JSON answer: the base64 document has the announced sha256" || not_ok "JSON answer: the base64 document has the announced sha256"
code2=$(json signed2.json 'j["code"]')

# errors
s=$(http e1.json --data-binary @plain.pdf -H 'Content-Type: application/pdf' "$sign_url/api/v1/sign")
status_is "no token: 401" 401 "$s"
s=$(http e2.json -H 'Authorization: Bearer tmg_wrongwrongwrongwrongwrongwrongwrongwrongwro' --data-binary @plain.pdf \
    -H 'Content-Type: application/pdf' "$sign_url/api/v1/sign")
status_is "wrong token: 401" 401 "$s"
[ "$(json e2.json 'j["code"]')" = unauthorized ] && ok "401 is a JSON error" || not_ok "401 is a JSON error"
s=$(http e3.json -H "Authorization: Bearer $T1" -H 'Content-Type: application/pdf' --data-binary @notpdf.txt "$sign_url/api/v1/sign")
status_is "not a PDF: 400" 400 "$s"
[ -n "$(json e3.json 'j["error"]')" ] && ok "400 says why: $(json e3.json 'j["error"]')" || not_ok "400 says why"
s=$(http e4.json -H "Authorization: Bearer $T1" -H 'Content-Type: application/pdf' --data-binary @big.bin "$sign_url/api/v1/sign")
status_is "a body above --max-body: 413" 413 "$s"
[ "$(json e4.json 'j["code"]')" = too_large ] && ok "413 is a JSON error" || not_ok "413 is a JSON error"
s=$(http e5.json -H "Authorization: Bearer $T1" -H 'Content-Type: application/pdf' -H 'Transfer-Encoding: chunked' \
    --data-binary @big.bin "$sign_url/api/v1/sign")
status_is "a chunked body above --max-body: 413" 413 "$s"
s=$(http e6.json "$sign_url/api/v1/sign")
status_is "GET /api/v1/sign: 405" 405 "$s"

# batch
cp plain.pdf b1.pdf; python3 "$MKPDF" 1 b2.pdf
s=$(http batch.json -H "Authorization: Bearer $T1" -F 'document=@b1.pdf' -F 'document=@notpdf.txt' -F 'document=@b2.pdf' \
    "$sign_url/api/v1/sign/batch")
status_is "batch (multipart): 200" 200 "$s"
[ "$(json batch.json '[r["status"] for r in j]')" = "[201, 400, 201]" ] && ok "batch: a result per document, the bad one alone fails" \
    || { not_ok "batch: a result per document"; sed 's/^/# /' batch.json; }
python3 -c 'import base64,json; print(json.dumps([{"document": base64.b64encode(open("b2.pdf","rb").read()).decode(), "title": "JSON batch"}, {"title": "no document"}]))' > batch-req.json
s=$(http batch2.json -H "Authorization: Bearer $T2" -H 'Content-Type: application/json' --data-binary @batch-req.json \
    "$sign_url/api/v1/sign/batch")
status_is "batch (JSON): 200" 200 "$s"
[ "$(json batch2.json '[r["status"] for r in j]')" = "[201, 400]" ] && ok "JSON batch: results per item" \
    || { not_ok "JSON batch: results per item"; sed 's/^/# /' batch2.json; }
n=$(sqlite3 "$D/registry.db" "select count(*) from documents" 2>/dev/null)
[ "$n" = 5 ] && ok "five documents registered" || not_ok "five documents registered ($n)"

# ------------------------------------------------------------ verify role
s=$(http doc.json "$ver_url/api/v1/documents/$compact")
status_is "GET /api/v1/documents/{code}: 200" 200 "$s"
[ "$(json doc.json '(j["status"], j["code"], j["doc_type"], j["title"], j["agency"])')" = \
  "('valid', '$code', 'reference', 'Test letter', 'Улсын бүртгэлийн ерөнхий газар')" ] \
    && ok "document JSON: status, code, type, title, agency" || { not_ok "document JSON"; sed 's/^/# /' doc.json; }
[ "$(json doc.json 'j["sha256"]')" = "$sha" ] && ok "document JSON: sha256 of the signed file" || not_ok "document JSON: sha256"
[ "$(json doc.json 'j["url"]')" = "$loc" ] && ok "document JSON: url" || not_ok "document JSON: url ($(json doc.json 'j["url"]'))"
s=$(http doc-l.json "$ver_url/api/v1/documents/$(echo "$code" | tr 'A-Z' 'a-z')")
status_is "a code in lower case with dashes finds it" 200 "$s"
s=$(http unk.json "$ver_url/api/v1/documents/0000-0000-0000-0000-0")
status_is "unknown code on the API: 404" 404 "$s"
[ -n "$(json unk.json 'j["error"]')" ] && ok "404 is a JSON error" || not_ok "404 is a JSON error"
s=$(http page.html "$ver_url/v/$compact")
status_is "GET /v/{code}: 200" 200 "$s"
has "the page is HTML" page.html.h '^Content-Type: text/html'
has "pages are not cached" page.html.h '^Cache-Control: no-store'
has "pages send Referrer-Policy" page.html.h '^Referrer-Policy: no-referrer'
s=$(http page404.html "$ver_url/v/0000-0000-0000-0000-0")
status_is "GET /v/{unknown}: 404 page" 404 "$s"
s=$(http page400.html "$ver_url/v/not-a-code")
status_is "GET /v/{malformed}: 400 page" 400 "$s"
s=$(http home.html "$ver_url/")
status_is "GET /: 200" 200 "$s"
s=$(http copy.pdf "$ver_url/v/$compact/document")
status_is "GET /v/{code}/document: 200" 200 "$s"
cmp -s copy.pdf signed.pdf && ok "the registered copy is the file the agency got" || not_ok "the registered copy is the file the agency got"
has "the copy is an attachment named CODE.pdf" copy.pdf.h "^Content-Disposition: attachment; filename=$compact\\.pdf"

s=$(http rep.json -H 'Content-Type: application/pdf' --data-binary @signed.pdf "$ver_url/api/v1/verify")
status_is "POST /api/v1/verify: 200" 200 "$s"
[ "$(json rep.json '(j["verdict"], j["registry"]["status"], j["registry"]["matches_registered_copy"])')" = \
  "('TOTAL-PASSED', 'valid', True)" ] && ok "report: TOTAL-PASSED, registry valid, same as the copy" \
    || { not_ok "report: TOTAL-PASSED, registry valid"; head -c 1500 rep.json | sed 's/^/# /'; }
python3 - signed.pdf tampered.pdf <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"/MediaBox")
d[i + 1] = ord("X")
open(sys.argv[2], "wb").write(d)
PY
s=$(http rep2.json -F 'document=@tampered.pdf' "$ver_url/api/v1/verify")
status_is "POST /api/v1/verify (multipart) of a tampered copy: 200" 200 "$s"
v=$(json rep2.json 'j["verdict"]')
[ "$v" != TOTAL-PASSED ] && ok "a tampered copy is not TOTAL-PASSED ($v)" || not_ok "a tampered copy is not TOTAL-PASSED"
[ "$(json rep2.json 'j["registry"]["matches_registered_copy"]')" = False ] && ok "and does not match the registered copy" \
    || not_ok "and does not match the registered copy"
s=$(http check.html -F 'document=@signed.pdf' "$ver_url/v/$compact/check")
status_is "POST /v/{code}/check: 200 page" 200 "$s"
s=$(http vp.html -F 'document=@signed.pdf' "$ver_url/verify")
status_is "POST /verify: 200 page" 200 "$s"
s=$(http vp0.html -X POST "$ver_url/verify")
status_is "POST /verify without a file: 400 page" 400 "$s"
s=$(http nope.json -H "Authorization: Bearer $T1" --data-binary @plain.pdf "$ver_url/api/v1/sign")
status_is "the verify role has no sign endpoint (404)" 404 "$s"

# ------------------------------------------------------------ revoke, supersede
s=$(http rv0.json -H "Authorization: Bearer $T2" -H 'Content-Type: application/json' -d '{"reason": "mine?"}' \
    "$sign_url/api/v1/documents/$compact/revoke")
status_is "another agency's token cannot revoke (404)" 404 "$s"
s=$(http rv.json -H "Authorization: Bearer $T1" -H 'Content-Type: application/json' -d '{"reason": "issued by mistake"}' \
    "$sign_url/api/v1/documents/$compact/revoke")
status_is "revoke via the API: 200" 200 "$s"
http doc2.json "$ver_url/api/v1/documents/$compact" > /dev/null
[ "$(json doc2.json '(j["status"], j["reason"])')" = "('revoked', 'issued by mistake')" ] && ok "then the status is revoked, with the reason" \
    || { not_ok "then the status is revoked"; sed 's/^/# /' doc2.json; }
s=$(http rv2.json -H "Authorization: Bearer $T1" -d '{"reason": "again"}' "$sign_url/api/v1/documents/$compact/revoke")
status_is "revoking twice: 409" 409 "$s"
http rep3.json -H 'Content-Type: application/pdf' --data-binary @signed.pdf "$ver_url/api/v1/verify" > /dev/null
[ "$(json rep3.json 'j["registry"]["status"]')" = revoked ] && ok "the verify API reports the revocation" || not_ok "the verify API reports the revocation"
code3=$(json batch.json 'j[0]["code"]')
s=$(http sup.json -H "Authorization: Bearer $T1" -d "{\"by\": \"$code3\", \"reason\": \"corrected\"}" \
    "$sign_url/api/v1/documents/$code2/supersede")
status_is "supersede via the API: 200" 200 "$s"
http doc3.json "$ver_url/api/v1/documents/$code2" > /dev/null
[ "$(json doc3.json '(j["status"], j["replaced_by"])')" = "('superseded', '$code3')" ] && ok "then the status is superseded by the new code" \
    || { not_ok "then superseded"; sed 's/^/# /' doc3.json; }

# ------------------------------------------------------------ health and metrics
s=$(http hz.txt "$sign_url/healthz"); status_is "/healthz on sign: 200" 200 "$s"
has "/healthz says ok" hz.txt '^ok$'
s=$(http hz2.txt "$ver_url/healthz"); status_is "/healthz on verify: 200" 200 "$s"
http m1.txt "$sign_url/metrics" > /dev/null
has "metrics: documents signed" m1.txt '^tamgad_documents_signed_total 5$'
has "metrics: requests by role, path class and status" m1.txt '^tamgad_requests_total\{role="sign",path="sign",status="201"\} 2$'
has "metrics: process start time" m1.txt '^process_start_time_seconds [0-9.]+$'
http m2.txt "$ver_url/metrics" > /dev/null
before=$(sed -n 's/^tamgad_verifications_total{verdict="TOTAL-PASSED"} //p' m2.txt)
http /dev/null -F 'document=@signed2.pdf' "$ver_url/api/v1/verify" > /dev/null
http m3.txt "$ver_url/metrics" > /dev/null
after=$(sed -n 's/^tamgad_verifications_total{verdict="TOTAL-PASSED"} //p' m3.txt)
[ -n "$after" ] && [ "$after" -gt "${before:-0}" ] && ok "metrics: the verification counter moves ($before -> $after)" \
    || not_ok "metrics: the verification counter moves ($before -> $after)"

# ------------------------------------------------------------ start-up failures, shutdown
echo 'role = sign' > bad.conf; echo 'colour = blue' >> bad.conf
expect 1 "an unknown key in the configuration: exit 1" "$TAMGAD" --config bad.conf --data "$D"
has "the message names the line" err.txt 'bad.conf:2: unknown setting .colour.'
port=${sign_url##*:}
expect 1 "a busy port: exit 1" "$TAMGAD" --role verify --data "$D" --trust ca/root.crt --listen "127.0.0.1:$port"
has "the message says the port is busy" err.txt 'cannot listen on 127.0.0.1:[0-9]+: Address already in use'
echo 'wrong passphrase' > wrong.pass
expect 1 "an unreadable key (wrong passphrase): exit 1" "$TAMGAD" --role sign --data "$D" --pass-file wrong.pass \
    --listen 127.0.0.1:0
has "the message names the agency" err.txt "agency '.*': cannot load its key"
expect 1 "no registry: exit 1" "$TAMGAD" --role verify --data "$PWD/nowhere" --trust ca/root.crt --listen 127.0.0.1:0
has "the message names the registry" err.txt 'cannot open the registry'
cat > good.conf <<CONF
# a verify role from a file
role = verify
listen = 127.0.0.1:0
data = $D
trust = ca/root.crt
offline = yes
threads = 2
CONF
start conf --config good.conf
[ -n "$conf_url" ] && ok "tamgad --config FILE starts" || { not_ok "tamgad --config FILE starts"; sed 's/^/# /' conf.log; }
kill -TERM "$conf_pid"; wait "$conf_pid"; rc=$?
[ "$rc" = 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM: exit 0 (got $rc)"

# a request in flight finishes after SIGTERM
python3 "$MKPDF" 40 long.pdf
http inflight.pdf -H "Authorization: Bearer $T1" -H 'Content-Type: application/pdf' --data-binary @plain.pdf \
    "$sign_url/api/v1/sign" > inflight.status &
cpid=$!
sleep 0.02
kill -TERM "$sign_pid"; wait "$sign_pid"; rc=$?
wait "$cpid"
[ "$rc" = 0 ] && ok "sign role: SIGTERM exits 0" || { not_ok "sign role: SIGTERM exits 0 (got $rc)"; tail -5 sign.log | sed 's/^/# /'; }
s=$(cat inflight.status)
[ "$s" = 201 ] || [ "$s" = 000 ] && ok "a request sent at SIGTERM is finished or refused, never cut ($s)" \
    || not_ok "a request sent at SIGTERM is finished or refused ($s)"
kill -INT "$ver_pid"; wait "$ver_pid"; rc=$?
[ "$rc" = 0 ] && ok "verify role: SIGINT exits 0" || not_ok "verify role: SIGINT exits 0 (got $rc)"
has "the verify role never loaded a signing key" ver.log '^tamgad: [0-9]+ trust anchor'
hasnt "and never says it did" ver.log 'key .* loaded'
if "$TAMGA" registry audit --help > /dev/null 2>&1; then
    expect 0 "tamga registry audit: the chain is intact" "$TAMGA" registry audit --data "$D"
fi
