#!/bin/bash
# tests/cli/verify_cli.sh - the `tamga verify` command's contract that does
# not depend on a signature: usage errors (exit 3), reports for documents
# that are not signed or not documents at all (exit 1, FORMAT_FAILURE /
# NO-SIGNATURE), batch JSON (an array, the worst status), --quiet.  The
# signature cases are tests/cli/pdf_verify.sh.
. "$TAMGA_ROOT/tests/lib.sh"

export TAMGA_CA_PASS=ca-passphrase-1 TAMGA_PASS=signer-pass-1
"$TAMGA" pki init --dir ca --org "Verify CLI" > /dev/null 2>&1 || not_ok "pki init"
python3 "$TAMGA_ROOT/bench/mkpdf.py" 1 plain.pdf
printf 'hello, not a PDF\n' > text.txt
: > empty.pdf
head -c 300 plain.pdf > truncated.pdf

# json_get FILE EXPR : evaluate a Python expression over the parsed JSON `j`.
json_get() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# jcheck DESC FILE EXPR WANT
jcheck() {
    local got
    got=$(json_get "$2" "$3" 2>&1)
    if [ "$got" = "$4" ]; then ok "$1"; else not_ok "$1 (got '$got', want '$4')"; fi
}

expect 0 "--help exits 0" "$TAMGA" verify --help
has "--help names the exit statuses" out.txt 'Exit status: 0 every signature TOTAL-PASSED'
expect 3 "no file is a usage error" "$TAMGA" verify --trust ca/root.crt
has "says what is missing" err.txt 'give the documents to verify'
expect 3 "no trust anchor is a usage error" "$TAMGA" verify plain.pdf
has "says that nothing is trusted by default" err.txt 'trusts nothing by default'
expect 3 "a bad --at is a usage error" "$TAMGA" verify --trust ca/root.crt --at yesterday plain.pdf
has "--at error names the option" err.txt '^tamga verify: --at'
expect 3 "a bad --format is a usage error" "$TAMGA" verify --trust ca/root.crt --format xml plain.pdf
expect 3 "an unreadable trust file is an error" "$TAMGA" verify --trust nonexistent.pem plain.pdf
has "names the trust file" err.txt 'nonexistent.pem'
expect 3 "a missing document is an I/O error" "$TAMGA" verify --trust ca/root.crt nonexistent.pdf
has "names the document" err.txt 'nonexistent.pdf'

expect 1 "an unsigned PDF is exit 1" "$TAMGA" verify --trust ca/root.crt --format json plain.pdf
jcheck "unsigned PDF: NO-SIGNATURE" out.txt 'j["verdict"]' NO-SIGNATURE
jcheck "unsigned PDF: format pdf" out.txt 'j["format"]' pdf
jcheck "unsigned PDF: no signatures" out.txt 'len(j["signatures"])' 0
jcheck "report_version 1" out.txt 'j["report_version"]' 1
want=$(sha256sum plain.pdf | cut -d' ' -f1)
jcheck "sha256 of the document (sha256sum)" out.txt 'j["sha256"]' "$want"

expect 1 "a text file is exit 1, not 3" "$TAMGA" verify --trust ca/root.crt --format json text.txt
jcheck "not a document: TOTAL-FAILED" out.txt 'j["verdict"]' TOTAL-FAILED
jcheck "not a document: FORMAT_FAILURE" out.txt 'j["subindication"]' FORMAT_FAILURE
jcheck "not a document: format null" out.txt 'j["format"]' None
jcheck "not a document: an error says why" out.txt 'len(j["errors"]) > 0' True
expect 1 "an empty file is exit 1" "$TAMGA" verify --trust ca/root.crt --format json empty.pdf
jcheck "empty: FORMAT_FAILURE" out.txt 'j["subindication"]' FORMAT_FAILURE
expect 1 "a truncated PDF is exit 1" "$TAMGA" verify --trust ca/root.crt --format json truncated.pdf
jcheck "truncated: TOTAL-FAILED" out.txt 'j["verdict"]' TOTAL-FAILED
jcheck "truncated: FORMAT_FAILURE" out.txt 'j["subindication"]' FORMAT_FAILURE

expect 1 "text report of an unreadable file" "$TAMGA" verify --trust ca/root.crt truncated.pdf
has "text: the file's verdict on the first line" out.txt '^truncated.pdf: TOTAL-FAILED/FORMAT_FAILURE'

expect 1 "batch: worst status wins (1 over 0/2)" "$TAMGA" verify --trust ca/root.crt --format json plain.pdf text.txt
jcheck "batch: a JSON array of two reports" out.txt 'len(j)' 2
jcheck "batch: reports in argument order" out.txt '[r["file"] for r in j]' "['plain.pdf', 'text.txt']"
expect 3 "batch: an I/O error wins" "$TAMGA" verify --trust ca/root.crt --format json plain.pdf nonexistent.pdf
jcheck "batch with a missing file: still valid JSON" out.txt 'len(j)' 1

expect 1 "--quiet" "$TAMGA" verify --trust ca/root.crt -q plain.pdf
if [ -s out.txt ]; then not_ok "--quiet prints nothing"; else ok "--quiet prints nothing"; fi
