# CAdES detached signatures (formats/cms/cades.c) made from signing
# identities (pki/signer.c), time-stamped through the RFC 3161 client
# (pki/tsp.c, common/http.c), driven by tests/tools/cades_sign.
#
# Oracles are OpenSSL's command-line tools, an independent implementation:
# `cms -verify` for the signature, `cms -cmsout -print` and `asn1parse` for
# the structure, `cms -cmsout -outform DER` for DER-ness (OpenSSL's encoder
# re-sorts every SET OF: the same bytes back mean we wrote DER), `dgst` for
# certificate hashes and for the signature over the signed attributes, and
# `ts -verify` for the time-stamp token.  The time-stamp authority is
# `openssl ts -reply` behind tests/tools/tsa_server.py.
. "$TAMGA_ROOT/tests/lib.sh"
SIGN=$TAMGA_BUILD/tests/tools/cades_sign
TSA_SERVER=$TAMGA_ROOT/tests/tools/tsa_server.py

TSA_PID=
cleanup() { [ -n "$TSA_PID" ] && kill "$TSA_PID" 2> /dev/null; }
trap cleanup EXIT

echo 'CA passphrase for tests' > ca.pass
echo 'signer passphrase 1' > key.pass
echo 'PKCS#12 passphrase 2' > p12.pass
echo 'wrong passphrase 3' > wrong.pass
seq 1 30000 > content.txt          # 168 894 bytes of text
: > empty.txt

# fails DESC COMMAND... : ok when COMMAND fails.
fails() {
    local desc=$1; shift
    if "$@" > check.out 2>&1; then not_ok "$desc (succeeded)"; else ok "$desc"; fi
}

# Offsets from `openssl asn1parse` lines: "OFF:d=D hl=H l=L ...".
asn1_field() { sed -E 's/^ *([0-9]+):d=([0-9]+) +hl= *([0-9]+) +l= *([0-9]+).*/\1 \3 \4/'; }

# extract FILE OFF COUNT OUT
extract() { dd if="$1" of="$4" bs=1 skip="$2" count="$3" status=none; }

# ------------------------------------------------------------ a PKI
expect 0 "pki init: a P-256 CA" "$TAMGA" pki init --dir ca --ca-pass-file ca.pass
expect 0 "pki init: an RSA-3072 CA" "$TAMGA" pki init --dir carsa --ca-pass-file ca.pass --key-type rsa3072
expect 0 "issue an encrypted P-256 signer" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass \
    --cn 'Улсын бүртгэл P-256' --out p256
expect 0 "issue an unencrypted P-384 signer" "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt \
    --key-type p384 --cn 'Signer P-384' --out p384
expect 0 "issue an encrypted RSA-3072 signer" "$TAMGA" pki issue --dir carsa --ca-pass-file ca.pass \
    --pass-file key.pass --cn 'Signer RSA' --out rsa
# Keys tamga does not make, self-signed by OpenSSL.
mkcert() { # NAME NEWKEY-ARGS...
    local n=$1; shift
    openssl req -x509 -noenc -days 30 -subj "/CN=$n" -keyout "$n.key" -out "$n.crt" "$@" > /dev/null 2>&1
}
mkcert p521 -newkey ec -pkeyopt ec_paramgen_curve:P-521
mkcert rsa2048 -newkey rsa:2048
mkcert rsa1024 -newkey rsa:1024
mkcert k256 -newkey ec -pkeyopt ec_paramgen_curve:secp256k1
mkcert ed25519 -newkey ed25519
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa.param > /dev/null 2>&1
openssl genpkey -paramfile dsa.param -out dsa.key > /dev/null 2>&1
openssl req -x509 -days 30 -subj /CN=dsa -key dsa.key -out dsa.crt > /dev/null 2>&1
openssl ecparam -name prime256v1 -param_enc explicit -genkey -noout -out explicit.key 2> /dev/null
openssl req -x509 -days 30 -subj /CN=explicit -key explicit.key -out explicit.crt > /dev/null 2>&1
for n in p521 rsa2048 rsa1024 k256 ed25519 dsa explicit; do
    [ -s "$n.crt" ] && ok "openssl made the $n test certificate" || not_ok "openssl made the $n test certificate"
done
# Traditional PEM keys (not PKCS#8), plain and encrypted.
openssl pkey -in p384.key -traditional -out p384-trad.key
openssl pkey -in p384.key -traditional -aes256 -passout file:key.pass -out p384-trad-enc.key
has "the traditional key is an EC PRIVATE KEY" p384-trad.key '^-----BEGIN EC PRIVATE KEY-----$'
has "the encrypted traditional key has a Proc-Type header" p384-trad-enc.key '^Proc-Type: 4,ENCRYPTED'
# PKCS#12: OpenSSL 3's default (AES-256-CBC, PBKDF2, HMAC-SHA256) and -legacy (RC2-40, 3DES, SHA-1).
openssl pkcs12 -export -inkey p256.key -passin file:key.pass -in p256.crt -certfile p256-chain.pem \
    -passout file:p12.pass -out p256.p12
openssl pkcs12 -export -legacy -inkey rsa.key -passin file:key.pass -in rsa.crt -certfile rsa-chain.pem \
    -passout file:p12.pass -out rsa-legacy.p12
openssl pkcs12 -in p256.p12 -passin file:p12.pass -info -noout > p12.txt 2>&1
has "the default PKCS#12 uses AES-256-CBC" p12.txt 'AES-256-CBC'
openssl pkcs12 -legacy -in rsa-legacy.p12 -passin file:p12.pass -info -noout > p12l.txt 2>&1
has "the legacy PKCS#12 uses RC2-40" p12l.txt 'pbeWithSHA1And40BitRC2-CBC'
has "the legacy PKCS#12 uses 3DES" p12l.txt 'pbeWithSHA1And3-KeyTripleDES-CBC'

cat ca/root.crt ca/issuing.crt > ca-all.pem   # anchors for signatures without a chain

# ------------------------------------------------------------ signing identities
expect 0 "an encrypted key with its passphrase loads" "$SIGN" --info --key p256.key --cert p256.crt \
    --chain p256-chain.pem --pass-file key.pass --content empty.txt --out id.der
has "the P-256 key is described" out.txt '^key EC P-256$'
has "an encrypted key is not reported plain" out.txt '^plain 0$'
has "the chain has the issuing CA and the root" out.txt '^chain 2$'
has "the chain comes in file order" out.txt '^chain\[0\] CN=Tamga Dev PKI Issuing CA'
expect 0 "a plain PKCS#8 key loads without a passphrase" "$SIGN" --info --key p384.key --cert p384.crt \
    --content empty.txt --out id.der
has "a plain key is reported plain" out.txt '^plain 1$'
has "the P-384 key is described" out.txt '^key EC P-384$'
expect 0 "a plain key loads even when a passphrase is given" "$SIGN" --info --key p384.key --cert p384.crt \
    --pass-file key.pass --content empty.txt --out id.der
has "... and is still reported plain" out.txt '^plain 1$'
expect 0 "a traditional EC key loads" "$SIGN" --info --key p384-trad.key --cert p384.crt --content empty.txt --out id.der
has "a traditional plain key is reported plain" out.txt '^plain 1$'
expect 0 "an encrypted traditional key loads with its passphrase" "$SIGN" --info --key p384-trad-enc.key \
    --cert p384.crt --pass-file key.pass --content empty.txt --out id.der
has "an encrypted traditional key is not reported plain" out.txt '^plain 0$'
expect 1 "an encrypted traditional key with a wrong passphrase" "$SIGN" --key p384-trad-enc.key --cert p384.crt \
    --pass-file wrong.pass --content empty.txt --out id.der
has "... is TAMGA_EPASSPHRASE" err.txt 'TAMGA_EPASSPHRASE'
# Duplicates: the signer's own certificate and the root twice in the chain.
cat p256.crt p256-chain.pem ca/root.crt > dup-chain.pem
expect 0 "a chain with duplicates loads" "$SIGN" --info --key p256.key --cert p256.crt --chain dup-chain.pem \
    --pass-file key.pass --content empty.txt --out id.der
has "duplicates (and the signer's own certificate) are dropped from the chain" out.txt '^chain 2$'
# A certificate file with the chain after the signer's certificate.
cat p256.crt p256-chain.pem > p256-full.pem
expect 0 "a certificate file may carry the chain" "$SIGN" --info --key p256.key --cert p256-full.pem \
    --pass-file key.pass --content empty.txt --out id.der
has "... which joins the chain" out.txt '^chain 2$'
expect 0 "a PKCS#12 file (AES) loads" "$SIGN" --info --p12 p256.p12 --pass-file p12.pass --content empty.txt --out id.der
has "the PKCS#12 key is P-256" out.txt '^key EC P-256$'
has "the PKCS#12 chain has two certificates" out.txt '^chain 2$'
has "the PKCS#12 signer is the end entity" out.txt '^subject CN=Улсын бүртгэл P-256'
expect 0 "a legacy PKCS#12 file (RC2-40, 3DES) loads" "$SIGN" --info --p12 rsa-legacy.p12 --pass-file p12.pass \
    --content empty.txt --out id.der
has "the legacy PKCS#12 key is RSA 3072" out.txt '^key RSA 3072$'
has "the legacy PKCS#12 chain has two certificates" out.txt '^chain 2$'

# Refusals.
expect 1 "a wrong passphrase is refused" "$SIGN" --key p256.key --cert p256.crt --pass-file wrong.pass \
    --content content.txt --out bad.der
has "a wrong passphrase is TAMGA_EPASSPHRASE" err.txt 'TAMGA_EPASSPHRASE'
expect 1 "an encrypted key without a passphrase is refused" "$SIGN" --key p256.key --cert p256.crt \
    --content content.txt --out bad.der
has "a missing passphrase is TAMGA_EPASSPHRASE" err.txt 'TAMGA_EPASSPHRASE.*no passphrase'
expect 1 "a wrong PKCS#12 passphrase is refused" "$SIGN" --p12 p256.p12 --pass-file wrong.pass \
    --content content.txt --out bad.der
has "a wrong PKCS#12 passphrase is TAMGA_EPASSPHRASE" err.txt 'TAMGA_EPASSPHRASE'
expect 1 "a PKCS#12 file without a passphrase is refused" "$SIGN" --p12 p256.p12 --content content.txt --out bad.der
has "a missing PKCS#12 passphrase is TAMGA_EPASSPHRASE" err.txt 'TAMGA_EPASSPHRASE'
expect 1 "a key with another key's certificate is refused" "$SIGN" --key p256.key --cert p384.crt \
    --pass-file key.pass --content content.txt --out bad.der
has "a key/certificate mismatch is TAMGA_EINVAL and says so" err.txt 'TAMGA_EINVAL.*does not belong'
expect 1 "an RSA key with another RSA certificate is refused" "$SIGN" --key rsa2048.key --cert rsa.crt \
    --content content.txt --out bad.der
has "... TAMGA_EINVAL" err.txt 'TAMGA_EINVAL'
expect 1 "an RSA-1024 key is refused" "$SIGN" --key rsa1024.key --cert rsa1024.crt --content content.txt --out bad.der
has "RSA-1024 is TAMGA_EUNSUPPORTED" err.txt 'TAMGA_EUNSUPPORTED.*1024 bits'
expect 1 "a DSA key is refused" "$SIGN" --key dsa.key --cert dsa.crt --content content.txt --out bad.der
has "DSA is TAMGA_EUNSUPPORTED" err.txt 'TAMGA_EUNSUPPORTED.*DSA'
expect 1 "an Ed25519 key is refused" "$SIGN" --key ed25519.key --cert ed25519.crt --content content.txt --out bad.der
has "Ed25519 is TAMGA_EUNSUPPORTED" err.txt 'TAMGA_EUNSUPPORTED'
expect 1 "a secp256k1 key is refused" "$SIGN" --key k256.key --cert k256.crt --content content.txt --out bad.der
has "secp256k1 is TAMGA_EUNSUPPORTED" err.txt 'TAMGA_EUNSUPPORTED.*secp256k1'
expect 1 "a certificate with explicit EC parameters is refused" "$SIGN" --key explicit.key --cert explicit.crt \
    --content content.txt --out bad.der
has "explicit parameters are TAMGA_EUNSUPPORTED" err.txt 'TAMGA_EUNSUPPORTED.*explicit'
expect 1 "a certificate as the key is refused" "$SIGN" --key p256.crt --cert p256.crt --content content.txt --out bad.der
has "... TAMGA_EFORMAT" err.txt 'TAMGA_EFORMAT'
expect 1 "a missing key file is refused" "$SIGN" --key nothere.key --cert p256.crt --content content.txt --out bad.der
has "... TAMGA_EIO" err.txt 'TAMGA_EIO.*nothere.key'
expect 1 "a key file as PKCS#12 is refused" "$SIGN" --p12 p256.key --pass-file p12.pass --content content.txt --out bad.der
has "... TAMGA_EFORMAT" err.txt 'TAMGA_EFORMAT'
expect 1 "PSS with an EC key is refused" "$SIGN" --key p384.key --cert p384.crt --pss --content content.txt --out bad.der
has "... TAMGA_EINVAL" err.txt 'TAMGA_EINVAL.*PSS'
expect 1 "SHA-1 is refused" "$SIGN" --key p384.key --cert p384.crt --digest sha1 --content content.txt --out bad.der
has "... TAMGA_EUNSUPPORTED" err.txt 'TAMGA_EUNSUPPORTED.*sha1'
expect 1 "an unknown digest is refused" "$SIGN" --key p384.key --cert p384.crt --digest whirl --content content.txt --out bad.der
has "... TAMGA_EINVAL" err.txt 'TAMGA_EINVAL'
expect 1 "a key and a PKCS#12 file together are refused" "$SIGN" --key p384.key --cert p384.crt --p12 p256.p12 \
    --pass-file p12.pass --content content.txt --out bad.der
has "... TAMGA_EINVAL" err.txt 'TAMGA_EINVAL.*not both'
expect 1 "a key without a certificate is refused" "$SIGN" --key p384.key --content content.txt --out bad.der
has "... TAMGA_EINVAL" err.txt 'TAMGA_EINVAL.*needs a key and a certificate'
expect 1 "a chain file without certificates is refused" "$SIGN" --key p384.key --cert p384.crt --chain p384.key \
    --content content.txt --out bad.der
has "... TAMGA_EFORMAT" err.txt 'TAMGA_EFORMAT.*no certificate'
[ ! -e bad.der ] && ok "no refused signature left a file" || not_ok "no refused signature left a file"

# ------------------------------------------------------------ B-B signatures
# sig_check NAME CAFILE DIGEST SIGALG PSS CERT NCERTS SIGN-ARGS...
sig_check() {
    local n=$1 ca=$2 dg=$3 alg=$4 pss=$5 cert=$6 ncerts=$7; shift 7
    expect 0 "$n: sign" "$SIGN" --max-size "$@" --digest "$dg" --content content.txt --out "$n.der"
    local max size
    max=$(sed -n 's/^max_size //p' out.txt)
    size=$(stat -c %s "$n.der" 2> /dev/null || echo 0)
    if [ -n "$max" ] && [ "$size" -gt 0 ] && [ "$size" -le "$max" ] && [ "$max" -le $((size + 1536)) ]; then
        ok "$n: $size bytes, within tamga__cades_max_size ($max) and not far below"
    else
        not_ok "$n: size $size against tamga__cades_max_size '$max'"
    fi
    expect 0 "$n: openssl cms -verify" openssl cms -verify -binary -inform DER -in "$n.der" -content content.txt \
        -CAfile "$ca" -purpose any -out /dev/null
    sed '5000s/./X/' content.txt > flipped.txt
    fails "$n: openssl cms -verify fails after a content byte changes" openssl cms -verify -binary -inform DER \
        -in "$n.der" -content flipped.txt -CAfile "$ca" -purpose any -out /dev/null
    openssl cms -cmsout -inform DER -in "$n.der" -outform DER -out "$n.re.der" 2> /dev/null
    cmp -s "$n.der" "$n.re.der" && ok "$n: DER (OpenSSL re-encodes it byte for byte)" || not_ok "$n: DER (OpenSSL re-encodes it byte for byte)"

    openssl cms -cmsout -print -inform DER -in "$n.der" > "$n.txt"
    hasnt "$n: no signingTime" "$n.txt" 'signingTime|1\.2\.840\.113549\.1\.9\.5\)'
    has "$n: contentType attribute" "$n.txt" 'object: contentType \(1\.2\.840\.113549\.1\.9\.3\)'
    has "$n: contentType is id-data" "$n.txt" 'OBJECT:pkcs7-data'
    has "$n: messageDigest attribute" "$n.txt" 'object: messageDigest'
    has "$n: signingCertificateV2 attribute" "$n.txt" 'object: id-smime-aa-signingCertificateV2 \(1\.2\.840\.113549\.1\.9\.16\.2\.47\)'
    has "$n: detached (no eContent)" "$n.txt" 'eContent: <ABSENT>'
    [ "$(grep -c '^ *version: 1$' "$n.txt")" = 2 ] && ok "$n: SignedData and SignerInfo version 1" || not_ok "$n: SignedData and SignerInfo version 1"
    [ "$(grep -c 'd.certificate:' "$n.txt")" = "$ncerts" ] && ok "$n: $ncerts certificates" || not_ok "$n: $ncerts certificates ($(grep -c 'd.certificate:' "$n.txt"))"
    hasnt "$n: no unsigned attributes (B-B)" "$n.txt" 'id-smime-aa-timeStampToken'
    local oid
    case $dg in sha256) oid=2.16.840.1.101.3.4.2.1 ;; sha384) oid=2.16.840.1.101.3.4.2.2 ;; sha512) oid=2.16.840.1.101.3.4.2.3 ;; esac
    sed -n '/digestAlgorithm:/,/parameter:/p' "$n.txt" > "$n.dalg"
    has "$n: digestAlgorithm $dg" "$n.dalg" "algorithm: $dg \\($oid\\)"
    has "$n: digestAlgorithm without parameters (RFC 5754)" "$n.dalg" 'parameter: <ABSENT>'
    sed -n '/signatureAlgorithm:/,/signature:/p' "$n.txt" > "$n.salg"
    has "$n: signatureAlgorithm $alg" "$n.salg" "algorithm: $alg "
    case $alg in
    ecdsa*) has "$n: ECDSA parameters absent" "$n.salg" 'parameter: <ABSENT>' ;;
    sha*WithRSAEncryption) has "$n: RSA PKCS#1 v1.5 parameters NULL" "$n.salg" 'parameter: NULL' ;;
    rsassaPss)
        local len
        case $dg in sha256) len=20 ;; sha384) len=30 ;; sha512) len=40 ;; esac
        [ "$(grep -c "OBJECT *:$dg" "$n.salg")" = 2 ] && ok "$n: PSS hash and MGF1 hash are $dg" || not_ok "$n: PSS hash and MGF1 hash are $dg"
        has "$n: PSS mask generation is MGF1" "$n.salg" 'OBJECT *:mgf1'
        has "$n: PSS salt length = hash length" "$n.salg" "cont \\[ 2 \\]"
        has "$n: PSS salt length is 0x$len" "$n.salg" "INTEGER *:$len\$"
        hasnt "$n: PSS trailerField left at its DEFAULT" "$n.salg" 'cont \[ 3 \]' ;;
    esac

    # signingCertificateV2: certHash = H(signer certificate); hashAlgorithm
    # only when not SHA-256; issuerSerial names the signer's serial.
    sed -n '/id-smime-aa-signingCertificateV2/,/signatureAlgorithm:/p' "$n.txt" > "$n.scv2"
    local want got serial
    want=$(openssl x509 -in "$cert" -outform DER | openssl dgst "-$dg" -r | cut -d' ' -f1)
    got=$(grep -m1 'OCTET STRING' "$n.scv2" | sed 's/.*HEX DUMP\]://' | tr 'A-F' 'a-f')
    [ -n "$want" ] && [ "$want" = "$got" ] && ok "$n: certHash is the $dg of the signer certificate" || not_ok "$n: certHash '$got' != '$want'"
    if [ "$dg" = sha256 ]; then
        hasnt "$n: ESSCertIDv2 hashAlgorithm omitted for SHA-256 (DEFAULT)" "$n.scv2" 'OBJECT *:sha'
    else
        has "$n: ESSCertIDv2 hashAlgorithm is $dg" "$n.scv2" "OBJECT *:$dg\$"
    fi
    has "$n: issuerSerial holds a directoryName" "$n.scv2" 'cont \[ 4 \]'
    serial=$(openssl x509 -in "$cert" -noout -serial | sed 's/serial=//')
    has "$n: issuerSerial serial is the signer's" "$n.scv2" "INTEGER *:$serial\$"

    # The signature is over the signedAttrs with the SET tag (RFC 5652
    # §5.4): cut them out, re-tag, check with openssl dgst.
    openssl asn1parse -inform DER -in "$n.der" > "$n.asn1"
    local off hl l
    read -r off hl l <<< "$(grep -m1 'd=5 .*cont \[ 0 \]' "$n.asn1" | asn1_field)"
    extract "$n.der" "$off" $((hl + l)) "$n.attrs"
    printf '\061' | dd of="$n.attrs" bs=1 count=1 conv=notrunc status=none
    read -r off hl l <<< "$(grep -m1 'd=5 .*prim: OCTET STRING' "$n.asn1" | asn1_field)"
    extract "$n.der" $((off + hl)) "$l" "$n.sig"
    openssl x509 -in "$cert" -noout -pubkey > "$n.pub"
    local opts=()
    [ "$pss" = pss ] && opts=(-sigopt rsa_padding_mode:pss -sigopt "rsa_pss_saltlen:$(( 16#$len ))" -sigopt "rsa_mgf1_md:$dg")
    expect 0 "$n: openssl dgst verifies the signature over the SET-tagged signedAttrs" \
        openssl dgst "-$dg" "${opts[@]}" -verify "$n.pub" -signature "$n.sig" "$n.attrs"
}

sig_check p256-sha256 ca/root.crt sha256 ecdsa-with-SHA256 - p256.crt 3 \
    --key p256.key --cert p256.crt --chain p256-chain.pem --pass-file key.pass
sig_check p256-sha384 ca/root.crt sha384 ecdsa-with-SHA384 - p256.crt 3 \
    --key p256.key --cert p256.crt --chain p256-chain.pem --pass-file key.pass
sig_check p256-sha512 ca/root.crt sha512 ecdsa-with-SHA512 - p256.crt 3 \
    --key p256.key --cert p256.crt --chain p256-chain.pem --pass-file key.pass
sig_check p384-sha384 ca/root.crt sha384 ecdsa-with-SHA384 - p384.crt 3 \
    --key p384.key --cert p384.crt --chain p384-chain.pem
sig_check p521-sha512 p521.crt sha512 ecdsa-with-SHA512 - p521.crt 1 --key p521.key --cert p521.crt
sig_check rsa-sha256 carsa/root.crt sha256 sha256WithRSAEncryption - rsa.crt 3 \
    --key rsa.key --cert rsa.crt --chain rsa-chain.pem --pass-file key.pass
sig_check rsa-sha512 carsa/root.crt sha512 sha512WithRSAEncryption - rsa.crt 3 \
    --key rsa.key --cert rsa.crt --chain rsa-chain.pem --pass-file key.pass
sig_check rsa-pss-sha256 carsa/root.crt sha256 rsassaPss pss rsa.crt 3 \
    --key rsa.key --cert rsa.crt --chain rsa-chain.pem --pass-file key.pass --pss
sig_check rsa-pss-sha384 carsa/root.crt sha384 rsassaPss pss rsa.crt 3 \
    --key rsa.key --cert rsa.crt --chain rsa-chain.pem --pass-file key.pass --pss
sig_check rsa-pss-sha512 carsa/root.crt sha512 rsassaPss pss rsa.crt 3 \
    --key rsa.key --cert rsa.crt --chain rsa-chain.pem --pass-file key.pass --pss
sig_check rsa2048-pss rsa2048.crt sha256 rsassaPss pss rsa2048.crt 1 --key rsa2048.key --cert rsa2048.crt --pss
sig_check p12-aes ca/root.crt sha256 ecdsa-with-SHA256 - p256.crt 3 --p12 p256.p12 --pass-file p12.pass
sig_check p12-legacy carsa/root.crt sha384 sha384WithRSAEncryption - rsa.crt 3 \
    --p12 rsa-legacy.p12 --pass-file p12.pass
sig_check trad-enc ca-all.pem sha384 ecdsa-with-SHA384 - p384.crt 1 \
    --key p384-trad-enc.key --cert p384.crt --pass-file key.pass

# Without the chain only the signer's certificate travels; the verifier
# then needs the issuing CA from elsewhere.
expect 0 "sign without a chain" "$SIGN" --key p256.key --cert p256.crt --pass-file key.pass --content content.txt --out nochain.der
openssl cms -cmsout -print -inform DER -in nochain.der > nochain.txt
[ "$(grep -c 'd.certificate:' nochain.txt)" = 1 ] && ok "without a chain: one certificate" || not_ok "without a chain: one certificate"
expect 0 "without a chain: openssl verifies with the issuing CA given" openssl cms -verify -binary -inform DER \
    -in nochain.der -content content.txt -CAfile ca-all.pem -purpose any -out /dev/null
# An empty document is a document.
expect 0 "sign an empty file" "$SIGN" --key p384.key --cert p384.crt --content empty.txt --out empty.der
expect 0 "openssl verifies the signature of an empty file" openssl cms -verify -binary -inform DER -in empty.der \
    -content empty.txt -CAfile ca-all.pem -purpose any -out /dev/null
# The signer is found by its issuer and serial: with only another
# certificate at hand (and the embedded ones ignored) nothing verifies.
fails "a signature does not verify with another signer's certificate" openssl cms -verify -binary -inform DER \
    -in p256-sha256.der -content content.txt -CAfile ca/root.crt -purpose any -nointern -certfile p384.crt -out /dev/null
expect 0 "... and does with its own" openssl cms -verify -binary -inform DER \
    -in p256-sha256.der -content content.txt -CAfile ca/root.crt -purpose any -nointern \
    -certfile p256-full.pem -out /dev/null

# ------------------------------------------------------------ B-T: RFC 3161
openssl pkey -in ca/private/tsa.key -passin file:ca.pass -out tsa.key
cat ca/issuing.crt ca/root.crt > tsa-chain.pem
python3 "$TSA_SERVER" serve --key tsa.key --cert ca/tsa.crt --chain tsa-chain.pem --dir tsadir \
    --port-file tsa.port --eku-key p384.key --eku-cert p384.crt 2> tsa.log &
TSA_PID=$!
for _ in $(seq 1 100); do [ -s tsa.port ] && break; sleep 0.1; done
PORT=$(cat tsa.port 2> /dev/null)
[ -n "$PORT" ] && ok "the test TSA listens (port $PORT)" || not_ok "the test TSA listens"
TSA=http://127.0.0.1:$PORT

# bt_check NAME DIGEST CAFILE SIGN-ARGS...
bt_check() {
    local n=$1 dg=$2 ca=$3; shift 3
    expect 0 "$n: sign with a time-stamp" "$SIGN" --max-size "$@" --digest "$dg" --tsa "$TSA/" --content content.txt --out "$n.der"
    local max size
    max=$(sed -n 's/^max_size //p' out.txt)
    size=$(stat -c %s "$n.der" 2> /dev/null || echo 0)
    [ -n "$max" ] && [ "$size" -gt 0 ] && [ "$size" -le "$max" ] && ok "$n: $size bytes, within tamga__cades_max_size ($max)" || not_ok "$n: size $size against '$max'"
    expect 0 "$n: openssl cms -verify" openssl cms -verify -binary -inform DER -in "$n.der" -content content.txt \
        -CAfile "$ca" -purpose any -out /dev/null
    openssl cms -cmsout -inform DER -in "$n.der" -outform DER -out "$n.re.der" 2> /dev/null
    cmp -s "$n.der" "$n.re.der" && ok "$n: DER (OpenSSL re-encodes it byte for byte)" || not_ok "$n: DER (OpenSSL re-encodes it byte for byte)"
    openssl cms -cmsout -print -inform DER -in "$n.der" > "$n.txt"
    has "$n: a signatureTimeStampToken unsigned attribute" "$n.txt" 'object: id-smime-aa-timeStampToken \(1\.2\.840\.113549\.1\.9\.16\.2\.14\)'
    # (The TSA's own token has one, in its own signed attributes.)
    sed -n '/^        signedAttrs:/,/^        signatureAlgorithm:/p' "$n.txt" > "$n.sattrs"
    has "$n: our signedAttrs found" "$n.sattrs" 'id-smime-aa-signingCertificateV2'
    hasnt "$n: still no signingTime in our signedAttrs" "$n.sattrs" 'signingTime|1\.2\.840\.113549\.1\.9\.5\)'

    # The token is the value of the attribute; the imprint covers the
    # signature value's bytes.
    openssl asn1parse -inform DER -in "$n.der" > "$n.asn1"
    local off hl l line
    line=$(grep -n -m1 'OBJECT *:id-smime-aa-timeStampToken' "$n.asn1" | cut -d: -f1)
    read -r off hl l <<< "$(sed -n "$((line + 2))p" "$n.asn1" | asn1_field)"
    extract "$n.der" "$off" $((hl + l)) "$n.token"
    read -r off hl l <<< "$(grep -m1 'd=5 .*prim: OCTET STRING' "$n.asn1" | asn1_field)"
    extract "$n.der" $((off + hl)) "$l" "$n.sigvalue"
    expect 0 "$n: openssl ts -verify: the token covers the signature value" openssl ts -verify -data "$n.sigvalue" \
        -in "$n.token" -token_in -CAfile ca/root.crt -untrusted tsa-chain.pem
    has "$n: ... Verification: OK" out.txt '^Verification: OK'
    printf 'x' >> "$n.sigvalue"
    fails "$n: openssl ts -verify fails for other data" openssl ts -verify -data "$n.sigvalue" \
        -in "$n.token" -token_in -CAfile ca/root.crt -untrusted tsa-chain.pem
    openssl ts -reply -in "$n.token" -token_in -text > "$n.tst" 2> /dev/null
    has "$n: the token's imprint uses $dg" "$n.tst" "Hash Algorithm: $dg"
    has "$n: the token has a nonce" "$n.tst" '^Nonce: 0x[0-9A-F]+'
    has "$n: the token has the TSA's default policy (none asked)" "$n.tst" '^Policy OID: 2\.999\.77\.1$'
    # The request itself, as the TSA received it.
    openssl ts -query -in tsadir/last.tsq -text > "$n.tsq.txt" 2> /dev/null
    has "$n: request version 1" "$n.tsq.txt" '^Version: 1$'
    has "$n: request asks for the certificate" "$n.tsq.txt" '^Certificate required: yes'
    has "$n: request has no policy" "$n.tsq.txt" '^Policy OID: unspecified'
    has "$n: request hash algorithm $dg" "$n.tsq.txt" "Hash Algorithm: $dg"
    local qn tn
    qn=$(sed -n 's/^Nonce: //p' "$n.tsq.txt"); tn=$(sed -n 's/^Nonce: //p' "$n.tst")
    [ -n "$qn" ] && [ "$qn" = "$tn" ] && ok "$n: the token's nonce is the request's" || not_ok "$n: nonce '$tn' vs request '$qn'"
}
bt_check bt-p256 sha256 ca/root.crt --key p256.key --cert p256.crt --chain p256-chain.pem --pass-file key.pass
bt_check bt-rsa-pss sha384 carsa/root.crt --key rsa.key --cert rsa.crt --chain rsa-chain.pem --pass-file key.pass --pss
bt_check bt-p384 sha512 ca/root.crt --key p384.key --cert p384.crt --chain p384-chain.pem

# Two requests never share a nonce.
expect 0 "a second time-stamped signature" "$SIGN" --key p384.key --cert p384.crt --tsa "$TSA" --content content.txt --out bt2.der
openssl ts -query -in tsadir/last.tsq -text 2> /dev/null | sed -n 's/^Nonce: //p' > nonce2.txt
[ -s nonce2.txt ] && [ "$(cat nonce2.txt)" != "$(sed -n 's/^Nonce: //p' bt-p384.tsq.txt)" ] && ok "every request has a fresh nonce" || not_ok "every request has a fresh nonce"
expect 0 "a policy can be asked for" "$SIGN" --key p384.key --cert p384.crt --tsa "$TSA" --tsa-policy 2.999.77.2 \
    --content content.txt --out btp.der
openssl ts -query -in tsadir/last.tsq -text > btp.tsq.txt 2> /dev/null
has "the request carries the policy" btp.tsq.txt '^Policy OID: 2\.999\.77\.2$'

# A TSA that answers wrongly: a clear error naming the URL, and no file.
# tsa_fail DESC PATH CODE REGEX [ARGS...]
tsa_fail() {
    local desc=$1 path=$2 code=$3 re=$4; shift 4
    rm -f fail.der
    expect 1 "TSA $desc: signing fails" "$SIGN" --key p384.key --cert p384.crt --tsa "$TSA$path" "$@" \
        --content content.txt --out fail.der
    has "TSA $desc: $code, naming the URL" err.txt "$code.*127\\.0\\.0\\.1:$PORT$path"
    has "TSA $desc: says what was wrong" err.txt "$re"
    [ ! -e fail.der ] && ok "TSA $desc: no output file" || not_ok "TSA $desc: no output file"
}
tsa_fail "garbage" /garbage TAMGA_EFORMAT 'not an RFC 3161 TimeStampResp'
tsa_fail "HTTP 500" /500 TAMGA_EIO 'HTTP status 500'
tsa_fail "rejection" /reject TAMGA_EIO 'answered rejection \(2\): "test TSA rejects this request" \[badRequest\]'
tsa_fail "wrong nonce" /nonce TAMGA_EFORMAT 'another nonce'
tsa_fail "wrong imprint" /imprint TAMGA_EFORMAT 'messageImprint differs'
tsa_fail "signer without timeStamping" /eku TAMGA_EFORMAT 'not a time-stamping certificate'
tsa_fail "wrong Content-Type" /ctype TAMGA_EFORMAT "Content-Type is 'text/html'"
tsa_fail "2 MiB answer" /big TAMGA_ELIMIT 'larger than'
tsa_fail "bytes after the answer" /trailing TAMGA_EFORMAT 'follow the TimeStampResp'
tsa_fail "404" /nothere TAMGA_EIO 'HTTP status 404'
tsa_fail "too slow" /slow TAMGA_EIO 'no answer within 1 s' --tsa-timeout 1
rm -f fail.der
expect 1 "an unreachable TSA: signing fails" "$SIGN" --key p384.key --cert p384.crt --tsa http://127.0.0.1:1/ \
    --content content.txt --out fail.der
has "an unreachable TSA: TAMGA_EIO naming the URL" err.txt 'TAMGA_EIO.*http://127\.0\.0\.1:1/'
[ ! -e fail.der ] && ok "an unreachable TSA: no output file" || not_ok "an unreachable TSA: no output file"
expect 1 "a file:// TSA URL is refused" "$SIGN" --key p384.key --cert p384.crt --tsa file:///etc/passwd \
    --content content.txt --out fail.der
has "... TAMGA_EINVAL" err.txt 'TAMGA_EINVAL.*only http:// and https://'
expect 1 "a TSA URL's password never shows in messages" "$SIGN" --key p384.key --cert p384.crt \
    --tsa "http://user:s3cret@127.0.0.1:$PORT/500" --content content.txt --out fail.der
hasnt "... the password is not in the message" err.txt 's3cret'
has "... but the host is" err.txt "127\\.0\\.0\\.1:$PORT/500"

kill "$TSA_PID" 2> /dev/null && wait "$TSA_PID" 2> /dev/null
TSA_PID=
