# tests/cli/demo.sh - the README's first command (make demo) works: the
# demo script runs start to finish against this build with DEMO_WAIT=0 (it
# stops the service it started) on free loopback ports, and shows what it
# promises.  The demo checks its own expectations too (QR code = the
# Location URL, the edited copy fails, tamga check exits 1 for the revoked
# document, the signed DOCX comes back as a DOCX and its citizen page says
# valid) and exits non-zero when one does not hold.
. "$TAMGA_ROOT/tests/lib.sh"

port=$(python3 -c 'import socket
for _ in range(50):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1)); print(p); break
    except OSError:
        pass
    finally:
        a.close(); b.close()')
expect 0 "make demo's script runs to the end (DEMO_WAIT=0, port $port)" \
    env DEMO_WAIT=0 DEMO_PORT="$port" bash "$TAMGA_ROOT/scripts/demo.sh" "$TAMGA_BUILD"
mv out.txt demo.out
has "the verify role's health" demo.out 'both roles answer /healthz'
has "a document was signed through the API" demo.out '^  HTTP 201$'
has "the bank's verify: TOTAL-PASSED with the registry" demo.out "registry: valid at http://127.0.0.1:$port \(this is the registered copy\)"
has "the edited copy: TOTAL-FAILED" demo.out 'letter-edited.pdf: TOTAL-FAILED'
has "tamga check: the revoked reference" demo.out ': revoked$'
has "the audit chain" demo.out '^5 entries, chain intact, head 5:[0-9a-f]{64}$'
has "the citizen's URL is printed" demo.out "citizen's page \(Mongolian\):  http://127.0.0.1:$port/v/[0-9A-Z]{17}$"
has "the caption in Mongolian" demo.out 'Улсын бүртгэлийн ерөнхий газар'
# the DOCX step: signed through the API, returned as a DOCX, verified, its page valid
n=$(grep -c '^  HTTP 201$' demo.out)
[ "$n" = 3 ] && ok "three documents signed through the API (two PDFs, a DOCX)" || not_ok "three documents signed through the API ($n)"
has "the DOCX comes back as a DOCX" demo.out \
    '^  Content-Type: application/vnd\.openxmlformats-officedocument\.wordprocessingml\.document$'
has "... named CODE.docx" demo.out '^  Content-Disposition: attachment; filename="?[0-9A-Z]{17}\.docx"?$'
has "the bank's verify of the DOCX: TOTAL-PASSED, XAdES" demo.out 'reference-signed\.docx: TOTAL-PASSED \(1 signature\)'
has "... at level XAdES-B-B" demo.out '^      level: +XAdES-B-B$'
has "the DOCX's citizen page says valid" demo.out "^  http://127\.0\.0\.1:$port/v/[0-9A-Z]{17}  says ХҮЧИНТЭЙ \(valid\)$"
has "the DOCX's citizen URL is printed at the end" demo.out "Word document \(DOCX\): +http://127\.0\.0\.1:$port/v/[0-9A-Z]{17}$"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then not_ok "the service was stopped (DEMO_WAIT=0)"
else ok "the service was stopped (DEMO_WAIT=0)"; fi
