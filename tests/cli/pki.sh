# tamga pki: init, issue, revoke, release, crl, list, validate, end to end.
# What tamga writes is read back with OpenSSL's command-line tools, an
# independent parser, so no expected value comes from tamga's own output.
. "$TAMGA_ROOT/tests/lib.sh"

echo 'CA passphrase for tests' > ca.pass
echo 'signer passphrase 1' > key.pass
x509() { openssl x509 -noout -text -certopt no_pubkey,no_sigdump -in "$1"; }

# ------------------------------------------------------------ help and usage
for c in "" "pki" "pki init" "pki issue" "pki revoke" "pki release" "pki crl" "pki list" "pki validate"; do
    # shellcheck disable=SC2086
    expect 0 "tamga $c --help exits 0" "$TAMGA" $c --help
    has "tamga $c --help prints usage" out.txt '^Usage: tamga'
done
expect 3 "unknown command is a usage error" "$TAMGA" pki frobnicate
has "unknown command is named" err.txt "unknown command 'frobnicate'"
expect 3 "pki init without --dir is a usage error" "$TAMGA" pki init
expect 3 "pki init without a passphrase fails" env -u TAMGA_CA_PASS "$TAMGA" pki init --dir nopass
has "missing passphrase is explained" err.txt 'ca-pass-file'
[ ! -e nopass/ca.db ] && ok "no CA created without a passphrase" || not_ok "no CA created without a passphrase"
echo short > short.pass
expect 3 "a passphrase under 8 bytes is refused" "$TAMGA" pki init --dir shortpass --ca-pass-file short.pass
expect 3 "bad key type is refused" "$TAMGA" pki init --dir x --ca-pass-file ca.pass --key-type rsa1024
expect 3 "bad country is refused" "$TAMGA" pki init --dir x --ca-pass-file ca.pass --country Mongolia
expect 3 "bad base URL is refused" "$TAMGA" pki init --dir x --ca-pass-file ca.pass --base-url 'ftp://x'
expect 3 "a base URL with a comma is refused" "$TAMGA" pki init --dir x --ca-pass-file ca.pass --base-url 'http://a,b'
[ ! -e x/private ] && [ ! -e x/crl ] && [ ! -e x/ca.db ] && ok "a refused init leaves nothing in the directory" || not_ok "a refused init leaves nothing in the directory"
mkdir ro && chmod 500 ro
if [ "$(id -u)" != 0 ]; then
    expect 3 "init into an unwritable directory fails" "$TAMGA" pki init --dir ro/ca --ca-pass-file ca.pass
fi
# A failure after keys and files were written: crl/ is a file, so the CRL
# cannot be published and init must remove everything it wrote.
mkdir half && touch half/crl
expect 3 "init that fails half-way reports it" "$TAMGA" pki init --dir half --ca-pass-file ca.pass
[ "$(ls half)" = crl ] && [ -f half/crl ] && ok "init that fails half-way removes what it wrote" || { not_ok "init that fails half-way removes what it wrote"; ls -R half | sed 's/^/# /'; }

# ------------------------------------------------------------ init
expect 0 "pki init creates a CA" "$TAMGA" pki init --dir ca --ca-pass-file ca.pass \
    --org 'Монгол Улсын Засгийн газар' --base-url http://127.0.0.1:9999/pki/
for f in ca.db root.crt issuing.crt ocsp.crt tsa.crt crl/root.crl crl/issuing.crl \
         private/root.key private/issuing.key private/ocsp.key private/tsa.key; do
    [ -s "ca/$f" ] && ok "init wrote $f" || not_ok "init wrote $f"
done
[ "$(stat -c %a ca/private)" = 700 ] && ok "private/ is mode 0700" || not_ok "private/ is mode 0700"
[ "$(stat -c %a ca/private/root.key)" = 600 ] && ok "keys are mode 0600" || not_ok "keys are mode 0600"
expect 3 "init refuses a directory that holds a CA" "$TAMGA" pki init --dir ca --ca-pass-file ca.pass
has "refusal says why" err.txt 'already holds a CA'
TAMGA_CA_PASS='CA passphrase for tests' expect 0 "the CA passphrase may come from \$TAMGA_CA_PASS" \
    "$TAMGA" pki init --dir ca-env

# Keys at rest: PKCS#8, PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC.
has "CA key is an encrypted PKCS#8 PEM" ca/private/root.key '^-----BEGIN ENCRYPTED PRIVATE KEY-----$'
openssl asn1parse -in ca/private/issuing.key > asn1.txt 2>&1
has "key encryption is PBES2" asn1.txt 'PBES2'
has "key derivation is PBKDF2" asn1.txt 'PBKDF2'
has "PBKDF2 uses HMAC-SHA256" asn1.txt 'hmacWithSHA256'
has "key cipher is AES-256-CBC" asn1.txt 'aes-256-cbc'
expect 0 "openssl decrypts the CA key with the passphrase" \
    openssl pkey -in ca/private/root.key -passin file:ca.pass -noout
expect 1 "openssl cannot decrypt the CA key with a wrong passphrase" \
    openssl pkey -in ca/private/root.key -passin pass:wrongwrong -noout
if grep -rq 'CA passphrase for tests' ca; then not_ok "the passphrase is stored nowhere in the CA"; else ok "the passphrase is stored nowhere in the CA"; fi

# Root CA profile.
x509 ca/root.crt > root.txt
has "root is self-issued" root.txt 'Issuer: C ?= ?MN'
has "root basicConstraints critical" root.txt 'Basic Constraints: critical'
has "root is a CA with path length 1" root.txt 'CA:TRUE, pathlen:1'
has "root key usage critical" root.txt 'Key Usage: critical'
has "root may sign certificates and CRLs" root.txt 'Certificate Sign, CRL Sign'
has "root has a subject key identifier" root.txt 'Subject Key Identifier'
openssl x509 -in ca/root.crt -noout -subject -nameopt utf8,sep_comma_plus > subj.txt
has "root subject keeps the Mongolian organisation in UTF-8" subj.txt 'O=Монгол Улсын Засгийн газар'
has "root CN names the organisation" subj.txt 'CN=Монгол Улсын Засгийн газар Root CA'

# Issuing CA profile.
x509 ca/issuing.crt > issuing.txt
has "issuing CA basicConstraints critical" issuing.txt 'Basic Constraints: critical'
has "issuing CA has path length 0" issuing.txt 'CA:TRUE, pathlen:0'
has "issuing CA may sign certificates and CRLs" issuing.txt 'Certificate Sign, CRL Sign'
has "issuing CA has an authority key identifier" issuing.txt 'Authority Key Identifier'
has "issuing CA CRL DP derives from --base-url (trailing / dropped)" issuing.txt 'URI:http://127.0.0.1:9999/pki/crl/root.crl$'
has "issuing CA caIssuers points at the root" issuing.txt 'CA Issuers - URI:http://127.0.0.1:9999/pki/ca/root.crt'
has "issuing CA carries the certificate policy" issuing.txt 'Policy: 2.999.1'
# AKI of the issuing CA equals the root's SKI.
ski=$(grep -A1 'Subject Key Identifier' root.txt | tail -1 | tr -d ' ')
aki=$(grep -A1 'Authority Key Identifier' issuing.txt | tail -1 | tr -d ' ' | sed 's/^keyid://')
[ -n "$ski" ] && [ "$ski" = "$aki" ] && ok "issuing CA AKI matches the root SKI" || not_ok "issuing CA AKI ($aki) matches the root SKI ($ski)"

# TSA profile: RFC 3161 2.3.
x509 ca/tsa.crt > tsa.txt
has "TSA extended key usage is critical" tsa.txt 'Extended Key Usage: critical'
grep -A1 'Extended Key Usage' tsa.txt | tail -1 > tsa-eku.txt
has "TSA extended key usage is timeStamping alone" tsa-eku.txt '^ *Time Stamping *$'
has "TSA key usage critical" tsa.txt 'Key Usage: critical'
has "TSA has an OCSP URL from --base-url" tsa.txt 'OCSP - URI:http://127.0.0.1:9999/pki/ocsp'
has "TSA is not a CA" tsa.txt 'CA:FALSE'

# OCSP responder profile: RFC 6960 4.2.2.2.
x509 ca/ocsp.crt > ocsp.txt
has "OCSP responder has OCSPSigning" ocsp.txt 'OCSP Signing'
has "OCSP responder carries ocsp-nocheck" ocsp.txt 'OCSP No Check'
has "OCSP responder key usage digitalSignature" ocsp.txt 'Digital Signature'

# The chain verifies in OpenSSL with CRLs of the whole chain.
openssl crl -inform DER -in ca/crl/root.crl -out root-crl.pem
openssl crl -inform DER -in ca/crl/issuing.crl -out issuing-crl.pem
cat root-crl.pem issuing-crl.pem > crls.pem
for c in issuing tsa ocsp; do
    expect 0 "openssl verifies the $c certificate with CRL checks" \
        openssl verify -crl_check_all -CAfile ca/root.crt -untrusted ca/issuing.crt -CRLfile crls.pem "ca/$c.crt"
done
openssl crl -in issuing-crl.pem -noout -text > crl1.txt
has "first issuing CRL has CRL number 1" crl1.txt 'CRL Number: *$'
grep -A1 'CRL Number' crl1.txt | tail -1 > crlnum1.txt
has "first issuing CRL number is 1" crlnum1.txt '^ *1$'
has "CRL has an authority key identifier" crl1.txt 'Authority Key Identifier'
has "CRL has a next update" crl1.txt 'Next Update: '
has "CRL is v2" crl1.txt 'Version 2'
expect 0 "openssl verifies the CRL signature" openssl crl -in issuing-crl.pem -CAfile ca/issuing.crt -noout

# p384 and rsa3072 CAs.
expect 0 "pki init --key-type p384" "$TAMGA" pki init --dir ca384 --ca-pass-file ca.pass --key-type p384
openssl x509 -noout -text -in ca384/issuing.crt > i384.txt
has "p384 CA signs with ECDSA SHA-384" i384.txt 'ecdsa-with-SHA384'
has "p384 CA key is P-384" i384.txt 'P-384|secp384r1'
expect 0 "pki init --key-type rsa3072" "$TAMGA" pki init --dir carsa --ca-pass-file ca.pass --key-type rsa3072
openssl x509 -noout -text -in carsa/root.crt > rsa.txt
has "rsa3072 CA key has 3072 bits" rsa.txt '3072 bit'
has "rsa3072 CA signs with SHA-256" rsa.txt 'sha256WithRSAEncryption'

# ------------------------------------------------------------ issue
expect 3 "issue without --cn is a usage error" "$TAMGA" pki issue --dir ca --out a
expect 3 "issue without a key passphrase fails" env -u TAMGA_PASS "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --cn A --out a
has "missing key passphrase is explained" err.txt 'pass-file'
expect 3 "issue with a wrong CA passphrase fails" "$TAMGA" pki issue --dir ca --ca-pass-file key.pass --pass-file key.pass --cn A --out a
has "wrong CA passphrase is named" err.txt 'wrong passphrase'
[ ! -e a.crt ] && ok "nothing written after a wrong CA passphrase" || not_ok "nothing written after a wrong CA passphrase"
expect 0 "issue a signer certificate" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass \
    --cn 'Улсын бүртгэлийн ерөнхий газар' --days 365 --out agency
for f in agency.key agency.crt agency-chain.pem; do [ -s "$f" ] && ok "issue wrote $f" || not_ok "issue wrote $f"; done
[ "$(stat -c %a agency.key)" = 600 ] && ok "signer key is mode 0600" || not_ok "signer key is mode 0600"
has "signer key is encrypted" agency.key '^-----BEGIN ENCRYPTED PRIVATE KEY-----$'
expect 0 "openssl opens the signer key with its passphrase" openssl pkey -in agency.key -passin file:key.pass -noout
x509 agency.crt > agency.txt
has "signer key usage is critical" agency.txt 'Key Usage: critical'
grep -A1 'X509v3 Key Usage' agency.txt | tail -1 > ku.txt
has "signer key usage is digitalSignature + nonRepudiation" ku.txt '^ *Digital Signature, Non Repudiation *$'
grep -A1 'Extended Key Usage' agency.txt | tail -1 > eku.txt
has "signer EKU has id-kp-documentSigning and emailProtection" eku.txt '1\.3\.6\.1\.5\.5\.7\.3\.36, E-mail Protection'
has "signer is not a CA" agency.txt 'CA:FALSE'
has "signer CRL DP is the issuing CA's" agency.txt 'URI:http://127.0.0.1:9999/pki/crl/issuing.crl'
has "signer AIA has the OCSP responder" agency.txt 'OCSP - URI:http://127.0.0.1:9999/pki/ocsp'
has "signer carries the certificate policy" agency.txt 'Policy: 2.999.1'
openssl x509 -in agency.crt -noout -serial > serial.txt
has "serial is 128 bits long, positive (top bits 01)" serial.txt '^serial=[4-7][0-9A-F]{31}$'
nb=$(openssl x509 -in agency.crt -noout -startdate | cut -d= -f2); na=$(openssl x509 -in agency.crt -noout -enddate | cut -d= -f2)
days=$(( ($(date -d "$na" +%s) - $(date -d "$nb" +%s)) / 86400 ))
[ "$days" = 365 ] && ok "--days 365 gives 365 days of validity" || not_ok "--days 365 gives 365 days of validity (got $days)"
expect 0 "openssl verifies the signer through P-chain.pem" \
    openssl verify -crl_check_all -CAfile ca/root.crt -untrusted agency-chain.pem -CRLfile crls.pem agency.crt
expect 0 "openssl verifies the signer for S/MIME signing (emailProtection)" \
    openssl verify -purpose smimesign -CAfile ca/root.crt -untrusted agency-chain.pem agency.crt
expect 3 "issue refuses to overwrite" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn X --out agency
has "overwrite refusal names --force" err.txt 'force'
expect 0 "issue --force overwrites" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn X --out forced --force
expect 0 "issue --no-encrypt writes a plain key" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Plain' --out plain
has "plain key is PKCS#8" plain.key '^-----BEGIN PRIVATE KEY-----$'
has "plain key draws a warning" err.txt 'not encrypted'
expect 3 "issue beyond the issuing CA's life is refused" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn Long --days 3653 --out long
has "the refusal names the CA's end" err.txt 'outlive the issuing CA'
expect 3 "a common name over 64 characters is refused" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt \
    --cn "$(printf 'Ө%.0s' $(seq 65))" --out toolong
expect 0 "a 64-character Cyrillic common name is accepted" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt \
    --cn "$(printf 'Ү%.0s' $(seq 64))" --out longest
TAMGA_PASS='signer passphrase 2' expect 0 "the key passphrase may come from \$TAMGA_PASS" \
    "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --cn 'Env' --out envkey
expect 0 "openssl opens the \$TAMGA_PASS key" openssl pkey -in envkey.key -passin 'pass:signer passphrase 2' -noout
expect 0 "issue a p384 signer from a p256 CA" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn P384 --key-type p384 --out p384
openssl x509 -in p384.crt -noout -text > p384.txt
has "p384 signer has a P-384 key" p384.txt 'P-384|secp384r1'

# ------------------------------------------------------------ validate
expect 0 "validate: the new signer is valid (files)" "$TAMGA" pki validate --trust ca/root.crt --untrusted ca/issuing.crt \
    --crl ca/crl/root.crl --crl ca/crl/issuing.crl agency.crt
has "validate prints VALID" out.txt '^VALID: '
expect 0 "validate: the new signer is valid (--ca-dir)" "$TAMGA" pki validate --ca-dir ca agency.crt
expect 1 "validate: without CRLs the path is not valid" "$TAMGA" pki validate --trust ca/root.crt --untrusted ca/issuing.crt agency.crt
has "missing CRL is INDETERMINATE/TRY_LATER" out.txt '^INDETERMINATE \(TRY_LATER\)'
expect 0 "validate --no-revocation accepts, with a warning" "$TAMGA" pki validate --no-revocation --trust ca/root.crt --untrusted ca/issuing.crt agency.crt
has "unchecked revocation is said" out.txt 'warning: revocation was not checked'
expect 1 "validate: no intermediate, no path" "$TAMGA" pki validate --trust ca/root.crt --crl ca/crl/issuing.crl agency.crt
has "missing issuer is named" out.txt "NO_CERTIFICATE_CHAIN_FOUND.*issuer 'CN=Монгол Улсын Засгийн газар Issuing CA"
expect 1 "validate: another CA's root is no anchor" "$TAMGA" pki validate --trust ca384/root.crt --untrusted ca/issuing.crt \
    --crl ca/crl/issuing.crl agency.crt
expect 1 "validate: expired at a future time" "$TAMGA" pki validate --ca-dir ca --at 2099-01-01T00:00:00Z agency.crt
has "expiry is OUT_OF_BOUNDS" out.txt 'OUT_OF_BOUNDS'
expect 1 "validate: not yet valid at a past time" "$TAMGA" pki validate --ca-dir ca --at 2001-01-01T00:00:00Z agency.crt
has "a past time is NOT_YET_VALID" out.txt 'NOT_YET_VALID'
expect 3 "validate: a malformed --at is a usage error" "$TAMGA" pki validate --ca-dir ca --at 2022-13-01T00:00:00Z agency.crt
expect 0 "validate --purpose timestamping accepts the TSA" "$TAMGA" pki validate --ca-dir ca --purpose timestamping ca/tsa.crt
expect 1 "validate --purpose timestamping rejects a signer" "$TAMGA" pki validate --ca-dir ca --purpose timestamping agency.crt
has "purpose failure is named" out.txt 'PURPOSE_FAILURE'
expect 1 "validate (document-signing) rejects the TSA certificate" "$TAMGA" pki validate --ca-dir ca ca/tsa.crt
expect 1 "validate (document-signing) rejects a CA certificate" "$TAMGA" pki validate --ca-dir ca ca/issuing.crt
expect 0 "validate --purpose ocsp-signing accepts the responder" "$TAMGA" pki validate --ca-dir ca --purpose ocsp-signing ca/ocsp.crt
expect 0 "validate --purpose any accepts the TSA" "$TAMGA" pki validate --ca-dir ca --purpose any ca/tsa.crt
expect 3 "validate needs a trust anchor" "$TAMGA" pki validate agency.crt
expect 3 "validate of a missing file is an I/O error" "$TAMGA" pki validate --ca-dir ca nosuch.crt
echo garbage > garbage.crt
expect 3 "validate of garbage is an error, not a verdict" "$TAMGA" pki validate --ca-dir ca garbage.crt

# ------------------------------------------------------------ list
expect 0 "pki list needs no passphrase" env -u TAMGA_CA_PASS "$TAMGA" pki list --dir ca
has "list shows the root" out.txt '^[0-9a-f]+ +root +good'
has "list shows the signer by subject" out.txt 'signer +good .*CN=Улсын бүртгэлийн ерөнхий газар'
serial=$(openssl x509 -in agency.crt -noout -serial | cut -d= -f2 | tr A-F a-f | sed 's/^0*//')
has "list shows the signer's serial" out.txt "^$serial +signer"

# ------------------------------------------------------------ revoke
expect 3 "revoke without --reason is a usage error" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --serial "$serial"
expect 3 "revoke with an unknown reason is refused" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --serial "$serial" --reason stolen
expect 3 "revoke of an unknown serial fails" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --serial 1234 --reason keyCompromise
has "unknown serial is named" err.txt 'no certificate with serial 1234'
expect 3 "revoke of another CA's certificate (--cert) is refused" "$TAMGA" pki revoke --dir ca384 --ca-pass-file ca.pass --cert agency.crt --reason superseded
has "foreign certificate is explained" err.txt 'was not issued by this CA'
expect 3 "the root cannot be revoked" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert ca/root.crt --reason keyCompromise
expect 0 "revoke the signer (--cert, keyCompromise, invalidity date)" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass \
    --cert agency.crt --reason key-compromise --invalidity-date 2026-01-02T03:04:05Z
openssl crl -inform DER -in ca/crl/issuing.crl -noout -text > crl2.txt
has "the new CRL lists the signer's serial" crl2.txt "Serial Number: 0*$(echo "$serial" | tr a-f A-F)"
has "the CRL entry says keyCompromise" crl2.txt 'Key Compromise'
has "the CRL entry has the invalidity date" crl2.txt 'Jan  2 03:04:05 2026 GMT'
grep -A1 'CRL Number' crl2.txt | tail -1 > crlnum2.txt
has "the CRL number went up to 2" crlnum2.txt '^ *2$'
openssl crl -inform DER -in ca/crl/issuing.crl -out issuing-crl2.pem
expect 2 "openssl verify now says revoked" openssl verify -crl_check -CAfile ca/root.crt -untrusted ca/issuing.crt \
    -CRLfile issuing-crl2.pem agency.crt
has "openssl's reason is revocation" err.txt 'certificate revoked'
expect 1 "validate now rejects the signer" "$TAMGA" pki validate --ca-dir ca agency.crt
has "rejection is REVOKED with the reason" out.txt '^INVALID \(REVOKED\): .*keyCompromise'
expect 1 "validate with the published CRL file rejects it too" "$TAMGA" pki validate --trust ca/root.crt --untrusted ca/issuing.crt \
    --crl ca/crl/root.crl --crl ca/crl/issuing.crl agency.crt
expect 0 "the old CRL still validates it (revocation is only as fresh as the CRL)" "$TAMGA" pki validate --trust ca/root.crt \
    --untrusted ca/issuing.crt --crl root-crl.pem --crl issuing-crl.pem agency.crt
expect 3 "revoking twice is refused" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert agency.crt --reason superseded
has "second revocation says already revoked" err.txt 'already revoked'
expect 0 "pki list shows the revocation" "$TAMGA" pki list --dir ca
has "listed as revoked with reason" out.txt "^$serial +signer +revoked .*keyCompromise"

# ------------------------------------------------------------ hold and release
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Suspended' --out susp 2>/dev/null >&2
hs=$(openssl x509 -in susp.crt -noout -serial | cut -d= -f2)
expect 0 "suspend with certificateHold" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --serial "$hs" --reason certificateHold
openssl crl -inform DER -in ca/crl/issuing.crl -noout -text > crl3.txt
has "the CRL says Certificate Hold" crl3.txt 'Certificate Hold'
expect 1 "a held certificate does not validate" "$TAMGA" pki validate --ca-dir ca susp.crt
expect 3 "holding twice is refused" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --serial "$hs" --reason certificateHold
expect 0 "release lifts the hold" "$TAMGA" pki release --dir ca --ca-pass-file ca.pass --serial "$hs"
openssl crl -inform DER -in ca/crl/issuing.crl -noout -text > crl4.txt
hasnt "the released serial is off the next CRL" crl4.txt "$(echo "$hs" | sed 's/^0*//')"
expect 0 "a released certificate validates again" "$TAMGA" pki validate --ca-dir ca susp.crt
expect 3 "release of a certificate not on hold is refused" "$TAMGA" pki release --dir ca --ca-pass-file ca.pass --serial "$hs"
expect 3 "release of a revoked certificate is refused" "$TAMGA" pki release --dir ca --ca-pass-file ca.pass --cert agency.crt
expect 0 "a hold can become a revocation" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --serial "$hs" --reason certificateHold
expect 0 "...revoked for good" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --serial "$hs" --reason cessationOfOperation
openssl crl -inform DER -in ca/crl/issuing.crl -noout -text > crl5.txt
has "the CRL now says Cessation Of Operation" crl5.txt 'Cessation Of Operation'

# ------------------------------------------------------------ crl
crlnumber() { openssl crl -inform DER -in "$1" -noout -crlnumber | cut -d= -f2 | sed 's/^0x//'; }
n_before=$(crlnumber ca/crl/issuing.crl)
expect 0 "pki crl publishes the next CRL" "$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --days 30 --out next.crl
n_after=$(crlnumber ca/crl/issuing.crl)
[ $((16#$n_after)) = $((16#$n_before + 1)) ] && ok "CRL number incremented ($n_before -> $n_after)" || not_ok "CRL number incremented ($n_before -> $n_after)"
cmp -s next.crl ca/crl/issuing.crl && ok "--out holds the published CRL" || not_ok "--out holds the published CRL"
lu=$(openssl crl -inform DER -in next.crl -noout -lastupdate | cut -d= -f2); nu=$(openssl crl -inform DER -in next.crl -noout -nextupdate | cut -d= -f2)
[ $(( ($(date -d "$nu" +%s) - $(date -d "$lu" +%s)) / 86400 )) = 30 ] && ok "--days 30 sets nextUpdate" || not_ok "--days 30 sets nextUpdate ($lu .. $nu)"
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'After days' --out after >/dev/null 2>&1
expect 0 "revoke after pki crl --days 30" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert after.crt --reason superseded
lu=$(openssl crl -inform DER -in ca/crl/issuing.crl -noout -lastupdate | cut -d= -f2); nu=$(openssl crl -inform DER -in ca/crl/issuing.crl -noout -nextupdate | cut -d= -f2)
[ $(( ($(date -d "$nu" +%s) - $(date -d "$lu" +%s)) / 86400 )) = 30 ] && ok "revoke publishes with the remembered 30 days" || not_ok "revoke publishes with the remembered 30 days ($lu .. $nu)"
expect 0 "pki crl --ca root --pem" "$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --ca root --out root.pem --pem
expect 0 "the PEM root CRL parses and verifies in openssl" openssl crl -in root.pem -CAfile ca/root.crt -noout
expect 3 "pki crl with a wrong passphrase fails" "$TAMGA" pki crl --dir ca --ca-pass-file key.pass
expect 3 "pki crl --days 0 is refused" "$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --days 0

# Revoking the issuing CA lands on the root CRL and invalidates every signer.
"$TAMGA" pki issue --dir ca-env --ca-pass-file ca.pass --no-encrypt --cn 'Under revoked CA' --out under >/dev/null 2>&1
expect 0 "revoke the issuing CA" "$TAMGA" pki revoke --dir ca-env --ca-pass-file ca.pass --cert ca-env/issuing.crt --reason cACompromise
openssl crl -inform DER -in ca-env/crl/root.crl -noout -text > rootcrl.txt
has "the root CRL lists the issuing CA" rootcrl.txt 'CA Compromise'
expect 1 "a signer under a revoked CA is rejected" "$TAMGA" pki validate --ca-dir ca-env under.crt
has "the rejection is REVOKED_CA" out.txt 'REVOKED_CA'
