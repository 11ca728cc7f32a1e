#!/bin/bash
# bench/load.sh - tamgad's verify role under load, on loopback only:
#   GET  /v/{code}        the citizen's page (registry lookup + HTML)
#   POST /api/v1/verify   a signed one-page PDF verified (offline, CRLs given)
# with wrk: requests per second, latency percentiles (50/75/90/99), errors
# (non-2xx and socket errors must be zero), and tamgad's memory: resident
# set before and after each run and the peak (VmHWM).  Re-runnable:
#   make bench-load       (or BUILD=dir bash bench/load.sh after make)
# Knobs: LOAD_SECONDS (default 10), LOAD_CONNECTIONS (16), LOAD_THREADS (2),
# TAMGAD_THREADS (4).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SECS=${LOAD_SECONDS:-10}
CONNS=${LOAD_CONNECTIONS:-16}
WTHREADS=${LOAD_THREADS:-2}
command -v wrk > /dev/null || { echo "bench/load.sh: wrk is not installed (scripts/deps.sh test)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/tamga-load.XXXXXX")
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT
echo 'load benchmark CA passphrase' > "$T/pass"
"$BUILD/bin/tamga" pki init --dir "$T/ca" --ca-pass-file "$T/pass" > /dev/null
"$BUILD/bin/tamga" pki issue --dir "$T/ca" --ca-pass-file "$T/pass" --no-encrypt --cn "Load Agency" --out "$T/a" \
    > /dev/null 2>&1
token=$("$BUILD/bin/tamga" registry token add --data "$T/data" --agency "Load Agency" --key "$T/a.key" \
        --cert "$T/a.crt" --chain "$T/a-chain.pem" 2> /dev/null | tail -n 1)
python3 bench/mkpdf.py 1 "$T/doc.pdf"

# start ROLE ARGS...: tamgad on a free port; prints its URL, appends its PID
start() {
    "$BUILD/bin/tamgad" --listen 127.0.0.1:0 --threads "${TAMGAD_THREADS:-4}" "$@" 2> "$T/$2.log" &
    PIDS+=($!)
    for _ in $(seq 200); do
        url=$(sed -n 's/^listening on //p' "$T/$2.log" | head -1)
        [ -n "$url" ] && break
        sleep 0.05
    done
    [ -n "$url" ] || { cat "$T/$2.log" >&2; exit 1; }
}
start --role sign --data "$T/data" --verify-url http://127.0.0.1
sign_url=$url
start --role verify --data "$T/data" --trust "$T/ca/root.crt" --crl "$T/ca/crl/root.crl" \
    --crl "$T/ca/crl/issuing.crl" --offline
verify_url=$url
verify_pid=${PIDS[1]}
code=$(curl -sf -o "$T/signed.pdf" -D - -H "Authorization: Bearer $token" -H 'Content-Type: application/pdf' \
       --data-binary @"$T/doc.pdf" "$sign_url/api/v1/sign?title=Load" | tr -d '\r' |
       sed -n 's/^[Xx]-[Dd]ocument-[Cc]ode: //p' | tr -d '-')
[ -n "$code" ] || { echo "bench/load.sh: signing failed" >&2; exit 1; }

mem() { awk '/^VmRSS|^VmHWM/ { printf "%s %d MiB  ", $1, $2 / 1024 }' "/proc/$verify_pid/status"; }
cat > "$T/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/pdf"
local f = assert(io.open(os.getenv("LOAD_DOC"), "rb"))
wrk.body = f:read("*a")
f:close()
LUA
# run NAME URL [wrk args]: one wrk run, summarised on one line
run() {
    local name=$1 url=$2; shift 2
    local before after out
    before=$(mem)
    out=$(LOAD_DOC="$T/signed.pdf" wrk -t"$WTHREADS" -c"$CONNS" -d"${SECS}s" --latency "$@" "$url")
    after=$(mem)
    echo "$out" > "$T/run.wrk"
    python3 - "$name" "$T/run.wrk" <<'PY'
import re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M))
total = re.search(r"(\d+) requests in", text).group(1)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sock = re.search(r"Socket errors: (.*)", text)
print("%-22s %8s req/s  p50 %-8s p75 %-8s p90 %-8s p99 %-8s  %s requests, non-2xx %s, socket errors %s"
      % (name, rps, pct.get("50"), pct.get("75"), pct.get("90"), pct.get("99"), total,
         non2xx.group(1) if non2xx else 0, sock.group(1) if sock else "none"))
sys.exit(1 if non2xx or sock else 0)
PY
    echo "    tamgad memory before: $before"
    echo "    tamgad memory after:  $after"
}
echo "tamgad verify role, $(nproc) cores, wrk -t$WTHREADS -c$CONNS -d${SECS}s, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
rc=0
run "GET /v/{code}" "$verify_url/v/$code" || rc=1
run "GET /v/{code} (again)" "$verify_url/v/$code" || rc=1
run "POST /api/v1/verify" "$verify_url/api/v1/verify" -s "$T/post.lua" || rc=1
run "POST /api/v1/verify (again)" "$verify_url/api/v1/verify" -s "$T/post.lua" || rc=1
echo "(memory is bounded when the second run of each does not raise VmHWM much over the first)"
exit $rc
