# tamga pki validate with revocation data from outside the store: CRLs
# fetched from the distribution points, OCSP fetched from the AIA URL or
# given as files, and a proof of existence (--poe).
#
# Everything runs on 127.0.0.1: tests/tools/pki_server.py serves the CRL
# files at the CDP paths and answers OCSP POSTs by running
# `openssl ocsp -index` (an independent responder) on each request.
# OpenSSL's own client (`openssl verify -crl_check_all`, `openssl ocsp`)
# is the oracle where one exists.
. "$TAMGA_ROOT/tests/lib.sh"

echo 'CA passphrase for tests' > ca.pass
. "$TAMGA_ROOT/tests/lib_pki.sh"   # PORT, BASE, srv/crl/, start_server, stop_server
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# ------------------------------------------------------------ the PKI
expect 0 "pki init with the test server as base URL" "$TAMGA" pki init --dir ca --ca-pass-file ca.pass --base-url "$BASE"
issue() { "$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn "$1" --out "$2" > /dev/null 2>&1 ||
          not_ok "issue $2"; }
serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
issue 'Good Signer' good
issue 'Revoked Signer' bad
issue 'Held Signer' held
issue 'Unknown Signer' unknown
rev_at=$(now)
expect 0 "revoke a signer (keyCompromise)" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert bad.crt --reason keyCompromise
expect 0 "hold a signer" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert held.crt --reason certificateHold
has "the signer's CDP points at the test server" <(openssl x509 -in good.crt -noout -text) "URI:$BASE/crl/issuing.crl"
has "the signer's AIA OCSP points at the test server" <(openssl x509 -in good.crt -noout -text) "OCSP - URI:$BASE/ocsp"

openssl pkey -in ca/private/ocsp.key -passin file:ca.pass -out ocsp.key 2>/dev/null
openssl pkey -in ca/private/tsa.key -passin file:ca.pass -out tsa.key 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -out rogue.crt \
    -subj '/CN=Rogue Responder' -days 30 -addext extendedKeyUsage=OCSPSigning 2>/dev/null
# index.txt for openssl ocsp: V/R, notAfter, revocation date[,reason], serial, file, subject.
idx() { local na; na=$(date -u -d "$(openssl x509 -in "$2" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
        printf '%s\t%s\t%s\t%s\tunknown\t/CN=%s\n' "$1" "$na" "$3" "$(serial "$2")" "$2"; }
ocsp_rev=$(date -u -d "$rev_at" +%y%m%d%H%M%SZ)
{ idx V good.crt ''; idx R bad.crt "$ocsp_rev,keyCompromise"; } > srv/index.txt
responder() { echo "-index $PWD/srv/index.txt -CA $PWD/ca/issuing.crt -rsigner $PWD/$1 -rkey $PWD/$2" > srv/ocsp.conf; }
ROOTCRL=ca/crl/root.crl
V=("$TAMGA" pki validate --trust ca/root.crt --untrusted ca/issuing.crt)
start_server

# ------------------------------------------------------------ CRLs from the CDP
cp ca/crl/issuing.crl ca/crl/root.crl srv/crl/
rm -f srv/ocsp.conf   # no OCSP: the CRLs decide
expect 1 "offline by default: no CRL at hand, no verdict" "${V[@]}" good.crt
has "offline: TRY_LATER" out.txt '^INDETERMINATE \(TRY_LATER\)'
expect 0 "online: the CRLs are fetched from the CDPs and the signer is valid" "${V[@]}" --online good.crt
has "the end entity's revocation came from a CRL" out.txt '^  revocation: good \(crl\)'
expect 1 "online: a revoked signer is REVOKED" "${V[@]}" --online bad.crt
has "REVOKED with the CRL's reason" out.txt '^INVALID \(REVOKED\): .*keyCompromise'
has "the revocation is recorded" out.txt '^  revocation: revoked \(crl\) at '
expect 1 "online: a held signer is REVOKED" "${V[@]}" --online held.crt
has "certificateHold counts as revoked" out.txt '^INVALID \(REVOKED\): .*certificateHold'
# Oracle: OpenSSL with the very files the server serves.
cat <(openssl crl -inform DER -in srv/crl/root.crl) <(openssl crl -inform DER -in srv/crl/issuing.crl) > served.pem
expect 0 "openssl verify agrees: good" openssl verify -crl_check_all -CAfile ca/root.crt -untrusted ca/issuing.crt -CRLfile served.pem good.crt
expect 2 "openssl verify agrees: revoked" openssl verify -crl_check_all -CAfile ca/root.crt -untrusted ca/issuing.crt -CRLfile served.pem bad.crt
has "openssl says revoked" err.txt 'certificate revoked'
rm srv/crl/issuing.crl
expect 1 "online: a CRL missing on the server gives no verdict" "${V[@]}" --online good.crt
has "missing CRL: TRY_LATER naming the URL and the HTTP status" out.txt "^INDETERMINATE \(TRY_LATER\): .*$BASE/crl/issuing.crl.*404"
echo 'not a CRL' > srv/crl/issuing.crl
expect 1 "online: garbage at the CDP gives no verdict" "${V[@]}" --online good.crt
has "garbage CRL: TRY_LATER naming the URL" out.txt "^INDETERMINATE \(TRY_LATER\): .*$BASE/crl/issuing.crl"
openssl crl -inform DER -in ca/crl/issuing.crl -out srv/crl/issuing.crl
expect 0 "online: a PEM CRL at the CDP is accepted" "${V[@]}" --online good.crt
cp ca/crl/issuing.crl srv/crl/
# A CRL signed by another CA's key at the right URL: OpenSSL checks its signature.
"$TAMGA" pki init --dir other --ca-pass-file ca.pass --base-url "$BASE" > /dev/null 2>&1
cp other/crl/issuing.crl srv/crl/issuing.crl
expect 1 "online: a CRL from another CA does not count" "${V[@]}" --online good.crt
hasnt "a foreign CRL never makes a VALID" out.txt '^VALID'
cp ca/crl/issuing.crl srv/crl/
stop_server
expect 1 "online, server down: no verdict" "${V[@]}" --online good.crt
has "server down: INDETERMINATE TRY_LATER" out.txt '^INDETERMINATE \(TRY_LATER\)'
has "server down: the message names the URL" out.txt "$BASE/crl/issuing.crl"
start_server

# ------------------------------------------------------------ OCSP online
rm -f srv/crl/issuing.crl   # no CRL for the signers: OCSP decides
responder ca/ocsp.crt ocsp.key
VO=("${V[@]}" --crl "$ROOTCRL" --online)
expect 0 "OCSP online: a good signer is valid" "${VO[@]}" good.crt
has "the end entity's revocation came from OCSP" out.txt '^  revocation: good \(ocsp\)'
expect 0 "openssl ocsp agrees: good" openssl ocsp -issuer ca/issuing.crt -cert good.crt -url "$BASE/ocsp" -CAfile ca/root.crt \
    -verify_other ca/issuing.crt -respout good.ocsp
has "openssl ocsp says good" out.txt 'good.crt: good'
expect 1 "OCSP online: a revoked signer is REVOKED" "${VO[@]}" bad.crt
has "REVOKED with OCSP's reason and time" out.txt "^INVALID \(REVOKED\): .*revoked $rev_at, reason keyCompromise \(OCSP\)"
expect 0 "openssl ocsp agrees: revoked" openssl ocsp -issuer ca/issuing.crt -cert bad.crt -url "$BASE/ocsp" -CAfile ca/root.crt \
    -verify_other ca/issuing.crt -respout bad.ocsp
has "openssl ocsp says revoked" out.txt 'bad.crt: revoked'
expect 1 "OCSP online: an unknown certificate gives no verdict" "${VO[@]}" unknown.crt
has "unknown: INDETERMINATE TRY_LATER" out.txt '^INDETERMINATE \(TRY_LATER\): .*status unknown'
has "unknown: the failed CRL fetch is named too" out.txt "$BASE/crl/issuing.crl"
responder rogue.crt rogue.key
expect 1 "OCSP online: a response signed by a stranger's key does not count" "${VO[@]}" good.crt
has "stranger: TRY_LATER saying why" out.txt '^INDETERMINATE \(TRY_LATER\): .*(neither the issuer|does not verify)'
expect 1 "OCSP online: a stranger's 'revoked' does not count either" "${VO[@]}" bad.crt
has "stranger's revoked: no verdict" out.txt '^INDETERMINATE \(TRY_LATER\)'
responder ca/tsa.crt tsa.key
expect 1 "OCSP online: a responder without OCSPSigning does not count" "${VO[@]}" good.crt
has "no OCSPSigning: TRY_LATER saying why" out.txt '^INDETERMINATE \(TRY_LATER\): .*OCSPSigning'
openssl ocsp -index srv/index.txt -CA ca/issuing.crt -rsigner rogue.crt -rkey rogue.key -issuer ca/issuing.crt \
    -cert good.crt -respout rogue.ocsp -nmin 60 > /dev/null 2>&1
responder ca/issuing.crt issuing.key
openssl pkey -in ca/private/issuing.key -passin file:ca.pass -out issuing.key 2>/dev/null
expect 0 "OCSP online: a response signed by the issuer itself counts" "${VO[@]}" good.crt
cp ca/crl/issuing.crl srv/crl/

# ------------------------------------------------------------ OCSP responses as files
stop_server
VF=("${V[@]}" --crl "$ROOTCRL")
expect 0 "an OCSP response file (good) makes the signer valid offline" "${VF[@]}" --ocsp-response good.ocsp good.crt
has "the revocation came from the given (embedded) data" out.txt '^  revocation: good \(embedded\)'
expect 1 "an OCSP response file (revoked) makes it REVOKED" "${VF[@]}" --ocsp-response bad.ocsp bad.crt
has "file revoked: REVOKED with reason" out.txt '^INVALID \(REVOKED\): .*keyCompromise'
expect 1 "a response about another certificate does not count" "${VF[@]}" --ocsp-response good.ocsp unknown.crt
has "other certificate: TRY_LATER, no matching CertID" out.txt 'no matching CertID'
[ -s rogue.ocsp ] && ok "openssl ocsp made a stranger's response" || not_ok "openssl ocsp made a stranger's response"
expect 1 "a response file signed by a stranger does not count" "${VF[@]}" --ocsp-response rogue.ocsp good.crt
has "stranger's file: TRY_LATER" out.txt '^INDETERMINATE \(TRY_LATER\)'
expect 1 "a response file too late for --at does not count" "${VF[@]}" --at "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" \
    --ocsp-response good.ocsp good.crt
head -c 100 /dev/urandom > junk.ocsp
expect 1 "a garbage response file does not count" "${VF[@]}" --ocsp-response junk.ocsp good.crt
has "garbage: not a DER OCSPResponse" out.txt 'not a DER OCSPResponse'
expect 3 "a missing response file is an I/O error" "${VF[@]}" --ocsp-response nosuch.ocsp good.crt

# ------------------------------------------------------------ proof of existence
issue 'Later Revoked' late
sleep 2
poe=$(now)
sleep 2
expect 0 "revoke after the POE time" "$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert late.crt --reason superseded
VP=("${V[@]}" --crl "$ROOTCRL" --crl ca/crl/issuing.crl --at "$poe")
expect 0 "POE: revoked after the proof of existence is VALID" "${VP[@]}" --poe late.crt
has "POE: the warning names the revocation and the POE" out.txt \
    "^  warning: certificate .*Later Revoked.* was revoked on .* \(reason superseded\), after the proof of existence $poe"
has "POE: the revocation is still recorded" out.txt '^  revocation: revoked \(crl\) at '
expect 1 "without --poe the later CRL is not usable at --at" "${VP[@]}" late.crt
has "without --poe: TRY_LATER (CRL not yet valid)" out.txt '^INDETERMINATE \(TRY_LATER\)'
expect 1 "POE: revoked before the proof of existence is REVOKED" "${VP[@]}" --poe bad.crt
has "POE before: REVOKED" out.txt '^INVALID \(REVOKED\)'
expect 0 "POE: a CRL issued after the POE time is accepted for a good signer" "${VP[@]}" --poe good.crt
has "POE good: no warning" out.txt '^  revocation: good \(crl\)'
expect 1 "POE: the revocation time is compared with --at, not now" "${V[@]}" --crl "$ROOTCRL" --crl ca/crl/issuing.crl \
    --at "$(now)" --poe late.crt
has "POE after revocation: REVOKED" out.txt '^INVALID \(REVOKED\): .*superseded'
# OCSP with a POE: a response produced now about a revocation after the POE.
{ idx V good.crt ''; idx R bad.crt "$ocsp_rev,keyCompromise"; idx R late.crt "$(date -u +%y%m%d%H%M%SZ),superseded"; } > srv/index.txt
openssl ocsp -index srv/index.txt -CA ca/issuing.crt -rsigner ca/ocsp.crt -rkey ocsp.key -issuer ca/issuing.crt \
    -cert late.crt -respout late.ocsp -nmin 60 > /dev/null 2>&1
expect 0 "POE: an OCSP 'revoked' dated after the POE is VALID with a warning" "${V[@]}" --crl "$ROOTCRL" --at "$poe" --poe \
    --ocsp-response late.ocsp late.crt
has "POE OCSP: warning" out.txt '^  warning: certificate .* was revoked on .*after the proof of existence'
has "POE OCSP: recorded as embedded" out.txt '^  revocation: revoked \(embedded\)'

# ------------------------------------------------------------ usage
expect 0 "pki validate --help names the new options" "$TAMGA" pki validate --help
has "--help: --ocsp-response" out.txt '--ocsp-response FILE'
has "--help: --online" out.txt '--online'
has "--help: --poe" out.txt '--poe'
