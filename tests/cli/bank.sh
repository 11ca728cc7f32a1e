# tests/cli/bank.sh - what a bank does with a document it received: `tamga
# check CODE` asks the agency's verification server for the registry
# status, `tamga verify --server URL FILE` checks the signatures and the
# registry together.  A tamgad sign role issues the documents, a verify role
# answers; the expected statuses come from the registry as the sqlite3 CLI
# reads it, and from what the test itself revoked.
. "$TAMGA_ROOT/tests/lib.sh"
. "$TAMGA_ROOT/tests/lib_server.sh"

echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Улсын бүртгэлийн ерөнхий газар' --out a1 > /dev/null
D=$PWD/data
T1=$("$TAMGA" registry token add --data "$D" --agency 'Улсын бүртгэлийн ерөнхий газар' --key a1.key --cert a1.crt \
     --chain a1-chain.pem --pass-file key.pass 2> /dev/null | tail -n 1)
python3 "$TAMGA_ROOT/bench/mkpdf.py" 1 plain.pdf

start ver --role verify --listen 127.0.0.1:0 --data "$D" --trust ca/root.crt --crl ca/crl/root.crl \
    --crl ca/crl/issuing.crl --offline
[ -n "$ver_url" ] || { not_ok "verify role is listening"; sed 's/^/# /' ver.log; exit 1; }
start sign --role sign --listen 127.0.0.1:0 --data "$D" --pass-file key.pass --verify-url "$ver_url"
[ -n "$sign_url" ] || { not_ok "sign role is listening"; sed 's/^/# /' sign.log; exit 1; }

sign() { http "$1" -H "Authorization: Bearer $T1" -H 'Content-Type: application/pdf' --data-binary @plain.pdf \
         "$sign_url/api/v1/sign?title=$2&doc_type=reference"; }
status_is "sign the first document" 201 "$(sign one.pdf Reference%201)"
C1=$(header one.pdf X-Document-Code)
status_is "sign the second document" 201 "$(sign two.pdf Reference%202)"
C2=$(header two.pdf X-Document-Code)
db() { sqlite3 "$D/registry.db" "$1"; }
[ "$(db "select status from documents where code='$C1'")" != "" ] && ok "the registry holds $C1 (sqlite3)" \
    || not_ok "the registry holds $C1 (sqlite3)"

V=("$TAMGA" verify --trust ca/root.crt --crl ca/crl/root.crl --crl ca/crl/issuing.crl --offline)
CHK=("$TAMGA" check --server "$ver_url")

# ------------------------------------------------------------ tamga check
expect 0 "check: a valid document (printed code)" "${CHK[@]}" "$C1"
has "check: says valid" out.txt "^$C1: valid$"
has "check: names the agency" out.txt '^  agency:  Улсын бүртгэлийн ерөнхий газар$'
has "check: gives the registered copy's sha256" out.txt "^  sha256:  $(sha256sum one.pdf | cut -d' ' -f1)$"
typed=$(echo "$C1" | tr -d '-' | tr 'A-Z' 'a-z' | sed 's/0/o/g; s/1/l/g')
expect 0 "check: the code typed lower case, no dashes, o for 0 and l for 1" "${CHK[@]}" "$typed"
expect 1 "check: a well-formed code nobody issued" "${CHK[@]}" 0000-0000-0000-0000-0
has "check: unknown" out.txt '^0000-0000-0000-0000-0: unknown'
expect 1 "check: not a code at all" "${CHK[@]}" hello
expect 3 "check: no code is a usage error" "${CHK[@]}"
expect 3 "check: a server that does not answer is exit 3" "$TAMGA" check --server http://127.0.0.1:1 "$C1"
has "check: says why" out.txt 'unavailable'

# ------------------------------------------------------------ tamga verify --server
expect 0 "verify --server: signatures and registry both fine" "${V[@]}" --server "$ver_url" --format json one.pdf
j() { python3 -c 'import json,sys; j=json.load(open("out.txt")); print(eval(sys.argv[1]))' "$1" 2>&1; }
[ "$(j 'j["registry"]["status"], j["registry"]["matches_registered_copy"], j["registry"]["code"]')" = \
  "('valid', True, '$C1')" ] && ok "verify --server: registry valid, the registered copy" \
    || not_ok "verify --server: registry valid, the registered copy ($(j 'j.get("registry")'))"
expect 0 "verify without --server asks no registry" "${V[@]}" --format json one.pdf
[ "$(j 'j["registry"]')" = None ] && ok "no --server: registry null" || not_ok "no --server: registry null"

expect 0 "the agency revokes the second document" curl -sf -H "Authorization: Bearer $T1" \
    -H 'Content-Type: application/json' --data '{"reason": "issued in error"}' "$sign_url/api/v1/documents/$C2/revoke"
[ "$(db "select status from documents where code='$C2'")" = revoked ] && ok "sqlite3: the row says revoked" \
    || not_ok "sqlite3: the row says revoked ($(db "select status from documents where code='$C2'"))"
expect 1 "check: a revoked document is exit 1" "${CHK[@]}" "$C2"
has "check: says revoked" out.txt "^$C2: revoked$"
has "check: gives the reason" out.txt 'issued in error'
expect 1 "check: several codes, the worst wins" "${CHK[@]}" --format json "$C1" "$C2"
[ "$(j '[x["status"] for x in j]')" = "['valid', 'revoked']" ] && ok "check --format json: an array in order" \
    || not_ok "check --format json: an array in order"

expect 0 "verify alone still passes the revoked document's signature" "${V[@]}" two.pdf
expect 1 "verify --server: a document its issuer revoked is TOTAL-FAILED" "${V[@]}" --server "$ver_url" two.pdf
has "verify --server: the text names the revocation" out.txt 'the issuer revoked this document on .*issued in error'
has "verify --server: the registry line" out.txt "^  registry: revoked at $ver_url"

# The verify role's own API says the same, from its local registry.
s=$(http api.json -F "document=@two.pdf;type=application/pdf" "$ver_url/api/v1/verify")
status_is "POST /api/v1/verify" 200 "$s"
python3 -c 'import json,sys; j=json.load(open("api.json")); print(j["verdict"], j["registry"]["status"])' > api.txt 2>&1
has "the API's report: TOTAL-FAILED, registry revoked" api.txt '^TOTAL-FAILED revoked$'

# A copy that is not the registered one (edited after signing) fails on its own.
python3 "$TAMGA_ROOT/tests/tools/pdf_attacks.py" isa-replace one.pdf one-edited.pdf > /dev/null
expect 1 "verify --server: an edited copy is TOTAL-FAILED" "${V[@]}" --server "$ver_url" --format json one-edited.pdf
[ "$(j 'j["registry"]["status"], j["registry"]["matches_registered_copy"]')" = "('valid', False)" ] \
    && ok "verify --server: registry valid but not the registered copy" \
    || not_ok "verify --server: registry valid but not the registered copy"

stop_all() { cleanup; PIDS=(); }
stop_all
expect 2 "verify --server with the server down: INDETERMINATE" "${V[@]}" --server "$ver_url" one.pdf
has "says there is no registry status" out.txt 'no registry status'
