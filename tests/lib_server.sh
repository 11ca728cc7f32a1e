# tests/lib_server.sh - helpers for tests that run tamgad (sourced after
# tests/lib.sh): start roles on 127.0.0.1 port 0 and learn their URL, stop
# every started process by PID on exit, curl with status and headers.
TAMGAD=$TAMGA_BUILD/bin/tamgad

PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done; }
trap cleanup EXIT

# start NAME ARGS... : run tamgad in the background, wait for its address;
# sets NAME_pid and NAME_url (empty when it did not come up).
start() {
    local name=$1 pid url="" i; shift
    "$TAMGAD" "$@" 2> "$name.log" &
    pid=$!
    PIDS+=("$pid")
    for i in $(seq 200); do
        url=$(sed -n 's/^listening on //p' "$name.log" | head -1)
        [ -n "$url" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    printf -v "${name}_pid" %s "$pid"
    printf -v "${name}_url" %s "$url"
}

# http OUT ARGS... : curl, body in OUT, headers in OUT.h, status printed
http() { local out=$1; shift; curl -s -o "$out" -D "$out.h" -w '%{http_code}' "$@"; }
# header FILE NAME : a response header's value
header() { tr -d '\r' < "$1.h" | awk -v n="$(echo "$2" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == n { sub(/^[^:]*: /, ""); print; exit }'; }
# status_is DESC WANT GOT
status_is() { if [ "$3" = "$2" ]; then ok "$1"; else not_ok "$1 (status $3, expected $2)"; fi; }
# json FILE EXPR : evaluate a python expression over the JSON document j
json() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>&1; }

