# CMS container integrity (formats/cms/verify.c) through tests/tools/cms_check,
# on containers made by an independent implementation: OpenSSL's command-line
# `cms -sign` (detached, with and without signed attributes; adbe.pkcs7.sha1
# style encapsulated SHA-1) and `ts -reply` (document time-stamp tokens).
. "$TAMGA_ROOT/tests/lib.sh"
CHECK=$TAMGA_BUILD/tests/tools/cms_check

seq 1 5000 > content.txt
sed 's/^4999$/4998/' content.txt > changed.txt
openssl req -x509 -noenc -days 30 -subj /CN=signer -newkey rsa:2048 -keyout signer.key -out signer.crt \
    > /dev/null 2>&1
openssl req -x509 -noenc -days 30 -subj /CN=tsa -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -addext 'extendedKeyUsage=critical,timeStamping' -keyout tsa.key -out tsa.crt > /dev/null 2>&1

# Detached CMS, signed attributes (signingTime, no signing-certificate).
openssl cms -sign -binary -outform DER -in content.txt -signer signer.crt -inkey signer.key -md sha256 \
    -out det.der 2> /dev/null
expect 0 "detached: check runs" "$CHECK" detached det.der content.txt
has "detached: OK" out.txt '^status OK$'
has "detached: rsa-pkcs1 sha256 2048" out.txt '^key_bits 2048$'
has "detached: no signing-certificate is a warning" out.txt '^warning .*signing-certificate'
has "detached: signingTime is a warning" out.txt '^warning signingTime'
expect 0 "detached, changed content: check runs" "$CHECK" detached det.der changed.txt
has "detached, changed content: HASH_FAILURE" out.txt '^status HASH_FAILURE$'
has "detached, changed content: the message names messageDigest" out.txt '^message .*messageDigest [0-9a-f]+ differs'

# Without signed attributes.
openssl cms -sign -binary -noattr -outform DER -in content.txt -signer signer.crt -inkey signer.key \
    -md sha384 -out noattr.der 2> /dev/null
expect 0 "no attributes: check runs" "$CHECK" detached noattr.der content.txt
has "no attributes: OK" out.txt '^status OK$'
expect 0 "no attributes, changed content: check runs" "$CHECK" detached noattr.der changed.txt
has "no attributes, changed content: SIG_CRYPTO_FAILURE" out.txt '^status SIG_CRYPTO_FAILURE$'

# adbe.pkcs7.sha1: the SignedData encapsulates SHA-1(content).
openssl dgst -sha1 -binary content.txt > content.sha1
openssl cms -sign -binary -nodetach -outform DER -in content.sha1 -signer signer.crt -inkey signer.key \
    -out sha1.der 2> /dev/null
expect 0 "sha1: check runs" "$CHECK" sha1 sha1.der content.txt
has "sha1: OK" out.txt '^status OK$'
has "sha1: SHA-1 warning" out.txt '^warning SHA-1'
expect 0 "sha1, changed content: check runs" "$CHECK" sha1 sha1.der changed.txt
has "sha1, changed content: HASH_FAILURE" out.txt '^status HASH_FAILURE$'
expect 0 "encapsulated content as detached: check runs" "$CHECK" detached sha1.der content.txt
has "encapsulated content as detached: FORMAT_FAILURE" out.txt '^status FORMAT_FAILURE$'

# Document time-stamp from `openssl ts -reply`.
cat > tsa.cnf <<'CNF'
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = ./tsaserial
default_policy = 1.2.3.4.1
digests = sha256
ess_cert_id_alg = sha256
signer_digest = sha256
CNF
echo 01 > tsaserial
openssl ts -query -data content.txt -sha256 -cert -out q.tsq 2> /dev/null
openssl ts -reply -config tsa.cnf -queryfile q.tsq -signer tsa.crt -inkey tsa.key -token_out -out tok.der \
    > /dev/null 2>&1
expect 0 "doc time-stamp: check runs" "$CHECK" doc tok.der content.txt
has "doc time-stamp: OK" out.txt '^status OK$'
has "doc time-stamp: its own verdict OK" out.txt '^timestamp 0 OK'
has "doc time-stamp: ecdsa" out.txt '^signature_alg ecdsa$'
expect 0 "doc time-stamp, changed content: check runs" "$CHECK" doc tok.der changed.txt
has "doc time-stamp, changed content: HASH_FAILURE" out.txt '^status HASH_FAILURE$'
has "doc time-stamp, changed content: names the imprint" out.txt '^message .*messageImprint'

# Garbage.
head -c 300 det.der > cut.der
expect 0 "truncated: check runs" "$CHECK" detached cut.der content.txt
has "truncated: FORMAT_FAILURE" out.txt '^status FORMAT_FAILURE$'
