# The RFC 3161 time-stamp authority (pki/tsa.c, tamga/tsa.h) driven by
# tests/tools/tsa_respond over a CA from `tamga pki init`.  Requests are
# made and answers read and verified only by `openssl ts`, the
# independent oracle; expected values are this script's own inputs.
. "$TAMGA_ROOT/tests/lib.sh"
RESPOND=$TAMGA_BUILD/tests/tools/tsa_respond
POLICY=2.999.77.5

if [ -x "$RESPOND" ]; then ok "tsa_respond is built"; else not_ok "tsa_respond is built ($RESPOND)"; exit 0; fi
echo 'CA passphrase for tests' > ca.pass
expect 0 "pki init makes a CA with a TSA" "$TAMGA" pki init --dir ca --ca-pass-file ca.pass
TSA=("$RESPOND" --key ca/private/tsa.key --cert ca/tsa.crt --chain ca/issuing.crt --pass-file ca.pass
     --serial-file serial --policy "$POLICY" --accuracy 2)
head -c 100000 /dev/urandom > doc.pdf

# tsr_field FILE NAME: the value of "NAME: value" in openssl ts -reply -text.
tsr_field() { openssl ts -reply -in "$1" -text 2> /dev/null | sed -n "s/^$2: //p" | head -1; }

# ------------------------------------------------------------ granted, verified by openssl
openssl ts -query -data doc.pdf -sha256 -cert -out q.tsq 2> /dev/null
expect 0 "a SHA-256 request with certReq is answered" "${TSA[@]}" q.tsq r.tsr
openssl ts -reply -in r.tsr -text > reply.txt 2>&1
has "status granted" reply.txt '^Status: Granted'
has "policy is the configured one" reply.txt "^Policy OID: $POLICY"
has "accuracy as configured" reply.txt '^Accuracy: 0x02 seconds'
has "first serial of a fresh file is 1" reply.txt '^Serial number: 0x01$'
has "ordering false" reply.txt '^Ordering: no'
has "nonce echoed" reply.txt '^Nonce: 0x'
has "TSA name present" reply.txt '^TSA: DirName:'
expect 0 "openssl ts -verify accepts the token" openssl ts -verify -data doc.pdf -in r.tsr -CAfile ca/root.crt -untrusted ca/issuing.crt
has "openssl says Verification: OK" out.txt '^Verification: OK'
openssl ts -reply -in r.tsr -token_out -out tok.der 2> /dev/null
openssl cms -cmsout -print -inform DER -in tok.der > tok.txt 2>&1
has "token carries signing-certificate-v2" tok.txt 'id-smime-aa-signingCertificateV2'
has "token signed with SHA-256" tok.txt 'algorithm: sha256'
has "certReq: the TSA certificate is in the token" tok.txt 'Time-Stamping Authority'
cp doc.pdf other.pdf; echo x >> other.pdf
expect 1 "openssl ts -verify refuses the token for other data" openssl ts -verify -data other.pdf -in r.tsr -CAfile ca/root.crt -untrusted ca/issuing.crt

openssl ts -query -data doc.pdf -sha512 -no_nonce -out q2.tsq 2> /dev/null
expect 0 "a SHA-512 request without nonce or certReq is answered" "${TSA[@]}" q2.tsq r2.tsr
openssl ts -reply -in r2.tsr -text > reply2.txt 2>&1
has "no-nonce request granted" reply2.txt '^Status: Granted'
has "no nonce in the token" reply2.txt '^Nonce: unspecified'
has "second serial is 2" reply2.txt '^Serial number: 0x02$'
openssl ts -reply -in r2.tsr -token_out -out tok2.der 2> /dev/null
openssl cms -cmsout -print -inform DER -in tok2.der > tok2.txt 2>&1
hasnt "without certReq no certificate is sent" tok2.txt 'Time-Stamping Authority'
cat ca/issuing.crt ca/tsa.crt > untrusted.pem
expect 0 "openssl verifies the no-nonce token (TSA certificate given)" openssl ts -verify -data doc.pdf -in r2.tsr -CAfile ca/root.crt -untrusted untrusted.pem

# ------------------------------------------------------------ rejections
openssl ts -query -data doc.pdf -sha256 -tspolicy 2.999.77.6 -out q3.tsq 2> /dev/null
expect 0 "a request for another policy is answered" "${TSA[@]}" q3.tsq r3.tsr
openssl ts -reply -in r3.tsr -text > reply3.txt 2>&1
has "another policy is rejected" reply3.txt '^Status: Rejected'
has "failure unacceptedPolicy" reply3.txt 'requested TSA policy is not supported'
openssl ts -query -data doc.pdf -sha256 -tspolicy "$POLICY" -out q4.tsq 2> /dev/null
expect 0 "a request naming our policy is answered" "${TSA[@]}" q4.tsq r4.tsr
has "our policy asked for is granted" <(openssl ts -reply -in r4.tsr -text 2>&1) '^Status: Granted'
openssl ts -query -data doc.pdf -sha1 -out q5.tsq 2> /dev/null
expect 0 "a SHA-1 request is answered" "${TSA[@]}" q5.tsq r5.tsr
has "SHA-1 is rejected with badAlg" <(openssl ts -reply -in r5.tsr -text 2>&1) 'unrecognized or unsupported algorithm'
head -c 300 /dev/urandom > garbage.tsq
expect 0 "garbage is answered" "${TSA[@]}" garbage.tsq r6.tsr
has "garbage is rejected with badDataFormat" <(openssl ts -reply -in r6.tsr -text 2>&1) 'the data submitted has the wrong format'
head -c 5000 /dev/zero > big.tsq
expect 0 "an oversized request is answered" "${TSA[@]}" big.tsq r7.tsr
has "oversized is rejected with badRequest" <(openssl ts -reply -in r7.tsr -text 2>&1) 'transaction not permitted or supported'

# ------------------------------------------------------------ certificate checks
expect 1 "the OCSP certificate is refused as a TSA certificate" "$RESPOND" --key ca/private/ocsp.key --cert ca/ocsp.crt \
    --pass-file ca.pass --serial-file serial q.tsq bad.tsr
has "the refusal names the EKU rule" err.txt 'timeStamping'
echo 'wrong passphrase 123' > bad.pass
expect 1 "a wrong passphrase is refused" "$RESPOND" --key ca/private/tsa.key --cert ca/tsa.crt --pass-file bad.pass \
    --serial-file serial q.tsq bad.tsr
has "the refusal is a passphrase error" err.txt 'TAMGA_EPASSPHRASE'

# ------------------------------------------------------------ serials under concurrency
before=$(tsr_field r4.tsr 'Serial number')
for i in $(seq 1 20); do
    "${TSA[@]}" q.tsq "par$i.tsr" 2> "par$i.err" &
done
wait
for i in $(seq 1 20); do tsr_field "par$i.tsr" 'Serial number'; done > serials.txt
n=$(grep -c . serials.txt); distinct=$(sort -u serials.txt | grep -c .)
[ "$n" = 20 ] && [ "$distinct" = 20 ] && ok "20 parallel responses have 20 distinct serials" || { not_ok "20 parallel responses have 20 distinct serials ($n, $distinct distinct)"; sed 's/^/# /' serials.txt par1.err | head; }
# Every serial is above the last one before, and together they are the next 20.
python3 - "$before" serials.txt > /dev/null 2> seq.err <<'PY' && ok "parallel serials are the next 20 in order" || { not_ok "parallel serials are the next 20 in order"; sed 's/^/# /' seq.err; }
import sys
before = int(sys.argv[1], 16)
got = sorted(int(l, 16) for l in open(sys.argv[2]) if l.strip())
assert got == list(range(before + 1, before + 21)), (before, got)
PY
has "the serial file holds the last serial" serial "^0*$((before + 20))\$"
printf 'not a counter\n' > bad.serial
expect 1 "a corrupt serial file is refused" "$RESPOND" --key ca/private/tsa.key --cert ca/tsa.crt --pass-file ca.pass \
    --serial-file bad.serial q.tsq bad.tsr
has "the refusal names the serial file" err.txt 'bad.serial is corrupt'
