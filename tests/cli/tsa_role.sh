# tests/cli/tsa_role.sh - tamgad --role tsa: RFC 3161 over HTTP on 127.0.0.1.
# Oracles: OpenSSL's `ts` client (query, reply text, verify against the
# root), and tamga's own client (tamga sign --tsa → PAdES B-T, tamga verify
# takes the time-stamp as the signing time).
. "$TAMGA_ROOT/tests/lib.sh"
. "$TAMGA_ROOT/tests/lib_server.sh"

echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Signer' --out s > /dev/null
python3 "$TAMGA_ROOT/bench/mkpdf.py" 1 plain.pdf

expect 1 "no key and no CA directory: exit 1" "$TAMGAD" --role tsa --listen 127.0.0.1:0 --data d0
has "... saying what is needed" err.txt 'needs --tsa-key and --tsa-cert, or --ca-dir'
expect 1 "the OCSP certificate is not a TSA certificate: exit 1" env TAMGA_PASS='CA passphrase for tests' \
    "$TAMGAD" --role tsa --listen 127.0.0.1:0 --data d0 --tsa-key ca/private/ocsp.key --tsa-cert ca/ocsp.crt
has "... naming RFC 3161's rule" err.txt 'timeStamping'

start tsa --role tsa --listen 127.0.0.1:0 --ca-dir ca --ca-pass-file ca.pass --data data --tsa-policy 2.999.7.7
[ -n "$tsa_url" ] || { not_ok "the tsa role is listening"; sed 's/^/# /' tsa.log; exit 1; }
ok "the tsa role is listening ($tsa_url)"

stamp() { # stamp DATA OUT [openssl ts -query options]
    local data=$1 out=$2; shift 2
    openssl ts -query -data "$data" -sha256 -cert "$@" -out "$out.tsq" 2> /dev/null &&
        curl -s -o "$out" -w '%{http_code}' -H 'Content-Type: application/timestamp-query' \
            --data-binary @"$out.tsq" "$tsa_url/tsa"
}
status_is "POST /tsa" 200 "$(stamp plain.pdf r1.tsr)"
expect 0 "openssl ts -verify accepts the token (root trusted)" \
    openssl ts -verify -data plain.pdf -in r1.tsr -CAfile ca/root.crt -untrusted ca/issuing.crt
has "... Verification: OK" out.txt '^Verification: OK'
openssl ts -reply -in r1.tsr -text > r1.txt 2>&1
has "granted" r1.txt 'Status: Granted'
has "the configured policy" r1.txt 'Policy OID: 2.999.7.7'
has "a nonce" r1.txt 'Nonce: 0x'
status_is "a second request" 200 "$(stamp plain.pdf r2.tsr)"
s1=$(sed -n 's/^Serial number: //p' r1.txt)
s2=$(openssl ts -reply -in r2.tsr -text 2>/dev/null | sed -n 's/^Serial number: //p')
[ -n "$s1" ] && [ $((s2)) -gt $((s1)) ] && ok "serials increase ($s1 < $s2)" || not_ok "serials increase ($s1, $s2)"
expect 1 "openssl ts -verify refuses the token for other data" \
    openssl ts -verify -data ca/root.crt -in r1.tsr -CAfile ca/root.crt -untrusted ca/issuing.crt
status_is "another policy asked: still an answer" 200 "$(stamp plain.pdf r3.tsr -tspolicy 1.2.3.4)"
openssl ts -reply -in r3.tsr -text > r3.txt 2>&1
has "... a rejection: the policy is not supported" r3.txt 'requested TSA policy is not supported'
status_is "GET is not how RFC 3161 works: 405" 405 "$(http g.out "$tsa_url/tsa")"
status_is "the wrong media type: 415" 415 "$(http m.out -H 'Content-Type: text/plain' --data-binary @r1.tsr.tsq "$tsa_url/tsa")"

# tamga's own client: a B-T signature from this TSA, verified with the time-stamp as the signing time.
expect 0 "tamga sign --tsa $tsa_url/tsa" "$TAMGA" sign -q --key s.key --cert s.crt --chain s-chain.pem \
    --pass-file key.pass --tsa "$tsa_url/tsa" -o bt.pdf plain.pdf
expect 0 "tamga verify: TOTAL-PASSED" "$TAMGA" verify --trust ca/root.crt --crl ca/crl/root.crl \
    --crl ca/crl/issuing.crl --offline --format json bt.pdf
python3 -c 'import json; j=json.load(open("out.txt")); s=j["signatures"][0]; print(s["level"], s["signing_time_source"], s["timestamps"][0]["indication"])' > bt.txt 2>&1
has "level B-T, signing time from the time-stamp, the time-stamp trusted" bt.txt '^PAdES-B-T timestamp TOTAL-PASSED$'

# Serials survive a restart.
kill "$tsa_pid"; wait "$tsa_pid" 2> /dev/null
start tsa --role tsa --listen 127.0.0.1:0 --ca-dir ca --ca-pass-file ca.pass --data data --tsa-policy 2.999.7.7
status_is "after a restart" 200 "$(stamp plain.pdf r4.tsr)"
s4=$(openssl ts -reply -in r4.tsr -text 2>/dev/null | sed -n 's/^Serial number: //p')
[ $((s4)) -gt $((s2)) ] && ok "serials keep increasing across restarts ($s2 < $s4)" || not_ok "serials after a restart ($s2, $s4)"
