# tamga verify on PDFs: a data-driven suite.  This script makes the PKI, the
# signers and every document in the test's temporary directory, then runs
# the table in tests/cli/pdf_verify.cases (one line a case: file, options,
# expected exit code, verdict, per-signature indication/sub-indication,
# modifications) against `tamga verify --format json`, judging the report
# with python3's json module; then a few checks of the text output and of
# batch mode.  Attacked variants come from tests/tools/pdf_attacks.py; other
# producers are poppler's pdfsig and LibreOffice (../shared/oracles/lo_sign.py).
# Nothing is skipped: a missing tool, a document that could not be made or a
# verifier that is missing or wrong is a "not ok".
#
# What other software says about the generated files (poppler 22.12 pdfsig
# through ../shared/oracles/pdf_check.sh, qpdf 11.3), measured when this suite
# was written, for the record -- the point of the suite is that tamga must do
# better than pdfsig:
#   contents-removed, byterange-removed, byterange-negative:
#                      pdfsig "Signature has not yet been verified."
#   contents-empty, contents-zeros:     pdfsig "Unknown Validation Failure."
#   byterange-zeros, byterange-three, byterange-gap, tamper-text, tamper-middle:
#                      pdfsig "Digest Mismatch."   (qpdf --check: clean)
#   wrapping:          pdfsig "Signature is Valid." + "Certificate is Trusted."
#                      (it takes the last, attacker's /ByteRange); qpdf warns
#                      "dictionary has duplicated key /ByteRange"; pdftotext
#                      shows the attacker's text
#   isa-replace, isa-add, shadow-hide, shadow-replace, hide-and-replace,
#   evil annotation (freetext on a P=2 certified document):
#                      pdfsig "Signature is Valid." + "Certificate is Trusted."
#                      (only "Not total document signed"); qpdf --check clean;
#                      pdftotext shows the attacker's text (isa-replace,
#                      shadow-hide, hide-and-replace, shadow-replace)
#   sneaky signature:  sig2 "Signature is Valid.", "Certificate issuer isn't Trusted."
#   form fill, DSS, document time-stamp: pdfsig valid; the time-stamp is not
#                      verified by pdfsig (openssl ts -verify accepts its token)
#   not-pdf, truncated: pdfsig finds no signature; qpdf --check fails
. "$TAMGA_ROOT/tests/lib.sh"
ORACLES=$TAMGA_SHARED/oracles
MKPDF=$TAMGA_ROOT/bench/mkpdf.py
ATK=$TAMGA_ROOT/tests/tools/pdf_attacks.py
CASES=$TAMGA_ROOT/tests/cli/pdf_verify.cases
start=$SECONDS
for t in python3 openssl qpdf pdfsig pdftotext certutil pk12util soffice; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
[ -f "$ATK" ] && [ -f "$CASES" ] || { not_ok "pdf_attacks.py and pdf_verify.cases are there"; exit 1; }
if "$TAMGA" verify --help > verify-help.txt 2>&1; then ok "tamga verify --help"
else not_ok "tamga verify exists (--help exits 0)"; sed 's/^/# /' verify-help.txt | head -5; fi

# make DESC FILE COMMAND... : run COMMAND, ok when it succeeds and FILE is not empty.
make_doc() {
    local desc=$1 file=$2; shift 2
    if "$@" > make.out 2>&1 && [ -s "$file" ]; then ok "made $file: $desc"
    else not_ok "made $file: $desc"; sed 's/^/# /' make.out | head -15; rm -f "$file"; fi
}
atk() { local kind=$1 in=$2 out=$3; shift 3; make_doc "$kind of $in" "$out" python3 "$ATK" "$kind" "$in" "$out" "$@"; }
# prefix IN OUT : IN is an exact prefix of OUT (an incremental update)
prefix() {
    [ -s "$1" ] && [ -s "$2" ] && cmp -s -n "$(stat -c %s "$1")" "$1" "$2" && [ "$(stat -c %s "$2")" -gt "$(stat -c %s "$1")" ] \
        && ok "$2 extends $1" || not_ok "$2 extends $1 (an incremental update)"
}
qcheck() { if [ -s "$1" ] && qpdf --check "$1" > qpdf.out 2>&1; then ok "qpdf --check $1"
           else not_ok "qpdf --check $1"; sed 's/^/# /' qpdf.out | tail -5; fi; }

# ------------------------------------------------------------ PKI
echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
export TAMGA_PASS='signer key passphrase'
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null \
    && ok "pki init (P-256)" || not_ok "pki init (P-256)"
"$TAMGA" pki init --dir carsa --key-type rsa3072 --org 'Other Agency PKI' --ca-pass-file ca.pass > /dev/null \
    && ok "pki init (RSA-3072, another organisation)" || not_ok "pki init (RSA-3072)"
issue() { "$TAMGA" pki issue --dir "$1" --ca-pass-file ca.pass --pass-file key.pass --cn "$2" --out "$3" "${@:4}" > "$3.issue" 2>&1 \
            && ok "issued $3 ($2)" || { not_ok "issued $3 ($2)"; sed 's/^/# /' "$3.issue"; }; }
issue ca 'Signer A' sa
issue ca 'Signer B' sb
issue ca 'Short-lived Signer' short --days 1
issue ca 'Revoked Signer' rv
issue carsa 'RSA Signer' rsa
# A signer certificate without digitalSignature/nonRepudiation (keyAgreement only),
# made by the openssl CLI with the tamga issuing CA's key.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout noku.key \
    -subj '/C=MN/O=Tamga Dev PKI/CN=No Key Usage Signer' -out noku.csr > openssl.log 2>&1
cat > noku.ext <<'EOF'
basicConstraints = CA:FALSE
keyUsage = critical, keyAgreement
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = 2.999.1
crlDistributionPoints = URI:http://127.0.0.1:8080/crl/issuing.crl
EOF
make_doc "openssl x509 -req by the issuing CA" noku.crt openssl x509 -req -in noku.csr -CA ca/issuing.crt \
    -CAkey ca/private/issuing.key -passin file:ca.pass -CAcreateserial -CAserial noku.srl -days 100 -sha256 \
    -extfile noku.ext -out noku.crt
# An attacker's self-signed certificate
make_doc "self-signed attacker certificate" evil.crt openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -nodes -keyout evil.key -out evil.crt -subj '/CN=Ministry of Finance/O=Attacker' -days 30
cp ca/crl/issuing.crl issuing.crl; cp ca/crl/root.crl root.crl
cp carsa/crl/issuing.crl rsa-issuing.crl; cp carsa/crl/root.crl rsa-root.crl
openssl pkcs12 -export -inkey rsa.key -passin file:key.pass -in rsa.crt -certfile rsa-chain.pem -name rsa \
    -out rsa.p12 -passout pass:p12-passphrase > /dev/null 2>&1 || not_ok "rsa.p12"

# verify options, used by the cases through eval
# shellcheck disable=SC2034
TRUST="--trust ca/root.crt"
CRLS="--crl issuing.crl --crl root.crl"
REVOKED_CRLS="--crl revoked.crl --crl root.crl"
OTHER_TRUST="--trust carsa/root.crt"
RSA_TRUST="--trust carsa/root.crt"
RSA_CRLS="--crl rsa-issuing.crl --crl rsa-root.crl"
LATER=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
BEFORE=2020-01-01T00:00:00Z
signer() { echo "--key $1.key --pass-file key.pass --cert $1.crt --chain $1-chain.pem"; }
# shellcheck disable=SC2046
sign() { local who=$1 out=$2 in=$3; shift 3
         make_doc "tamga sign ($who) $in" "$out" "$TAMGA" sign $(signer "$who") -q "$@" -o "$out" "$in"; }

# ------------------------------------------------------------ documents
python3 "$MKPDF" 1 plain.pdf
make_doc "a PDF with an AcroForm text field" form.pdf python3 "$ATK" form-pdf - form.pdf
qcheck form.pdf
sign sa approval.pdf plain.pdf
sign sb twice.pdf approval.pdf
sign short short.pdf plain.pdf
sign rv revoked.pdf plain.pdf
make_doc "tamga sign (no key usage) plain.pdf" noku.pdf "$TAMGA" sign --key noku.key --cert noku.crt \
    --chain sa-chain.pem -q -o noku.pdf plain.pdf
sign sa form-signed.pdf form.pdf
sign sa cert2.pdf plain.pdf --certify 2
"$TAMGA" pki revoke --dir ca --ca-pass-file ca.pass --cert rv.crt --reason keyCompromise > revoke.log 2>&1 \
    && "$TAMGA" pki crl --dir ca --ca-pass-file ca.pass --out revoked.crl >> revoke.log 2>&1 \
    && [ -s revoked.crl ] && ok "revoked the signer, new CRL" || { not_ok "revoked the signer, new CRL"; sed 's/^/# /' revoke.log; }
openssl crl -inform DER -in revoked.crl -noout -text 2>/dev/null | grep -qi "$(openssl x509 -in rv.crt -noout -serial | cut -d= -f2)" \
    && ok "openssl sees the serial in revoked.crl" || not_ok "openssl sees the serial in revoked.crl"

# byte surgery on approval.pdf
for k in contents-removed contents-empty contents-zeros byterange-removed byterange-zeros byterange-three \
         byterange-negative byterange-gap wrapping tamper-text tamper-middle; do
    atk "$k" approval.pdf "$k.pdf"
done
atk truncate approval.pdf truncated.pdf
atk not-pdf - not-pdf.pdf
cmp -s approval.pdf tamper-text.pdf && not_ok "tamper-text changed a byte" || ok "tamper-text changed a byte"
[ "$(cmp -l approval.pdf tamper-text.pdf 2>/dev/null | wc -l)" = 1 ] && ok "tamper-text changed exactly one byte" \
    || not_ok "tamper-text changed exactly one byte"
[ "$(cmp -l approval.pdf tamper-middle.pdf 2>/dev/null | wc -l)" = 1 ] && ok "tamper-middle changed exactly one byte" \
    || not_ok "tamper-middle changed exactly one byte"
for k in contents-removed contents-empty contents-zeros byterange-removed byterange-zeros byterange-three \
         byterange-negative byterange-gap tamper-text tamper-middle; do
    [ "$(stat -c %s "$k.pdf" 2>/dev/null)" = "$(stat -c %s approval.pdf)" ] && ok "$k keeps the length" || not_ok "$k keeps the length"
done
qcheck tamper-text.pdf
pdftotext tamper-text.pdf - 2>/dev/null | grep -q '^PAge 1 line 1' && ok "tamper-text: the page text changed" \
    || not_ok "tamper-text: the page text changed"
qpdf --check wrapping.pdf > qpdf.out 2>&1
has "wrapping: qpdf sees the second /ByteRange" qpdf.out 'duplicated key /ByteRange'
pdftotext wrapping.pdf wrapping.txt 2>/dev/null
has "wrapping: the attacker's text is what a reader shows" wrapping.txt 'PAY 1,000,000 MNT TO THE ATTACKER'

# incremental updates on signed files
atk isa-replace approval.pdf isa-replace.pdf
atk isa-add approval.pdf isa-add.pdf
qpdf --object-streams=generate plain.pdf objstm.pdf
sign sa objstm.signed.pdf objstm.pdf
atk isa-replace objstm.signed.pdf isa-objstm.pdf
tail -c +$(( $(stat -c %s objstm.signed.pdf 2>/dev/null || echo 0) + 1 )) isa-objstm.pdf > upd.txt 2>/dev/null
has "isa-objstm: the update has an xref stream like the file" upd.txt '/Type */XRef'
atk shadow-prepare plain.pdf shadow-prep.pdf
sign sa shadow-signed.pdf shadow-prep.pdf
atk shadow-hide shadow-signed.pdf shadow-hide.pdf
atk shadow-replace shadow-signed.pdf shadow-replace.pdf
atk hide-and-replace shadow-signed.pdf hide-and-replace.pdf
atk freetext cert2.pdf evil-annot.pdf
atk sneaky-sign cert2.pdf sneaky.pdf --key evil.key --cert evil.crt --text 'APPROVED - pay 1,000,000 MNT'
atk form-fill form-signed.pdf form-filled.pdf --value 'Bat-Erdene Dorj'
atk dss approval.pdf dss.pdf --cert sa-chain.pem --cert sa.crt --crl issuing.crl --crl root.crl
for p in "approval isa-replace" "approval isa-add" "objstm.signed isa-objstm" "shadow-signed shadow-hide" \
         "shadow-signed shadow-replace" "shadow-signed hide-and-replace" "cert2 evil-annot" "cert2 sneaky" \
         "form-signed form-filled" "approval dss" "approval twice" "plain shadow-prep"; do
    set -- $p; prefix "$1.pdf" "$2.pdf"; qcheck "$2.pdf"
done
for f in isa-replace shadow-hide hide-and-replace; do
    pdftotext "$f.pdf" "$f.txt" 2>/dev/null
    has "$f: a reader shows the attacker's text" "$f.txt" 'PAY 1,000,000 MNT TO THE ATTACKER'
done
pdftotext sneaky.pdf sneaky.txt 2>/dev/null
has "sneaky: a reader shows the sneaky signature's text" sneaky.txt 'APPROVED - pay 1,000,000 MNT'
qpdf --json form-filled.pdf > form.json 2>/dev/null
python3 -c 'import json,sys; j=json.load(open("form.json")); sys.exit(0 if any(f["value"]=="u:Bat-Erdene Dorj" for f in j["acroform"]["fields"]) else 1)' \
    && ok "qpdf reads the filled-in field value" || not_ok "qpdf reads the filled-in field value"
python3 - > dss.txt 2>&1 <<'PY'
import json, subprocess
j = json.loads(subprocess.run(["qpdf", "--json", "--json-key=qpdf", "dss.pdf"], capture_output=True).stdout)
objs = j["qpdf"][1]
root = j["qpdf"][1]["trailer"]["value"]["/Root"]
cat = objs["obj:" + root]["value"]
dss = objs["obj:" + cat["/DSS"]]["value"]
print("certs", len(dss.get("/Certs", [])), "crls", len(dss.get("/CRLs", [])))
PY
has "qpdf sees /DSS with 3 certificates and 2 CRLs" dss.txt '^certs 3 crls 2$'

# ------------------------------------------------------------ a TSA on 127.0.0.1: B-T and a document time-stamp
openssl pkey -in ca/private/tsa.key -passin file:ca.pass -out tsa.key 2>/dev/null
mkdir -p tsa
python3 "$TAMGA_ROOT/tests/tools/tsa_server.py" serve --cert ca/tsa.crt --key tsa.key --chain ca/issuing.crt --dir tsa \
    --port-file tsa.port > tsa.log 2>&1 &
tsa_pid=$!
trap 'kill $tsa_pid 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s tsa.port ] && break; sleep 0.1; done
port=$(cat tsa.port 2>/dev/null)
[ -n "$port" ] && ok "the TSA listens on 127.0.0.1:$port" || not_ok "the TSA started"
sign short bt.pdf plain.pdf --tsa "http://127.0.0.1:$port/"
atk doc-timestamp approval.pdf doc-ts.pdf --tsa-url "http://127.0.0.1:$port/"
kill $tsa_pid 2>/dev/null; wait $tsa_pid 2>/dev/null; trap - EXIT
prefix approval.pdf doc-ts.pdf; qcheck doc-ts.pdf
# the token in the time-stamp, checked by openssl ts -verify over the covered bytes
python3 - doc-ts.pdf > dts.log 2>&1 <<'PY'
import re, sys
d = open(sys.argv[1], "rb").read()
a, b, c, n = map(int, list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", d))[-1].groups())
raw = bytes.fromhex(d[a + b + 1:c - 1].decode())
ln = raw[1]
hl = 2
if ln & 0x80:
    k = ln & 0x7F; ln = int.from_bytes(raw[2:2 + k], "big"); hl += k
open("dts.tst", "wb").write(raw[:hl + ln])
open("dts.data", "wb").write(d[a:a + b] + d[c:c + n])
print("whole" if c + n == len(d) else "partial")
PY
has "the document time-stamp covers the whole file" dts.log '^whole$'
openssl ts -verify -in dts.tst -token_in -data dts.data -CAfile ca/root.crt -untrusted ca/issuing.crt > dts.txt 2>&1
has "openssl ts -verify accepts the document time-stamp" dts.txt '^Verification: OK'

# ------------------------------------------------------------ other producers
mkdir nssdb && certutil -N -d sql:nssdb --empty-password
pk12util -i rsa.p12 -d sql:nssdb -W p12-passphrase > pk12.log 2>&1 || sed 's/^/# pk12util: /' pk12.log
make_doc "pdfsig -add-signature (RSA, NSS)" by-pdfsig.pdf pdfsig -nssdir sql:nssdb -add-signature -nick rsa plain.pdf by-pdfsig.pdf
make_doc "LibreOffice (lo_sign.py)" by-lo.pdf /usr/bin/python3 "$ORACLES/lo_sign.py" --p12 rsa.p12 --pass p12-passphrase plain.pdf by-lo.pdf
atk isa-replace by-lo.pdf by-lo-isa.pdf
bash "$ORACLES/pdf_check.sh" --trust carsa/root.crt --cert carsa/issuing.crt --offline --no-qr by-pdfsig.pdf by-lo.pdf > producers.txt 2>&1
[ "$(grep -c '^sig1 signature: Signature is Valid\.$' producers.txt)" = 2 ] \
    && ok "pdfsig verifies the pdfsig- and LibreOffice-signed files" || { not_ok "pdfsig verifies the other producers' files"; sed 's/^/# /' producers.txt; }

# ------------------------------------------------------------ the table
cat > judge.py <<'PY'
"""judge.py REPORT.json VERDICT SIGS CHECKS: print what is wrong with the report; exit 1 if anything."""
import json, re, sys

path, verdict, sigs, checks = sys.argv[1:5]
bad = []
try:
    rep = json.load(open(path))
except Exception as e:
    print("the output is not JSON: %s" % e)
    sys.exit(1)
if not isinstance(rep, dict):
    print("one file: expected one report object, got %s" % type(rep).__name__)
    sys.exit(1)
for k in ("report_version", "file", "format", "sha256", "validation_time", "verdict", "signatures"):
    if k not in rep:
        bad.append("no %r in the report" % k)


def match(spec, value):
    if spec.startswith("!"):
        return not match(spec[1:], value)
    return spec == "*" or spec == value


if not match(verdict, rep.get("verdict")):
    bad.append("verdict %r, expected %s" % (rep.get("verdict"), verdict))
got = rep.get("signatures") or []
want = [] if sigs.strip() == "-" else sigs.split()
more = bool(want) and want[-1] == "..."
if more:
    want = want[:-1]
if len(got) < len(want) or (not more and len(got) != len(want)):
    bad.append("%d signatures, expected %s%d" % (len(got), "at least " if more else "", len(want)))
for i, (w, s) in enumerate(zip(want, got), 1):
    neg = w.startswith("!")
    ind, _, sub = w.lstrip("!").partition("/")
    gi, gs = s.get("indication"), s.get("subindication")
    ok = match(ind, gi) and (not sub or (gs is None if sub == "-" else gs == sub))
    if neg:
        ok = not ok
    if not ok:
        bad.append("signature %d: %s/%s, expected %s (errors %s)" % (i, gi, gs, w, s.get("errors")))
for c in checks.split():
    if c == "-":
        continue
    if c.startswith("doc.sub="):
        if str(rep.get("subindication")) != c[len("doc.sub="):]:
            bad.append("%s: document subindication %r" % (c, rep.get("subindication")))
        continue
    m = re.fullmatch(r"sig(\d+|last)\.(\w+)(?:=(.*))?", c) or re.fullmatch(r"(last)\.(\w+)(?:=(.*))?", c)
    if not m:
        bad.append("bad check %r in the case table" % c)
        continue
    n, what, val = m.groups()
    if not got:
        bad.append("%s: no signature" % c)
        continue
    try:
        s = got[-1] if n == "last" else got[int(n) - 1]
    except IndexError:
        bad.append("%s: no signature %s" % (c, n))
        continue
    if what in ("integrity", "whole"):
        key = "integrity" if what == "integrity" else "covers_whole_document"
        if s.get(key) is not (val == "true"):
            bad.append("%s: %s is %r" % (c, key, s.get(key)))
    elif what == "revocation":
        st = (s.get("revocation") or {}).get("status")
        if st != val:
            bad.append("%s: revocation status %r" % (c, st))
    elif what in ("mod", "nomod"):
        kind, _, allowed = val.rpartition(":")
        mods = s.get("modifications") or []
        hit = [x for x in mods if re.fullmatch(kind, str(x.get("kind"))) and x.get("allowed") is (allowed == "true")]
        if what == "mod" and not hit:
            bad.append("%s: no such modification in %s" % (c, json.dumps(mods)))
        if what == "nomod" and hit:
            bad.append("%s: found %s" % (c, json.dumps(hit)))
    elif what == "errors":
        if not s.get("errors"):
            bad.append("%s: errors[] is empty" % c)
    else:
        bad.append("unknown check %r" % c)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

ncases=0
while IFS= read -r line; do
    case $line in ''|'#'*) continue ;; esac
    IFS=$'\x1f' read -r id file opts want verdict sigs checks <<< "${line// | /$'\x1f'}"
    trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
    id=$(trim "$id"); file=$(trim "$file"); opts=$(trim "$opts"); want=$(trim "$want")
    verdict=$(trim "$verdict"); sigs=$(trim "$sigs"); checks=$(trim "$checks")
    ncases=$((ncases + 1))
    if [ ! -s "$file" ]; then not_ok "$id: $file was not produced"; continue; fi
    eval "args=($opts)"
    "$TAMGA" verify "${args[@]}" --format json "$file" > "case-$id.json" 2> "case-$id.err"
    rc=$?
    problems=()
    [[ "|$want|" == *"|$rc|"* ]] || problems+=("exit $rc, expected $want")
    if ! python3 judge.py "case-$id.json" "$verdict" "$sigs" "${checks:--}" > judge.out 2>&1; then
        while IFS= read -r p; do problems+=("$p"); done < judge.out
    fi
    if [ ${#problems[@]} -eq 0 ]; then ok "$id: $file -> $verdict ($sigs)"
    else
        not_ok "$id: $file -> expected $verdict ($sigs)"
        printf '# %s\n' "${problems[@]}" | head -12
        echo "# tamga verify ${args[*]} --format json $file"
        sed 's/^/# stderr: /' "case-$id.err" | head -5
    fi
done < "$CASES"
[ "$ncases" -ge 40 ] && ok "the table has $ncases cases" || not_ok "the table has only $ncases cases"

# ------------------------------------------------------------ text output
# shellcheck disable=SC2086
expect 0 "text: two good signatures" "$TAMGA" verify $TRUST $CRLS --offline --format text twice.pdf
[ "$(grep -c 'TOTAL-PASSED' out.txt)" -ge 2 ] && ok "text: a line per signature says TOTAL-PASSED" \
    || { not_ok "text: a line per signature says TOTAL-PASSED"; sed 's/^/# /' out.txt | head; }
hasnt "text: nothing failed" out.txt 'TOTAL-FAILED|INDETERMINATE'
# shellcheck disable=SC2086
expect 1 "text: the incremental saving attack" "$TAMGA" verify $TRUST $CRLS --offline --format text isa-replace.pdf
has "text: TOTAL-FAILED with HASH_FAILURE on one line" out.txt 'TOTAL-FAILED.*HASH_FAILURE|HASH_FAILURE.*TOTAL-FAILED'
# shellcheck disable=SC2086
expect 2 "text: an untrusted root" "$TAMGA" verify $OTHER_TRUST $CRLS --offline --format text approval.pdf
has "text: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND" out.txt 'INDETERMINATE.*NO_CERTIFICATE_CHAIN_FOUND'
cat out.txt err.txt > both.txt
has "text: the message names the CA that is missing" both.txt 'Tamga Dev PKI (Root|Issuing) CA'
# shellcheck disable=SC2086
expect 0 "the default format is text" "$TAMGA" verify $TRUST $CRLS --offline approval.pdf
has "text by default: TOTAL-PASSED" out.txt 'TOTAL-PASSED'
python3 -c 'import json,sys; json.load(open("out.txt"))' 2>/dev/null && not_ok "the default output is not JSON" \
    || ok "the default output is not JSON"

# ------------------------------------------------------------ batch
# batch EXPECTED-RC DESC FILE... : several files, one JSON array in the files' order
batch() {
    local want=$1 desc=$2; shift 2
    # shellcheck disable=SC2086
    expect "$want" "batch: $desc (exit $want)" "$TAMGA" verify $TRUST $CRLS --offline --format json "$@"
    if python3 - "$@" > batch.out 2>&1 <<'PY'
import json, os, sys
rep = json.load(open("out.txt"))
files = sys.argv[1:]
assert isinstance(rep, list), "not an array: %s" % type(rep).__name__
assert len(rep) == len(files), "%d reports for %d files" % (len(rep), len(files))
for r, f in zip(rep, files):
    assert os.path.basename(str(r.get("file"))) == os.path.basename(f), "report for %r where %r was expected" % (r.get("file"), f)
    assert "verdict" in r and "signatures" in r, "report for %s lacks verdict/signatures" % f
PY
    then ok "batch: $desc: a JSON array, one report per file, in order"
    else not_ok "batch: $desc: a JSON array, one report per file, in order"; sed 's/^/# /' batch.out | head -5; fi
}
batch 0 "two good files" approval.pdf twice.pdf
batch 2 "good and indeterminate" approval.pdf noku.pdf
batch 1 "good and failed" approval.pdf isa-replace.pdf
batch 1 "indeterminate and failed: failed wins" noku.pdf isa-replace.pdf approval.pdf
batch 1 "a non-PDF among them is a failed report, not an error" approval.pdf not-pdf.pdf
# shellcheck disable=SC2086
expect 3 "a file that does not exist is an I/O error" "$TAMGA" verify $TRUST --offline --format json no-such-file.pdf
expect 3 "an unknown option is a usage error" "$TAMGA" verify --no-such-option approval.pdf
expect 3 "an unknown format is a usage error" "$TAMGA" verify $TRUST --format yaml approval.pdf
expect 3 "a bad --at is a usage error" "$TAMGA" verify $TRUST --at 'next tuesday' approval.pdf
echo "# pdf_verify: $ncases cases, $((SECONDS - start)) s"
